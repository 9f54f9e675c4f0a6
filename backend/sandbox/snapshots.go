package sandbox

// Snapshots and forks of a project's sandbox: the manager's part of the
// runtime restore points (restorepoints.go ties them to versions).

import (
	"context"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// Snapshotter is the part of E2B that snapshots and forks sandboxes; the
// E2B adapter has it (from *e2b.Client). A Control without it cannot make
// restore points: they are then skipped and restores rebuild from files.
type Snapshotter interface {
	CreateSnapshot(ctx context.Context, sandboxID string) (e2b.Snapshot, error)
	DeleteSnapshot(ctx context.Context, snapshotID string) (bool, error)
	Fork(ctx context.Context, sandboxID string, timeout time.Duration) (*e2b.Sandbox, error)
}

var _ Snapshotter = E2B{}

var errNoSnapshots = apperr.New(apperr.Unavailable, "This E2B connection cannot save restore points.")

func (m *Manager) snapshotter(ctx context.Context) (Control, Snapshotter, error) {
	c, err := m.client(ctx)
	if err != nil {
		return nil, nil, err
	}
	s, ok := c.(Snapshotter)
	if !ok {
		return nil, nil, errNoSnapshots
	}
	return c, s, nil
}

// Snapshot saves a persistent snapshot of the project's sandbox as it is
// now (files, installed packages, data) and returns it with the template
// the sandbox was made from. It holds the project's operation lock, so no
// pause, kill or rebuild runs meanwhile. NotFound when the project has no
// sandbox.
func (m *Manager) Snapshot(ctx context.Context, projectID string) (e2b.Snapshot, string, error) {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return e2b.Snapshot{}, "", err
	}
	if err := e.op.lock(ctx); err != nil {
		return e2b.Snapshot{}, "", apperr.Wrap(err, apperr.Canceled, "Saving the restore point was stopped.")
	}
	defer e.op.unlock()
	p, err := m.cfg.Store.GetProject(ctx, projectID)
	if err != nil {
		return e2b.Snapshot{}, "", err
	}
	if p.SandboxID == "" {
		return e2b.Snapshot{}, "", apperr.New(apperr.NotFound, "The project has no sandbox to save a restore point of.")
	}
	_, s, err := m.snapshotter(ctx)
	if err != nil {
		return e2b.Snapshot{}, "", err
	}
	m.mu.Lock()
	template := e.template
	m.mu.Unlock()
	if template == "" {
		template = p.Template
	}
	if template == "" {
		template = m.cfg.DefaultTemplate
	}
	snap, err := s.CreateSnapshot(ctx, p.SandboxID)
	if err != nil {
		return e2b.Snapshot{}, "", wrapOp(err, "save a restore point of the sandbox")
	}
	m.log.Info("restore point saved", "project", projectID, "sandbox", p.SandboxID, "snapshot", snap.ID)
	return snap, template, nil
}

// DeleteSnapshot deletes a snapshot at E2B; one E2B no longer has counts
// as deleted.
func (m *Manager) DeleteSnapshot(ctx context.Context, snapshotID string) error {
	_, s, err := m.snapshotter(ctx)
	if err != nil {
		return err
	}
	if _, err := s.DeleteSnapshot(ctx, snapshotID); err != nil {
		return wrapOp(err, "delete a restore point")
	}
	return nil
}

// RestoreSnapshot replaces the project's sandbox with one created from a
// snapshot (its installed packages and data come back without
// reinstalling), then writes the project's local copy into it (one
// request), so its files are exactly the project's. When E2B no longer has
// the snapshot, the sandbox is rebuilt from the local copy and its
// recorded installs instead, and fromSnapshot is false.
func (m *Manager) RestoreSnapshot(ctx context.Context, projectID, snapshotID, template string) (fromSnapshot bool, err error) {
	if err := e2b.ValidateSnapshotID(snapshotID); err != nil {
		return false, err
	}
	e, err := m.load(ctx, projectID)
	if err != nil {
		return false, err
	}
	// Detached like Restart: abandoned half-way, it would leave an orphan.
	octx, cancel := context.WithTimeout(m.root, m.cfg.OpTimeout)
	defer cancel()
	if err := e.op.lock(ctx); err != nil {
		return false, apperr.Wrap(err, apperr.Canceled, "The restore was stopped before it began.")
	}
	defer e.op.unlock()
	p, err := m.cfg.Store.GetProject(octx, projectID)
	if err != nil {
		return false, err
	}
	if template == "" {
		template = p.Template
	}
	if template == "" {
		template = m.cfg.DefaultTemplate
	}
	c, err := m.client(octx)
	if err != nil {
		m.fail(e, err)
		return false, err
	}
	if p.SandboxID != "" {
		if err := c.Kill(octx, p.SandboxID); err != nil && !apperr.Is(err, apperr.NotFound) {
			err = wrapOp(err, "replace the sandbox with the restore point")
			m.fail(e, err)
			return false, err
		}
		if err := m.save(octx, projectID, "", StateNone); err != nil {
			m.fail(e, err)
			return false, err
		}
	}
	t := m.timeouts(octx)
	m.set(e, func(e *entry) {
		e.state, e.errMsg, e.warning, e.sandboxID, e.sb, e.template = StateStarting, "", "", "", nil, ""
		e.envWritten = ""
	})
	env, envFailed := m.loadEnv(octx, e)
	sb, err := m.createFrom(octx, c, projectID, snapshotID, template, p.SandboxID, t.Timeout, env)
	if apperr.Is(err, apperr.NotFound) {
		m.log.Warn("the restore point is gone at E2B; rebuilding from the files", "project", projectID, "snapshot", snapshotID)
		_, err = m.createLocked(octx, e, c, template, p.SandboxID, t)
		return false, err
	}
	if err != nil {
		err = wrapCreate(err, template)
		m.fail(e, err)
		return false, err
	}
	m.set(e, func(e *entry) { e.state, e.sandboxID = StateRebuilding, sb.SandboxID })
	_, err = m.writeLocalCopy(octx, c, projectID, sb, m.cfg.RootFor(template))
	if err = m.finishBuilt(octx, e, c, sb, template, "", envFailed, t, err, "restore the sandbox from the restore point"); err != nil {
		return false, err
	}
	m.log.Info("sandbox restored from a restore point", "project", projectID, "sandbox", sb.SandboxID, "snapshot", snapshotID)
	return true, nil
}

// Fork gives project to a copy of project from's live sandbox (files,
// installed packages, data; E2B's fork), resuming from's sandbox first if
// it is paused. to must have no sandbox yet. On an error to keeps none, and
// its first run builds one from its files.
func (m *Manager) Fork(ctx context.Context, from, to string) error {
	if from == to {
		return apperr.New(apperr.Invalid, "A project's sandbox can only be copied to another project.")
	}
	src, err := m.load(ctx, from)
	if err != nil {
		return err
	}
	dst, err := m.load(ctx, to)
	if err != nil {
		return err
	}
	if err := src.op.lock(ctx); err != nil {
		return apperr.Wrap(err, apperr.Canceled, "Copying the sandbox was stopped before it began.")
	}
	sp, err := m.cfg.Store.GetProject(ctx, from)
	if err == nil && sp.SandboxID == "" {
		err = apperr.New(apperr.NotFound, "The project has no sandbox to copy.")
	}
	var c Control
	var s Snapshotter
	if err == nil {
		c, s, err = m.snapshotter(ctx)
	}
	t := m.timeouts(ctx)
	m.mu.Lock()
	template := src.template
	m.mu.Unlock()
	if template == "" {
		template = sp.Template
	}
	var sb *e2b.Sandbox
	if err == nil {
		// Fork needs a running sandbox: connect resumes a paused one,
		// which is then known as running (the idle pause applies to it).
		var cur *e2b.Sandbox
		if cur, _, err = c.Connect(ctx, sp.SandboxID, t.Timeout); err == nil {
			if merr := m.markRunning(ctx, src, c, cur, template, "", t.Timeout); merr != nil {
				m.log.Warn("the resumed source sandbox was not recorded", "project", from, "err", merr)
			}
			sb, err = s.Fork(ctx, sp.SandboxID, t.Timeout)
		}
	}
	src.op.unlock()
	if err != nil {
		return wrapOp(err, "copy the sandbox")
	}
	if err := dst.op.lock(ctx); err != nil {
		m.killQuietly(c, sb.SandboxID)
		return apperr.Wrap(err, apperr.Canceled, "Copying the sandbox was stopped.")
	}
	defer dst.op.unlock()
	if err := m.markRunning(ctx, dst, c, sb, template, "", t.Timeout); err != nil {
		m.killQuietly(c, sb.SandboxID)
		return err
	}
	m.log.Info("sandbox forked", "from", from, "to", to, "sandbox", sb.SandboxID)
	return nil
}

func (m *Manager) killQuietly(c Control, id string) {
	ctx, cancel := context.WithTimeout(m.root, 30*time.Second)
	defer cancel()
	if err := c.Kill(ctx, id); err != nil && !apperr.Is(err, apperr.NotFound) {
		m.log.Warn("could not delete a sandbox; Reconcile will", "sandbox", id, "err", err)
	}
}
