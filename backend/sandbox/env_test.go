package sandbox

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// varSource is a project's environment the test changes at will.
type varSource struct {
	mu   sync.Mutex
	vars map[string]string
	err  error
}

func (v *varSource) set(vars map[string]string, err error) {
	v.mu.Lock()
	v.vars, v.err = vars, err
	v.mu.Unlock()
}

func (v *varSource) get(context.Context, string) (map[string]string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return cloneMap(v.vars), v.err
}

// printed runs Python in the sandbox of h and returns what it printed.
func printed(t *testing.T, h *Handle, code string) string {
	t.Helper()
	x, err := h.Execute(context.Background(), code, nil)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if x.Error != nil {
		t.Fatalf("the cell failed: %s: %s", x.Error.Name, x.Error.Value)
	}
	return strings.Join(x.Stdout, "")
}

// shellOut runs a command through the handle and returns its stdout.
func shellOut(t *testing.T, h *Handle, line string) string {
	t.Helper()
	var b strings.Builder
	code, err := h.Run(context.Background(), Command{Line: line, Timeout: 30 * time.Second, OnStdout: func(p []byte) { b.Write(p) }})
	if err != nil || code != 0 {
		t.Fatalf("Run %q: %d %v", line, code, err)
	}
	return b.String()
}

func TestProjectEnvReachesTheSandbox(t *testing.T) {
	src := &varSource{vars: map[string]string{"GREETING": "hello world", "API_TOKEN": "tok-1"}}
	e := newFEnv(t, func(c *Config) { c.Env = src.get })
	p := e.project("env")

	// Create: envVars at E2B, the .env in the project folder, commands and cells.
	h := e.ensure(p.ID)
	info, _ := e.fake.Info(h.SandboxID)
	if info.EnvVars["GREETING"] != "hello world" || info.EnvVars["API_TOKEN"] != "tok-1" {
		t.Fatalf("create envVars = %v", info.EnvVars)
	}
	dot := e.projectFiles(h.SandboxID)["/home/user/.env"]
	if !strings.Contains(dot, "GREETING='hello world'\n") || !strings.Contains(dot, "API_TOKEN='tok-1'\n") {
		t.Fatalf(".env = %q", dot)
	}
	if got := shellOut(t, h, `printf %s "$GREETING"`); got != "hello world" {
		t.Fatalf("command saw %q", got)
	}
	if got := printed(t, h, `import os; print(os.environ["API_TOKEN"])`); got != "tok-1\n" {
		t.Fatalf("cell saw %q", got)
	}

	// A change while it runs: the .env is rewritten at once, new handles carry it.
	src.set(map[string]string{"GREETING": "changed"}, nil)
	running, err := e.m.ApplyEnv(e.ctx, p.ID)
	if err != nil || !running {
		t.Fatalf("ApplyEnv = %v, %v", running, err)
	}
	if dot := e.projectFiles(h.SandboxID)["/home/user/.env"]; !strings.Contains(dot, `GREETING='changed'`) || strings.Contains(dot, "API_TOKEN") {
		t.Fatalf(".env after change = %q", dot)
	}
	h = e.ensure(p.ID)
	if got := printed(t, h, `import os; print(os.environ["GREETING"])`); got != "changed\n" {
		t.Fatalf("cell after change saw %q", got)
	}

	// A change while paused reaches it on resume (the kernel started with the old ones).
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	src.set(map[string]string{"GREETING": "after resume"}, nil)
	if running, err := e.m.ApplyEnv(e.ctx, p.ID); err != nil || running {
		t.Fatalf("ApplyEnv while paused = %v, %v", running, err)
	}
	h = e.ensure(p.ID)
	if !h.Resumed {
		t.Fatal("expected a resume")
	}
	if got := printed(t, h, `import os; print(os.environ["GREETING"])`); got != "after resume\n" {
		t.Fatalf("cell after resume saw %q", got)
	}
	if got := shellOut(t, h, `printf %s "$GREETING"`); got != "after resume" {
		t.Fatalf("command after resume saw %q", got)
	}
	if dot := e.projectFiles(h.SandboxID)["/home/user/.env"]; !strings.Contains(dot, `GREETING='after resume'`) {
		t.Fatalf(".env after resume = %q", dot)
	}
	// The local copy never holds the .env.
	files, _ := e.st.ListFiles(e.ctx, p.ID)
	for _, f := range files {
		if f.Path == EnvFile {
			t.Fatal(".env reached the project's files")
		}
	}
}

func TestProjectEnvUnreadableIsAWarningNotAFailure(t *testing.T) {
	src := &varSource{err: apperr.New(apperr.Unavailable, "keychain locked")}
	e := newFEnv(t, func(c *Config) { c.Env = src.get })
	p := e.project("locked")
	h := e.ensure(p.ID)
	if st := e.m.Status(p.ID); st.State != StateRunning || st.Warning != envWarning {
		t.Fatalf("status = %+v", st)
	}
	if _, ok := e.projectFiles(h.SandboxID)["/home/user/.env"]; ok {
		t.Fatal("a new sandbox without variables got a .env")
	}
	// Nor does a resumed one, after a restart of Tessera.
	src.set(nil, nil)
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	e.restart()
	h = e.ensure(p.ID)
	if _, ok := e.projectFiles(h.SandboxID)["/home/user/.env"]; ok || !h.Resumed {
		t.Fatalf("a resumed sandbox without variables got a .env (resumed %v)", h.Resumed)
	}
	// Variables added while paused and across a restart reach it on resume.
	src.set(map[string]string{"LATE": "yes"}, nil)
	e.m.Pause(e.ctx, p.ID)
	e.restart()
	h = e.ensure(p.ID)
	if dot := e.projectFiles(h.SandboxID)["/home/user/.env"]; !strings.Contains(dot, `LATE='yes'`) {
		t.Fatalf(".env after a restart = %q", dot)
	}
	// Deleting the last one while it runs empties the file.
	src.set(nil, nil)
	if _, err := e.m.ApplyEnv(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if dot := e.projectFiles(h.SandboxID)["/home/user/.env"]; strings.Contains(dot, "LATE") {
		t.Fatalf(".env after deleting the last variable = %q", dot)
	}
}

func TestCleanupRemovesOnlyIdleVerifiedSandboxes(t *testing.T) {
	after := 14 * 24 * time.Hour
	var badID string
	e := newFEnv(t, func(c *Config) {
		c.Cleanup = &CleanupPolicy{
			After: func(context.Context) time.Duration { return after },
			Check: func(_ context.Context, id string) error {
				if id == badID {
					return errors.New("2 files are not in the project folder")
				}
				return nil
			},
		}
	})
	idle, recent, bad, busy := e.project("idle"), e.project("recent"), e.project("bad"), e.project("busy")
	badID = bad.ID
	sbs := map[string]string{}
	for _, p := range []store.Project{idle, recent, bad, busy} {
		h := e.ensure(p.ID)
		sbs[p.ID] = h.SandboxID
		if err := keepFiles(e.ctx, e.st, e.m, h, []store.File{{Path: "app.py", Content: "print(1)\n"}}); err != nil {
			t.Fatal(err)
		}
		if p.ID != busy.ID {
			if err := e.m.Pause(e.ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	release := e.m.Hold(busy.ID)
	defer release()

	// Not due yet: nothing happens.
	e.clock.Advance(after - time.Hour)
	if got, err := e.m.Cleanup(e.ctx); err != nil || len(got) != 0 {
		t.Fatalf("early Cleanup = %v, %v", got, err)
	}
	e.st.TouchProject(e.ctx, recent.ID)
	e.clock.Advance(2 * time.Hour)
	got, err := e.m.Cleanup(e.ctx)
	if err != nil || len(got) != 1 || got[0] != idle.ID {
		t.Fatalf("Cleanup = %v, %v (want only %s)", got, err, idle.ID)
	}
	if s := e.state(sbs[idle.ID]); s != "killed" && s != "" {
		t.Fatalf("idle sandbox at E2B = %q", s)
	}
	for _, p := range []store.Project{recent, bad, busy} {
		if s := e.state(sbs[p.ID]); s == "killed" || s == "" {
			t.Fatalf("%s's sandbox was removed", p.Name)
		}
	}
	gp, _ := e.st.GetProject(e.ctx, idle.ID)
	if st := e.m.Status(idle.ID); gp.SandboxID != "" || gp.SandboxRemovedAt.IsZero() || st.State != StateNone || st.Warning != RemovedWarning {
		t.Fatalf("after cleanup: %+v / %+v", gp, e.m.Status(idle.ID))
	}

	// Keep moves the date.
	if err := e.st.KeepSandbox(e.ctx, bad.ID); err != nil {
		t.Fatal(err)
	}
	badID = ""
	if got, _ := e.m.Cleanup(e.ctx); len(got) != 0 {
		t.Fatalf("a kept sandbox was removed: %v", got)
	}

	// The next use rebuilds it from the files, and the mark goes.
	h := e.ensure(idle.ID)
	if h.SandboxID == sbs[idle.ID] || e.projectFiles(h.SandboxID)["/home/user/app.py"] != "print(1)\n" {
		t.Fatalf("rebuilt sandbox %s files %v", h.SandboxID, e.projectFiles(h.SandboxID))
	}
	if gp, _ := e.st.GetProject(e.ctx, idle.ID); !gp.SandboxRemovedAt.IsZero() {
		t.Fatal("the removed mark stayed after the rebuild")
	}
}

func TestCleanupDueAndDotenv(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		has   bool
		after time.Duration
		want  time.Time
	}{
		{"due", true, time.Hour, at.Add(time.Hour)},
		{"no sandbox", false, time.Hour, time.Time{}},
		{"off", true, 0, time.Time{}},
	}
	for _, c := range cases {
		if got := CleanupDue(at, c.has, c.after); !got.Equal(c.want) {
			t.Errorf("%s: %v", c.name, got)
		}
	}
	if got := string(dotenv(map[string]string{"B": "2", "A": "x y"})); !strings.HasSuffix(got, "A='x y'\nB='2'\n") {
		t.Errorf("dotenv = %q", got)
	}
	if envHash(nil) == envHash(map[string]string{"A": ""}) {
		t.Error("hash ignores an empty variable")
	}
}

// What every new process gets beside the create-time environment.
func TestProcessEnvHidesRemovedCreateTimeValues(t *testing.T) {
	cases := []struct {
		name   string
		vars   map[string]string
		baked  map[string]string
		failed bool
		want   map[string]string
	}{
		{"nothing", nil, nil, false, nil},
		{"unchanged", map[string]string{"A": "1"}, map[string]string{"A": "1"}, false, map[string]string{"A": "1"}},
		{"changed wins", map[string]string{"A": "2"}, map[string]string{"A": "1"}, false, map[string]string{"A": "2"}},
		{"removed is blank", map[string]string{"B": "x"}, map[string]string{"A": "1"}, false, map[string]string{"A": "", "B": "x"}},
		{"all removed", nil, map[string]string{"A": "1"}, false, map[string]string{"A": ""}},
		{"a template's own stays", nil, map[string]string{"TEMPLATE_VAR": "t"}, false, nil},
		{"unreadable keeps the sandbox's", nil, map[string]string{"A": "1"}, true, nil},
	}
	ours := map[string]bool{"A": true, "B": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := processEnv(c.vars, c.baked, ours, c.failed)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if g, ok := got[k]; !ok || g != v {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}
