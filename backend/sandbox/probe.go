package sandbox

import (
	"context"

	"tessera/backend/apperr"
)

// StateUnreachable is shown (Status.State) for a sandbox Tessera believes
// running while E2B does not answer: the badge must not say "Running" when
// nobody can tell. Internally the entry stays running (E2B keeps it until
// its timeout); the next probe that gets an answer clears it.
const StateUnreachable State = "unreachable"

// probe asks E2B how a running sandbox is (a cheap GET of its info) and
// makes the badge say what is true:
//   - running: clear an unreachable mark;
//   - paused at E2B (its timeout passed while Tessera could not extend it),
//     or gone: shown paused, the next use reconnects (and rebuilds if gone);
//   - no answer, or the key refused: unreachable, with the sentence.
func (m *Manager) probe(ctx context.Context, e *entry) {
	m.mu.Lock()
	id, c := e.sandboxID, e.ctl
	m.mu.Unlock()
	if c == nil || id == "" {
		return
	}
	sb, err := c.Get(ctx, id)
	now := m.now()
	var reason string
	gone := false
	switch {
	case err == nil && sb.State == "paused":
		gone = true
	case err == nil:
	case apperr.Is(err, apperr.NotFound):
		gone = true
	case apperr.Is(err, apperr.Canceled):
		return
	default:
		reason = apperr.MessageOf(err)
		if apperr.Is(err, apperr.Unavailable) {
			reason = "Tessera cannot reach E2B right now: " + reason + " The sandbox is left as it is; this clears by itself when E2B answers."
		}
	}
	if gone {
		m.log.Info("probe: sandbox no longer running at E2B", "project", e.id, "sandbox", id)
		if err := m.save(ctx, e.id, id, StatePaused); err != nil {
			m.log.Warn("recording the paused state failed", "project", e.id, "err", err)
		}
	}
	m.set(e, func(e *entry) {
		e.probing = false
		e.lastProbe = now
		if e.sandboxID != id || e.state != StateRunning {
			return // something else changed it meanwhile; its result wins
		}
		if gone {
			e.state, e.sb, e.unreachable = StatePaused, nil, ""
			return
		}
		if err == nil {
			e.cost.learn(sb)
		}
		if reason != "" && e.unreachable == "" {
			m.log.Warn("probe: E2B unreachable", "project", e.id, "sandbox", id, "err", err)
		}
		e.unreachable = reason
	})
}
