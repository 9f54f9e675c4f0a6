package sandbox

// Ensure, resume and open: getting a project a ready sandbox.

import (
	"context"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
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
		ctx, done := m.tellWaits(ctx, e)
		defer done()
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
	t.Timeout = e.pub.keepFor(m.now(), t.Timeout)
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
	if err := m.checkBudget(ctx, e); err != nil {
		return nil, err
	}

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
		// What Tessera tries, for the sentence if E2B does not answer: a
		// sandbox it believed running is reconnected to, not resumed.
		tried := "resume the project's sandbox"
		m.set(e, func(e *entry) {
			if e.state == StateRunning {
				tried = "reconnect to the project's sandbox, which it believed running"
			}
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
				if err := m.markRunning(ctx, e, c, sb, got, "", t.Timeout); err != nil {
					m.fail(e, err)
					return nil, err
				}
				_, envFailed := m.loadEnv(ctx, e)
				m.warnEnv(e, envFailed)
				m.envIntoSandbox(ctx, e, c, got, false)
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
			err = wrapOp(err, tried)
			m.fail(e, err)
			return nil, err
		}
		if err := m.save(ctx, e.id, "", StateNone); err != nil {
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

// markRunning records a connected sandbox: in the store first (what a
// restart believes), then in the entry. A failed write leaves the entry
// as it was and is returned.
func (m *Manager) markRunning(ctx context.Context, e *entry, c Control, sb *e2b.Sandbox, template, warning string, timeout time.Duration) error {
	if err := m.save(ctx, e.id, sb.SandboxID, StateRunning); err != nil {
		return err
	}
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
	return nil
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
