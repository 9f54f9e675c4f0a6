package sandbox

import (
	"testing"
	"time"
)

// runDayAway is runDay with presence: the person leaves the window (hidden)
// when a work period ends and comes back (focus: Wake) when the next
// begins, as the page reports it.
func runDayAway(t *testing.T, m *Manager, projectID string, advance func(time.Duration)) {
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
		m.SetAway(AwayWindow, false)
		if _, err := m.Ensure(ctx, projectID, ""); err != nil {
			t.Fatalf("cycle %d: %v", c, err)
		}
		n := 0
		step(workMin*time.Minute, func() {
			n++
			if n%4 == 0 {
				if _, err := m.Ensure(ctx, projectID, ""); err != nil {
					t.Fatalf("cycle %d: %v", c, err)
				}
				m.Touch(projectID)
			}
		})
		m.SetAway(AwayWindow, true)
		step(idleMin*time.Minute, nil)
	}
	step(2*time.Hour, nil)
}

// TestScriptedDayAway is issue 16's target: running time ≤ 1.25 × active
// when the app pauses as the person leaves. The figure without presence
// (runDay, the idle pause alone) is logged beside it.
func TestScriptedDayAway(t *testing.T) {
	figures := map[string]float64{}
	for name, run := range map[string]func(*testing.T, *Manager, string, func(time.Duration)){
		"idle pause only": runDay, "with presence": runDayAway,
	} {
		e := newEnv(t)
		p := e.project("day", "")
		run(t, e.m, p.ID, e.clock.Advance)
		var secs float64
		for _, id := range e.fake.liveIDs() {
			secs += e.fake.runningSeconds(id)
		}
		figures[name] = secs
		st := e.m.Status(p.ID)
		t.Logf("%s: running %.0f s = %.2f × active (%d s); store %d s", name, secs, secs/activeSecs, activeSecs, st.RunningSecondsTotal)
		if diff := secs - float64(st.RunningSecondsTotal); diff < 0 || diff > dayCycles*2 {
			t.Errorf("%s: store %d vs fake %.0f", name, st.RunningSecondsTotal, secs)
		}
	}
	if r := figures["with presence"] / activeSecs; r > 1.25 {
		t.Fatalf("with presence the sandbox ran %.2f × the active time; the target is 1.25", r)
	}
	if figures["idle pause only"] <= figures["with presence"] {
		t.Fatalf("presence saved nothing: %v", figures)
	}
}
