package terminal

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
	"tessera/backend/sandbox"
)

// fakeSandboxes stands in for the sandbox manager in front of a sandbox
// of the e2btest fake: Ensure resumes a "paused" one.
type fakeSandboxes struct {
	mu      sync.Mutex
	state   sandbox.State
	h       *sandbox.Handle
	ensures int
	touches int
	asked   []string // templates Ensure was given
	sbID    string   // reported by Status
}

func (f *fakeSandboxes) Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ensures++
	f.asked = append(f.asked, template)
	f.state = sandbox.StateRunning
	c := *f.h
	return &c, nil
}

func (f *fakeSandboxes) Status(projectID string) sandbox.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return sandbox.Status{ProjectID: projectID, State: f.state, SandboxID: f.sbID}
}

func (f *fakeSandboxes) Touch(string) {
	f.mu.Lock()
	f.touches++
	f.mu.Unlock()
}

func (f *fakeSandboxes) set(st sandbox.State) {
	f.mu.Lock()
	f.state = st
	f.mu.Unlock()
}

type rig struct {
	m   *Manager
	sbx *fakeSandboxes
	rec *events.Recorder
	env *e2b.Envd
}

func newRig(t *testing.T, template string, cmd func(string) (string, bool)) *rig {
	t.Helper()
	f := e2btest.New(t)
	c, err := e2b.New(f.Config("e2b_terminal"))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := c.Create(context.Background(), e2b.CreateOptions{TemplateID: "base", Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	env := c.Envd(sb).WithRoot("/home/user")
	r := &rig{sbx: &fakeSandboxes{state: sandbox.StateRunning,
		h: &sandbox.Handle{ProjectID: "p1", SandboxID: sb.SandboxID, Template: template, Root: "/home/user", Sandbox: sb}},
		rec: events.NewRecorder(), env: env}
	r.m = New(Config{Sandboxes: r.sbx, Emitter: r.rec, EnvdOf: func(*sandbox.Handle) Envd { return env },
		StartCommand: cmd, Poll: 50 * time.Millisecond,
		// The fake runs on this machine: never free a real port here
		// (KillPort has its conformance case in backend/e2b).
		ServerPort: func(string) int { return 0 }})
	t.Cleanup(func() {
		for _, i := range r.m.List("p1") {
			_ = r.m.Close(context.Background(), i.ID)
		}
		r.m.Shutdown()
	})
	return r
}

// waitState waits until the session is in state.
func (r *rig) waitState(t *testing.T, id, state string) Snapshot {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := r.m.Snapshot(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.State == state {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %q (%s), want %q; output %q", s.State, s.Message, state, s.Data)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitOutput waits until the output contains want, and returns it.
func (r *rig) waitOutput(t *testing.T, id, want string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := r.m.Snapshot(id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(s.Data), want) {
			return string(s.Data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %q (state %s: %s)", want, s.Data, s.State, s.Message)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// streamed joins the Data events of a session, checking they are
// contiguous.
func (r *rig) streamed(t *testing.T, id string) string {
	t.Helper()
	var b bytes.Buffer
	for _, p := range r.rec.Topic(events.TerminalData(id)) {
		d := p.(Data)
		if d.Start != int64(b.Len()) {
			t.Fatalf("a data event starts at %d after %d bytes", d.Start, b.Len())
		}
		b.Write(d.Data)
	}
	return b.String()
}

func TestShellEchoResizeExit(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	info, err := r.m.Open(ctx, "p1", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	if info.Kind != KindShell || info.Title != "Terminal 1" {
		t.Errorf("info = %+v", info)
	}
	r.waitState(t, info.ID, StateRunning)
	if err := r.m.Input(ctx, info.ID, []byte("echo hi-$((40+2)); stty size; pwd\r")); err != nil {
		t.Fatal(err)
	}
	r.waitOutput(t, info.ID, "hi-42")
	r.waitOutput(t, info.ID, "24 80")
	r.waitOutput(t, info.ID, "/home/user")
	if err := r.m.Resize(ctx, info.ID, 120, 33); err != nil {
		t.Fatal(err)
	}
	must(t, r.m.Input(ctx, info.ID, []byte("stty size\r")))
	r.waitOutput(t, info.ID, "33 120")
	must(t, r.m.Input(ctx, info.ID, []byte("exit 3\r")))
	r.waitState(t, info.ID, StateExited)
	exits := r.rec.Topic(events.TerminalExit(info.ID))
	if len(exits) != 1 || exits[0].(Exit).Code != 3 {
		t.Errorf("exit events %+v, want one with code 3", exits)
	}
	snap, _ := r.m.Snapshot(info.ID)
	if got := r.streamed(t, info.ID); got != string(snap.Data) || int64(len(got)) != snap.End {
		t.Errorf("events carried %d bytes, snapshot %d (end %d)", len(got), len(snap.Data), snap.End)
	}
	r.sbx.mu.Lock()
	touched := r.sbx.touches
	r.sbx.mu.Unlock()
	if touched == 0 {
		t.Error("typing did not keep the sandbox active (Touch)")
	}
	// A key in an ended shell starts a new one.
	must(t, r.m.Input(ctx, info.ID, []byte("x")))
	r.waitState(t, info.ID, StateRunning)
	must(t, r.m.Input(ctx, info.ID, []byte("echo again-$((1+1))\r")))
	r.waitOutput(t, info.ID, "again-2")
}

func TestPausedSandboxResumesOnAKey(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	r.sbx.set(sandbox.StatePaused)
	info, err := r.m.Open(ctx, "p1", 80, 24)
	must(t, err)
	if info.State != StatePaused || !strings.Contains(info.Message, "paused") {
		t.Fatalf("opened on a paused sandbox: %+v", info)
	}
	time.Sleep(50 * time.Millisecond)
	r.sbx.mu.Lock()
	n := r.sbx.ensures
	r.sbx.mu.Unlock()
	if n != 0 {
		t.Fatal("opening a terminal resumed the paused sandbox before a key")
	}
	must(t, r.m.Input(ctx, info.ID, []byte("q")))
	r.waitState(t, info.ID, StateRunning)
	must(t, r.m.Input(ctx, info.ID, []byte("echo back-$((3+4))\r")))
	r.waitOutput(t, info.ID, "back-7")
}

func TestCloseKillsTheShell(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	a, err := r.m.Open(ctx, "p1", 80, 24)
	must(t, err)
	b, err := r.m.Open(ctx, "p1", 80, 24)
	must(t, err)
	if b.Title != "Terminal 2" || len(r.m.List("p1")) != 2 || len(r.m.List("p2")) != 0 {
		t.Errorf("second terminal %+v, list %+v", b, r.m.List("p1"))
	}
	r.waitState(t, a.ID, StateRunning)
	_, pid, _ := r.m.sessions[a.ID].current()
	must(t, r.m.Input(ctx, a.ID, []byte("sleep 4242 & echo started-$((1+1))\r")))
	r.waitOutput(t, a.ID, "started-2")
	sleeping := func() bool {
		var out strings.Builder
		_, err := r.env.Run(ctx, e2b.ProcessOptions{Cmd: "ps -eo args=", OnStdout: func(b []byte) { out.Write(b) }})
		must(t, err)
		return strings.Contains(out.String(), "sleep 4242")
	}
	// The shell echoes before its forked child has become `sleep` (fork,
	// then exec): wait for the state, the ceiling only ends a hung run.
	for start := time.Now(); !sleeping(); {
		if time.Since(start) > 30*time.Second {
			t.Fatal("the background job did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	must(t, r.m.Close(ctx, a.ID))
	if _, err := r.m.Snapshot(a.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("snapshot of a closed terminal: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		procs, err := r.env.ListProcesses(ctx)
		must(t, err)
		alive := false
		for _, p := range procs {
			alive = alive || p.Pid == pid
		}
		if !alive && !sleeping() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the shell %d or its background job still runs after Close", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := r.m.Input(ctx, a.ID, []byte("x")); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("input to a closed terminal: %v", err)
	}
	r.m.CloseProject(ctx, "p1")
	if l := r.m.List("p1"); len(l) != 0 {
		t.Errorf("after CloseProject: %+v", l)
	}
}

func TestRefusals(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	for _, tc := range []struct {
		project    string
		cols, rows int
	}{{"", 80, 24}, {"p1", 0, 24}, {"p1", 80, 0}, {"p1", 9999, 24}} {
		if _, err := r.m.Open(ctx, tc.project, tc.cols, tc.rows); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("Open(%q, %d, %d): %v, want invalid", tc.project, tc.cols, tc.rows, err)
		}
	}
	if err := r.m.Resize(ctx, "nope", 80, 24); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("resize of an unknown terminal: %v", err)
	}
}

func TestOutputIsBatched(t *testing.T) {
	rec := events.NewRecorder()
	m := New(Config{Sandboxes: &fakeSandboxes{}, Emitter: rec, Batch: 30 * time.Millisecond, Scrollback: 10})
	s := m.newSession("p", KindShell, "T", 80, 24)
	for i := 0; i < 50; i++ {
		s.output([]byte("ab"))
	}
	time.Sleep(100 * time.Millisecond)
	// The first chunk goes at once (a key's echo must not wait), the
	// other 49 in one event.
	got := rec.Topic(events.TerminalData(s.id))
	if len(got) != 2 || string(got[0].(Data).Data) != "ab" || got[1].(Data).Start != 2 || string(got[1].(Data).Data) != strings.Repeat("ab", 49) {
		t.Fatalf("events %v, want 2 then 98 bytes", got)
	}
	s.output([]byte("cd"))
	s.setState(StateExited, "done") // flushes first
	evs := rec.Events()
	if evs[len(evs)-2].Topic != events.TerminalData(s.id) || evs[len(evs)-2].Payload.(Data).Start != 100 || evs[len(evs)-1].Topic != events.TerminalState(s.id) {
		t.Errorf("state before pending output: %+v", evs[len(evs)-2:])
	}
	if string(s.scroll) != "ababababcd" || s.written != 102 {
		t.Errorf("scrollback %q (written %d), want the last 10 bytes", s.scroll, s.written)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestPauseUnderARunningShellThenAKey(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	info, err := r.m.Open(ctx, "p1", 80, 24)
	must(t, err)
	r.waitState(t, info.ID, StateRunning)
	must(t, r.m.Input(ctx, info.ID, []byte("X=kept-$((5*5))\r")))
	_, pid, _ := r.m.sessions[info.ID].current()
	r.sbx.set(sandbox.StatePaused)
	s := r.waitState(t, info.ID, StatePaused)
	if !strings.Contains(s.Message, "Press any key") {
		t.Errorf("message %q", s.Message)
	}
	must(t, r.m.Input(ctx, info.ID, []byte("\r")))
	r.waitState(t, info.ID, StateRunning)
	if _, again, _ := r.m.sessions[info.ID].current(); again != pid {
		t.Errorf("after the resume the shell is pid %d, want the same %d (Connect)", again, pid)
	}
	must(t, r.m.Input(ctx, info.ID, []byte("echo $X\r")))
	r.waitOutput(t, info.ID, "kept-25")
}

func TestShellsLeftByAnEarlierRunAreStopped(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	old := New(r.m.cfg)
	a, err := old.Open(ctx, "p1", 80, 24)
	must(t, err)
	deadline := time.Now().Add(15 * time.Second)
	var pid uint32
	for pid == 0 {
		if st, p, _ := old.sessions[a.ID].current(); st == StateRunning {
			pid = p
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run's shell did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	old.Shutdown() // quit: the shell stays in the (paused) sandbox
	b, err := r.m.Open(ctx, "p1", 80, 24)
	must(t, err)
	r.waitState(t, b.ID, StateRunning)
	for {
		procs, err := r.env.ListProcesses(ctx)
		must(t, err)
		left := false
		for _, p := range procs {
			left = left || p.Pid == pid
		}
		if !left {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the earlier run's shell %d still runs", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTheFirstTerminalCreatesTheProjectsSandbox(t *testing.T) {
	r := newRig(t, "base", nil)
	ctx := context.Background()
	r.m.cfg.TemplateOf = func(context.Context, string) string { return "streamlit-developer" }
	r.sbx.set(sandbox.StateNone)
	a, err := r.m.Open(ctx, "p1", 80, 24)
	must(t, err)
	r.waitState(t, a.ID, StateRunning)
	b, err := r.m.Open(ctx, "p1", 80, 24) // the sandbox exists now: never replaced
	must(t, err)
	r.waitState(t, b.ID, StateRunning)
	r.sbx.mu.Lock()
	defer r.sbx.mu.Unlock()
	if len(r.sbx.asked) != 2 || r.sbx.asked[0] != "streamlit-developer" || r.sbx.asked[1] != "" {
		t.Errorf("Ensure was asked for %q, want the project's template only while it had no sandbox", r.sbx.asked)
	}
}
