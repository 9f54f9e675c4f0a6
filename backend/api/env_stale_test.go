package api

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/env"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// A secret removed or changed after the sandbox was made (so E2B has its
// old value in the create-time environment of every process) is unreadable
// to new commands and cells, also after pause and resume, and the .env no
// longer has it (issue 30). Real store, env, sandbox manager and the fake
// E2B, whose processes and Python are real and which merges create-time
// variables beneath each process's own as E2B's real envd does.
func TestRemovedOrChangedSecretIsUnreadableInTheSandbox(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	st := newStore(t)
	vars := env.New(st, secrets.New(secrets.OSBackend{}, time.Second), nil)
	fake := e2btest.New(t)
	client, err := e2b.New(fake.Config("e2b-key"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := sandbox.Config{
		Client:     func(context.Context) (sandbox.Control, error) { return sandbox.E2B{Client: client}, nil },
		Store:      st,
		ManualTick: true,
		Env:        vars.Resolve,
	}
	mgr := sandbox.NewManager(cfg)
	t.Cleanup(mgr.Close)
	es := NewEnvService(bg, vars, mgr, nil, nil)
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p", Template: "code-interpreter-v1"})
	const oldToken, oldKey = "old-token-a81f", "old-key-77c2"
	es.Set(SetEnvRequest{ProjectID: p.ID, Name: "TOKEN", Value: oldToken, Secret: true})
	es.Set(SetEnvRequest{ProjectID: p.ID, Name: "KEY", Value: oldKey, Secret: true})

	shell := func(h *sandbox.Handle) string {
		t.Helper()
		var mu sync.Mutex
		var out strings.Builder
		_, err := h.Run(ctx, sandbox.Command{Line: `echo "token=[${TOKEN-unset}] key=[${KEY-unset}]"; env | grep -c old- || true`,
			OnStdout: func(b []byte) { mu.Lock(); out.Write(b); mu.Unlock() }})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	cell := func(h *sandbox.Handle) string {
		t.Helper()
		ex, err := h.Execute(ctx, "import os, subprocess\nprint(os.environ.get('TOKEN'), os.environ.get('KEY'), subprocess.run(['sh', '-c', 'echo $TOKEN $KEY'], capture_output=True, text=True).stdout.strip())", nil)
		if err != nil || ex.Error != nil {
			t.Fatalf("cell: %v %+v", err, ex)
		}
		return strings.Join(ex.Stdout, "")
	}
	h, err := mgr.Ensure(ctx, p.ID, "code-interpreter-v1")
	if err != nil {
		t.Fatal(err)
	}
	if got := shell(h); !strings.Contains(got, "token=["+oldToken+"] key=["+oldKey+"]") {
		t.Fatalf("before: nothing to prove, the values never reached the sandbox: %q", got)
	}
	if info, _ := fake.Info(h.SandboxID); info.EnvVars["TOKEN"] != oldToken {
		t.Fatalf("the sandbox was not created with the value (%v): the test proves nothing", info.EnvVars)
	}

	r, err := es.Delete(p.ID, "TOKEN")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Notes, " "), "TOKEN") {
		t.Fatalf("the dialog does not say the create-time value is overridden: %+v", r)
	}
	r, err = es.Set(SetEnvRequest{ProjectID: p.ID, Name: "KEY", Value: "new-key", Secret: true})
	if err != nil || !strings.Contains(strings.Join(r.Notes, " "), "KEY") {
		t.Fatalf("Set = %+v %v", r, err)
	}
	check := func(when string) {
		t.Helper()
		h, err := mgr.Ensure(ctx, p.ID, "code-interpreter-v1")
		if err != nil {
			t.Fatal(err)
		}
		if got := shell(h); !strings.Contains(got, "token=[] key=[new-key]\n0") {
			t.Fatalf("%s: a command sees %q", when, got)
		}
		if got := cell(h); got != "  new-key new-key\n" && got != " new-key new-key\n" {
			t.Fatalf("%s: a cell sees %q", when, got)
		}
		if dot := string(fake.Files(h.SandboxID)["/home/user/.env"]); strings.Contains(dot, "old-") || !strings.Contains(dot, "KEY='new-key'") {
			t.Fatalf("%s: .env = %q", when, dot)
		}
	}
	check("after the change")
	if err := mgr.Pause(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	check("after pause and resume")

	// Removed while paused, then Tessera quits and starts again: the new
	// run still knows the name was the project's and overrides it.
	if err := mgr.Pause(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := es.Delete(p.ID, "KEY"); err != nil {
		t.Fatal(err)
	}
	mgr.Close()
	mgr2 := sandbox.NewManager(cfg)
	t.Cleanup(mgr2.Close)
	h2, err := mgr2.Ensure(ctx, p.ID, "code-interpreter-v1")
	if err != nil {
		t.Fatal(err)
	}
	if got := shell(h2); !strings.Contains(got, "token=[] key=[]\n0") {
		t.Fatalf("after a restart of Tessera: a command sees %q", got)
	}
}
