package terminal

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"tessera/backend/events"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/sandbox"
)

// session is one terminal or console. Its output is gathered for
// cfg.Batch and then emitted as one Data event, and kept (bounded) for
// Snapshot.
type session struct {
	m         *Manager
	id        string
	projectID string
	kind      string
	title     string
	created   time.Time

	inMu       sync.Mutex // one SendInput at a time, in the order they came
	mu         sync.Mutex
	cols, rows uint32
	state      string
	message    string
	pid        uint32
	env        Envd
	sandboxID  string
	cancel     context.CancelFunc // the running stream
	attaching  bool
	again      bool // attach once more when the running one ends
	closed     bool
	restart    bool               // console: kill the server and start it on the next attach
	follow     context.CancelFunc // console: the current follow of the server
	kick       chan struct{}      // console: look again now

	pending   []byte // not yet emitted
	pendStart int64
	timer     *time.Timer
	lastFlush time.Time
	scroll    []byte // the last cfg.Scrollback bytes
	written   int64  // bytes of output so far
}

func (m *Manager) newSession(projectID, kind, title string, cols, rows uint32) *session {
	return &session{m: m, id: newID(), projectID: projectID, kind: kind, title: title,
		created: time.Now(), cols: cols, rows: rows, state: StateStarting, kick: make(chan struct{}, 1)}
}

func (s *session) infoLocked() Info {
	return Info{ID: s.id, ProjectID: s.projectID, Kind: s.kind, Title: s.title, State: s.state, Message: s.message}
}

func (s *session) info() Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.infoLocked()
}

func (s *session) current() (string, uint32, Envd) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.pid, s.env
}

// setState records and announces the state (after any pending output, so
// the page sees them in order).
func (s *session) setState(state, msg string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.flushLocked()
	if s.state == state && s.message == msg {
		s.mu.Unlock()
		return
	}
	s.state, s.message = state, msg
	info := s.infoLocked()
	s.mu.Unlock()
	s.m.cfg.Emitter.Emit(events.TerminalState(s.id), info)
}

// output adds bytes to the session's output.
func (s *session) output(b []byte) {
	if len(b) == 0 {
		return
	}
	if r := s.m.cfg.Redact; r != nil {
		// Before counting: offsets and the scrollback are of what is shown.
		b = []byte(r.Redact(s.projectID, string(b)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if len(s.pending) == 0 {
		s.pendStart = s.written
	}
	s.pending = append(s.pending, b...)
	s.written += int64(len(b))
	s.scroll = append(s.scroll, b...)
	if max := s.m.cfg.Scrollback; len(s.scroll) > max {
		s.scroll = append(s.scroll[:0:0], s.scroll[len(s.scroll)-max:]...)
	}
	// Leading edge: output after a quiet spell (a key's echo) goes at
	// once; what follows within Batch is gathered.
	if len(s.pending) >= 64<<10 || (s.timer == nil && time.Since(s.lastFlush) >= s.m.cfg.Batch) {
		s.flushLocked()
		return
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(s.m.cfg.Batch, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.timer = nil
			s.flushLocked()
		})
	}
}

// notice writes a line of our own into the output (dim, on its own line).
func (s *session) notice(msg string) {
	s.output([]byte("\r\n\x1b[2m[" + msg + "]\x1b[0m\r\n"))
}

// flushLocked emits pending output. Caller holds mu.
func (s *session) flushLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if len(s.pending) == 0 {
		return
	}
	d := Data{Start: s.pendStart, Data: s.pending}
	s.pending = nil
	s.lastFlush = time.Now()
	if !s.closed {
		s.m.cfg.Emitter.Emit(events.TerminalData(s.id), d)
	}
}

// handle ensures the project's sandbox (resuming it) and gives its envd.
func (m *Manager) handle(ctx context.Context, s *session) (*sandbox.Handle, Envd, error) {
	template := ""
	if m.cfg.TemplateOf != nil && m.cfg.Sandboxes.Status(s.projectID).State == sandbox.StateNone {
		template = m.cfg.TemplateOf(ctx, s.projectID)
	}
	h, err := m.cfg.Sandboxes.Ensure(ctx, s.projectID, template)
	if err != nil {
		return nil, nil, err
	}
	env := m.cfg.EnvdOf(h)
	if env == nil {
		return nil, nil, apperr.New(apperr.Unavailable, "This sandbox offers no terminal (its client has no envd connection).")
	}
	return h, env, nil
}

// attach starts (or re-attaches) a shell in the background; asked while
// one attach runs, it runs once more after it.
func (m *Manager) attach(s *session) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	if s.attaching {
		s.again = true
		s.mu.Unlock()
		return
	}
	s.attaching = true
	s.mu.Unlock()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			ctx, cancel := context.WithCancel(m.root)
			s.mu.Lock()
			s.cancel = cancel
			s.mu.Unlock()
			m.runShell(ctx, s)
			cancel()
			s.mu.Lock()
			if s.again && !s.closed && m.root.Err() == nil {
				s.again = false
				s.mu.Unlock()
				continue
			}
			s.attaching, s.again = false, false
			s.mu.Unlock()
			return
		}
	}()
}

// detach stops following a shell (the process stays in the sandbox) and
// leaves it in state, e.g. paused.
func (s *session) detach(state, msg string) {
	s.setState(state, msg)
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func paused(st sandbox.State) bool { return st == sandbox.StatePaused || st == sandbox.StatePausing }

const pausedMsg = "The sandbox is paused. Press any key to resume it."

// watchPauses tells running shells that their sandbox was paused (the
// stream may stay open on a frozen sandbox), so the next key resumes it.
func (m *Manager) watchPauses() {
	defer m.wg.Done()
	t := time.NewTicker(m.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-m.root.Done():
			return
		case <-t.C:
		}
		m.mu.Lock()
		var ss []*session
		for _, s := range m.sessions {
			if s.kind == KindShell {
				ss = append(ss, s)
			}
		}
		m.mu.Unlock()
		for _, s := range ss {
			if st, _, _ := s.current(); st == StateRunning && paused(m.cfg.Sandboxes.Status(s.projectID).State) {
				s.notice("The sandbox was paused. Press any key to resume it")
				s.detach(StatePaused, pausedMsg)
			}
		}
	}
}

func (m *Manager) runShell(ctx context.Context, s *session) {
	prev := s.info().State
	if prev == StatePaused {
		s.setState(StateStarting, "Resuming the sandbox…")
	} else {
		s.setState(StateStarting, "")
	}
	h, env, err := m.handle(ctx, s)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		s.notice(apperr.MessageOf(err))
		s.setState(StateLost, apperr.MessageOf(err)+" Press any key to try again.")
		return
	}
	s.mu.Lock()
	oldPid, oldSandbox := s.pid, s.sandboxID
	cols, rows := s.cols, s.rows
	s.env, s.sandboxID = env, h.SandboxID
	s.mu.Unlock()
	cb := e2b.StreamCallbacks{
		OnStart: func(pid uint32) {
			s.mu.Lock()
			s.pid = pid
			closed := s.closed
			s.mu.Unlock()
			if closed {
				// Closed while it was starting: Close had no pid to stop.
				m.reap(env, pid)
				return
			}
			s.setState(StateRunning, "")
		},
		OnData: func(_ bool, b []byte) { s.output(b) },
	}
	var ex e2b.ProcessExit
	reconnected := false
	if oldPid != 0 && oldSandbox == h.SandboxID && prev != StateExited {
		// The same sandbox (resumed with its memory): the shell may live.
		ex, err = env.ConnectProcess(ctx, oldPid, cb)
		reconnected = err == nil || !apperr.Is(err, apperr.NotFound)
	}
	if !reconnected {
		m.reapStale(ctx, env)
		if oldPid != 0 && prev != StateExited {
			s.notice("The previous shell is gone (the sandbox was restarted); this is a new one")
		}
		ex, err = env.StartPty(ctx, e2b.PtyOptions{Cols: cols, Rows: rows, Tag: shellTag + s.id, Env: h.Env()}, cb)
	}
	if ctx.Err() != nil {
		return // closed or shutting down
	}
	if err != nil {
		m.lost(s, err)
		return
	}
	msg := fmt.Sprintf("The shell ended (exit code %d). Press any key to start a new one.", ex.ExitCode)
	if !ex.Exited {
		msg = fmt.Sprintf("The shell was stopped (%s). Press any key to start a new one.", ex.Status)
	}
	s.notice(msg)
	s.setState(StateExited, msg)
	m.cfg.Emitter.Emit(events.TerminalExit(s.id), Exit{Code: ex.ExitCode, Message: msg})
}

const shellTag = "tessera-terminal-"

// reap kills a shell no session owns, in the background.
func (m *Manager) reap(env Envd, pid uint32) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := env.KillTree(ctx, pid); err != nil && !apperr.Is(err, apperr.NotFound) {
			m.log.Debug("terminal: could not stop a stale shell", "pid", pid, "err", err)
		}
	}()
}

// reapStale stops shells an earlier run of Tessera left in the sandbox
// (tagged, owned by no open session): a paused sandbox keeps them.
func (m *Manager) reapStale(ctx context.Context, env Envd) {
	procs, err := env.ListProcesses(ctx)
	if err != nil {
		return
	}
	for _, p := range procs {
		if !strings.HasPrefix(p.Tag, shellTag) {
			continue
		}
		m.mu.Lock()
		_, open := m.sessions[strings.TrimPrefix(p.Tag, shellTag)]
		m.mu.Unlock()
		if !open {
			m.reap(env, p.Pid)
		}
	}
}

// lost explains a stream that broke: a paused sandbox or a lost connection.
func (m *Manager) lost(s *session, err error) {
	if paused(m.cfg.Sandboxes.Status(s.projectID).State) {
		s.notice("The sandbox was paused. Press any key to resume it")
		s.setState(StatePaused, pausedMsg)
		return
	}
	s.notice("The connection to the sandbox broke: " + apperr.MessageOf(err) + " Press any key to reconnect")
	s.setState(StateLost, "The connection to the sandbox broke. Press any key to reconnect.")
}
