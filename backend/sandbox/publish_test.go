package sandbox

import (
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b/e2btest"
)

func TestPublishKeepsTheSandboxRunning(t *testing.T) {
	e := newCostEnv(t, nil)
	p := e.project("web")
	h := e.ensure(p.ID)
	for _, tc := range []struct {
		port int
		d    time.Duration
	}{{0, time.Hour}, {70000, time.Hour}, {3000, 30 * time.Minute}, {3000, 25 * time.Hour}} {
		if _, err := e.m.Publish(e.ctx, p.ID, tc.port, tc.d); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("publish %d for %s: %v", tc.port, tc.d, err)
		}
	}
	start := e.clock.Now()
	pub, err := e.m.Publish(e.ctx, p.ID, 3000, 3*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pub.URL, "3000-"+h.SandboxID) || !pub.Until.Equal(start.Add(3*time.Hour)) || pub.Note != "" {
		t.Fatalf("published %+v", pub)
	}
	if info, _ := e.fake.Info(h.SandboxID); !info.EndAt.Equal(pub.Until) {
		t.Fatalf("E2B end %v, want %v", info.EndAt, pub.Until)
	}
	// Nobody works in it and the window is hidden: it keeps running, far
	// past the 10-minute idle pause, and says why.
	e.m.SetAway(AwayWindow, true)
	e.run(2*time.Hour, time.Minute, nil)
	if e.state(h.SandboxID) != "running" {
		t.Fatal("a published sandbox was paused")
	}
	st := e.m.Status(p.ID)
	if st.PublishURL != pub.URL || !st.PublishedUntil.Equal(pub.Until) || !st.IdlePauseAt.IsZero() || !strings.Contains(st.KeptRunning, "published") {
		t.Fatalf("status %+v", st)
	}
	// Work in it meanwhile: the keepalive never shortens the link's time.
	e.m.SetAway(AwayWindow, false)
	e.m.Touch(p.ID)
	e.run(2*time.Minute, time.Minute, func() { e.m.Touch(p.ID) })
	if info, _ := e.fake.Info(h.SandboxID); info.EndAt.Before(pub.Until) {
		t.Fatalf("keepalive shortened the link: E2B end %v < %v", info.EndAt, pub.Until)
	}
	// When the time is up the link goes and the sandbox pauses.
	e.run(time.Hour, time.Minute, nil)
	st = e.m.Status(p.ID)
	if e.state(h.SandboxID) != "paused" || st.PublishURL != "" || !st.PublishedUntil.IsZero() {
		t.Fatalf("after the link's time: %s %+v", e.state(h.SandboxID), st)
	}
	if secs := e.fake.RunningSeconds(h.SandboxID); secs < 3*3600 || secs > 3*3600+11*60 {
		t.Fatalf("ran %.0f s for a 3 h link", secs)
	}
}

func TestUnpublishLetsItPause(t *testing.T) {
	e := newCostEnv(t, nil)
	p := e.project("web")
	h := e.ensure(p.ID)
	if _, err := e.m.Publish(e.ctx, p.ID, 8080, 5*time.Hour); err != nil {
		t.Fatal(err)
	}
	e.run(30*time.Minute, time.Minute, nil)
	if err := e.m.Unpublish(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	info, _ := e.fake.Info(h.SandboxID)
	if want := e.clock.Now().Add(time.Hour); !info.EndAt.Equal(want) {
		t.Fatalf("E2B end %v after unpublish, want the usual %v", info.EndAt, want)
	}
	// Idle since long before: the next tick pauses it.
	e.run(time.Minute, time.Minute, nil)
	if e.state(h.SandboxID) != "paused" {
		t.Fatal("not paused after unpublishing")
	}
	if err := e.m.Unpublish(e.ctx, p.ID); err != nil {
		t.Fatalf("unpublishing twice: %v", err)
	}
}

func TestPublishCappedByThePlan(t *testing.T) {
	e := newCostEnv(t, []e2btest.Option{e2btest.WithMaxLifetime(time.Hour)})
	p := e.project("web")
	e.ensure(p.ID)
	e.clock.Advance(10 * time.Minute)
	pub, err := e.m.Publish(e.ctx, p.ID, 3000, 4*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(50 * time.Minute); !pub.Until.Equal(want) || !strings.HasSuffix(pub.Note, ", 50 min from now.") {
		t.Fatalf("published %+v, want until %v with a note", pub, want)
	}
}

func TestSpoken(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{50 * time.Minute, "50 min"},
		{20 * time.Second, "1 min"},
		{2 * time.Hour, "2 h"},
		{2*time.Hour + 5*time.Minute + 20*time.Second, "2 h 05 min"},
	} {
		if got := spoken(tc.d); got != tc.want {
			t.Errorf("spoken(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestPauseWhenAway(t *testing.T) {
	e := newCostEnv(t, nil)
	p := e.project("away")
	h := e.ensure(p.ID)
	e.m.SetAway(AwayWindow, true)
	if at, want := e.m.Status(p.ID).IdlePauseAt, e.clock.Now().Add(time.Minute); !at.Equal(want) {
		t.Fatalf("the badge's pause time %v, want the away pause at %v", at, want)
	}
	e.run(45*time.Second, 15*time.Second, nil)
	if e.state(h.SandboxID) != "running" {
		t.Fatal("paused before a minute away")
	}
	e.run(30*time.Second, 15*time.Second, nil)
	if e.state(h.SandboxID) != "paused" {
		t.Fatal("still running a minute after the window was hidden")
	}
	// Focus: it resumes in the background.
	e.m.Wake(p.ID)
	waitState(t, e, h.SandboxID, "running")
	if away, _ := e.m.Away(); away {
		t.Fatal("still away after Wake")
	}

	// A run holds it while the screen is locked; a minute after it ends
	// it pauses.
	release := e.m.Hold(p.ID)
	e.m.SetAway(AwayScreen, true)
	e.run(5*time.Minute, 15*time.Second, nil)
	if e.state(h.SandboxID) != "running" || !strings.Contains(e.m.Status(p.ID).KeptRunning, "run") {
		t.Fatalf("held sandbox: %s %q", e.state(h.SandboxID), e.m.Status(p.ID).KeptRunning)
	}
	release()
	e.run(45*time.Second, 15*time.Second, nil)
	if e.state(h.SandboxID) != "running" {
		t.Fatal("paused less than a minute after the run ended")
	}
	e.run(30*time.Second, 15*time.Second, nil)
	if e.state(h.SandboxID) != "paused" {
		t.Fatal("still running a minute after the run ended while away")
	}
	e.m.SetAway(AwayScreen, false)

	// Sleep: paused at once, without waiting for a tick.
	e.m.Wake(p.ID)
	waitState(t, e, h.SandboxID, "running")
	e.m.SetAway(AwaySleep, true)
	waitState(t, e, h.SandboxID, "paused")
}

// waitState waits (real time, bounded) for background work to bring the
// sandbox at the fake to state.
func waitState(t *testing.T, e *fenv, id, state string) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if e.state(id) == state && e.m.Status(e.m.projectOf(id)).State == State(state) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("sandbox %s is %s, want %s", id, e.state(id), state)
}

// projectOf finds the project whose entry has the sandbox (tests only).
func (m *Manager) projectOf(sandboxID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, e := range m.entries {
		if e.sandboxID == sandboxID {
			return id
		}
	}
	return ""
}

func TestPublishOutlivesQuitAndRestart(t *testing.T) {
	e := newCostEnv(t, nil)
	p := e.project("web")
	other := e.project("other")
	h := e.ensure(p.ID)
	h2 := e.ensure(other.ID)
	pub, err := e.m.Publish(e.ctx, p.ID, 3000, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Quit: the published sandbox stays up, the other pauses.
	if err := e.m.PauseAll(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if e.state(h.SandboxID) != "running" || e.state(h2.SandboxID) != "paused" {
		t.Fatalf("after quit: published %s, other %s", e.state(h.SandboxID), e.state(h2.SandboxID))
	}
	e.clock.Advance(10 * time.Minute)
	e.restart()
	if err := e.m.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	st := e.m.Status(p.ID)
	if st.PublishURL != pub.URL || !st.PublishedUntil.Equal(pub.Until) {
		t.Fatalf("the link was not restored: %+v", st)
	}
	e.run(time.Hour, time.Minute, nil)
	if e.state(h.SandboxID) != "running" {
		t.Fatal("a restored published sandbox was idle-paused")
	}
	e.run(55*time.Minute, time.Minute, nil)
	if e.state(h.SandboxID) != "paused" || e.m.Status(p.ID).PublishURL != "" {
		t.Fatal("the link outlived its time")
	}
	if _, ok, _ := e.st.GetPublish(e.ctx, p.ID); ok {
		t.Fatal("the stored link was kept after it ended")
	}
	// A restart now does not bring it back.
	e.restart()
	_ = e.m.Reconcile(e.ctx)
	if st := e.m.Status(p.ID); st.PublishURL != "" {
		t.Fatalf("an ended link came back: %+v", st)
	}
}
