package terminal

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/fragment"
	"tessera/backend/sandbox"
)

// serverTag names a server Tessera (re)started, so it is found again.
const serverTag = "tessera-server"

// StartCommand is the command E2B's web templates start their server
// with (package fragment owns the templates' start commands); ok is false
// for a template without a server.
func StartCommand(template string) (string, bool) { return fragment.StartCommand(template) }

// ServerPort is the port a built-in web template's server listens on.
func ServerPort(template string) int {
	switch strings.TrimSuffix(strings.TrimSpace(template), "-dev") {
	case "nextjs-developer", "vue-developer":
		return 3000
	case "streamlit-developer":
		return 8501
	case "gradio-developer":
		return 7860
	}
	return 0
}

// findServer picks the server among envd's processes: the one Tessera
// started (by tag), else the template's own start command (E2B starts it
// as `/bin/bash -l -c CMD`); the oldest when several match.
func findServer(procs []e2b.ProcessInfo, cmd string) (uint32, bool) {
	sort.Slice(procs, func(i, j int) bool { return procs[i].Pid < procs[j].Pid })
	for _, p := range procs {
		if p.Tag == serverTag {
			return p.Pid, true
		}
	}
	for _, p := range procs {
		if strings.HasPrefix(p.Tag, shellTag) {
			continue // a command typed in a terminal is not the server
		}
		line := strings.Join(append([]string{p.Cmd}, p.Args...), " ")
		if strings.Contains(line, cmd) {
			return p.Pid, true
		}
	}
	return 0, false
}

// RestartServer kills the project's server process (if any) and starts
// the template's start command again; its console shows the new output.
func (m *Manager) RestartServer(ctx context.Context, projectID string) error {
	info, err := m.OpenServer(ctx, projectID)
	if err != nil {
		return err
	}
	s, err := m.session(info.ID)
	if err != nil {
		return err
	}
	st := m.cfg.Sandboxes.Status(projectID).State
	if st != sandbox.StateRunning {
		// Restart is an explicit wish: resume the sandbox for it.
		if _, err := m.cfg.Sandboxes.Ensure(ctx, projectID, ""); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.restart = true
	if s.follow != nil {
		s.follow()
	}
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

// watchServer keeps the console following the server: whenever the
// sandbox runs, it finds the server process and streams its output; after
// a pause, a resume or a rebuild it finds it again.
func (m *Manager) watchServer(s *session) {
	defer m.wg.Done()
	ctx, cancel := context.WithCancel(m.root)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	defer cancel()
	// Looking costs an Ensure (which counts as activity for the idle
	// pause), so look again only when something changed: the sandbox
	// (resumed, rebuilt), a restart, or a broken stream to retry.
	lastLook, retry := "", false
	for ctx.Err() == nil {
		st := m.cfg.Sandboxes.Status(s.projectID)
		look := string(st.State) + "/" + st.SandboxID
		s.mu.Lock()
		restart := s.restart
		s.mu.Unlock()
		switch {
		case restart || (st.State == sandbox.StateRunning && (look != lastLook || retry)):
			lastLook = look
			retry = m.followServer(ctx, s)
		case st.State == sandbox.StateRunning:
		case paused(st.State):
			lastLook = look
			s.setState(StatePaused, "The sandbox is paused. The console follows the server again once it runs.")
		default:
			lastLook = look
			s.setState(StateStopped, "The sandbox is not running. The console follows the server once it runs.")
		}
		t := time.NewTimer(m.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-s.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// followServer streams the server's output until it ends, the stream
// breaks, or a restart is asked for. It reports whether to try again
// (the connection broke while the sandbox runs).
func (m *Manager) followServer(ctx context.Context, s *session) bool {
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.follow = cancel
	restart := s.restart
	s.restart = false
	s.mu.Unlock()
	h, env, err := m.handle(fctx, s)
	if err != nil {
		if fctx.Err() == nil {
			s.setState(StateLost, apperr.MessageOf(err))
		}
		return true
	}
	cmd, ok := m.cfg.StartCommand(h.Template)
	if !ok {
		s.setState(StateStopped, "This project's template has no web server, so there is no server console.")
		return false
	}
	procs, err := env.ListProcesses(fctx)
	if err != nil {
		if fctx.Err() == nil {
			s.setState(StateLost, apperr.MessageOf(err))
		}
		return true
	}
	pid, found := findServer(procs, cmd)
	cb := e2b.StreamCallbacks{
		OnStart: func(p uint32) {
			s.mu.Lock()
			s.pid, s.env, s.sandboxID = p, env, h.SandboxID
			s.mu.Unlock()
			s.setState(StateRunning, "")
		},
		OnData: func(_ bool, b []byte) { s.output(b) },
	}
	var ex e2b.ProcessExit
	switch {
	case restart:
		if found {
			if err := env.KillTree(fctx, pid); err != nil && !apperr.Is(err, apperr.NotFound) {
				s.notice("Could not stop the server: " + apperr.MessageOf(err))
			} else {
				s.notice("Server stopped")
			}
		}
		if port := m.cfg.ServerPort(h.Template); port > 0 {
			// A server envd does not list (or another user's) would keep
			// the port, and the new one could not start.
			if n, err := env.KillPort(fctx, port); err != nil {
				s.notice("Could not free port " + strconv.Itoa(port) + ": " + apperr.MessageOf(err))
			} else if n > 0 && !found {
				s.notice("Stopped what listened on port " + strconv.Itoa(port))
			}
		}
		s.notice("Starting the server: " + cmd)
		// The project's variables, current ones (a change restarts the server).
		ex, err = env.StartDetached(fctx, e2b.ProcessOptions{Cmd: cmd, Env: h.Env()}, serverTag, cb)
	case !found:
		if s.info().State != StateStopped {
			s.setState(StateStopped, "No server process is running in the sandbox. Press Restart server to start it.")
		}
		return false
	default:
		s.mu.Lock()
		again := s.sandboxID != "" && s.pid == pid && s.sandboxID == h.SandboxID
		s.mu.Unlock()
		if !again {
			s.notice(fmt.Sprintf("Following the server (pid %d): %s", pid, cmd))
		}
		ex, err = env.ConnectProcess(fctx, pid, cb)
	}
	if fctx.Err() != nil {
		return false // a restart (it sets restart) or the end
	}
	if err != nil {
		if paused(m.cfg.Sandboxes.Status(s.projectID).State) {
			s.setState(StatePaused, "The sandbox is paused. The console follows the server again once it runs.")
			return false
		}
		s.setState(StateLost, "The connection to the server's output broke; Tessera keeps trying.")
		return true
	}
	msg := fmt.Sprintf("The server exited (code %d). Press Restart server to start it again.", ex.ExitCode)
	if !ex.Exited {
		msg = fmt.Sprintf("The server was stopped (%s). Press Restart server to start it again.", ex.Status)
	}
	s.notice(msg)
	s.setState(StateStopped, msg)
	return false
}
