package e2b_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// ptyConformanceCases run with the other conformance cases, against the
// fake and E2B's real envd: a terminal is a pty process whose output comes
// as pty data events, fed with SendInput, resized with Update and found
// again with Connect.
var ptyConformanceCases = []struct {
	name string
	run  func(ctx context.Context, t *testing.T, s *confServer, dir string)
}{
	{"pty_echo_resize_exit", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		p := startPty(ctx, t, s.env, e2b.PtyOptions{Cwd: dir, Cols: 80, Rows: 24})
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("echo hi-$((40+2)); tty; stty size; pwd\n")))
		p.waitFor(t, "hi-42")
		p.waitFor(t, "/dev/pts/")
		p.waitFor(t, "24 80")
		p.waitFor(t, dir)
		must(t, s.env.ResizePty(ctx, p.pid, 132, 40))
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("stty size; echo $TERM\n")))
		p.waitFor(t, "40 132")
		p.waitFor(t, "xterm-256color")
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("exit 7\n")))
		ex := p.wait(t)
		if ex.ExitCode != 7 || !ex.Exited {
			t.Errorf("exit = %+v, want code 7", ex)
		}
	}},
	{"pty_ctrl_c_reaches_the_foreground", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		p := startPty(ctx, t, s.env, e2b.PtyOptions{Cols: 80, Rows: 24})
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("sleep 30; echo after-$((1+1))\n")))
		time.Sleep(300 * time.Millisecond)
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte{3})) // ^C: the line discipline signals sleep
		p.waitFor(t, "^C")
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("echo alive-$((2+3))\n")))
		p.waitFor(t, "alive-5")
		if strings.Contains(p.text(), "after-2") {
			t.Error("^C did not stop the sleep")
		}
		must(t, s.env.Signal(ctx, p.pid, false))
		p.wait(t)
	}},
	{"pty_connect_after_hangup", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		sctx, hang := context.WithCancel(ctx)
		p := startPty(sctx, t, s.env, e2b.PtyOptions{Cols: 80, Rows: 24, Tag: "conf-term"})
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("echo first-$((1+1))\n")))
		p.waitFor(t, "first-2")
		hang() // the stream ends, the shell does not
		p.wait(t)
		procs, err := s.env.ListProcesses(ctx)
		must(t, err)
		found := false
		for _, pi := range procs {
			if pi.Pid == p.pid {
				found = true
				if pi.Tag != "conf-term" || pi.Cmd != "/bin/bash" {
					t.Errorf("listed %+v", pi)
				}
			}
		}
		if !found {
			t.Fatalf("pid %d not listed after the hang-up: %+v", p.pid, procs)
		}
		c := connectPty(ctx, t, s.env, p.pid)
		if c.pid != p.pid {
			t.Errorf("connect reported pid %d, want %d", c.pid, p.pid)
		}
		if strings.Contains(c.text(), "first-2") {
			t.Error("connect replayed earlier output")
		}
		must(t, s.env.SendPtyInput(ctx, p.pid, []byte("echo second-$((2+2))\n")))
		c.waitFor(t, "second-4")
		must(t, s.env.Signal(ctx, p.pid, false))
		ex := c.wait(t)
		if ex.Exited || ex.ExitCode == 0 {
			t.Errorf("killed shell ended with %+v", ex)
		}
		if err := s.env.SendPtyInput(ctx, p.pid, []byte("x")); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("input to a dead pid: %v, want not_found", err)
		}
		// Measured: envd still answers Connect for a pid that ended, with
		// its start and end events (and nothing else), while every other
		// call says not_found; an unknown pid ends the stream not_found.
		var again uint32
		ex2, err := s.env.ConnectProcess(ctx, p.pid, e2b.StreamCallbacks{OnStart: func(pid uint32) { again = pid },
			OnData: func(bool, []byte) { t.Error("connect to an ended pid sent output") }})
		if err != nil || again != p.pid || ex2.Exited || ex2.Status != ex.Status {
			t.Errorf("connect to the ended pid: %+v %v (start %d), want its end %+v", ex2, err, again, ex)
		}
		if _, err := s.env.ConnectProcess(ctx, 999999, e2b.StreamCallbacks{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("connect to an unknown pid: %v, want not_found", err)
		}
		if err := s.env.ResizePty(ctx, p.pid, 10, 10); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("resize of an ended pid: %v, want not_found", err)
		}
		procs, err = s.env.ListProcesses(ctx)
		must(t, err)
		for _, pi := range procs {
			if pi.Pid == p.pid {
				t.Errorf("the ended pid is still listed: %+v", pi)
			}
		}
	}},
	{"pty_calls_without_pty", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		pidc := make(chan uint32, 1)
		done := make(chan error, 1)
		go func() {
			_, err := s.env.StartDetached(ctx, e2b.ProcessOptions{Cmd: "sleep 20"}, "", e2b.StreamCallbacks{OnStart: func(pid uint32) { pidc <- pid }})
			done <- err
		}()
		var pid uint32
		select {
		case pid = <-pidc:
		case err := <-done:
			t.Fatal(err)
		}
		err := s.env.ResizePty(ctx, pid, 80, 24)
		// Measured: envd answers HTTP 500 "error resizing tty: tty not
		// assigned to process".
		if apperr.CodeOf(err) != apperr.Internal || !strings.Contains(err.Error(), "tty not assigned") {
			t.Errorf("resize of a process without a pty: %v, want internal (tty not assigned)", err)
		}
		// Measured: HTTP 500 "error writing to tty: tty not assigned to
		// process — input should be written to the stdin, not the tty".
		err = s.env.SendPtyInput(ctx, pid, []byte("x"))
		if apperr.CodeOf(err) != apperr.Internal || !strings.Contains(err.Error(), "tty not assigned") {
			t.Errorf("pty input to a process without a pty: %v, want internal (tty not assigned)", err)
		}
		must(t, s.env.Signal(ctx, pid, false))
		<-done
	}},
	{"kill_tree_of_a_detached_process", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		m := marker()
		pidc := make(chan uint32, 1)
		done := make(chan e2b.ProcessExit, 1)
		go func() {
			ex, _ := s.env.StartDetached(ctx, e2b.ProcessOptions{Cmd: "sleep " + m + " & sleep " + m + "; wait"}, "", e2b.StreamCallbacks{OnStart: func(pid uint32) { pidc <- pid }})
			done <- ex
		}()
		pid := <-pidc
		deadline := time.Now().Add(10 * time.Second)
		for sleepers(ctx, t, s, m) < 2 {
			if time.Now().After(deadline) {
				t.Fatal("the sleeps did not start")
			}
			time.Sleep(50 * time.Millisecond)
		}
		must(t, s.env.KillTree(ctx, pid))
		noSleepers(ctx, t, s, m)
		select {
		case ex := <-done:
			if ex.Exited {
				t.Errorf("the killed process ended with %+v", ex)
			}
		case <-time.After(10 * time.Second):
			t.Error("the stream of the killed process did not end")
		}
	}},
	{"kill_port", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		pidc := make(chan uint32, 1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			// A listener with a child, as npx runs node.
			cmd := fmt.Sprintf("python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((\"127.0.0.1\", %d)); s.listen(); print(\"listening\", flush=True); time.sleep(600)' & sleep 600; wait", port)
			_, _ = s.env.StartDetached(ctx, e2b.ProcessOptions{Cmd: cmd}, "", e2b.StreamCallbacks{OnStart: func(pid uint32) { pidc <- pid }})
		}()
		<-pidc
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("nothing listens on %d: %v", port, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		n, err := s.env.KillPort(ctx, port)
		must(t, err)
		if n != 1 {
			t.Errorf("KillPort found %d listeners, want 1", n)
		}
		deadline = time.Now().Add(10 * time.Second)
		for {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Fatalf("port %d still open after KillPort", port)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n, err := s.env.KillPort(ctx, port); err != nil || n != 0 {
			t.Errorf("KillPort on a free port: %d %v", n, err)
		}
		// The shell around the listener is not under it: stop it too.
		select {
		case <-done:
		default:
			procs, _ := s.env.ListProcesses(ctx)
			for _, p := range procs {
				if strings.Contains(strings.Join(p.Args, " "), fmt.Sprint(port)) {
					_ = s.env.KillTree(ctx, p.Pid)
				}
			}
		}
	}},
}

// ptyRun is a pty (or connected) process whose output is collected.
type ptyRun struct {
	pid  uint32
	mu   sync.Mutex
	out  bytes.Buffer
	more chan struct{}
	done chan struct{}
	exit e2b.ProcessExit
	err  error
}

func newPtyRun() *ptyRun {
	return &ptyRun{more: make(chan struct{}, 1), done: make(chan struct{})}
}

func (p *ptyRun) callbacks(started chan<- uint32) e2b.StreamCallbacks {
	return e2b.StreamCallbacks{
		OnStart: func(pid uint32) { started <- pid },
		OnData: func(_ bool, b []byte) {
			p.mu.Lock()
			p.out.Write(b)
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		},
	}
}

func (p *ptyRun) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *ptyRun) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for !strings.Contains(p.text(), s) {
		select {
		case <-p.more:
		case <-p.done:
			if !strings.Contains(p.text(), s) {
				t.Fatalf("stream ended (%v) before %q; got %q", p.err, s, p.text())
			}
		case <-deadline:
			t.Fatalf("no %q within 15 s; got %q", s, p.text())
		}
	}
}

func (p *ptyRun) wait(t *testing.T) e2b.ProcessExit {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatal("the stream did not end")
	}
	return p.exit
}

func startPty(ctx context.Context, t *testing.T, e *e2b.Envd, po e2b.PtyOptions) *ptyRun {
	t.Helper()
	p := newPtyRun()
	started := make(chan uint32, 1)
	go func() {
		defer close(p.done)
		p.exit, p.err = e.StartPty(ctx, po, p.callbacks(started))
	}()
	select {
	case p.pid = <-started:
	case <-p.done:
		t.Fatalf("StartPty: %v", p.err)
	}
	return p
}

func connectPty(ctx context.Context, t *testing.T, e *e2b.Envd, pid uint32) *ptyRun {
	t.Helper()
	p := newPtyRun()
	started := make(chan uint32, 1)
	go func() {
		defer close(p.done)
		p.exit, p.err = e.ConnectProcess(ctx, pid, p.callbacks(started))
	}()
	select {
	case p.pid = <-started:
	case <-p.done:
		t.Fatalf("ConnectProcess: %v", p.err)
	}
	return p
}
