package chat

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/env"
	"tessera/backend/events"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// A secret the cell prints, echoes in a URL, writes to a file and throws
// in a traceback reaches neither the stored result, nor the page's
// events, nor the model when the person sends it back (Fix); nor does one
// in the project's files reach the prompt (issue 30). Real parts: SQLite,
// the keychain's mock, env, the sandbox manager and the fake E2B, which
// runs the cell in a real Python.
func TestSecretsAreRedactedAtEveryExit(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	vars := env.New(st, secrets.New(secrets.OSBackend{}, time.Second), nil)
	red := env.NewRedactor(context.Background, vars, nil)
	fake := e2btest.New(t)
	client, err := e2b.New(fake.Config("e2b-key"))
	if err != nil {
		t.Fatal(err)
	}
	rec := events.NewRecorder()
	mgr := sandbox.NewManager(sandbox.Config{
		Client:     func(context.Context) (sandbox.Control, error) { return sandbox.E2B{Client: client}, nil },
		Store:      st,
		Emitter:    rec,
		ManualTick: true,
		Env:        vars.Resolve,
	})
	t.Cleanup(mgr.Close)
	srv := llmtest.New(t)
	cat, err := llm.NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"custom","base_url":%q,"models":[{"id":"m1"}]}]}`, srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	lc := llm.NewClient(cat, keys{}, srv.Client())
	svc := New(Config{Store: st, Generator: LLMGenerator{Client: func() *llm.Client { return lc }}, Sandboxes: mgr, Emitter: rec,
		Templates: func(context.Context) []fragment.Template { return fragment.Templates() }, PreviewWait: 20 * time.Second,
		EnvNames: vars.Names, Redactor: red})
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "P"})
	const secret = "sk-live-7f3a9c2e1b"
	if _, err := vars.Set(ctx, p.ID, env.Var{Name: "API_TOKEN", Value: secret, Secret: true}); err != nil {
		t.Fatal(err)
	}
	leaks := []string{secret, url.QueryEscape(secret + "&"), base64.StdEncoding.EncodeToString([]byte(secret))}
	leaked := func(where, s string) {
		t.Helper()
		for _, l := range leaks {
			if strings.Contains(s, l) {
				t.Errorf("%s holds the secret (%q): %.300s", where, l, s)
			}
		}
	}

	code := `import os, urllib.parse, base64
tok = os.environ["API_TOKEN"]
print("printed:", tok)
print("url: https://api.example/v1?key=" + urllib.parse.quote(tok + "&"))
print("basic:", base64.b64encode(tok.encode()).decode())
with open("/tmp/token.txt", "w") as f:
    f.write(tok)
print("file:", open("/tmp/token.txt").read())
def call(key):
    raise PermissionError("401 for https://api.example/v1?key=" + key)
call(tok)`
	srv.Push(llmtest.FragmentResponse(pyFragment(code), 50))
	res, err := svc.Send(ctx, SendRequest{RequestID: "r1", ProjectID: p.ID, Text: "run it", ProviderID: "custom", ModelID: "m1"})
	if err != nil {
		t.Fatal(err)
	}
	rr := runResult(t, res.Assistant)
	if rr.Error == nil || !strings.Contains(rr.Error.Traceback, "[secret API_TOKEN]") ||
		!strings.Contains(strings.Join(rr.Stdout, ""), "printed: [secret API_TOKEN]") ||
		!strings.Contains(strings.Join(rr.Stdout, ""), "url: https://api.example/v1?key=[secret API_TOKEN]") ||
		!strings.Contains(strings.Join(rr.Stdout, ""), "basic: [secret API_TOKEN]") ||
		!strings.Contains(strings.Join(rr.Stdout, ""), "file: [secret API_TOKEN]") {
		t.Fatalf("the run did not show the marker where the secret was: %+v", rr)
	}
	stored, _ := st.GetMessage(ctx, res.Assistant.ID)
	leaked("the stored run result", string(stored.Result))
	evs, _ := json.Marshal(rec.Topic(events.ChatDelta("r1")))
	leaked("the page's events", string(evs))

	// Fix: the page pastes the traceback it has; a traceback copied from
	// somewhere else may still hold the raw secret.
	srv.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 50))
	if err := st.PutFiles(ctx, p.ID, []store.File{{Path: "config.py", Content: "TOKEN = '" + secret + "'\n"}}); err != nil {
		t.Fatal(err)
	}
	fix := "Fix this error:\nPermissionError: 401 for https://api.example/v1?key=" + secret
	res2, err := svc.Send(ctx, SendRequest{RequestID: "r2", ProjectID: p.ID, Text: fix, ProviderID: "custom", ModelID: "m1"})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	last := string(reqs[len(reqs)-1].Body)
	if !strings.Contains(last, "config.py") || !strings.Contains(last, "[secret API_TOKEN]") {
		t.Fatalf("the prompt lacks the file or the marker: %.500s", last)
	}
	for _, r := range reqs {
		leaked("a request to the model", string(r.Body))
	}
	leaked("the stored message", res2.User.Content)

	// A row stored before redaction existed reaches the page redacted.
	old, _ := st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "assistant", Content: "old " + secret,
		Result: json.RawMessage(`{"stdout":["` + secret + `"]}`)})
	page, _, err := svc.History(ctx, p.ID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range page {
		leaked("the history page", m.Content+string(m.Result))
		found = found || m.ID == old.ID
	}
	if !found {
		t.Fatal("the old row is not on the page: the check proves nothing")
	}
}
