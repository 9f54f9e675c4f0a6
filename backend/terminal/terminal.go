// Package terminal runs terminals in a project's sandbox: interactive
// shells on a pty over envd's process service, and the read-only console
// of a web app's server process. Output goes to the page as events,
// batched (events.TerminalData), with the session's state (events.TerminalState) and its end
// (events.TerminalExit); each session keeps a bounded scrollback so a page that
// subscribes late, or comes back to the project, loses nothing.
package terminal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/sandbox"
)

// Kinds of session.
const (
	KindShell  = "shell"
	KindServer = "server"
)

// States of a session.
const (
	StateStarting = "starting" // ensuring the sandbox, starting or connecting
	StateRunning  = "running"  // attached: output flows, keys go in
	StatePaused   = "paused"   // the sandbox is paused; a key resumes it (shell)
	StateLost     = "lost"     // the connection broke; a key tries again (shell)
	StateStopped  = "stopped"  // console: no server process is running
	StateExited   = "exited"   // the shell ended; a key starts a new one
)

// Sandboxes is what the terminals need from the sandbox manager.
type Sandboxes interface {
	Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error)
	Status(projectID string) sandbox.Status
	Touch(projectID string)
}

// Envd is the part of a sandbox's envd the terminals use.
type Envd = sandbox.Processes

// Config wires a Manager.
type Config struct {
	Sandboxes Sandboxes
	Emitter   events.Emitter
	Logger    *slog.Logger
	// EnvdOf gives the process service of a handle (default: h.Processes()).
	EnvdOf func(h *sandbox.Handle) Envd
	// Batch is how long output is gathered before one event (default 16 ms).
	Batch time.Duration
	// Scrollback bounds what a session keeps for Snapshot (default 256 KiB).
	Scrollback int
	// StartCommand gives a template's server command (default
	// StartCommand in server.go).
	StartCommand func(template string) (string, bool)
	// ServerPort gives the port a template's server listens on, freed
	// on restart (default ServerPort in server.go; 0: none).
	ServerPort func(template string) int
	// TemplateOf gives the project's chosen template ("" for Auto); it is
	// used only when the project has no sandbox yet, so that a terminal
	// opened first creates the sandbox the project's code will need
	// (never to replace an existing one). Optional.
	TemplateOf func(ctx context.Context, projectID string) string
	// Poll is how often a console that lost its server looks for it again
	// once the sandbox runs (default 2 s).
	Poll time.Duration
	// Redact replaces the project's secret values in what a terminal or
	// the console shows and keeps (*env.Redactor; optional). A value is
	// matched within one chunk of output: a secret printed whole is, one
	// echoed a key at a time is not.
	Redact interface {
		Redact(projectID, s string) string
	}
}

// Info describes a session to the page.
type Info struct {
	ID        string `json:"id"`
	ProjectID string `json:"projectId"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	State     string `json:"state"`
	// Message is the sentence for the person in paused/lost/stopped/exited.
	Message string `json:"message,omitempty"`
}

// Data is the payload of TopicData: output bytes (base64) that start at
// byte offset Start of the session's output.
type Data struct {
	Start int64  `json:"start"`
	Data  []byte `json:"data"`
}

// Exit is the payload of TopicExit.
type Exit struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Snapshot is a session's info with the output it kept: Data ends at
// offset End (what later events continue from).
type Snapshot struct {
	Info
	Data []byte `json:"data"`
	End  int64  `json:"end"`
}

// Manager owns the sessions. Safe for concurrent use.
type Manager struct {
	cfg  Config
	log  *slog.Logger
	root context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex
	sessions map[string]*session
	closed   bool
}

// New builds a Manager.
func New(cfg Config) *Manager {
	if cfg.Emitter == nil {
		cfg.Emitter = events.Discard{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.EnvdOf == nil {
		cfg.EnvdOf = func(h *sandbox.Handle) Envd { return h.Processes() }
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 16 * time.Millisecond
	}
	if cfg.Scrollback <= 0 {
		cfg.Scrollback = 256 << 10
	}
	if cfg.StartCommand == nil {
		cfg.StartCommand = StartCommand
	}
	if cfg.ServerPort == nil {
		cfg.ServerPort = ServerPort
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	root, stop := context.WithCancel(context.Background())
	m := &Manager{cfg: cfg, log: cfg.Logger, root: root, stop: stop, sessions: map[string]*session{}}
	m.wg.Add(1)
	go m.watchPauses()
	return m
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "t" + hex.EncodeToString(b)
}

func checkSize(cols, rows int) error {
	if cols < 2 || rows < 1 || cols > 4096 || rows > 4096 {
		return apperr.Newf(apperr.Invalid, "The terminal size %d×%d is not usable. Make the panel larger and try again.", cols, rows)
	}
	return nil
}

// Open starts a shell in the project's sandbox on a cols×rows pty and
// returns at once; the shell starts in the background (state events say
// how it goes). A paused sandbox is not resumed until the first key.
func (m *Manager) Open(ctx context.Context, projectID string, cols, rows int) (Info, error) {
	if strings.TrimSpace(projectID) == "" {
		return Info{}, apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	}
	if err := checkSize(cols, rows); err != nil {
		return Info{}, err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return Info{}, apperr.New(apperr.Canceled, "Tessera is closing.")
	}
	n := 1
	for _, s := range m.sessions {
		if s.projectID == projectID && s.kind == KindShell {
			n++
		}
	}
	s := m.newSession(projectID, KindShell, "Terminal "+itoa(n), uint32(cols), uint32(rows))
	m.sessions[s.id] = s
	m.mu.Unlock()
	if paused(m.cfg.Sandboxes.Status(projectID).State) {
		s.setState(StatePaused, pausedMsg)
	} else {
		m.attach(s)
	}
	return s.info(), nil
}

// OpenServer opens (or returns the open) console of the project's web
// server: it finds the server process in the sandbox and streams its
// output. It never starts a sandbox that is not running.
func (m *Manager) OpenServer(ctx context.Context, projectID string) (Info, error) {
	if strings.TrimSpace(projectID) == "" {
		return Info{}, apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return Info{}, apperr.New(apperr.Canceled, "Tessera is closing.")
	}
	for _, s := range m.sessions {
		if s.projectID == projectID && s.kind == KindServer {
			m.mu.Unlock()
			return s.info(), nil
		}
	}
	s := m.newSession(projectID, KindServer, "Server", 0, 0)
	m.sessions[s.id] = s
	m.mu.Unlock()
	m.wg.Add(1)
	go m.watchServer(s)
	return s.info(), nil
}

func (m *Manager) session(id string) (*session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if s == nil {
		return nil, apperr.New(apperr.NotFound, "That terminal is closed. Open a new one.")
	}
	return s, nil
}

// Input sends keys to a shell. In a paused, lost or exited shell the key
// (re)starts it instead: it resumes the sandbox, reconnects, or opens a
// new shell.
func (m *Manager) Input(ctx context.Context, id string, data []byte) error {
	s, err := m.session(id)
	if err != nil {
		return err
	}
	if s.kind != KindShell {
		return apperr.New(apperr.Invalid, "The server console is read-only. Use a terminal tab to type commands.")
	}
	st, pid, env := s.current()
	switch st {
	case StatePaused, StateLost, StateExited:
		m.attach(s)
		return nil
	case StateRunning:
		if paused(m.cfg.Sandboxes.Status(s.projectID).State) {
			// Paused under a live stream: resume on this key.
			s.detach(StatePaused, pausedMsg)
			m.attach(s)
			return nil
		}
	default:
		return nil // starting: the key is dropped, as on a terminal that is not ready
	}
	m.cfg.Sandboxes.Touch(s.projectID)
	s.inMu.Lock()
	err = env.SendPtyInput(ctx, pid, data)
	s.inMu.Unlock()
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil // the shell just ended; the exit event follows
		}
		return err
	}
	return nil
}

// Resize changes a shell's size.
func (m *Manager) Resize(ctx context.Context, id string, cols, rows int) error {
	if err := checkSize(cols, rows); err != nil {
		return err
	}
	s, err := m.session(id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cols, s.rows = uint32(cols), uint32(rows)
	st, pid, env := s.state, s.pid, s.env
	s.mu.Unlock()
	if s.kind != KindShell || st != StateRunning {
		return nil // used when the shell starts
	}
	err = env.ResizePty(ctx, pid, uint32(cols), uint32(rows))
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	return err
}

// Close ends a session; a shell's process tree is killed.
func (m *Manager) Close(ctx context.Context, id string) error {
	m.mu.Lock()
	s := m.sessions[id]
	delete(m.sessions, id)
	m.mu.Unlock()
	if s == nil {
		return nil
	}
	s.mu.Lock()
	pid, env, kind := s.pid, s.env, s.kind
	if s.cancel != nil {
		s.cancel()
	}
	s.closed = true
	s.mu.Unlock()
	if kind == KindShell && pid != 0 && env != nil {
		// The shell and what runs in it (an interactive bash ignores
		// SIGTERM, and SIGKILL would leave its background jobs).
		if err := env.KillTree(ctx, pid); err != nil && !apperr.Is(err, apperr.NotFound) {
			m.log.Debug("terminal: could not kill the shell", "pid", pid, "err", err)
		}
	}
	return nil
}

// CloseProject closes every session of a project (when it is deleted).
func (m *Manager) CloseProject(ctx context.Context, projectID string) {
	for _, i := range m.List(projectID) {
		_ = m.Close(ctx, i.ID)
	}
}

// Snapshot returns a session's state and the output it kept.
func (m *Manager) Snapshot(id string) (Snapshot, error) {
	s, err := m.session(id)
	if err != nil {
		return Snapshot{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	return Snapshot{Info: s.infoLocked(), Data: append([]byte(nil), s.scroll...), End: s.written}, nil
}

// List returns a project's open sessions, oldest first.
func (m *Manager) List(projectID string) []Info {
	m.mu.Lock()
	var ss []*session
	for _, s := range m.sessions {
		if s.projectID == projectID {
			ss = append(ss, s)
		}
	}
	m.mu.Unlock()
	sort.Slice(ss, func(i, j int) bool { return ss[i].created.Before(ss[j].created) })
	out := make([]Info, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.info())
	}
	return out
}

// Shutdown stops every stream (the shells stay in the sandbox, which is
// paused on quit anyway) and waits for the goroutines.
func (m *Manager) Shutdown() {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.stop()
	m.wg.Wait()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
