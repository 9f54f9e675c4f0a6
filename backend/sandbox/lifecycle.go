package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/store"
)

// Ensure returns a ready sandbox for the project.
//
// template is the template the caller needs (the chat passes the
// fragment's). "" means "whatever sandbox the project has": it never
// replaces a sandbox; if there is none, one is made from the project's
// template, or DefaultTemplate for an Auto project. A non-empty template
// that differs from the one the existing sandbox was made from replaces it
// (kill, create, rebuild from the local copy): a Next.js fragment cannot
// run in a Python sandbox, and the local copy makes the swap lossless.
//
// Cached and running: the E2B timeout is extended (at most once per
// KeepaliveEvery) and the sandbox returned. Known id: connect, which
// resumes a paused sandbox. None, or gone (404): create with metadata
// {app, projectID, template} and auto-pause, then rebuild. Concurrent calls
// share one operation, so a project never gets two sandboxes.
func (m *Manager) Ensure(ctx context.Context, projectID, template string) (*Handle, error) {
	template = strings.TrimSpace(template)
	if strings.TrimSpace(projectID) == "" {
		return nil, apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	}
	if h, ok := m.fast(ctx, projectID, template); ok {
		return h, nil
	}
	ch := m.flight.DoChan(projectID+"\x00"+template, func() (any, error) {
		if !m.enter() {
			return nil, errClosed
		}
		defer m.wg.Done()
		// Detached from the caller on purpose: see the package comment.
		ctx, cancel := context.WithTimeout(m.root, m.cfg.OpTimeout)
		defer cancel()
		e, err := m.load(ctx, projectID)
		if err != nil {
			return nil, err
		}
		if err := e.op.lock(ctx); err != nil {
			return nil, apperr.Wrap(err, apperr.Canceled, "Tessera is closing; the sandbox was left as it is.")
		}
		defer e.op.unlock()
		return m.ensureLocked(ctx, e, template, true)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		h, _ := r.Val.(*Handle)
		if h == nil {
			return nil, apperr.New(apperr.Internal, "Tessera could not prepare the sandbox. Try again; if it keeps happening, the log file has the details.")
		}
		// Each caller gets its own copy of the shared result.
		c := *h
		return &c, nil
	case <-ctx.Done():
		return nil, apperr.Wrap(ctx.Err(), apperr.Canceled, "The operation was stopped.")
	}
}

// safety is how close to its E2B timeout a sandbox may be for the fast
// path to still hand it out without a round trip.
const safety = 30 * time.Second

// accepts says whether the entry's sandbox serves a caller asking for
// template. Caller holds mu.
func (e *entry) accepts(template string) bool {
	return template == "" || e.template == template
}

// fast is the no-I/O path of Ensure (plus, at most once a minute, the
// keepalive). ok=false sends the caller to the slow path.
func (m *Manager) fast(ctx context.Context, projectID, template string) (*Handle, bool) {
	now := m.now()
	m.mu.Lock()
	e := m.entries[projectID]
	if e == nil || e.state != StateRunning || e.sb == nil || !e.accepts(template) ||
		!now.Before(e.timeoutAt.Add(-safety)) {
		m.mu.Unlock()
		return nil, false
	}
	e.lastActive = now
	// Only one caller extends; the others go on, the sandbox has time.
	extend := !e.extending && now.Sub(e.lastExtend) >= m.cfg.KeepaliveEvery
	if extend {
		e.extending = true
	}
	h := m.handleOf(e, false, false)
	m.mu.Unlock()
	if extend && !m.extend(ctx, e) {
		return nil, false
	}
	return h, true
}

// extend pushes the E2B timeout out. It returns false when E2B says the
// sandbox is not running (paused on its own, or deleted): the caller must
// connect again. Caller set e.extending.
func (m *Manager) extend(ctx context.Context, e *entry) bool {
	t := m.timeouts(ctx)
	m.mu.Lock()
	id, c := e.sandboxID, e.ctl
	m.mu.Unlock()
	var err error
	if c == nil || id == "" {
		err = apperr.New(apperr.NotFound, "not connected")
	} else {
		err = c.SetTimeout(ctx, id, t.Timeout)
	}
	now := m.now()
	gone := apperr.Is(err, apperr.NotFound)
	m.mu.Lock()
	e.extending = false
	if e.sandboxID != id || e.state != StateRunning {
		// Something else changed the sandbox meanwhile; its result wins.
		m.mu.Unlock()
		return !gone
	}
	switch {
	case err == nil:
		e.lastExtend, e.timeoutAt = now, now.Add(t.Timeout)
	case gone:
	default:
		// Try again a minute later; the sandbox still runs until timeoutAt.
		// (E2B answers 400 "Max instance length exceeded" past the plan's
		// maximum lifetime: then it auto-pauses and the next Ensure resumes.)
		e.lastExtend = now
		m.log.Warn("extending the sandbox timeout failed", "project", e.id, "sandbox", id, "err", err)
	}
	m.mu.Unlock()
	if gone {
		m.log.Info("sandbox no longer running at E2B; will reconnect", "project", e.id, "sandbox", id)
		m.set(e, func(e *entry) {
			if e.sandboxID == id && e.state == StateRunning {
				e.state, e.sb = StatePaused, nil
			}
		})
		return false
	}
	if err == nil {
		m.emit(e)
	}
	return true
}

// ensureLocked is Ensure's slow path; the caller holds e.op. With
// create=false (Open) it only resumes an existing sandbox.
func (m *Manager) ensureLocked(ctx context.Context, e *entry, template string, create bool) (*Handle, error) {
	p, err := m.cfg.Store.GetProject(ctx, e.id)
	if err != nil {
		return nil, err
	}
	now := m.now()
	m.mu.Lock()
	// Whoever held the lock before us may have done the work.
	if e.state == StateRunning && e.sb != nil && e.accepts(template) && now.Before(e.timeoutAt.Add(-safety)) {
		e.lastActive = now
		h := m.handleOf(e, false, false)
		m.mu.Unlock()
		return h, nil
	}
	known := e.template
	m.mu.Unlock()

	want := template
	if want == "" {
		want = p.Template
	}
	if want == "" {
		want = m.cfg.DefaultTemplate
	}
	strict := template != "" && create

	c, err := m.client(ctx)
	if err != nil {
		m.fail(e, err)
		return nil, err
	}
	t := m.timeouts(ctx)
	oldID := p.SandboxID
	if oldID != "" {
		m.set(e, func(e *entry) {
			e.sandboxID = oldID
			if e.state != StateRunning {
				e.state = StateResuming
			}
			e.errMsg = ""
		})
		sb, resumed, err := c.Connect(ctx, oldID, t.Timeout)
		switch {
		case err == nil:
			got, ok := m.templateOf(ctx, c, sb, want, known)
			if !strict || ok {
				if err := m.cfg.Store.SetSandbox(ctx, e.id, oldID, store.SandboxRunning); err != nil {
					m.fail(e, err)
					return nil, err
				}
				m.markRunning(e, c, sb, got, "", t.Timeout)
				m.mu.Lock()
				h := m.handleOf(e, resumed, false)
				m.mu.Unlock()
				return h, nil
			}
			m.log.Info("replacing the sandbox: the project needs another template", "project", e.id,
				"sandbox", oldID, "has", got, "wants", want)
			if err := c.Kill(ctx, oldID); err != nil && !apperr.Is(err, apperr.NotFound) {
				err = wrapOp(err, "replace the sandbox with one for the new template")
				m.fail(e, err)
				return nil, err
			}
		case apperr.Is(err, apperr.NotFound):
			// Gone at E2B (deleted, expired). The local copy rebuilds it.
			m.log.Warn("the project's sandbox is gone; rebuilding from the local copy", "project", e.id, "sandbox", oldID, "err", err)
		default:
			// Keep the stored id: E2B may be down, the sandbox is not lost.
			err = wrapOp(err, "resume the project's sandbox")
			m.fail(e, err)
			return nil, err
		}
		if err := m.cfg.Store.SetSandbox(ctx, e.id, "", store.SandboxNone); err != nil {
			m.fail(e, err)
			return nil, err
		}
		m.set(e, func(e *entry) { e.state, e.sandboxID, e.sb, e.template = StateNone, "", nil, "" })
	}
	if !create {
		return nil, nil
	}
	return m.createLocked(ctx, e, c, want, oldID, t)
}

// templateOf returns what the sandbox was made from and whether that is
// want. Our metadata is the authority; Connect's answer may lack it, so
// Get is asked. When nothing is known, the sandbox is kept: throwing away
// the person's sandbox on a guess would be worse than a failed run.
func (m *Manager) templateOf(ctx context.Context, c Control, sb *e2b.Sandbox, want, known string) (string, bool) {
	if known != "" {
		return known, known == want
	}
	if t := sb.Metadata[MetaTemplate]; t != "" {
		return t, t == want
	}
	if sb.TemplateID == want || sb.Alias == want {
		return want, true
	}
	if d, err := c.Get(ctx, sb.SandboxID); err == nil {
		if t := d.Metadata[MetaTemplate]; t != "" {
			return t, t == want
		}
		if d.TemplateID == want || d.Alias == want {
			return want, true
		}
	}
	return "", true
}

// markRunning records a connected sandbox in the entry.
func (m *Manager) markRunning(e *entry, c Control, sb *e2b.Sandbox, template, warning string, timeout time.Duration) {
	now := m.now()
	end := now.Add(timeout)
	if sb.EndAt.After(end) {
		end = sb.EndAt // connect never shortens
	}
	m.set(e, func(e *entry) {
		e.state, e.errMsg, e.warning = StateRunning, "", warning
		e.sandboxID, e.sb, e.ctl = sb.SandboxID, sb, c
		if template != "" {
			e.template = template
		}
		e.timeoutAt, e.lastExtend, e.lastActive = end, now, now
	})
}

// createLocked makes a new sandbox and rebuilds the project into it. The
// new id is stored only once the rebuild is done, so a crash in between
// leaves a sandbox that Reconcile recognises as not the project's and
// deletes, never a half-built one that looks complete.
func (m *Manager) createLocked(ctx context.Context, e *entry, c Control, template, exclude string, t Timeouts) (*Handle, error) {
	m.set(e, func(e *entry) {
		e.state, e.errMsg, e.warning, e.sandboxID, e.sb, e.template = StateStarting, "", "", "", nil, ""
	})
	sb, err := m.create(ctx, c, e.id, template, exclude, t.Timeout)
	if err != nil {
		err = wrapCreate(err, template)
		m.fail(e, err)
		return nil, err
	}
	m.set(e, func(e *entry) { e.state, e.sandboxID = StateRebuilding, sb.SandboxID })
	warning, err := m.rebuild(ctx, c, e.id, sb, template)
	if err == nil {
		err = m.cfg.Store.SetSandbox(ctx, e.id, sb.SandboxID, store.SandboxRunning)
	}
	if err != nil {
		// Do not keep a half-built sandbox: the local copy is intact and the
		// next Ensure builds a complete one.
		kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		if kerr := c.Kill(kctx, sb.SandboxID); kerr != nil && !apperr.Is(kerr, apperr.NotFound) {
			m.log.Warn("could not delete a half-built sandbox; Reconcile will", "sandbox", sb.SandboxID, "err", kerr)
		}
		cancel()
		err = wrapOp(err, "rebuild the project's sandbox")
		m.set(e, func(e *entry) { e.sandboxID = "" })
		m.fail(e, err)
		return nil, err
	}
	m.markRunning(e, c, sb, template, warning, t.Timeout)
	m.mu.Lock()
	h := m.handleOf(e, false, true)
	m.mu.Unlock()
	return h, nil
}

// create makes the sandbox. The E2B client does not retry creates (a 5xx
// or a timeout may come after the sandbox was made), so this does, but
// first looks for a sandbox the failed attempt made anyway and adopts it:
// otherwise a flaky network would leave the project with two.
func (m *Manager) create(ctx context.Context, c Control, projectID, template, exclude string, timeout time.Duration) (*e2b.Sandbox, error) {
	opts := e2b.CreateOptions{
		TemplateID: template,
		Timeout:    timeout,
		Metadata:   map[string]string{MetaApp: AppName, MetaProject: projectID, MetaTemplate: template},
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
	var found *e2b.Sandbox
	for i := range list {
		id := list[i].SandboxID
		if id == exclude {
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

// maxBatchBytes bounds one upload during a rebuild.
const maxBatchBytes = 8 << 20

// rebuild writes the project's local copy into a fresh sandbox and replays
// the recorded installs. A failed file write fails the rebuild; a failed
// install only produces a warning (the person can install again, and the
// files, which are the work, are there).
func (m *Manager) rebuild(ctx context.Context, c Control, projectID string, sb *e2b.Sandbox, template string) (string, error) {
	root := m.cfg.RootFor(template)
	files, err := m.cfg.Store.ListFiles(ctx, projectID)
	if err != nil {
		return "", err
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
				return "", err
			}
		}
		batch = append(batch, SandboxFile{Path: p, Content: f.Content})
		size += len(f.Content)
	}
	if err := flush(); err != nil {
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
	m.log.Info("sandbox rebuilt", "project", projectID, "sandbox", sb.SandboxID, "files", len(files), "installs", len(installs), "failedInstalls", failed)
	if failed > 0 {
		return fmt.Sprintf("%d of %d recorded installs failed while the sandbox was rebuilt. Ask the assistant to install them again.", failed, len(installs)), nil
	}
	return "", nil
}

// Resume starts (or resumes) the project's sandbox: the page's button.
func (m *Manager) Resume(ctx context.Context, projectID string) error {
	_, err := m.Ensure(ctx, projectID, "")
	return err
}

// Open starts resuming the project's sandbox in the background when the
// project is opened, so it is usually ready before the LLM has answered.
// It only wakes an existing sandbox: a project without one gets it on its
// first run, from the template that run needs (creating one on every
// browse would cost money and might pick the wrong template).
func (m *Manager) Open(projectID string) {
	if !m.enter() {
		return
	}
	go func() {
		defer m.wg.Done()
		ctx, cancel := context.WithTimeout(m.root, m.cfg.OpTimeout)
		defer cancel()
		e, err := m.load(ctx, projectID)
		if err != nil {
			m.log.Warn("opening a project's sandbox failed", "project", projectID, "err", err)
			return
		}
		m.Touch(projectID)
		m.mu.Lock()
		ready := e.state == StateRunning && e.sb != nil
		m.mu.Unlock()
		if ready {
			return
		}
		if err := e.op.lock(ctx); err != nil {
			return
		}
		defer e.op.unlock()
		if _, err := m.ensureLocked(ctx, e, "", false); err != nil {
			m.log.Info("resuming on open failed", "project", projectID, "err", err)
			if apperr.Is(err, apperr.Unavailable) || apperr.Is(err, apperr.Unauthorized) {
				// Nobody asked for this resume: being offline or not having
				// a key yet is not an error of the sandbox. Show it as it
				// is kept, with the reason as a warning; the next real use
				// tries again and reports a failure there.
				msg := apperr.MessageOf(err)
				m.set(e, func(e *entry) {
					if e.state != StateError {
						return
					}
					e.state, e.errMsg, e.warning = StatePaused, "", msg
					if e.sandboxID == "" {
						e.state = StateNone
					}
				})
			}
		}
	}()
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
	if idleOnly && (st != StateRunning || e.holds > 0 || now.Sub(e.lastActive) < idle) {
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
		if serr := m.cfg.Store.SetSandbox(ctx, e.id, id, store.SandboxPaused); serr != nil {
			m.log.Warn("recording the paused state failed", "project", e.id, "err", serr)
		}
		m.set(e, func(e *entry) { e.state, e.sb = StatePaused, nil })
		return nil
	case apperr.Is(err, apperr.NotFound):
		// Nothing left to pause; the local copy rebuilds it when needed.
		if serr := m.cfg.Store.SetSandbox(ctx, e.id, "", store.SandboxNone); serr != nil {
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
		if err := m.cfg.Store.SetSandbox(octx, projectID, "", store.SandboxNone); err != nil {
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
	if err := m.cfg.Store.SetSandbox(ctx, projectID, "", store.SandboxNone); err != nil && !apperr.Is(err, apperr.NotFound) {
		m.log.Warn("recording the deleted sandbox failed", "project", projectID, "err", err)
	}
	m.set(e, func(e *entry) {
		e.loaded = true
		e.state, e.errMsg, e.warning, e.sandboxID, e.sb, e.template = StateNone, "", "", "", nil, ""
	})
	return nil
}

// WriteFiles writes files to the project's local copy and to its sandbox,
// in that order: the local copy is the source of truth, so a file is never
// in the sandbox without being in project_files. If the sandbox cannot be
// reached the files are still saved and reach the sandbox on its rebuild.
// Paths are relative to the project folder.
func (m *Manager) WriteFiles(ctx context.Context, projectID string, files []store.File) error {
	if len(files) == 0 {
		return nil
	}
	root := m.cfg.RootFor("")
	clean := make([]store.File, 0, len(files))
	for _, f := range files {
		full, err := e2b.ResolvePath(root, f.Path)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(full, root+"/")
		if full == root || rel == "" {
			return apperr.Newf(apperr.Invalid, "%q is the project folder itself, not a file. Give a file path inside the project.", f.Path)
		}
		clean = append(clean, store.File{Path: rel, Content: f.Content})
	}
	if err := m.cfg.Store.PutFiles(ctx, projectID, clean); err != nil {
		return err
	}
	release := m.Hold(projectID)
	defer release()
	h, err := m.Ensure(ctx, projectID, "")
	if err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), sentence(err, "")+
			" Your files were saved in the project and will be written to the sandbox when it is back.")
	}
	if h.Rebuilt {
		return nil // the rebuild wrote the local copy, these files included
	}
	sfs := make([]SandboxFile, len(clean))
	for i, f := range clean {
		p, err := e2b.ResolvePath(h.Root, f.Path)
		if err != nil {
			return err
		}
		sfs[i] = SandboxFile{Path: p, Content: f.Content}
	}
	if err := h.ctl.WriteFiles(ctx, h.Sandbox, sfs); err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), sentence(err, "Tessera could not write the files to the sandbox.")+
			" They were saved in the project; restart the sandbox to write them again.")
	}
	return nil
}

// Install runs a dependency install command in the project's sandbox,
// streaming its output, and records it (only when it succeeded) so that a
// rebuilt sandbox gets it again.
func (m *Manager) Install(ctx context.Context, projectID, command string, onOutput func(stream string, b []byte)) error {
	command = strings.TrimSpace(command)
	if command == "" {
		return apperr.New(apperr.Invalid, "The install command is empty. Give a command such as \"pip install pandas\".")
	}
	if onOutput == nil {
		onOutput = func(string, []byte) {}
	}
	release := m.Hold(projectID)
	defer release()
	h, err := m.Ensure(ctx, projectID, "")
	if err != nil {
		return err
	}
	code, err := h.Run(ctx, Command{Line: command, Timeout: m.cfg.InstallTimeout,
		OnStdout: func(b []byte) { onOutput("stdout", b) },
		OnStderr: func(b []byte) { onOutput("stderr", b) }})
	if err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), sentence(err, "Tessera could not run the install command in the sandbox."))
	}
	if code != 0 {
		return apperr.Newf(apperr.Invalid, "The install command %q failed with exit code %d, so it was not recorded. Check its output.", command, code)
	}
	return m.cfg.Store.AddInstall(ctx, projectID, command)
}

// sentence returns err's sentence, or fallback for uncoded errors.
func sentence(err error, fallback string) string {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Message != "" {
		return ae.Message
	}
	if fallback != "" {
		return fallback
	}
	return apperr.MessageOf(err)
}

// wrapOp keeps E2B's code and sentence and adds what was being done, plus
// the reassurance that matters: the work is safe on this computer.
func wrapOp(err error, what string) error {
	code := apperr.CodeOf(err)
	var msg string
	switch code {
	case apperr.Unavailable:
		msg = fmt.Sprintf("E2B did not answer when Tessera tried to %s. Your files are safe on this computer; try again in a minute.", what)
	case apperr.RateLimited:
		msg = fmt.Sprintf("E2B is limiting requests, so Tessera could not %s. Pause the sandboxes of other projects or wait a minute, then try again.", what)
	case apperr.Canceled:
		msg = "The operation was stopped. Your files are safe on this computer."
	default:
		msg = apperr.MessageOf(err)
	}
	return apperr.Wrap(err, code, msg)
}

func wrapCreate(err error, template string) error {
	if apperr.Is(err, apperr.NotFound) {
		return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf(
			"E2B has no template %q for this account. Pick another template for the project, or build it with the E2B CLI.", template))
	}
	return wrapOp(err, "create the project's sandbox")
}
