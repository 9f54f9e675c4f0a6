package sandbox

// Create, rebuild, restart and kill: making (and unmaking) a project's
// sandbox from its local copy.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// createLocked makes a new sandbox and rebuilds the project into it. The
// new id is stored only once the rebuild is done, so a crash in between
// leaves a sandbox that Reconcile recognises as not the project's and
// deletes, never a half-built one that looks complete.
func (m *Manager) createLocked(ctx context.Context, e *entry, c Control, template, exclude string, t Timeouts) (*Handle, error) {
	m.set(e, func(e *entry) {
		e.state, e.errMsg, e.warning, e.sandboxID, e.sb, e.template = StateStarting, "", "", "", nil, ""
		e.envWritten = ""
	})
	env, envFailed := m.loadEnv(ctx, e)
	sb, err := m.create(ctx, c, e.id, template, exclude, t.Timeout, env)
	if err != nil {
		err = wrapCreate(err, template)
		m.fail(e, err)
		return nil, err
	}
	m.set(e, func(e *entry) { e.state, e.sandboxID = StateRebuilding, sb.SandboxID })
	warning, err := m.rebuild(ctx, c, e.id, sb, template)
	if err = m.finishBuilt(ctx, e, c, sb, template, warning, envFailed, t, err, "rebuild the project's sandbox"); err != nil {
		return nil, err
	}
	m.mu.Lock()
	h := m.handleOf(e, false, true)
	m.mu.Unlock()
	return h, nil
}

// finishBuilt ends the making of sb (built from files or from a restore
// point; err is how that went): marked running with the project's
// variables, or, on a failure, deleted — never kept half-built: the local
// copy is intact and the next Ensure builds a complete one. The entry
// then shows the failure, as "could not <what>".
func (m *Manager) finishBuilt(ctx context.Context, e *entry, c Control, sb *e2b.Sandbox, template, warning string, envFailed bool, t Timeouts, err error, what string) error {
	if err == nil {
		err = m.markRunning(ctx, e, c, sb, template, warning, t.Timeout)
	}
	if err == nil {
		m.warnEnv(e, envFailed)
		m.envIntoSandbox(ctx, e, c, template, true)
		return nil
	}
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	if kerr := c.Kill(kctx, sb.SandboxID); kerr != nil && !apperr.Is(kerr, apperr.NotFound) {
		m.log.Warn("could not delete a half-built sandbox; Reconcile will", "sandbox", sb.SandboxID, "err", kerr)
	}
	cancel()
	err = wrapOp(err, what)
	m.set(e, func(e *entry) { e.sandboxID = "" })
	m.fail(e, err)
	return err
}

// create makes the sandbox. The E2B client does not retry creates (a 5xx
// or a timeout may come after the sandbox was made), so this does, but
// first looks for a sandbox the failed attempt made anyway and adopts it:
// otherwise a flaky network would leave the project with two.
func (m *Manager) create(ctx context.Context, c Control, projectID, template, exclude string, timeout time.Duration, env map[string]string) (*e2b.Sandbox, error) {
	return m.createFrom(ctx, c, projectID, template, template, exclude, timeout, env)
}

// createFrom is create from source, a template or a snapshot (which is a
// template at E2B); template is what the project's code needs, recorded in
// the metadata; env are the project's variables.
func (m *Manager) createFrom(ctx context.Context, c Control, projectID, source, template, exclude string, timeout time.Duration, env map[string]string) (*e2b.Sandbox, error) {
	opts := e2b.CreateOptions{
		EnvVars:    cloneMap(env),
		TemplateID: source,
		Timeout:    timeout,
		Metadata:   m.metadata(projectID, template),
		AutoPause:  true, // E2B pauses it on timeout: covers a crash of the app
		Secure:     true,
	}
	for attempt := 1; ; attempt++ {
		sb, err := c.Create(ctx, opts)
		if err == nil {
			return sb, nil
		}
		if !apperr.Is(err, apperr.Unavailable) || ctx.Err() != nil {
			return nil, err
		}
		if sb := m.findCreated(ctx, c, projectID, exclude, timeout); sb != nil {
			m.log.Info("adopted a sandbox made by a create that reported failure", "project", projectID, "sandbox", sb.SandboxID)
			return sb, nil
		}
		if attempt >= m.cfg.CreateAttempts {
			return nil, err
		}
		m.log.Warn("creating the sandbox failed; retrying", "project", projectID, "attempt", attempt, "err", err)
		if serr := m.cfg.Sleep(ctx, time.Duration(attempt)*time.Second); serr != nil {
			return nil, err
		}
	}
}

func (m *Manager) findCreated(ctx context.Context, c Control, projectID, exclude string, timeout time.Duration) *e2b.Sandbox {
	list, err := c.List(ctx, e2b.ListOptions{State: []string{e2b.StateRunning},
		Metadata: map[string]string{MetaApp: AppName, MetaProject: projectID}})
	if err != nil {
		return nil
	}
	others := m.othersSandboxes(ctx, projectID, list)
	var found *e2b.Sandbox
	for i := range list {
		id := list[i].SandboxID
		if id == exclude || others[id] || m.foreign(list[i]) {
			continue
		}
		if found != nil {
			_ = c.Kill(ctx, id) // a second one: never two per project
			continue
		}
		// List items carry no envd token; connect gives the full details.
		if sb, _, err := c.Connect(ctx, id, timeout); err == nil {
			found = sb
		}
	}
	return found
}

// othersSandboxes returns the ids in list that another project has as its
// sandbox: a fork carries the metadata of the sandbox it was copied from,
// so a project's metadata can be on another project's sandbox.
func (m *Manager) othersSandboxes(ctx context.Context, projectID string, list []e2b.Sandbox) map[string]bool {
	out := map[string]bool{}
	if len(list) == 0 {
		return out
	}
	projects, err := m.cfg.Store.ListProjects(ctx)
	if err != nil {
		// Unknown owners: adopt nothing rather than another's sandbox.
		for _, sb := range list {
			out[sb.SandboxID] = true
		}
		return out
	}
	for _, p := range projects {
		if p.ID != projectID && p.SandboxID != "" {
			out[p.SandboxID] = true
		}
	}
	return out
}

// maxBatchBytes bounds one upload during a rebuild.
const maxBatchBytes = 8 << 20

// rebuild writes the project's local copy into a fresh sandbox and replays
// the recorded installs. A failed file write fails the rebuild; a failed
// install only produces a warning (the person can install again, and the
// files, which are the work, are there).
func (m *Manager) rebuild(ctx context.Context, c Control, projectID string, sb *e2b.Sandbox, template string) (string, error) {
	root := m.cfg.RootFor(template)
	files, err := m.writeLocalCopy(ctx, c, projectID, sb, root)
	if err != nil {
		return "", err
	}
	installs, err := m.cfg.Store.ListInstalls(ctx, projectID)
	if err != nil {
		return "", err
	}
	failed := 0
	for _, line := range installs {
		code, err := c.Run(ctx, sb, Command{Line: line, Cwd: root, Timeout: m.cfg.InstallTimeout})
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err != nil || code != 0 {
			failed++
			m.log.Warn("a recorded install failed during the rebuild", "project", projectID, "command", line, "exit", code, "err", err)
		}
	}
	m.log.Info("sandbox rebuilt", "project", projectID, "sandbox", sb.SandboxID, "files", files, "installs", len(installs), "failedInstalls", failed)
	if failed > 0 {
		return fmt.Sprintf("%d of %d recorded installs failed while the sandbox was rebuilt. Ask the assistant to install them again.", failed, len(installs)), nil
	}
	return "", nil
}

// writeLocalCopy writes the project's local copy into the sandbox (in
// batches of at most maxBatchBytes; one request for a usual project) and
// says how many files there were.
func (m *Manager) writeLocalCopy(ctx context.Context, c Control, projectID string, sb *e2b.Sandbox, root string) (int, error) {
	files, err := m.cfg.Store.ListFiles(ctx, projectID)
	if err != nil {
		return 0, err
	}
	var batch []SandboxFile
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := c.WriteFiles(ctx, sb, batch)
		batch, size = nil, 0
		return err
	}
	for _, f := range files {
		p, err := e2b.ResolvePath(root, f.Path)
		if err != nil {
			m.log.Warn("skipping a stored file with an unusable path", "project", projectID, "path", f.Path, "err", err)
			continue
		}
		if size > 0 && size+len(f.Content) > maxBatchBytes {
			if err := flush(); err != nil {
				return 0, err
			}
		}
		batch = append(batch, SandboxFile{Path: p, Content: f.Content})
		size += len(f.Content)
	}
	return len(files), flush()
}

// Restart deletes the project's sandbox and builds a fresh one from the
// local copy (files and recorded installs), with the same template.
func (m *Manager) Restart(ctx context.Context, projectID string) error {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return err
	}
	// Detached like Ensure: a restart abandoned half-way would leave an
	// orphan sandbox.
	octx, cancel := context.WithTimeout(m.root, m.cfg.OpTimeout)
	defer cancel()
	// The caller's ctx only bounds the wait for the lock.
	if err := e.op.lock(ctx); err != nil {
		return apperr.Wrap(err, apperr.Canceled, "The restart was stopped before it began.")
	}
	defer e.op.unlock()
	octx, done := m.tellWaits(octx, e) // a 429's wait shows on the badge
	defer done()
	p, err := m.cfg.Store.GetProject(octx, projectID)
	if err != nil {
		return err
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
	c, err := m.client(octx)
	if err != nil {
		m.fail(e, err)
		return err
	}
	if p.SandboxID != "" {
		if err := c.Kill(octx, p.SandboxID); err != nil && !apperr.Is(err, apperr.NotFound) {
			err = wrapOp(err, "restart the sandbox")
			m.fail(e, err)
			return err
		}
		if err := m.save(octx, projectID, "", StateNone); err != nil {
			m.fail(e, err)
			return err
		}
	}
	_, err = m.createLocked(octx, e, c, template, p.SandboxID, m.timeouts(octx))
	return err
}

// Kill deletes the project's sandbox (running or paused) with its files at
// E2B; the local copy stays. The project's "delete" calls it before
// deleting the project, so the sandbox id is still known.
func (m *Manager) Kill(ctx context.Context, projectID string) error {
	if strings.TrimSpace(projectID) == "" {
		return apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	}
	e := m.entryFor(projectID)
	if err := e.op.lock(ctx); err != nil {
		return apperr.Wrap(err, apperr.Canceled, "Deleting the sandbox was stopped before it began.")
	}
	defer e.op.unlock()
	m.mu.Lock()
	id, loaded := e.sandboxID, e.loaded
	m.mu.Unlock()
	if p, err := m.cfg.Store.GetProject(ctx, projectID); err == nil {
		id = p.SandboxID
	} else if !loaded && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if id != "" {
		c, err := m.client(ctx)
		if err != nil {
			return err
		}
		if err := c.Kill(ctx, id); err != nil && !apperr.Is(err, apperr.NotFound) {
			return wrapOp(err, "delete the project's sandbox")
		}
	}
	if err := m.save(ctx, projectID, "", StateNone); err != nil && !apperr.Is(err, apperr.NotFound) {
		m.log.Warn("recording the deleted sandbox failed", "project", projectID, "err", err)
	}
	m.set(e, func(e *entry) {
		e.loaded = true
		e.state, e.errMsg, e.warning, e.sandboxID, e.sb, e.template = StateNone, "", "", "", nil, ""
		e.baked, e.bakedFor, e.ours = nil, "", nil
	})
	m.forgetOurs(ctx, projectID) // no sandbox left to override anything in
	return nil
}

// metadata is what every sandbox Tessera makes carries.
func (m *Manager) metadata(projectID, template string) map[string]string {
	md := map[string]string{MetaApp: AppName, MetaProject: projectID, MetaTemplate: template}
	if m.cfg.Install != "" {
		md[MetaInstall] = m.cfg.Install
	}
	return md
}

// foreign reports a sandbox another Tessera installation made (on another
// computer with the same E2B account): reconcile leaves it alone, since a
// project unknown here, or a second sandbox of a project, may be in use
// there. Sandboxes without the mark (made before it existed) are ours.
func (m *Manager) foreign(sb e2b.Sandbox) bool {
	owner := sb.Metadata[MetaInstall]
	return owner != "" && m.cfg.Install != "" && owner != m.cfg.Install
}
