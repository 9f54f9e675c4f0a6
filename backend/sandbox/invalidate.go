package sandbox

// Invalidate forgets the cached connection to a project's sandbox after a
// call inside it found the sandbox gone. E2B can pause or end a sandbox
// earlier than Tessera expects (a plan may cap the timeout it accepted), so
// the cache can be stale; the next Ensure then reconnects, and recreates and
// rebuilds the sandbox from the local copy if E2B no longer has it.
func (m *Manager) Invalidate(projectID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.entries[projectID]; e != nil {
		e.sb = nil
	}
}
