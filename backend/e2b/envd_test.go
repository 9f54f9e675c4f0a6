package e2b_test

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
)

func TestResolvePath(t *testing.T) {
	const root = "/home/user/app"
	tests := []struct {
		p, want string
		ok      bool
	}{
		{"index.html", "/home/user/app/index.html", true},
		{"src/../pages/index.tsx", "/home/user/app/pages/index.tsx", true},
		{"./a//b/", "/home/user/app/a/b", true},
		{".", "/home/user/app", true},
		{"/home/user/app/x.py", "/home/user/app/x.py", true},
		{"/home/user/app", "/home/user/app", true},
		{"../secret", "", false},
		{"a/../../x", "", false},
		{"/etc/passwd", "", false},
		{"/home/user/application/x", "", false}, // prefix but not inside
		{"/home/user/app/../x", "", false},
		{"", "", false},
		{"a\x00b", "", false},
		{`src\app.py`, "", false},
		{"a\nb", "", false},
	}
	for _, tt := range tests {
		got, err := e2b.ResolvePath(root, tt.p)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("ResolvePath(%q) = %q, %v; want %q", tt.p, got, err, tt.want)
		}
		if !tt.ok {
			if !apperr.Is(err, apperr.Invalid) || apperr.MessageOf(err) == "" {
				t.Errorf("ResolvePath(%q) = %q, %v; want an Invalid error", tt.p, got, err)
			}
		}
	}
	if _, err := e2b.ResolvePath("relative", "x"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("relative root accepted: %v", err)
	}
}

func newSandbox(t *testing.T) (*e2btest.Fake, *e2b.Client, *e2b.Sandbox) {
	t.Helper()
	f := e2btest.New(t)
	c := newClient(t, f)
	sb := create(t, c, e2b.CreateOptions{Secure: true, EnvVars: map[string]string{"GLOBAL": "g"}})
	return f, c, sb
}

func TestFiles(t *testing.T) {
	f, c, sb := newSandbox(t)
	ctx := context.Background()
	env := c.Envd(sb).WithRoot("/home/user/app")
	files := []e2b.File{
		{Path: "index.html", Content: "<h1>hi</h1>"},
		{Path: "src/main.py", Content: "print('x')\n"},
		{Path: "/home/user/app/src/util/empty.txt", Content: ""},
	}
	if err := env.WriteFiles(ctx, files); err != nil {
		t.Fatal(err)
	}
	if n := f.Calls(e2btest.EndpointFiles); n != 1 {
		t.Fatalf("WriteFiles used %d requests, want 1", n)
	}
	got, err := env.ReadFile(ctx, "src/main.py")
	if err != nil || string(got) != "print('x')\n" {
		t.Fatalf("read = %q, %v", got, err)
	}
	got, err = env.ReadFile(ctx, "src/util/empty.txt")
	if err != nil || len(got) != 0 {
		t.Fatalf("read empty = %q, %v", got, err)
	}
	if b, _ := f.ReadFile(sb.SandboxID, "/home/user/app/index.html"); string(b) != "<h1>hi</h1>" {
		t.Fatalf("fake has %q", b)
	}
	entries, err := env.List(ctx, ".")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]e2b.Entry{
		"index.html": {Name: "index.html", Path: "/home/user/app/index.html", Type: "file", Size: 11},
		"src":        {Name: "src", Path: "/home/user/app/src", Type: "dir"},
	}
	if len(entries) != len(want) {
		t.Fatalf("entries %+v", entries)
	}
	for _, e := range entries {
		w := want[e.Name]
		if e.Path != w.Path || e.Type != w.Type || (w.Type == "file" && e.Size != w.Size) {
			t.Fatalf("entry %+v, want %+v", e, w)
		}
	}
	if err := env.MakeDir(ctx, "a/b/c"); err != nil {
		t.Fatal(err)
	}
	if err := env.MakeDir(ctx, "a/b/c"); err != nil {
		t.Fatalf("MakeDir on an existing folder: %v", err)
	}
	if err := env.Remove(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	if err := env.Remove(ctx, "src"); err != nil {
		t.Fatalf("remove missing: %v", err)
	}
	_, err = env.ReadFile(ctx, "src/main.py")
	wantCode(t, err, apperr.NotFound)
	_, err = env.List(ctx, "nope")
	wantCode(t, err, apperr.NotFound)
	st, err := env.Stat(ctx, "a/b")
	if err != nil || st.Type != "dir" {
		t.Fatalf("stat %+v %v", st, err)
	}
	// Without a root, paths are the sandbox's own (relative = home).
	if err := c.Envd(sb).WriteFiles(ctx, []e2b.File{{Path: "notes.txt", Content: "n"}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := f.ReadFile(sb.SandboxID, "/home/user/notes.txt"); string(b) != "n" {
		t.Fatalf("relative write went elsewhere: %q", b)
	}
}

func TestFilesEscapeRefused(t *testing.T) {
	f, c, sb := newSandbox(t)
	ctx := context.Background()
	env := c.Envd(sb).WithRoot("/home/user/app")
	for _, p := range []string{"../x", "/etc/passwd", "a/../../b", "/home/user/other/x"} {
		wantCode(t, env.WriteFiles(ctx, []e2b.File{{Path: "ok.txt"}, {Path: p, Content: "x"}}), apperr.Invalid)
		_, err := env.ReadFile(ctx, p)
		wantCode(t, err, apperr.Invalid)
		wantCode(t, env.Remove(ctx, p), apperr.Invalid)
		wantCode(t, env.MakeDir(ctx, p), apperr.Invalid)
		_, err = env.List(ctx, p)
		wantCode(t, err, apperr.Invalid)
		_, err = env.Run(ctx, e2b.ProcessOptions{Cmd: "true", Cwd: p})
		wantCode(t, err, apperr.Invalid)
	}
	wantCode(t, env.Remove(ctx, "."), apperr.Invalid)
	for _, ep := range []string{e2btest.EndpointFiles, e2btest.EndpointFilesystem, e2btest.EndpointProcess} {
		if n := f.Calls(ep); n != 0 {
			t.Errorf("%s reached the sandbox %d times", ep, n)
		}
	}
}

func TestEnvdAuthAndState(t *testing.T) {
	f, c, sb := newSandbox(t)
	ctx := context.Background()
	bad := *sb
	bad.EnvdAccessToken = "wrong"
	wantCode(t, c.Envd(&bad).MakeDir(ctx, "x"), apperr.Unauthorized)
	_, err := c.Envd(&bad).Run(ctx, e2b.ProcessOptions{Cmd: "true"})
	wantCode(t, err, apperr.Unauthorized)
	// An unknown account is a 401 from envd, but no token can fix it.
	_, err = c.Envd(sb).WithUser("nobody").Run(ctx, e2b.ProcessOptions{Cmd: "true"})
	wantCode(t, err, apperr.Invalid)

	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Envd(sb).ReadFile(ctx, "x")
	wantCode(t, err, apperr.NotFound) // proxy 502: not running
	_, err = c.Envd(sb).Run(ctx, e2b.ProcessOptions{Cmd: "true"})
	wantCode(t, err, apperr.NotFound)
	_, err = c.Interpreter(sb).Execute(ctx, "1", "", nil)
	wantCode(t, err, apperr.NotFound)
	_ = f
}

func TestPauseKeepsFiles(t *testing.T) {
	f, c, sb := newSandbox(t)
	ctx := context.Background()
	env := c.Envd(sb)
	if err := env.WriteFiles(ctx, []e2b.File{{Path: "/home/user/keep.txt", Content: "k"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	sb2, resumed, err := c.Connect(ctx, sb.SandboxID, time.Minute)
	if err != nil || !resumed {
		t.Fatal(resumed, err)
	}
	got, err := c.Envd(sb2).ReadFile(ctx, "/home/user/keep.txt")
	if err != nil || string(got) != "k" {
		t.Fatalf("after resume: %q %v", got, err)
	}
	_ = f
}

type collector struct {
	mu             sync.Mutex
	stdout, stderr bytes.Buffer
}

func (c *collector) opts(po e2b.ProcessOptions) e2b.ProcessOptions {
	po.OnStdout = func(b []byte) { c.mu.Lock(); c.stdout.Write(b); c.mu.Unlock() }
	po.OnStderr = func(b []byte) { c.mu.Lock(); c.stderr.Write(b); c.mu.Unlock() }
	return po
}

func TestRun(t *testing.T) {
	_, c, sb := newSandbox(t)
	env := c.Envd(sb).WithRoot("/home/user/app")
	ctx := context.Background()
	if err := env.MakeDir(ctx, "sub"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name               string
		po                 e2b.ProcessOptions
		code               int
		stdout, stderr     string
		stdoutHasSubstring bool
	}{
		{name: "echo", po: e2b.ProcessOptions{Cmd: "echo hello"}, stdout: "hello\n"},
		{name: "stderr and exit", po: e2b.ProcessOptions{Cmd: "echo oops >&2; exit 3"}, code: 3, stderr: "oops\n"},
		{name: "not found", po: e2b.ProcessOptions{Cmd: "definitely-not-a-command-xyz"}, code: 127},
		{name: "env", po: e2b.ProcessOptions{Cmd: `echo "$FOO-$GLOBAL"`, Env: map[string]string{"FOO": "bar"}}, stdout: "bar-g\n"},
		{name: "cwd default root", po: e2b.ProcessOptions{Cmd: "pwd"}, stdout: "/home/user/app\n"},
		{name: "cwd", po: e2b.ProcessOptions{Cmd: "pwd", Cwd: "sub"}, stdout: "/home/user/app/sub\n"},
		{name: "args exec", po: e2b.ProcessOptions{Cmd: "/bin/echo", Args: []string{"a b", "c"}}, stdout: "a b c\n"},
		{name: "big output", po: e2b.ProcessOptions{Cmd: "head -c 300000 /dev/zero | tr '\\0' x"}, stdout: strings.Repeat("x", 300000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var col collector
			code, err := env.Run(ctx, col.opts(tt.po))
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Fatalf("exit %d want %d (stderr %q)", code, tt.code, col.stderr.String())
			}
			if tt.stdout != "" && col.stdout.String() != tt.stdout {
				t.Fatalf("stdout %q want %q", trunc(col.stdout.String()), trunc(tt.stdout))
			}
			if tt.stderr != "" && col.stderr.String() != tt.stderr {
				t.Fatalf("stderr %q want %q", col.stderr.String(), tt.stderr)
			}
		})
	}
	_, err := env.Run(ctx, e2b.ProcessOptions{Cmd: "true", Cwd: "missing"})
	wantCode(t, err, apperr.Invalid)
	_, err = env.Run(ctx, e2b.ProcessOptions{Cmd: "  "})
	wantCode(t, err, apperr.Invalid)
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func TestRunTimeoutKills(t *testing.T) {
	f, c, sb := newSandbox(t)
	env := c.Envd(sb)
	start := time.Now()
	code, err := env.Run(context.Background(), e2b.ProcessOptions{Cmd: "sleep 30", Timeout: 300 * time.Millisecond})
	wantCode(t, err, apperr.Unavailable)
	if code != -1 || !strings.Contains(apperr.MessageOf(err), "time limit") {
		t.Fatalf("code %d err %v", code, err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatal("timeout did not stop the command")
	}
	waitNoProcesses(t, f, sb.SandboxID)
}

func TestRunCancelKills(t *testing.T) {
	f, c, sb := newSandbox(t)
	env := c.Envd(sb)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		_, err := env.Run(ctx, e2b.ProcessOptions{
			Cmd:      "echo ready; sleep 30; echo never",
			Timeout:  -1,
			OnStdout: func(b []byte) { once.Do(func() { close(started) }) },
		})
		done <- err
	}()
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("process never started")
	}
	if n := f.RunningProcesses(sb.SandboxID); n != 1 {
		t.Fatalf("running processes = %d", n)
	}
	cancel()
	select {
	case err := <-done:
		wantCode(t, err, apperr.Canceled)
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	// envd keeps a process running when the client hangs up; Run must
	// have killed it.
	waitNoProcesses(t, f, sb.SandboxID)
}

func waitNoProcesses(t *testing.T, f *e2btest.Fake, id string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for f.RunningProcesses(id) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d processes still running", f.RunningProcesses(id))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunNotRetried(t *testing.T) {
	f, c, sb := newSandbox(t)
	f.FailNext(e2btest.EndpointProcess, e2btest.Fault5xx)
	_, err := c.Envd(sb).Run(context.Background(), e2b.ProcessOptions{Cmd: "true"})
	wantCode(t, err, apperr.Unavailable)
	if n := f.Calls(e2btest.EndpointProcess); n != 1 {
		t.Fatalf("process start sent %d times", n)
	}
	// File writes are idempotent and retried.
	f.FailNext(e2btest.EndpointFiles, e2btest.FaultReset)
	if err := c.Envd(sb).WriteFiles(context.Background(), []e2b.File{{Path: "a", Content: "a"}}); err != nil {
		t.Fatal(err)
	}
}

func TestRunStreamsBeforeExit(t *testing.T) {
	_, c, sb := newSandbox(t)
	first := make(chan string, 1)
	release := "/home/user/go"
	ctx := context.Background()
	env := c.Envd(sb)
	done := make(chan error, 1)
	go func() {
		_, err := env.Run(ctx, e2b.ProcessOptions{
			Cmd: "echo first; while [ ! -f " + release + " ]; do sleep 0.05; done; echo second",
			OnStdout: func(b []byte) {
				select {
				case first <- string(b):
				default:
				}
			},
		})
		done <- err
	}()
	select {
	case s := <-first:
		if s != "first\n" {
			t.Fatalf("first chunk %q", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no output while the process runs")
	}
	if err := env.WriteFiles(ctx, []e2b.File{{Path: release}}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
