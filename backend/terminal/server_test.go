package terminal

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tessera/backend/e2b"
	"tessera/backend/sandbox"
)

func TestStartCommand(t *testing.T) {
	for _, tc := range []struct {
		template, cmd string
		ok            bool
	}{
		{"nextjs-developer", "npx next --turbo", true},
		{"vue-developer", "npm run dev", true},
		{"streamlit-developer", "streamlit run app.py", true},
		{"gradio-developer-dev", "gradio app.py", true},
		{"code-interpreter-v1", "", false},
		{"", "", false},
	} {
		cmd, ok := StartCommand(tc.template)
		if cmd != tc.cmd || ok != tc.ok {
			t.Errorf("StartCommand(%q) = %q %v", tc.template, cmd, ok)
		}
	}
}

func TestServerPort(t *testing.T) {
	for tpl, want := range map[string]int{"nextjs-developer": 3000, "vue-developer": 3000, "streamlit-developer": 8501, "gradio-developer": 7860, "code-interpreter-v1": 0} {
		if got := ServerPort(tpl); got != want {
			t.Errorf("ServerPort(%q) = %d, want %d", tpl, got, want)
		}
	}
}

func TestFindServer(t *testing.T) {
	e2bStart := e2b.ProcessInfo{Pid: 40, Cmd: "/bin/bash", Args: []string{"-l", "-c", "npx next --turbo"}}
	ours := e2b.ProcessInfo{Pid: 90, Tag: serverTag, Cmd: "/bin/bash", Args: []string{"-l", "-c", "npx next --turbo"}}
	typed := e2b.ProcessInfo{Pid: 20, Tag: "tessera-terminal-t1", Cmd: "/bin/bash", Args: []string{"-c", "npx next --turbo"}}
	other := e2b.ProcessInfo{Pid: 10, Cmd: "/bin/bash", Args: []string{"-l", "-c", "sleep 1"}}
	for _, tc := range []struct {
		name  string
		procs []e2b.ProcessInfo
		want  uint32
	}{
		{"template's own", []e2b.ProcessInfo{other, e2bStart}, 40},
		{"ours first", []e2b.ProcessInfo{e2bStart, ours}, 90},
		{"not a terminal's", []e2b.ProcessInfo{typed}, 0},
		{"none", []e2b.ProcessInfo{other}, 0},
	} {
		got, ok := findServer(tc.procs, "npx next --turbo")
		if got != tc.want || ok != (tc.want != 0) {
			t.Errorf("%s: %d %v, want %d", tc.name, got, ok, tc.want)
		}
	}
}

func TestServerConsoleFollowsAndRestarts(t *testing.T) {
	const cmd = "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.1; done"
	r := newRig(t, "nextjs-developer", func(tpl string) (string, bool) { return cmd, tpl == "nextjs-developer" })
	ctx := context.Background()
	// The template's start command, running before Tessera looks (as
	// E2B's start command does).
	sctx, hang := context.WithCancel(ctx)
	started := make(chan uint32, 1)
	go func() {
		_, _ = r.env.StartDetached(sctx, e2b.ProcessOptions{Cmd: cmd}, "", e2b.StreamCallbacks{OnStart: func(p uint32) { started <- p }})
	}()
	first := <-started
	hang()
	info, err := r.m.OpenServer(ctx, "p1")
	must(t, err)
	if again, _ := r.m.OpenServer(ctx, "p1"); again.ID != info.ID || info.Kind != KindServer {
		t.Errorf("a second OpenServer gave %+v, want %s", again, info.ID)
	}
	r.waitState(t, info.ID, StateRunning)
	r.waitOutput(t, info.ID, "Following the server")
	out := r.waitOutput(t, info.ID, "tick-")
	_ = out
	if err := r.m.Input(ctx, info.ID, []byte("x")); err == nil {
		t.Error("the console took input")
	}

	must(t, r.m.RestartServer(ctx, "p1"))
	r.waitOutput(t, info.ID, "Starting the server")
	deadline := time.Now().Add(10 * time.Second)
	var newPid uint32
	for newPid == 0 {
		procs, err := r.env.ListProcesses(ctx)
		must(t, err)
		for _, p := range procs {
			if p.Pid == first {
				continue
			}
			if p.Tag == serverTag {
				newPid = p.Pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no restarted server in %+v", procs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	procs, _ := r.env.ListProcesses(ctx)
	for _, p := range procs {
		if p.Pid == first {
			t.Errorf("the old server %d still runs after the restart", first)
		}
	}
	r.waitState(t, info.ID, StateRunning)
	snap, _ := r.m.Snapshot(info.ID)
	mark := len(snap.Data)
	deadline = time.Now().Add(10 * time.Second)
	for {
		snap, _ = r.m.Snapshot(info.ID)
		if strings.Contains(string(snap.Data[mark:]), "tick-") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no output from the restarted server: %q", snap.Data[mark:])
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The server dies: the console says so and waits for a restart.
	must(t, r.env.Kill(ctx, newPid))
	r.waitState(t, info.ID, StateStopped)
	r.waitOutput(t, info.ID, "The server was stopped")

	// A paused sandbox: the console says so; once it runs again (here
	// after a restart was asked for), it follows the server again.
	r.sbx.set(sandbox.StatePaused)
	r.waitState(t, info.ID, StatePaused)
	must(t, r.m.RestartServer(ctx, "p1"))
	r.waitState(t, info.ID, StateRunning)
}

func TestServerConsoleWithoutServer(t *testing.T) {
	r := newRig(t, "nextjs-developer", func(string) (string, bool) { return "sleep 1234", true })
	info, err := r.m.OpenServer(context.Background(), "p1")
	must(t, err)
	s := r.waitState(t, info.ID, StateStopped)
	if !strings.Contains(s.Message, "Restart server") {
		t.Errorf("message %q", s.Message)
	}
	// An open console does not keep the sandbox awake: it does not look
	// (Ensure) again until something changed.
	time.Sleep(10 * r.m.cfg.Poll)
	r.sbx.mu.Lock()
	n := r.sbx.ensures
	r.sbx.mu.Unlock()
	if n != 1 {
		t.Errorf("%d Ensure calls while nothing changed, want 1", n)
	}
	r2 := newRig(t, "code-interpreter-v1", nil)
	info, err = r2.m.OpenServer(context.Background(), "p1")
	must(t, err)
	s = r2.waitState(t, info.ID, StateStopped)
	if !strings.Contains(s.Message, "no web server") {
		t.Errorf("message %q", s.Message)
	}
}

func TestServerConsoleFindsTheServerAgainAfterARebuild(t *testing.T) {
	const cmd = "while true; do echo beat-$$; sleep 0.1; done"
	r := newRig(t, "gradio-developer", func(string) (string, bool) { return cmd, true })
	ctx := context.Background()
	startServer := func() uint32 {
		started := make(chan uint32, 1)
		sctx, hang := context.WithCancel(ctx)
		go func() {
			_, _ = r.env.StartDetached(sctx, e2b.ProcessOptions{Cmd: cmd}, "", e2b.StreamCallbacks{OnStart: func(p uint32) { started <- p }})
		}()
		pid := <-started
		hang()
		return pid
	}
	r.sbx.mu.Lock()
	r.sbx.sbID = "sb-1"
	r.sbx.mu.Unlock()
	first := startServer()
	info, err := r.m.OpenServer(ctx, "p1")
	must(t, err)
	r.waitState(t, info.ID, StateRunning)
	r.waitOutput(t, info.ID, "beat-")
	// The sandbox is rebuilt: the old server is gone, the template starts
	// a new one in the new sandbox; the console follows it on its own.
	must(t, r.env.KillTree(ctx, first))
	r.waitState(t, info.ID, StateStopped)
	second := startServer()
	r.sbx.mu.Lock()
	r.sbx.sbID = "sb-2"
	r.sbx.mu.Unlock()
	r.waitState(t, info.ID, StateRunning)
	r.waitOutput(t, info.ID, fmt.Sprintf("Following the server (pid %d)", second))
	must(t, r.env.KillTree(ctx, second))
}
