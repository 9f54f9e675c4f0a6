package sandbox

// Pause and idleness: activity, holds, the pause button, the idle and
// timeout pauses, and pausing everything on quit.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"tessera/backend/apperr"
)

// Touch records activity in the project: it postpones the idle pause and
// lets the next Tick extend the E2B timeout (at most once per
// KeepaliveEvery). It never blocks on I/O.
func (m *Manager) Touch(projectID string) {
	now := m.now()
	m.mu.Lock()
	if e := m.entries[projectID]; e != nil {
		e.lastActive = now
	}
	m.mu.Unlock()
}

// Hold marks the project busy (a long run or install) until release is
// called: a held sandbox is never paused for idleness and is kept alive.
func (m *Manager) Hold(projectID string) (release func()) {
	e := m.entryFor(projectID)
	m.mu.Lock()
	e.holds++
	e.lastActive = m.now()
	m.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			e.holds--
			e.lastActive = m.now()
			m.mu.Unlock()
		})
	}
}

// Pause snapshots the project's sandbox now (the page's button).
func (m *Manager) Pause(ctx context.Context, projectID string) error {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return err
	}
	if err := e.op.lock(ctx); err != nil {
		return apperr.Wrap(err, apperr.Canceled, "The pause was stopped before it began.")
	}
	defer e.op.unlock()
	ctx, done := m.tellWaits(ctx, e) // a 429's wait shows on the badge
	defer done()
	return m.pauseLocked(ctx, e, false)
}

// pauseLocked pauses the sandbox; the caller holds e.op. With idleOnly it
// first re-checks, under mu, that the project is still idle: an Ensure
// that slipped in between the Tick's decision and here wins.
func (m *Manager) pauseLocked(ctx context.Context, e *entry, idleOnly bool) error {
	now := m.now()
	idle := m.timeouts(ctx).IdlePause
	m.mu.Lock()
	id, st := e.sandboxID, e.state
	if idleOnly && (st != StateRunning || e.holds > 0 || !m.shouldPause(e, now, idle)) {
		m.mu.Unlock()
		return nil
	}
	if id == "" || st == StatePaused || st == StateNone {
		m.mu.Unlock()
		return nil
	}
	// Decided: from here on an Ensure sees "pausing", misses the fast path
	// and waits for e.op, then resumes.
	e.state = StatePausing
	var chunks []usageChunk
	if st == StateRunning {
		chunks = e.takeUsage(now)
		e.accFrom = time.Time{}
	}
	m.mu.Unlock()
	m.record(ctx, e.id, chunks)
	m.emit(e)

	c, err := m.client(ctx)
	if err == nil {
		err = c.Pause(ctx, id)
	}
	switch {
	case err == nil, apperr.Is(err, apperr.Conflict): // 409: already paused
		if serr := m.save(ctx, e.id, id, StatePaused); serr != nil {
			m.log.Warn("recording the paused state failed", "project", e.id, "err", serr)
		}
		m.set(e, func(e *entry) { e.state, e.sb = StatePaused, nil })
		return nil
	case apperr.Is(err, apperr.NotFound):
		// Nothing left to pause; the local copy rebuilds it when needed.
		if serr := m.save(ctx, e.id, "", StateNone); serr != nil {
			m.log.Warn("recording the lost sandbox failed", "project", e.id, "err", serr)
		}
		m.set(e, func(e *entry) { e.state, e.sandboxID, e.sb, e.template = StateNone, "", nil, "" })
		return nil
	default:
		err = apperr.Wrap(err, apperr.CodeOf(err), sentence(err,
			"Tessera could not pause the sandbox. E2B will pause it by itself when its timeout ends; you can also try again."))
		m.fail(e, err)
		return err
	}
}

// expired records that E2B auto-paused a sandbox whose timeout passed
// without a keepalive (machine asleep, network down). Running time is
// counted up to the timeout. No E2B call: the next Ensure connects, which
// resumes it.
func (m *Manager) expired(ctx context.Context, e *entry, now time.Time) {
	m.mu.Lock()
	id, ok := e.sandboxID, e.state == StateRunning && !e.timeoutAt.IsZero() && !now.Before(e.timeoutAt)
	m.mu.Unlock()
	if !ok {
		return
	}
	m.log.Info("sandbox timeout passed; E2B has paused it", "project", e.id, "sandbox", id)
	if err := m.save(ctx, e.id, id, StatePaused); err != nil {
		m.log.Warn("recording the paused state failed", "project", e.id, "err", err)
	}
	m.set(e, func(e *entry) {
		if e.sandboxID == id && e.state == StateRunning {
			e.state, e.sb = StatePaused, nil
		}
	})
}

// PauseAll pauses every sandbox Tessera is running, in parallel, before
// the app quits. It waits at most until ctx ends (Config.QuitWait when ctx
// has no deadline); whatever is not paused by then is paused by E2B at its
// timeout (every sandbox is created with auto-pause). onProgress, if set,
// is called with (0, total) and after each sandbox; calls are serialized.
func (m *Manager) PauseAll(ctx context.Context, onProgress func(done, total int)) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.cfg.QuitWait)
		defer cancel()
	}
	now := m.now()
	m.mu.Lock()
	var targets []*entry
	for _, e := range m.entries {
		if e.state == StateRunning && e.pub.active(now) {
			// Its link must keep working after the app closes; E2B pauses
			// it when the link's time is up (its timeout).
			m.log.Info("leaving a published sandbox running on quit", "project", e.id, "until", e.pub.until)
			continue
		}
		switch e.state {
		case StateRunning, StateStarting, StateResuming, StateRebuilding:
			targets = append(targets, e)
		case StateError:
			// A failed operation may have left it running; a pause of a
			// paused sandbox is harmless (409 counts as done).
			if e.sandboxID != "" {
				targets = append(targets, e)
			}
		}
	}
	m.mu.Unlock()
	total := len(targets)
	var pmu sync.Mutex
	done := 0
	progress := func() {
		if onProgress == nil {
			return
		}
		pmu.Lock()
		defer pmu.Unlock()
		onProgress(done, total)
	}
	progress()
	var emu sync.Mutex
	var errs []error
	g := errgroup.Group{}
	g.SetLimit(m.cfg.Parallel)
	for _, e := range targets {
		g.Go(func() error {
			// Waits for an operation in flight (a create finishing), but no
			// longer than the quit allows.
			err := e.op.lock(ctx)
			if err == nil {
				err = m.pauseLocked(ctx, e, false)
				e.op.unlock()
			}
			if err != nil {
				m.log.Warn("pausing on quit failed", "project", e.id, "err", err)
				emu.Lock()
				errs = append(errs, err)
				emu.Unlock()
			}
			pmu.Lock()
			done++
			pmu.Unlock()
			progress()
			return nil
		})
	}
	_ = g.Wait()
	if len(errs) > 0 {
		return apperr.Wrap(errors.Join(errs...), apperr.Unavailable, fmt.Sprintf(
			"%d of %d sandboxes could not be paused before closing. E2B will pause them when their timeout ends.", len(errs), total))
	}
	return nil
}
