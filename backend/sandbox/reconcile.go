package sandbox

import (
	"context"
	"errors"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// Reconcile brings the store and E2B into agreement at start (sandboxes
// another installation made, see foreign, are never deleted):
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
	owner := map[string]string{} // sandbox id -> the project that has it
	for _, p := range projects {
		known[p.ID] = true
		if p.SandboxID != "" {
			owner[p.SandboxID] = p.ID
		}
	}
	byProject := map[string][]e2b.Sandbox{}
	var errs []error
	others := 0
	for _, sb := range list {
		pid := sb.Metadata[MetaProject]
		if o, ok := owner[sb.SandboxID]; ok {
			// A fork carries the metadata of the sandbox it was copied
			// from: the project that recorded it owns it.
			pid = o
		}
		if !known[pid] && m.foreign(sb) {
			others++ // another computer's project
			continue
		}
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
	m.log.Info("sandboxes reconciled", "listed", len(list), "otherComputers", others, "errors", len(errs))
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
		if m.foreign(found[i]) {
			continue // the project's sandbox on another computer (it was moved there)
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
		state := StatePaused
		if mine.State == e2b.StateRunning {
			state = StateRunning
		}
		if err := m.save(ctx, projectID, mine.SandboxID, state); err != nil {
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
		if state == StateRunning {
			m.restorePublish(ctx, e)
		}
	case p.SandboxID != "":
		m.log.Info("the project's sandbox is gone at E2B; it will be rebuilt when needed", "project", projectID, "sandbox", p.SandboxID)
		if err := m.save(ctx, projectID, "", StateNone); err != nil {
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
