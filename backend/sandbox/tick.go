package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/store"
)

// usageChunk is running time to add to one calendar day.
type usageChunk struct {
	day  time.Time
	secs int64
}

// takeUsage moves whole seconds of running time since accFrom (capped at
// the E2B timeout: past it E2B has paused the sandbox) out of the entry,
// split at local midnights. Caller holds mu.
func (e *entry) takeUsage(now time.Time) []usageChunk {
	if e.accFrom.IsZero() {
		return nil
	}
	end := now
	if !e.timeoutAt.IsZero() && e.timeoutAt.Before(end) {
		end = e.timeoutAt
	}
	if !end.After(e.accFrom) {
		return nil
	}
	secs := int64(end.Sub(e.accFrom) / time.Second)
	if secs <= 0 {
		return nil
	}
	from := e.accFrom
	e.accFrom = from.Add(time.Duration(secs) * time.Second)
	var out []usageChunk
	for secs > 0 {
		y, mo, d := from.Date()
		next := time.Date(y, mo, d+1, 0, 0, 0, 0, from.Location())
		n := int64(next.Sub(from) / time.Second)
		if n <= 0 {
			n = 1
		}
		if n >= secs {
			out = append(out, usageChunk{from, secs})
			break
		}
		out = append(out, usageChunk{from, n})
		from = from.Add(time.Duration(n) * time.Second)
		secs -= n
	}
	return out
}

func (m *Manager) record(ctx context.Context, projectID string, chunks []usageChunk) {
	for _, c := range chunks {
		if err := m.cfg.Store.AddRunningSeconds(ctx, projectID, c.day, c.secs); err != nil {
			m.log.Warn("recording sandbox running time failed", "project", projectID, "seconds", c.secs, "err", err)
		}
	}
}

// flushEvery is how much unrecorded running time a Tick lets build up
// before writing it (Status adds the unrecorded part anyway).
const flushEvery = time.Minute

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
		case e.holds == 0 && now.Sub(e.lastActive) >= t.IdlePause:
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
	for _, e := range emitUse {
		m.emit(e)
	}
	for _, e := range expired {
		m.expired(ctx, e, now)
	}
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
	if err := m.cfg.Store.SetSandbox(ctx, e.id, id, store.SandboxPaused); err != nil {
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
	m.mu.Lock()
	var targets []*entry
	for _, e := range m.entries {
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

// Reconcile brings the store and E2B into agreement at start:
//   - a tessera sandbox whose project no longer exists is deleted;
//   - a project's recorded sandbox is adopted with the state E2B reports;
//   - any other tessera sandbox of a known project (a duplicate, or one a
//     crash left half-built before its id was stored) is deleted;
//   - a project whose recorded sandbox E2B no longer has is marked as
//     having none (the next run rebuilds it from the local copy).
//
// Each project is handled under its operation lock, so a concurrent
// Ensure (the person was quick) is never undone.
func (m *Manager) Reconcile(ctx context.Context) error {
	c, err := m.client(ctx)
	if err != nil {
		return err
	}
	// List before reading the projects: a project created after this
	// point cannot own a sandbox in the list.
	list, err := c.List(ctx, e2b.ListOptions{Metadata: map[string]string{MetaApp: AppName}})
	if err != nil {
		return wrapOp(err, "list the sandboxes")
	}
	projects, err := m.cfg.Store.ListProjects(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(projects))
	for _, p := range projects {
		known[p.ID] = true
	}
	byProject := map[string][]e2b.Sandbox{}
	var errs []error
	for _, sb := range list {
		pid := sb.Metadata[MetaProject]
		if !known[pid] {
			m.log.Info("deleting the sandbox of a deleted project", "sandbox", sb.SandboxID, "project", pid)
			if err := c.Kill(ctx, sb.SandboxID); err != nil && !apperr.Is(err, apperr.NotFound) {
				errs = append(errs, err)
			}
			continue
		}
		byProject[pid] = append(byProject[pid], sb)
	}
	for _, p := range projects {
		if err := m.reconcileOne(ctx, c, p.ID, byProject[p.ID]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return wrapOp(errors.Join(errs...), "tidy up the sandboxes")
	}
	return nil
}

func (m *Manager) reconcileOne(ctx context.Context, c Control, projectID string, found []e2b.Sandbox) error {
	e := m.entryFor(projectID)
	if err := e.op.lock(ctx); err != nil {
		return err
	}
	defer e.op.unlock()
	// Re-read under the lock: an operation may have changed it.
	p, err := m.cfg.Store.GetProject(ctx, projectID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		return err
	}
	var mine *e2b.Sandbox
	var errs []error
	for i := range found {
		if found[i].SandboxID == p.SandboxID && mine == nil {
			mine = &found[i]
			continue
		}
		m.log.Info("deleting an extra sandbox of a project", "project", projectID, "sandbox", found[i].SandboxID)
		if err := c.Kill(ctx, found[i].SandboxID); err != nil && !apperr.Is(err, apperr.NotFound) {
			errs = append(errs, err)
		}
	}
	now := m.now()
	t := m.timeouts(ctx)
	switch {
	case mine != nil:
		state, st := StatePaused, store.SandboxPaused
		if mine.State == e2b.StateRunning {
			state, st = StateRunning, store.SandboxRunning
		}
		if err := m.cfg.Store.SetSandbox(ctx, projectID, mine.SandboxID, st); err != nil {
			return err
		}
		template := mine.Metadata[MetaTemplate]
		m.set(e, func(e *entry) {
			e.loaded = true
			e.state, e.errMsg, e.sandboxID, e.sb = state, "", mine.SandboxID, nil
			if template != "" {
				e.template = template
			}
			e.lastActive = now // the idle pause starts counting now
			e.timeoutAt = time.Time{}
			if state == StateRunning {
				e.timeoutAt = mine.EndAt
				if e.timeoutAt.IsZero() {
					e.timeoutAt = now.Add(t.Timeout)
				}
			}
		})
	case p.SandboxID != "":
		m.log.Info("the project's sandbox is gone at E2B; it will be rebuilt when needed", "project", projectID, "sandbox", p.SandboxID)
		if err := m.cfg.Store.SetSandbox(ctx, projectID, "", store.SandboxNone); err != nil {
			return err
		}
		m.set(e, func(e *entry) {
			e.loaded = true
			e.state, e.sandboxID, e.sb, e.template = StateNone, "", nil, ""
		})
	default:
		m.set(e, func(e *entry) {
			e.loaded = true
			if e.state != StateError {
				e.state = StateNone
			}
		})
	}
	return errors.Join(errs...)
}
