package sandbox

import (
	"time"

	"tessera/backend/apperr"
)

// Report tells the manager that a request to a project's sandbox (or to
// E2B about it) failed, so the badge says so at once instead of at the
// next probe (issue 29: it stayed green "Running" for half a minute while
// the preview and the turn failed). E2B or the sandbox not answering marks
// a running sandbox unreachable with the sentence of what failed; the next
// probe is asked for at once and only confirms (it clears the mark when
// E2B answers). A sandbox found gone drops the cached connection, as
// Invalidate does. Other errors (a refused command, bad input) say nothing
// about the sandbox and change nothing.
func (m *Manager) Report(projectID string, err error) {
	switch {
	case err == nil:
		return
	case apperr.Is(err, apperr.NotFound):
		m.Invalidate(projectID)
		return
	case !apperr.Is(err, apperr.Unavailable):
		return
	}
	m.mu.Lock()
	e := m.entries[projectID]
	m.mu.Unlock()
	if e == nil {
		return
	}
	reason := "Tessera could not reach the sandbox just now: " + apperr.MessageOf(err) + " Tessera is checking with E2B; this clears by itself when the sandbox answers."
	m.set(e, func(e *entry) {
		if e.state != StateRunning {
			return // paused, starting, failed: its own state already says more
		}
		e.unreachable = reason
		e.lastProbe = time.Time{} // the next tick probes, whatever ProbeEvery is
	})
	m.log.Warn("a request to the sandbox failed; marked unreachable until a probe answers", "project", projectID, "err", err)
}
