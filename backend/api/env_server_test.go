package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/env"
	"tessera/backend/events"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
	"tessera/backend/terminal"
)

// A change of a web project's variables while its sandbox runs restarts
// the app's server with the new values: real store, keychain (mock),
// sandbox manager, terminal manager and the fake E2B (whose processes are
// real), the server a shell loop printing its environment.
func TestEnvChangeRestartsTheServerWithTheNewValues(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	st := newStore(t)
	keys := secrets.New(secrets.OSBackend{}, time.Second)
	fake := e2btest.New(t)
	client, err := e2b.New(fake.Config("e2b-key"))
	if err != nil {
		t.Fatal(err)
	}
	vars := env.New(st, keys, nil)
	mgr := sandbox.NewManager(sandbox.Config{
		Client:     func(context.Context) (sandbox.Control, error) { return sandbox.E2B{Client: client}, nil },
		Store:      st,
		ManualTick: true,
		Env:        vars.Resolve,
	})
	t.Cleanup(mgr.Close)
	const tpl = "nextjs-developer"
	const server = `while true; do echo "greeting=$GREETING token=${#API_TOKEN} raw=$API_TOKEN"; sleep 0.1; done`
	terms := terminal.New(terminal.Config{Sandboxes: mgr, Emitter: events.NewRecorder(), Poll: 50 * time.Millisecond,
		Redact:       env.NewRedactor(bg, vars, nil),
		StartCommand: func(t string) (string, bool) { return server, t == tpl },
		ServerPort:   func(string) int { return 0 }})
	t.Cleanup(terms.Shutdown)
	es := NewEnvService(bg, vars, mgr, terms, func(t string) bool { _, ok := terminal.StartCommand(t); return ok })

	p, _ := st.CreateProject(ctx, store.NewProject{Name: "web", Template: tpl})
	if _, err := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "GREETING", Value: "first"}); err != nil {
		t.Fatal(err)
	}
	es.Set(SetEnvRequest{ProjectID: p.ID, Name: "API_TOKEN", Value: "12345", Secret: true})
	if _, err := mgr.Ensure(ctx, p.ID, tpl); err != nil {
		t.Fatal(err)
	}
	info, err := terms.OpenServer(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			snap, _ := terms.Snapshot(info.ID)
			if strings.Contains(string(snap.Data), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server never printed %q; console: %q", want, snap.Data)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// No server runs yet (the fake has no template start command): the
	// first change starts it, with the values.
	r, err := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "GREETING", Value: "second"})
	if err != nil || !strings.Contains(r.Note, "restarting") {
		t.Fatalf("Set = %+v, %v", r, err)
	}
	waitFor("greeting=second token=5")
	r, err = es.Set(SetEnvRequest{ProjectID: p.ID, Name: "GREETING", Value: "third"})
	if err != nil || r.Warning != "" {
		t.Fatalf("Set = %+v, %v", r, err)
	}
	waitFor("greeting=third token=5 raw=[secret API_TOKEN]")
	// The console shows and keeps the secret redacted (issue 30).
	if snap, _ := terms.Snapshot(info.ID); strings.Contains(string(snap.Data), "12345") {
		t.Fatalf("the console holds the secret: %q", snap.Data)
	}
	for _, id := range fake.IDs() {
		if dot := string(fake.Files(id)["/home/user/.env"]); dot != "" && !strings.Contains(dot, `GREETING='third'`) {
			t.Fatalf(".env = %q", dot)
		}
	}
}
