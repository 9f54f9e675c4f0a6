package sandbox

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
	"tessera/backend/store"
)

// newCostEnv is newFEnv with options for the fake (resources, plan limit).
func newCostEnv(t *testing.T, fakeOpts []e2btest.Option, tweak ...func(*Config)) *fenv {
	t.Helper()
	clock := e2btest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	fake := e2btest.New(t, append([]e2btest.Option{e2btest.WithClock(clock)}, fakeOpts...)...)
	ecfg := fake.Config("e2b_test_key")
	client, err := e2b.New(ecfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &fenv{t: t, ctx: ctx, clock: clock, fake: fake, client: client, st: st, rec: events.NewRecorder()}
	e.cfg = testConfig(LazyClient(func(context.Context) (e2b.Config, error) { return ecfg, nil }), st, e.rec, clock.Now, tweak)
	e.m = NewManager(e.cfg)
	t.Cleanup(e.m.Close)
	return e
}

// run advances the shared clock in steps, ticking after each.
func (e *fenv) run(total, step time.Duration, each func()) {
	for d := time.Duration(0); d < total; d += step {
		e.clock.Advance(step)
		e.m.Tick(e.ctx)
		if each != nil {
			each()
		}
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCostCountsWhatTheSandboxHas(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cpus, memMB int
	}{{"default template", 2, 512}, {"bigger template", 4, 2048}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCostEnv(t, []e2btest.Option{e2btest.WithResources(tc.cpus, tc.memMB)})
			p := e.project("cost")
			h := e.ensure(p.ID)
			e.run(10*time.Minute, 15*time.Second, func() { e.m.Touch(p.ID) })
			if err := e.m.Pause(e.ctx, p.ID); err != nil {
				t.Fatal(err)
			}
			secs := e.fake.RunningSeconds(h.SandboxID)
			c, err := e.m.Cost(e.ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !c.Known || c.CPUCount != tc.cpus || c.MemoryMB != tc.memMB {
				t.Fatalf("resources %+v", c)
			}
			if !near(float64(c.Today.RunningSeconds), secs, 1) || c.Today.VCPUSeconds != c.Today.RunningSeconds*int64(tc.cpus) ||
				c.Today.MemMiBSeconds != c.Today.RunningSeconds*int64(tc.memMB) {
				t.Fatalf("today %+v, fake ran %.0f s", c.Today, secs)
			}
			want := secs * (float64(tc.cpus)*DefaultPrices.VCPUSecond + float64(tc.memMB)/1024*DefaultPrices.GiBSecond)
			if !near(c.Today.USD, want, want/100) || c.Month.USD != c.Today.USD || len(c.Days) != 1 {
				t.Fatalf("cost %+v, want about $%.5f", c, want)
			}
			if st := e.m.Status(p.ID); !near(st.TodayUSD, c.Today.USD, 1e-9) || !near(st.MonthUSD, c.Month.USD, 1e-9) {
				t.Fatalf("status %+v vs cost %+v", st.Extra, c.Today)
			}
		})
	}
}

func TestCostUsesThePricesFromSettings(t *testing.T) {
	prices := Prices{VCPUSecond: 0.01, GiBSecond: 0.02}
	e := newCostEnv(t, nil, func(c *Config) { c.Prices = func(context.Context) Prices { return prices } })
	p := e.project("p")
	e.ensure(p.ID)
	e.run(2*time.Minute, 15*time.Second, func() { e.m.Touch(p.ID) })
	c, _ := e.m.Cost(e.ctx, p.ID)
	want := float64(c.Today.RunningSeconds) * (2*0.01 + 0.5*0.02)
	if c.Prices != prices || !near(c.Today.USD, want, 1e-9) || c.Today.RunningSeconds < 100 {
		t.Fatalf("%+v, want $%.4f", c, want)
	}
}

func TestBudgetPausesAndSaysSo(t *testing.T) {
	// $0.03 a second (2 vCPU, 512 MiB at these prices): $3 is 100 s.
	e := newCostEnv(t, nil, func(c *Config) {
		c.Prices = func(context.Context) Prices { return Prices{VCPUSecond: 0.01, GiBSecond: 0.02} }
	})
	p := e.project("budget")
	for _, bad := range []float64{-1, math.NaN(), math.Inf(1), MaxBudgetUSD + 1} {
		if err := e.m.SetBudget(e.ctx, p.ID, bad); !apperr.Is(err, apperr.Invalid) || apperr.MessageOf(err) == "" {
			t.Fatalf("budget %v: %v", bad, err)
		}
	}
	if b, _ := e.st.Budget(e.ctx, p.ID); b != 0 {
		t.Fatalf("a refused budget was saved: %v", b)
	}
	if err := e.m.SetBudget(e.ctx, p.ID, 3); err != nil {
		t.Fatal(err)
	}
	h := e.ensure(p.ID)
	e.run(5*time.Minute, 5*time.Second, func() { e.m.Touch(p.ID) })
	if e.state(h.SandboxID) != "paused" {
		t.Fatalf("sandbox %s after spending past the budget", e.state(h.SandboxID))
	}
	secs := e.fake.RunningSeconds(h.SandboxID)
	if secs < 100 || secs > 110 {
		t.Fatalf("ran %.0f s; the budget is 100 s", secs)
	}
	st := e.m.Status(p.ID)
	if st.State != StatePaused || st.BudgetNote == "" || st.BudgetUSD != 3 || st.MonthUSD < 3 {
		t.Fatalf("status %+v", st)
	}
	// The next use is refused with the same sentence, nothing resumed.
	resumes := e.fake.Counts().Resumes
	_, err := e.m.Ensure(e.ctx, p.ID, "")
	if !apperr.Is(err, apperr.Conflict) || apperr.MessageOf(err) != e.m.Status(p.ID).BudgetNote {
		t.Fatalf("Ensure over budget: %v", err)
	}
	if e.fake.Counts().Resumes != resumes || e.state(h.SandboxID) != "paused" {
		t.Fatal("a sandbox over budget was resumed")
	}
	// Raising the budget lets work go on.
	if err := e.m.SetBudget(e.ctx, p.ID, 10); err != nil {
		t.Fatal(err)
	}
	if st := e.m.Status(p.ID); st.BudgetNote != "" {
		t.Fatalf("note kept after raising the budget: %q", st.BudgetNote)
	}
	e.ensure(p.ID)
	if e.state(h.SandboxID) != "running" {
		t.Fatal("not resumed after raising the budget")
	}
	// No budget: never paused for money.
	if err := e.m.SetBudget(e.ctx, p.ID, 0); err != nil {
		t.Fatal(err)
	}
	e.run(5*time.Minute, 15*time.Second, func() { e.m.Touch(p.ID) })
	if e.state(h.SandboxID) != "running" {
		t.Fatal("paused without a budget")
	}
}

func TestMetricsForTheChart(t *testing.T) {
	e := newCostEnv(t, []e2btest.Option{e2btest.WithResources(8, 4096)})
	p := e.project("m")
	if ms, err := e.m.Metrics(e.ctx, p.ID, 10*time.Minute); err != nil || len(ms) != 0 {
		t.Fatalf("no sandbox: %v %v", ms, err)
	}
	e.ensure(p.ID)
	e.clock.Advance(time.Minute)
	ms, err := e.m.Metrics(e.ctx, p.ID, 30*time.Second)
	if err != nil || len(ms) < 6 || len(ms) > 7 {
		t.Fatalf("%d samples, %v", len(ms), err)
	}
	for _, s := range ms {
		if s.CPUCount != 8 || s.MemTotalMB != 4096 || s.MemUsedMB <= 0 {
			t.Fatalf("%+v", s)
		}
	}
	if c, _ := e.m.Cost(e.ctx, p.ID); c.CPUCount != 8 || c.MemoryMB != 4096 {
		t.Fatalf("metrics did not teach the resources: %+v", c)
	}
}

func TestCostSplitsAtMidnight(t *testing.T) {
	e := newCostEnv(t, []e2btest.Option{e2btest.WithResources(4, 1024)})
	p := e.project("late")
	e.clock.Set(time.Date(2026, 3, 2, 23, 55, 0, 0, time.UTC))
	e.ensure(p.ID)
	e.run(10*time.Minute, 15*time.Second, func() { e.m.Touch(p.ID) })
	c, err := e.m.Cost(e.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Days) != 2 || c.Days[0].Day != "2026-03-02" || c.Days[1].Day != "2026-03-03" {
		t.Fatalf("days %+v", c.Days)
	}
	if c.Days[0].RunningSeconds != 300 || c.Days[0].VCPUSeconds != 1200 || c.Days[0].MemMiBSeconds != 300*1024 {
		t.Fatalf("the evening %+v", c.Days[0])
	}
	if c.Today != c.Days[1] || !near(float64(c.Today.RunningSeconds), 300, 1) {
		t.Fatalf("today %+v vs %+v", c.Today, c.Days[1])
	}
	// Same month: both days count towards it.
	if c.Month.RunningSeconds != c.Days[0].RunningSeconds+c.Days[1].RunningSeconds {
		t.Fatalf("month %+v", c.Month)
	}
}
