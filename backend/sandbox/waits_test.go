package sandbox

import (
	"context"
	"strings"
	"testing"

	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
)

// A 429 on create: the manager's status says what it waits for while the
// client waits out the Retry-After, and the sandbox is made on the next try.
func TestEnsureShowsTheWaitAfterA429(t *testing.T) {
	e := newFEnv(t)
	e.fake.SetRetryAfter(1)
	p := e.project("busy E2B")
	e.fake.FailNext(e2btest.EndpointCreate, e2btest.Fault429)
	h := e.ensure(p.ID)
	if h.SandboxID == "" {
		t.Fatal("no sandbox")
	}
	var waits []string
	for _, ev := range e.rec.Topic(events.SandboxStatus(p.ID)) {
		if s := ev.(Status); s.Waiting != "" {
			waits = append(waits, s.Waiting)
		}
	}
	if len(waits) == 0 || !strings.Contains(waits[0], "E2B is limiting requests; Tessera tries to create the sandbox again in a second.") {
		t.Fatalf("status never said it waited: %q", waits)
	}
	if st := e.m.Status(p.ID); st.Waiting != "" || st.State != StateRunning {
		t.Fatalf("after the wait: %+v", st)
	}
}

// The page's Pause meets a 429 too: the badge says what it waits for, and
// the sandbox is paused on the next try.
func TestPauseShowsTheWaitAfterA429(t *testing.T) {
	e := newFEnv(t)
	e.fake.SetRetryAfter(1)
	p := e.project("busy E2B")
	e.ensure(p.ID)
	e.fake.FailNext(e2btest.EndpointPause, e2btest.Fault429)
	if err := e.m.Pause(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	var waits []string
	for _, ev := range e.rec.Topic(events.SandboxStatus(p.ID)) {
		if s := ev.(Status); s.Waiting != "" {
			waits = append(waits, s.Waiting)
		}
	}
	if len(waits) == 0 || !strings.Contains(waits[0], "E2B is limiting requests") {
		t.Fatalf("status never said it waited: %q", waits)
	}
	if st := e.m.Status(p.ID); st.Waiting != "" || st.State != StatePaused {
		t.Fatalf("after the wait: %+v", st)
	}
}
