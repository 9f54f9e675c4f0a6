package sandbox

import (
	"context"

	"tessera/backend/e2b"
)

// Adopt finds the project's sandbox at E2B by its metadata (the project id
// every sandbox Tessera makes carries) and makes it the project's: what an
// imported project needs to continue, on another computer with the same
// E2B account, with the sandbox it had. It returns the sandbox adopted, or
// "" when E2B has none for the project: its next run builds one from the
// project's files. Extra sandboxes of the project are removed, as at
// Reconcile.
func (m *Manager) Adopt(ctx context.Context, projectID string) (string, error) {
	c, err := m.client(ctx)
	if err != nil {
		return "", err
	}
	list, err := c.List(ctx, e2b.ListOptions{Metadata: map[string]string{MetaApp: AppName, MetaProject: projectID}})
	if err != nil {
		return "", wrapOp(err, "look for the project's sandbox")
	}
	if len(list) == 0 {
		return "", nil
	}
	// A running one first (it is in use and has the latest state), else
	// the first E2B lists.
	pick := list[0]
	for _, sb := range list {
		if sb.State == e2b.StateRunning {
			pick = sb
			break
		}
	}
	e := m.entryFor(projectID)
	if err := e.op.lock(ctx); err != nil {
		return "", err
	}
	err = m.save(ctx, projectID, pick.SandboxID, StatePaused)
	e.op.unlock()
	if err != nil {
		return "", err
	}
	// reconcileOne keeps the recorded one with the state E2B reports and
	// removes the rest.
	if err := m.reconcileOne(ctx, c, projectID, list); err != nil {
		m.log.Warn("adopted the project's sandbox; an extra one was not removed", "project", projectID, "err", err)
	}
	m.log.Info("adopted the sandbox of an imported project", "project", projectID, "sandbox", pick.SandboxID)
	return pick.SandboxID, nil
}
