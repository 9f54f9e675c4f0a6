package sandbox

// The cleanup policy (issue 16): the sandbox of a project nobody used for
// longer than the policy's age is killed at E2B, after checking that the
// project's folder holds every file its sandbox would be rebuilt from. The
// project then has no sandbox and says "will be rebuilt on next use" (the
// next Ensure builds one from the files and recorded installs). The home
// screen shows the date beforehand and "Keep" (store.KeepSandbox) moves it.

import (
	"context"
	"time"

	"tessera/backend/apperr"
)

// RemovedWarning is what the badge says of a project whose idle sandbox
// the cleanup removed.
const RemovedWarning = "The idle sandbox was removed; it will be rebuilt from the project's files on next use."

// DefaultCleanupAfter is the default idle age before a sandbox is removed.
const DefaultCleanupAfter = 14 * 24 * time.Hour

// CleanupPolicy configures the removal of idle sandboxes.
type CleanupPolicy struct {
	// After is asked on every round: how long a project may be idle
	// before its sandbox is removed (0 or less: never).
	After func(ctx context.Context) time.Duration
	// Check says whether the project's folder holds every file of its
	// local copy; an error keeps the sandbox (and is logged).
	Check func(ctx context.Context, projectID string) error
	// Every is how often the projects are looked at (default 1 h);
	// Config.ManualTick disables the rounds (tests call Cleanup).
	Every time.Duration
}

// CleanupDue is when the project's sandbox will be removed by the policy
// (zero when it has none or the policy is off).
func CleanupDue(idleSince time.Time, hasSandbox bool, after time.Duration) time.Time {
	if !hasSandbox || after <= 0 {
		return time.Time{}
	}
	return idleSince.Add(after)
}

// Cleanup removes the sandboxes that are due, returning the projects whose
// sandbox it removed. A sandbox in use (running, held, or with an
// operation under way) is never removed; nor is one whose files the check
// cannot vouch for.
func (m *Manager) Cleanup(ctx context.Context) ([]string, error) {
	pol := m.cfg.Cleanup
	if pol == nil || pol.After == nil {
		return nil, nil
	}
	after := pol.After(ctx)
	if after <= 0 {
		return nil, nil
	}
	ps, err := m.cfg.Store.ListProjects(ctx)
	if err != nil {
		return nil, err
	}
	now := m.now()
	var removed []string
	for _, p := range ps {
		if ctx.Err() != nil {
			return removed, ctx.Err()
		}
		due := CleanupDue(p.IdleSince(), p.SandboxID != "", after)
		if due.IsZero() || now.Before(due) {
			continue
		}
		ok, err := m.cleanupOne(ctx, p.ID, p.SandboxID)
		if err != nil {
			m.log.Warn("idle sandbox kept: the cleanup could not remove it", "project", p.ID, "sandbox", p.SandboxID, "err", err)
			continue
		}
		if ok {
			removed = append(removed, p.ID)
		}
	}
	return removed, nil
}

func (m *Manager) cleanupOne(ctx context.Context, projectID, sandboxID string) (bool, error) {
	e := m.entryFor(projectID)
	if !e.op.tryLock() {
		return false, nil // something is being done with it right now
	}
	defer e.op.unlock()
	m.mu.Lock()
	busy := e.holds > 0 || (e.loaded && e.state == StateRunning) || (e.loaded && e.sandboxID != "" && e.sandboxID != sandboxID)
	m.mu.Unlock()
	if busy {
		return false, nil
	}
	if pol := m.cfg.Cleanup; pol.Check != nil {
		if err := pol.Check(ctx, projectID); err != nil {
			return false, err
		}
	}
	c, err := m.client(ctx)
	if err != nil {
		return false, err
	}
	if err := c.Kill(ctx, sandboxID); err != nil && !apperr.Is(err, apperr.NotFound) {
		return false, wrapOp(err, "remove the idle sandbox")
	}
	ok, err := m.cfg.Store.MarkSandboxRemoved(ctx, projectID, sandboxID, m.now())
	if err != nil || !ok {
		return false, err
	}
	m.log.Info("idle sandbox removed by the cleanup policy; the next use rebuilds it", "project", projectID, "sandbox", sandboxID)
	m.set(e, func(e *entry) {
		e.loaded = true
		e.state, e.errMsg, e.warning, e.sandboxID, e.sb, e.template = StateNone, "", RemovedWarning, "", nil, ""
	})
	return true, nil
}

// cleanupLoop runs Cleanup every policy period, first soon after start.
func (m *Manager) cleanupLoop() {
	defer m.wg.Done()
	every := m.cfg.Cleanup.Every
	if every <= 0 {
		every = time.Hour
	}
	first := min(every, 2*time.Minute)
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-m.root.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(m.root, 10*time.Minute)
			if _, err := m.Cleanup(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("sandbox cleanup round failed", "err", err)
			}
			cancel()
			t.Reset(every)
		}
	}
}
