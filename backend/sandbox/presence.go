package sandbox

// Presence: pause when nobody is looking. The page says when the window is
// hidden or minimised, the system (D-Bus on Linux, see package presence)
// when the screen locks or the machine goes to sleep. Running sandboxes are
// paused AwayPause after that (at once before sleep), unless a run holds
// one or its preview is published. Coming back (focus, typing) resumes
// the current project's sandbox in the background: Wake.

import (
	"context"
	"fmt"
	"time"
)

// Away sources.
const (
	AwayWindow = "window" // the page: hidden or minimised
	AwayScreen = "screen" // the screen saver / lock screen is active
	AwaySleep  = "sleep"  // the machine is about to sleep
)

// awayState is guarded by Manager.mu.
type awayState struct {
	sources map[string]bool
	since   time.Time // when the person went away (the first source)
}

func (a *awayState) is() bool {
	for _, v := range a.sources {
		if v {
			return true
		}
	}
	return false
}

// sleepPauseWait bounds the pause before sleep.
const sleepPauseWait = 4 * time.Second

// SetAway records that the person went away (or came back) by source. On
// AwaySleep the pause happens at once, before SetAway returns (and so
// before the machine sleeps: see package presence).
func (m *Manager) SetAway(source string, away bool) {
	now := m.now()
	m.mu.Lock()
	if m.away.sources == nil {
		m.away.sources = map[string]bool{}
	}
	was := m.away.is()
	m.away.sources[source] = away
	if m.away.is() && !was {
		m.away.since = now
	}
	sleeping := m.away.sources[AwaySleep]
	var ids []*entry
	for _, e := range m.entries {
		if e.state == StateRunning {
			ids = append(ids, e)
		}
	}
	m.mu.Unlock()
	m.log.Info("presence", "source", source, "away", away)
	if sleeping && away && m.enter() {
		// Before returning: the caller holds logind's sleep delay lock
		// until then (logind waits 5 s at most by default).
		ctx, cancel := context.WithTimeout(m.root, sleepPauseWait)
		m.Tick(ctx)
		cancel()
		m.wg.Done()
	}
	// The badge says why a sandbox is kept or paused.
	for _, e := range ids {
		m.emit(e)
	}
}

// Away says whether the person is away, and since when.
func (m *Manager) Away() (bool, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.away.is() {
		return false, time.Time{}
	}
	return true, m.away.since
}

// Wake is the person coming back to a project (focus, typing in the
// prompt): they are no longer away, and the project's paused sandbox is
// resumed in the background so it is ready when the message is sent.
func (m *Manager) Wake(projectID string) {
	m.mu.Lock()
	if m.away.sources != nil {
		m.away.sources[AwayWindow] = false
	}
	m.mu.Unlock()
	if projectID != "" {
		m.Open(projectID)
	}
}

// shouldPause is the pause rule for a running sandbox that no run holds:
// never while its link is published; after IdlePause without activity; or
// AwayPause after the person went away (or after the last activity, if
// later), at once when the machine sleeps. Caller holds mu.
func (m *Manager) shouldPause(e *entry, now time.Time, idle time.Duration) bool {
	if e.pub.active(now) {
		return false
	}
	if now.Sub(e.lastActive) >= idle {
		return true
	}
	at, ok := m.awayPauseAt(e, now)
	return ok && !now.Before(at)
}

// awayPauseAt is when the away pause will pause the sandbox; ok is false
// when it will not (not away, held, published). Caller holds mu.
func (m *Manager) awayPauseAt(e *entry, now time.Time) (time.Time, bool) {
	if e.state != StateRunning || e.holds > 0 || e.pub.active(now) || !m.away.is() {
		return time.Time{}, false
	}
	if m.away.sources[AwaySleep] {
		return now, true
	}
	from := m.away.since
	if e.lastActive.After(from) {
		from = e.lastActive
	}
	return from.Add(m.cfg.AwayPause), true
}

// keptRunning is the sentence for a sandbox Tessera keeps running although
// it would otherwise pause it. Caller holds mu.
func (m *Manager) keptRunning(e *entry, now time.Time) string {
	if e.state != StateRunning {
		return ""
	}
	switch {
	case e.pub.active(now):
		return fmt.Sprintf("The preview is published until %s, so Tessera does not pause this sandbox when it is idle or you step away. Unpublish to let it pause.", e.pub.until.Local().Format("15:04"))
	case e.holds > 0 && m.away.is():
		return "A run needs the sandbox, so Tessera keeps it running while you are away; it pauses a minute after the run ends."
	}
	return ""
}
