package sandbox

// Publish: a web project's preview reachable for a chosen time. The
// sandbox's E2B timeout is set to the end of that time (E2B caps it at the
// plan's maximum lifetime, counted from the sandbox's start: 1 h on Hobby,
// 24 h on Pro), keepalives never shorten it, and neither the idle pause nor
// the away pause touch the sandbox meanwhile. The link stops when the time
// is up (E2B pauses the sandbox then unless someone works in it), on
// Unpublish, or when the sandbox is paused by hand.

import (
	"context"
	"fmt"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// Publish durations.
const (
	MinPublish = time.Hour
	MaxPublish = 24 * time.Hour
)

// pubState is an entry's published link; guarded by Manager.mu.
type pubState struct {
	until time.Time
	url   string
	port  int
}

func (p pubState) active(now time.Time) bool { return !p.until.IsZero() && now.Before(p.until) }

// keepFor is the E2B timeout a keepalive may set now: never less than what
// is left of the published time.
func (p pubState) keepFor(now time.Time, timeout time.Duration) time.Duration {
	if left := p.until.Sub(now); p.active(now) && left > timeout {
		return left
	}
	return timeout
}

// Published is the answer to Publish.
type Published struct {
	URL   string    `json:"url"`
	Until time.Time `json:"until"`
	// Note is set when E2B gave less time than asked (the plan's maximum).
	Note string `json:"note,omitempty"`
}

// Publish keeps the project's sandbox running for d with its preview on
// port reachable at the returned URL.
func (m *Manager) Publish(ctx context.Context, projectID string, port int, d time.Duration) (Published, error) {
	if port < 1 || port > 65535 {
		return Published{}, apperr.New(apperr.Invalid, "This project has no web preview to publish: run a web app first.").InField("port")
	}
	if d < MinPublish || d > MaxPublish {
		return Published{}, apperr.New(apperr.Invalid, "A preview can be published for 1 to 24 hours.").InField("hours")
	}
	h, err := m.Ensure(ctx, projectID, "")
	if err != nil {
		return Published{}, err
	}
	e, err := m.load(ctx, projectID)
	if err != nil {
		return Published{}, err
	}
	if err := e.op.lock(ctx); err != nil {
		return Published{}, apperr.Wrap(err, apperr.Canceled, "Publishing was stopped before it began.")
	}
	defer e.op.unlock()
	m.mu.Lock()
	id, c := e.sandboxID, e.ctl
	running := e.state == StateRunning && id == h.SandboxID && c != nil
	m.mu.Unlock()
	if !running {
		return Published{}, apperr.New(apperr.Conflict, "The sandbox stopped while Tessera was publishing its preview. Try again.")
	}
	if err := c.SetTimeout(ctx, id, d); err != nil {
		return Published{}, wrapOp(err, "keep the sandbox running for the published link")
	}
	now := m.now()
	until := now.Add(d)
	out := Published{URL: h.HostURL(port)}
	// E2B silently caps the timeout at the plan's maximum lifetime; its
	// detail says the real end.
	if sb, err := c.Get(ctx, id); err == nil && !sb.EndAt.IsZero() && sb.EndAt.Before(until) {
		until = sb.EndAt
		out.Note = fmt.Sprintf("Your E2B plan keeps a sandbox for a limited time: the link works until %s, %s from now.",
			until.Local().Format("15:04"), spoken(until.Sub(now)))
	}
	out.Until = until
	if err := m.cfg.Store.SetPublish(ctx, projectID, store.Publish{SandboxID: id, Port: port, URL: out.URL, Until: until}); err != nil {
		return Published{}, err
	}
	m.mu.Lock()
	e.pub = pubState{until: until, url: out.URL, port: port}
	e.timeoutAt, e.lastExtend = until, now
	m.mu.Unlock()
	m.log.Info("published a preview", "project", projectID, "port", port, "until", until)
	m.emit(e)
	return out, nil
}

// Unpublish ends the project's published link: the sandbox goes back to
// the usual timeout and pauses when idle.
func (m *Manager) Unpublish(ctx context.Context, projectID string) error {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return err
	}
	if err := e.op.lock(ctx); err != nil {
		return apperr.Wrap(err, apperr.Canceled, "Unpublishing was stopped before it began.")
	}
	defer e.op.unlock()
	now := m.now()
	t := m.timeouts(ctx)
	m.mu.Lock()
	was := e.pub.active(now)
	id, c := e.sandboxID, e.ctl
	running := e.state == StateRunning && c != nil
	e.pub = pubState{}
	m.mu.Unlock()
	if err := m.cfg.Store.ClearPublish(ctx, projectID); err != nil {
		m.log.Warn("forgetting the published link failed", "project", projectID, "err", err)
	}
	if !was {
		m.emit(e)
		return nil
	}
	if running {
		// May shorten: that is the point.
		if err := c.SetTimeout(ctx, id, t.Timeout); err != nil && !apperr.Is(err, apperr.NotFound) {
			m.log.Warn("resetting the timeout after unpublishing failed", "project", projectID, "err", err)
		} else if err == nil {
			m.mu.Lock()
			e.timeoutAt, e.lastExtend = now.Add(t.Timeout), now
			m.mu.Unlock()
		}
	}
	m.log.Info("unpublished a preview", "project", projectID)
	m.emit(e)
	return nil
}

// restorePublish brings back a link published before the app restarted
// (quitting leaves a published sandbox running): only for the same
// sandbox, still running, before the link's end.
func (m *Manager) restorePublish(ctx context.Context, e *entry) {
	p, ok, err := m.cfg.Store.GetPublish(ctx, e.id)
	if err != nil || !ok {
		return
	}
	now := m.now()
	m.mu.Lock()
	valid := e.state == StateRunning && e.sandboxID == p.SandboxID && now.Before(p.Until)
	if valid {
		e.pub = pubState{until: p.Until, url: p.URL, port: p.Port}
		if e.timeoutAt.Before(p.Until) {
			e.timeoutAt = p.Until
		}
	}
	m.mu.Unlock()
	if !valid {
		m.forgetPublish(e.id)
		return
	}
	m.log.Info("a published link is still up", "project", e.id, "until", p.Until)
	m.emit(e)
}

// forgetPublish drops the stored link (the sandbox paused or is gone).
func (m *Manager) forgetPublish(projectID string) {
	ctx, cancel := context.WithTimeout(m.root, 5*time.Second)
	defer cancel()
	if err := m.cfg.Store.ClearPublish(ctx, projectID); err != nil {
		m.log.Warn("forgetting the published link failed", "project", projectID, "err", err)
	}
}

// spoken says a duration as a person would: "50 min", "1 h", "2 h 05 min"
// (never Go's "2h0m0s").
func spoken(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch h, r := m/60, m%60; {
	case h == 0:
		return fmt.Sprintf("%d min", max(m, 1))
	case r == 0:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d h %02d min", h, r)
	}
}
