package sandbox

import (
	"context"

	"tessera/backend/e2b"
)

// tellWaits makes the E2B client's waits in ctx (a 429's Retry-After
// before it tries again) show in the project's status while they last;
// done clears the sentence.
func (m *Manager) tellWaits(ctx context.Context, e *entry) (context.Context, func()) {
	ctx = e2b.WithWaits(ctx, func(w e2b.Wait) { m.setWaiting(e, w.Sentence) })
	return ctx, func() { m.setWaiting(e, "") }
}

func (m *Manager) setWaiting(e *entry, s string) {
	m.mu.Lock()
	same := e.waiting == s
	e.waiting = s
	m.mu.Unlock()
	if !same {
		m.emit(e)
	}
}
