package sandbox

import (
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
)

// The badge says what is true: a running sandbox whose E2B stops answering
// shows unreachable with the reason, and running again once E2B answers,
// without anyone clicking anything; one E2B paused meanwhile shows paused.
func TestProbeKeepsTheBadgeTrue(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Timeout, c.IdlePause = time.Hour, time.Hour })
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	before := e.fake.count("get")

	// E2B does not answer.
	e.fake.fail("get", errUnavailable)
	e.clock.Advance(31 * time.Second)
	e.m.Tick(e.ctx)
	s := e.m.Status(p.ID)
	if s.State != StateUnreachable || !strings.Contains(s.Error, "cannot reach E2B") || !strings.Contains(s.Error, "clears by itself") {
		t.Fatalf("status = %+v", s)
	}
	// Not asked again before ProbeEvery.
	e.clock.Advance(5 * time.Second)
	e.m.Tick(e.ctx)
	if n := e.fake.count("get") - before; n != 1 {
		t.Fatalf("probed %d times in 36 s", n)
	}
	// It answers again: running, by itself.
	e.clock.Advance(30 * time.Second)
	e.m.Tick(e.ctx)
	if s := e.m.Status(p.ID); s.State != StateRunning || s.Error != "" {
		t.Fatalf("status = %+v", s)
	}
	if !hasSeq(e.states(p.ID), []State{StateRunning, StateUnreachable, StateRunning}) {
		t.Fatalf("events: %v", e.states(p.ID))
	}

	// E2B paused it behind Tessera's back (as its auto-pause does).
	e.fake.mu.Lock()
	sb := e.fake.sbs[h.SandboxID]
	e.fake.stop(sb, e.clock.Now())
	sb.state = "paused"
	e.fake.mu.Unlock()
	e.clock.Advance(31 * time.Second)
	e.m.Tick(e.ctx)
	if s := e.m.Status(p.ID); s.State != StatePaused {
		t.Fatalf("status = %+v", s)
	}
	if h2 := e.ensure(p.ID, ""); h2.SandboxID != h.SandboxID || !h2.Resumed {
		t.Fatalf("the next use resumes the same sandbox: %+v", h2)
	}

	// E2B lost it altogether: paused as far as the badge goes; the next
	// use rebuilds it from the local copy.
	e.fake.expire(h.SandboxID)
	e.clock.Advance(31 * time.Second)
	e.m.Tick(e.ctx)
	if s := e.m.Status(p.ID); s.State != StatePaused {
		t.Fatalf("status = %+v", s)
	}
	if h3 := e.ensure(p.ID, ""); !h3.Rebuilt {
		t.Fatalf("handle = %+v", h3)
	}
}

// A failed request reported by a turn marks the badge at once; the probe
// that follows at the next tick only confirms (here: E2B answers, so the
// mark clears). Errors that say nothing about the sandbox change nothing.
func TestReportMarksTheBadgeAtOnce(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Timeout, c.IdlePause = time.Hour, time.Hour })
	p := e.project("demo", "")
	e.ensure(p.ID, "")
	for _, tc := range []struct {
		name string
		err  error
		want State
	}{
		{"a refused command", apperr.New(apperr.Invalid, "That command is not allowed."), StateRunning},
		{"nil", nil, StateRunning},
		{"no answer", apperr.New(apperr.Unavailable, "The sandbox did not answer."), StateUnreachable},
	} {
		e.m.Report(p.ID, tc.err)
		if s := e.m.Status(p.ID); s.State != tc.want {
			t.Fatalf("%s: status = %+v, want %s", tc.name, s, tc.want)
		}
	}
	if s := e.m.Status(p.ID); !strings.Contains(s.Error, "could not reach the sandbox just now: The sandbox did not answer.") {
		t.Fatalf("the badge's sentence: %q", s.Error)
	}
	before := e.fake.count("get")
	e.clock.Advance(time.Second) // far less than ProbeEvery
	e.m.Tick(e.ctx)
	if n := e.fake.count("get") - before; n != 1 {
		t.Fatalf("the report asked for a probe at the next tick: %d probes", n)
	}
	if s := e.m.Status(p.ID); s.State != StateRunning || s.Error != "" {
		t.Fatalf("the probe found it running: %+v", s)
	}
	if !hasSeq(e.states(p.ID), []State{StateRunning, StateUnreachable, StateRunning}) {
		t.Fatalf("events: %v", e.states(p.ID))
	}
}
