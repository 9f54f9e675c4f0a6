package sandbox

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
	"tessera/backend/store"
)

// These tests drive the manager through the real E2B client against the
// faithful fake (e2btest), whose clock is the manager's clock.

type fenv struct {
	t      *testing.T
	ctx    context.Context
	clock  *e2btest.Clock
	fake   *e2btest.Fake
	client *e2b.Client
	st     *store.Store
	rec    *events.Recorder
	cfg    Config
	m      *Manager
}

func newFEnv(t *testing.T, tweak ...func(*Config)) *fenv {
	t.Helper()
	clock := e2btest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	fake := e2btest.New(t, e2btest.WithClock(clock))
	ecfg := fake.Config("e2b_test_key")
	// A FaultTimeout costs one RequestTimeout per attempt; keep it short.
	ecfg.RequestTimeout = 300 * time.Millisecond
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

func (e *fenv) restart() {
	e.m.Close()
	e.m = NewManager(e.cfg)
	e.t.Cleanup(e.m.Close)
}

func (e *fenv) project(name string) store.Project {
	e.t.Helper()
	p, err := e.st.CreateProject(e.ctx, store.NewProject{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *fenv) ensure(pid string) *Handle {
	e.t.Helper()
	h, err := e.m.Ensure(e.ctx, pid, "")
	if err != nil {
		e.t.Fatalf("Ensure: %v", err)
	}
	return h
}

func (e *fenv) state(id string) string {
	s, _ := e.fake.Sandbox(id)
	return s
}

// projectFiles is the sandbox's project folder at the fake.
func (e *fenv) projectFiles(id string) map[string]string {
	out := map[string]string{}
	for p, b := range e.fake.Files(id) {
		if strings.HasPrefix(p, DefaultRoot+"/") {
			out[p] = string(b)
		}
	}
	return out
}

func (e *fenv) failNext(endpoint string, n int, kind e2btest.FaultKind) {
	base := e.fake.Calls(endpoint)
	for i := 1; i <= n; i++ {
		e.fake.FailNth(endpoint, base+i, kind)
	}
}

// liveFor lists the project's sandboxes the fake still has.
func (e *fenv) liveFor(pid string) []string {
	var out []string
	for _, id := range e.fake.IDs() {
		info, ok := e.fake.Info(id)
		if ok && info.State != "killed" && info.Metadata[MetaProject] == pid {
			out = append(out, id)
		}
	}
	return out
}

const installLine = "mkdir -p .deps && echo rich > .deps/rich.txt"

func TestFakeE2BLifecycle(t *testing.T) {
	e := newFEnv(t)
	p := e.project("demo")

	// none → starting → rebuilding → running
	h1 := e.ensure(p.ID)
	if err := keepFiles(e.ctx, e.st, e.m, e.ensure(p.ID), []store.File{{Path: "app.py", Content: "print('hi')\n"}, {Path: "data/in.csv", Content: "a,b\n1,2\n"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Install(e.ctx, e.ensure(p.ID), installLine, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/home/user/app.py":         "print('hi')\n",
		"/home/user/data/in.csv":    "a,b\n1,2\n",
		"/home/user/.deps/rich.txt": "rich\n",
	}
	if got := e.projectFiles(h1.SandboxID); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %v", got)
	}
	// The handle's envd client is confined to the project folder.
	if b, err := e.client.Envd(h1.Sandbox).WithRoot(h1.Root).ReadFile(e.ctx, "app.py"); err != nil || string(b) != "print('hi')\n" {
		t.Fatalf("envd read = %q, %v", b, err)
	}
	info, _ := e.fake.Info(h1.SandboxID)
	if info.Metadata[MetaApp] != AppName || info.Metadata[MetaProject] != p.ID || !info.AutoPause ||
		!info.EndAt.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("created %+v", info)
	}

	// running → pausing → paused, across an app restart → resuming → running
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if e.state(h1.SandboxID) != "paused" {
		t.Fatal("not paused")
	}
	e.restart()
	if err := e.m.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	h2 := e.ensure(p.ID)
	if h2.SandboxID != h1.SandboxID || !h2.Resumed || e.fake.Counts().Resumes != 1 {
		t.Fatalf("resume: %+v counts %+v", h2, e.fake.Counts())
	}

	// lost at E2B (404) → starting → rebuilding → running, files identical
	e.fake.Expire(h2.SandboxID)
	e.clock.Advance(2 * time.Minute)
	h3 := e.ensure(p.ID)
	if h3.SandboxID == h1.SandboxID || !h3.Rebuilt {
		t.Fatalf("rebuild: %+v", h3)
	}
	if got := e.projectFiles(h3.SandboxID); !reflect.DeepEqual(got, want) {
		t.Fatalf("rebuilt files = %v, want %v", got, want)
	}
	if got := e.fake.Counts().Creates; got != 2 {
		t.Fatalf("creates = %d", got)
	}

	// restart (kill + fresh + rebuild), then delete-project kill
	if err := e.m.Restart(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	h4 := e.ensure(p.ID)
	if h4.SandboxID == h3.SandboxID || e.state(h3.SandboxID) != "killed" {
		t.Fatal("restart kept the old sandbox")
	}
	if got := e.projectFiles(h4.SandboxID); !reflect.DeepEqual(got, want) {
		t.Fatalf("restarted files = %v", got)
	}
	if err := e.m.Kill(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if e.state(h4.SandboxID) != "killed" || len(e.liveFor(p.ID)) != 0 {
		t.Fatal("kill left a sandbox")
	}
	want2 := []State{StateStarting, StateRebuilding, StateRunning, StatePausing, StatePaused}
	var got []State
	for _, pl := range e.rec.Topic(events.SandboxStatus(p.ID)) {
		s := pl.(Status)
		if len(got) == 0 || got[len(got)-1] != s.State {
			got = append(got, s.State)
		}
	}
	if !hasSeq(got, want2) || got[len(got)-1] != StateNone {
		t.Fatalf("states = %v", got)
	}
}

func TestFakeE2BConcurrentEnsureOneCreate(t *testing.T) {
	e := newFEnv(t)
	p := e.project("demo")
	e.fake.Latency(e2btest.EndpointCreate, 50*time.Millisecond) // let them pile up
	var wg sync.WaitGroup
	ids := make([]string, 50)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := e.m.Ensure(e.ctx, p.ID, "")
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = h.SandboxID
		}()
	}
	wg.Wait()
	if c := e.fake.Counts().Creates; c != 1 {
		t.Fatalf("creates = %d, want 1", c)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("different sandboxes: %v", ids)
		}
	}
}

func TestFakeE2BFaults(t *testing.T) {
	cases := []struct {
		name     string
		endpoint string
		n        int
		kind     e2btest.FaultKind
		paused   bool // start from a paused sandbox (else: none yet)
		wantErr  apperr.Code
		creates  int // creates at the fake after the failing Ensure
	}{
		{"connect 5xx on every attempt", e2btest.EndpointConnect, 3, e2btest.Fault5xx, true, apperr.Unavailable, 1},
		{"connect timeouts on every attempt", e2btest.EndpointConnect, 3, e2btest.FaultTimeout, true, apperr.Unavailable, 1},
		{"connect 5xx once (client retries)", e2btest.EndpointConnect, 1, e2btest.Fault5xx, true, "", 1},
		{"create 5xx once (manager retries)", e2btest.EndpointCreate, 1, e2btest.Fault5xx, false, "", 1},
		{"create reset", e2btest.EndpointCreate, 1, e2btest.FaultReset, false, "", 1},
		{"create response lost: adopted", e2btest.EndpointCreate, 1, e2btest.FaultLostResponse, false, "", 1},
		{"create timeout: retried", e2btest.EndpointCreate, 1, e2btest.FaultTimeout, false, "", 1},
		{"create 429 once: waited out and tried again", e2btest.EndpointCreate, 1, e2btest.Fault429, false, "", 1},
		{"create 429 twice (too many sandboxes): tried once more only", e2btest.EndpointCreate, 2, e2btest.Fault429, false, apperr.RateLimited, 0},
		{"create 5xx on every attempt", e2btest.EndpointCreate, 3, e2btest.Fault5xx, false, apperr.Unavailable, 0},
		{"upload 5xx on every attempt", e2btest.EndpointFiles, 3, e2btest.Fault5xx, false, apperr.Unavailable, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newFEnv(t)
			p := e.project("demo")
			files := []store.File{{Path: "app.py", Content: "v1"}}
			if err := e.st.PutFiles(e.ctx, p.ID, files); err != nil {
				t.Fatal(err)
			}
			var before string
			if tc.paused {
				before = e.ensure(p.ID).SandboxID
				if err := e.m.Pause(e.ctx, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			e.failNext(tc.endpoint, tc.n, tc.kind)
			h, err := e.m.Ensure(e.ctx, p.ID, "")
			if apperr.CodeOf(err) != tc.wantErr {
				t.Fatalf("err = %v, want code %q", err, tc.wantErr)
			}
			if got := e.fake.Counts().Creates; got != tc.creates {
				t.Fatalf("creates = %d, want %d", got, tc.creates)
			}
			// Never two sandboxes for the project, nothing lost locally.
			if live := e.liveFor(p.ID); len(live) > 1 {
				t.Fatalf("live sandboxes = %v", live)
			}
			if lf, _ := e.st.ListFiles(e.ctx, p.ID); len(lf) != 1 || string(lf[0].Content) != "v1" {
				t.Fatalf("local copy = %+v", lf)
			}
			if tc.wantErr != "" {
				s := e.m.Status(p.ID)
				if s.State != StateError || s.Error == "" {
					t.Fatalf("status = %+v", s)
				}
				if sp, _ := e.st.GetProject(e.ctx, p.ID); sp.SandboxID != before {
					t.Fatalf("stored id %q, want %q kept", sp.SandboxID, before)
				}
				// E2B is back: the next Ensure works and reuses what exists.
				h, err = e.m.Ensure(e.ctx, p.ID, "")
				if err != nil {
					t.Fatal(err)
				}
				if before != "" && h.SandboxID != before {
					t.Fatal("a transient error cost the sandbox")
				}
			}
			if got := e.projectFiles(h.SandboxID)["/home/user/app.py"]; got != "v1" {
				t.Fatalf("app.py in sandbox = %q", got)
			}
			if live := e.liveFor(p.ID); len(live) != 1 || live[0] != h.SandboxID {
				t.Fatalf("live sandboxes = %v, handle %s", live, h.SandboxID)
			}
		})
	}
}

func TestFakeE2BIdleAndQuitPause(t *testing.T) {
	e := newFEnv(t)
	a, b, c := e.project("a"), e.project("b"), e.project("c")
	ha, hb, hc := e.ensure(a.ID), e.ensure(b.ID), e.ensure(c.ID)

	// b is worked on, a and c are not: after 10 minutes a and c pause.
	for i := 0; i < 40; i++ {
		e.clock.Advance(15 * time.Second)
		e.m.Touch(b.ID)
		e.m.Tick(e.ctx)
	}
	if e.state(ha.SandboxID) != "paused" || e.state(hc.SandboxID) != "paused" || e.state(hb.SandboxID) != "running" {
		t.Fatalf("after idle: a=%s b=%s c=%s", e.state(ha.SandboxID), e.state(hb.SandboxID), e.state(hc.SandboxID))
	}
	// Keepalive pushed b's E2B end time out as it was used.
	if info, _ := e.fake.Info(hb.SandboxID); !info.EndAt.After(e.clock.Now().Add(58 * time.Minute)) {
		t.Fatalf("b ends at %v (now %v)", info.EndAt, e.clock.Now())
	}

	// Quit: a and c come back to life first, then everything pauses.
	e.ensure(a.ID)
	e.ensure(c.ID)
	var calls [][2]int
	if err := e.m.PauseAll(e.ctx, func(d, t int) { calls = append(calls, [2]int{d, t}) }); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ha.SandboxID, hb.SandboxID, hc.SandboxID} {
		if e.state(id) != "paused" {
			t.Fatalf("%s is %s after quit", id, e.state(id))
		}
	}
	if len(calls) != 4 || calls[3] != [2]int{3, 3} {
		t.Fatalf("progress = %v", calls)
	}
}

func TestFakeE2BCrashIsCoveredByAutoPause(t *testing.T) {
	e := newFEnv(t)
	p := e.project("demo")
	h := e.ensure(p.ID)
	// The app dies: no Tick, no PauseAll. E2B pauses at the timeout.
	e.clock.Advance(61 * time.Minute)
	if e.state(h.SandboxID) != "paused" || e.fake.Counts().AutoPauses != 1 {
		t.Fatalf("state %s counts %+v", e.state(h.SandboxID), e.fake.Counts())
	}
	e.restart()
	if err := e.m.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	if s := e.m.Status(p.ID); s.State != StatePaused || s.SandboxID != h.SandboxID {
		t.Fatalf("status = %+v", s)
	}
	if h2 := e.ensure(p.ID); h2.SandboxID != h.SandboxID || !h2.Resumed {
		t.Fatalf("handle = %+v", h2)
	}
}

func TestFakeE2BReconcileOrphans(t *testing.T) {
	e := newFEnv(t)
	kept, vanished, fresh, deleted := e.project("kept"), e.project("vanished"), e.project("fresh"), e.project("deleted")
	mk := func(pid string, pause bool) string {
		t.Helper()
		sb, err := e.client.Create(e.ctx, e2b.CreateOptions{TemplateID: DefaultTemplate, Timeout: time.Hour, AutoPause: true, Secure: true,
			Metadata: map[string]string{MetaApp: AppName, MetaProject: pid, MetaTemplate: DefaultTemplate}})
		if err != nil {
			t.Fatal(err)
		}
		if pause {
			if err := e.client.Pause(e.ctx, sb.SandboxID); err != nil {
				t.Fatal(err)
			}
		}
		return sb.SandboxID
	}
	keptID := mk(kept.ID, true)
	dupID := mk(kept.ID, false)
	goneID := mk(vanished.ID, false)
	halfID := mk(fresh.ID, false)
	orphanID := mk(deleted.ID, true)
	other, err := e.client.Create(e.ctx, e2b.CreateOptions{TemplateID: DefaultTemplate, Timeout: time.Hour,
		Metadata: map[string]string{MetaApp: "someone-else"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct{ pid, id, st string }{{kept.ID, keptID, store.SandboxRunning}, {vanished.ID, goneID, store.SandboxPaused}} {
		if err := e.st.SetSandbox(e.ctx, s.pid, s.id, s.st); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.st.DeleteProject(e.ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	e.fake.Expire(goneID)

	if err := e.m.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{keptID: "paused", dupID: "killed", goneID: "killed", halfID: "killed",
		orphanID: "killed", other.SandboxID: "running"} {
		if got := e.state(id); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	for _, w := range []struct {
		pid   string
		state State
		id    string
	}{{kept.ID, StatePaused, keptID}, {vanished.ID, StateNone, ""}, {fresh.ID, StateNone, ""}} {
		s := e.m.Status(w.pid)
		sp, _ := e.st.GetProject(e.ctx, w.pid)
		if s.State != w.state || s.SandboxID != w.id || sp.SandboxID != w.id || sp.SandboxState != storeState(w.state) {
			t.Errorf("%s: status %+v stored %q/%q", w.pid, s, sp.SandboxID, sp.SandboxState)
		}
	}
}

func TestFakeE2BNoKeyYet(t *testing.T) {
	var mu sync.Mutex
	var key string
	e := newFEnv(t)
	ecfg := e.fake.Config("later_key")
	ecfg.APIKey = ""
	e.cfg.Client = LazyClient(func(context.Context) (e2b.Config, error) {
		mu.Lock()
		defer mu.Unlock()
		c := ecfg
		c.APIKey = key
		return c, nil
	})
	e.restart()
	p := e.project("demo")
	_, err := e.m.Ensure(e.ctx, p.ID, "")
	if !apperr.Is(err, apperr.Unauthorized) || !strings.Contains(apperr.MessageOf(err), "Settings") {
		t.Fatalf("err = %v (%s)", err, apperr.MessageOf(err))
	}
	mu.Lock()
	key = "later_key" // the person adds the key in Settings
	mu.Unlock()
	if _, err := e.m.Ensure(e.ctx, p.ID, ""); err != nil {
		t.Fatal(err)
	}
}

func TestScriptedDayFakeE2B(t *testing.T) {
	figures := map[string]float64{}
	for _, tc := range []struct {
		name  string
		tweak func(*Config)
	}{{"tessera", func(*Config) {}}, {"seed", seedConfig}} {
		e := newFEnv(t, tc.tweak)
		p := e.project("day")
		runDay(t, e.m, p.ID, e.clock.Advance)
		var secs float64
		for _, id := range e.fake.IDs() {
			secs += e.fake.RunningSeconds(id)
		}
		figures[tc.name] = secs
		st := e.m.Status(p.ID)
		t.Logf("%s: running seconds at the fake %.0f (active %d), Tessera's own count %d, counts %+v",
			tc.name, secs, activeSecs, st.RunningSecondsTotal, e.fake.Counts())
		if diff := secs - float64(st.RunningSecondsTotal); diff < -1 || diff > dayCycles*2 {
			t.Errorf("%s: store %d vs fake %.0f", tc.name, st.RunningSecondsTotal, secs)
		}
	}
	grace := dayCycles * (10*time.Minute + tickEvery).Seconds()
	if figures["tessera"] > activeSecs+grace {
		t.Fatalf("tessera ran %.0f s > active %d s + idle grace %.0f s", figures["tessera"], activeSecs, grace)
	}
	fmt.Printf("scripted day: tessera %.0f s, seed %.0f s\n", figures["tessera"], figures["seed"])
}

func TestFakeE2BOpenWhileOfflineIsNotAnError(t *testing.T) {
	e := newFEnv(t)
	p := e.project("demo")
	e.ensure(p.ID)
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	// The app starts again without a network.
	offline := apperr.New(apperr.Unavailable, "Could not reach E2B. Check your internet connection.")
	e.cfg.Client = func(context.Context) (Control, error) { return nil, offline }
	e.restart()
	e.m.Open(p.ID)
	var st Status
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if st = e.m.Status(p.ID); st.State != StateResuming && st.Warning != "" {
			break
		}
	}
	if st.State != StatePaused || st.Error != "" || !strings.Contains(st.Warning, "Could not reach E2B") {
		t.Fatalf("status after an offline open: %+v", st)
	}
	// Asking for the sandbox still reports the failure.
	if _, err := e.m.Ensure(e.ctx, p.ID, ""); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("err = %v", err)
	}
	if st := e.m.Status(p.ID); st.State != StateError {
		t.Fatalf("an explicit failure is an error state: %+v", st)
	}
}
