package sandbox

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"
)

// Tick does the timer work; the app's ticker calls it every few seconds
// (NewManager starts one unless Config.ManualTick). It
//   - notices sandboxes whose E2B timeout passed (E2B auto-paused them),
//   - pauses running sandboxes idle for IdlePause (not held, not busy),
//   - extends the E2B timeout of active ones at most once per KeepaliveEvery,
//   - writes running time to the store about once a minute.
func (m *Manager) Tick(ctx context.Context) {
	now := m.now()
	t := m.timeouts(ctx)
	type flush struct {
		e      *entry
		chunks []usageChunk
	}
	var expired, idle, extend, probe []*entry
	var flushes []flush
	var emitUse []*entry
	m.mu.Lock()
	for _, e := range m.entries {
		if e.state != StateRunning {
			continue
		}
		switch {
		case !e.timeoutAt.IsZero() && !now.Before(e.timeoutAt):
			expired = append(expired, e)
			continue
		case e.holds == 0 && m.shouldPause(e, now, t.IdlePause):
			idle = append(idle, e)
		case e.sb != nil && !e.extending && (e.holds > 0 || e.lastActive.After(e.lastExtend)) &&
			now.Sub(e.lastExtend) >= m.cfg.KeepaliveEvery:
			e.extending = true
			extend = append(extend, e)
		}
		if e.sb != nil && !e.probing && !e.extending && now.Sub(e.lastProbe) >= m.cfg.ProbeEvery {
			e.probing = true
			probe = append(probe, e)
		}
		if !e.accFrom.IsZero() && now.Sub(e.accFrom) >= flushEvery {
			flushes = append(flushes, flush{e, e.takeUsage(now)})
		}
		if now.Sub(e.lastEmitUse) >= time.Minute {
			e.lastEmitUse = now
			emitUse = append(emitUse, e)
		}
	}
	m.mu.Unlock()
	for _, f := range flushes {
		m.record(ctx, f.e.id, f.chunks)
	}
	if len(flushes) == 0 && !m.books.empty() {
		m.writeBooks(ctx) // what a busy database refused before
	}
	for _, e := range emitUse {
		m.emit(e)
	}
	for _, e := range expired {
		m.expired(ctx, e, now)
	}
	m.checkBudgets(ctx, now)
	g := errgroup.Group{}
	g.SetLimit(m.cfg.Parallel)
	for _, e := range idle {
		g.Go(func() error {
			// A project with an operation in flight is not idle; skip it
			// rather than queue a pause behind the operation.
			if !e.op.tryLock() {
				return nil
			}
			defer e.op.unlock()
			if err := m.pauseLocked(ctx, e, true); err != nil {
				m.log.Warn("idle pause failed", "project", e.id, "err", err)
			} else {
				m.log.Info("paused an idle sandbox", "project", e.id)
			}
			return nil
		})
	}
	for _, e := range extend {
		g.Go(func() error {
			m.extend(ctx, e)
			return nil
		})
	}
	for _, e := range probe {
		g.Go(func() error {
			m.probe(ctx, e)
			return nil
		})
	}
	_ = g.Wait()
}
