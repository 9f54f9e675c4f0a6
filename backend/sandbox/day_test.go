package sandbox

import (
	"testing"
	"time"
)

// dayScript is the scripted day: 8 times, 10 minutes of work (a
// chat turn every minute) then 50 minutes of idleness, with the app's
// ticker firing every tickEvery. advance moves the shared clock.
const (
	dayCycles  = 8
	workMin    = 10
	idleMin    = 50
	tickEvery  = 15 * time.Second
	activeSecs = dayCycles * workMin * 60
)

func runDay(t *testing.T, m *Manager, projectID string, advance func(time.Duration)) {
	t.Helper()
	ctx := t.Context()
	step := func(total time.Duration, each func()) {
		for d := time.Duration(0); d < total; d += tickEvery {
			advance(tickEvery)
			m.Tick(ctx)
			if each != nil {
				each()
			}
		}
	}
	for c := 0; c < dayCycles; c++ {
		if _, err := m.Ensure(ctx, projectID, ""); err != nil {
			t.Fatalf("cycle %d: %v", c, err)
		}
		n := 0
		step(workMin*time.Minute, func() {
			n++
			if n%4 == 0 { // a chat turn every minute
				if _, err := m.Ensure(ctx, projectID, ""); err != nil {
					t.Fatalf("cycle %d: %v", c, err)
				}
				m.Touch(projectID)
			}
		})
		step(idleMin*time.Minute, nil)
	}
	// The evening: the app stays open, nothing happens for 2 hours.
	step(2*time.Hour, nil)
}

// seedConfig reproduces the seed's policy: 1 h timeout pushed back on every
// use, no idle pause (its only pause was a 24-hour cleanup script).
func seedConfig(c *Config) {
	c.Timeout = time.Hour
	c.IdlePause = 1000 * time.Hour
	c.KeepaliveEvery = time.Nanosecond
}

func TestScriptedDayInPackageFake(t *testing.T) {
	figures := map[string]float64{}
	for _, tc := range []struct {
		name  string
		tweak func(*Config)
	}{{"tessera", func(*Config) {}}, {"seed", seedConfig}} {
		e := newEnv(t, tc.tweak)
		p := e.project("day", "")
		runDay(t, e.m, p.ID, e.clock.Advance)
		var secs float64
		for _, id := range e.fake.liveIDs() {
			secs += e.fake.runningSeconds(id)
		}
		figures[tc.name] = secs
		st := e.m.Status(p.ID)
		t.Logf("%s: running seconds at the fake %.0f, in Tessera's store %d, creates %d", tc.name, secs, st.RunningSecondsTotal, e.fake.count("created"))
		if diff := secs - float64(st.RunningSecondsTotal); diff < 0 || diff > dayCycles*2 {
			t.Errorf("%s: store %d vs fake %.0f", tc.name, st.RunningSecondsTotal, secs)
		}
	}
	grace := dayCycles * (10*time.Minute + tickEvery).Seconds()
	if figures["tessera"] > activeSecs+grace {
		t.Fatalf("tessera ran %.0f s, more than active %d s + idle grace %.0f s", figures["tessera"], activeSecs, grace)
	}
	if figures["seed"] < 7*3600 {
		t.Fatalf("seed figure %.0f looks wrong", figures["seed"])
	}
}
