package api

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
	"tessera/backend/env"
	"tessera/backend/projectfiles"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// envSandboxes records what EnvService tells the sandbox manager.
type envSandboxes struct {
	mu       sync.Mutex
	applied  []string
	running  bool
	template string
	err      error
}

func (f *envSandboxes) ApplyEnv(_ context.Context, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, id)
	return f.running, f.err
}

func (f *envSandboxes) StaleEnv(string) []string { return nil }

func (f *envSandboxes) Status(id string) sandbox.Status {
	return sandbox.Status{ProjectID: id, State: sandbox.StateRunning, Template: f.template}
}

type restarts struct{ ids []string }

func (r *restarts) RestartServer(_ context.Context, id string) error {
	r.ids = append(r.ids, id)
	return nil
}

func TestEnvServiceKeepsSecretsInTheKeychain(t *testing.T) {
	keyring.MockInit()
	st := newStore(t)
	keys := secrets.New(secrets.OSBackend{}, time.Second)
	sb := &envSandboxes{}
	rs := &restarts{}
	vars := env.New(st, keys, nil)
	es := NewEnvService(bg, vars, sb, rs, func(t string) bool { return t == "nextjs-developer" })
	p, _ := st.CreateProject(bg(), store.NewProject{Name: "env"})

	cases := []struct {
		name string
		req  SetEnvRequest
		code apperr.Code
	}{
		{"plain", SetEnvRequest{ProjectID: p.ID, Name: "API_URL", Value: "https://api"}, ""},
		{"secret", SetEnvRequest{ProjectID: p.ID, Name: "TOKEN", Value: "sk-very-secret", Secret: true}, ""},
		{"secret without value", SetEnvRequest{ProjectID: p.ID, Name: "OTHER", Secret: true}, apperr.Invalid},
		{"bad name", SetEnvRequest{ProjectID: p.ID, Name: "A B", Value: "x"}, apperr.Invalid},
		{"quote in secret", SetEnvRequest{ProjectID: p.ID, Name: "Q", Value: "it's", Secret: true}, apperr.Invalid},
		{"missing project", SetEnvRequest{ProjectID: "nope", Name: "X", Value: "1"}, apperr.NotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := es.Set(c.req)
			if c.code == "" && err != nil || c.code != "" && apperr.CodeOf(err) != c.code {
				t.Fatalf("err = %v, want %q", err, c.code)
			}
			raw, _ := json.Marshal(r)
			if strings.Contains(string(raw), "sk-very-secret") {
				t.Fatal("a secret's value went back to the page")
			}
		})
	}
	if v, err := keys.Get(bg(), secrets.EnvAccount(p.ID, "TOKEN")); err != nil || v != "sk-very-secret" {
		t.Fatalf("keychain = %q %v", v, err)
	}
	if has, _ := keys.Has(bg(), secrets.EnvAccount(p.ID, "OTHER")); has {
		t.Fatal("a refused secret reached the keychain")
	}
	listed, _ := es.List(p.ID)
	if len(listed) != 2 || listed[1].Name != "TOKEN" || !listed[1].Secret || listed[1].Value != "" || listed[0].Value != "https://api" {
		t.Fatalf("List = %+v", listed)
	}
	// An empty value keeps a saved secret.
	if _, err := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "TOKEN", Secret: true}); err != nil {
		t.Fatal(err)
	}
	resolved, err := vars.Resolve(bg(), p.ID)
	if err != nil || resolved["TOKEN"] != "sk-very-secret" || resolved["API_URL"] != "https://api" || len(resolved) != 2 {
		t.Fatalf("Resolve = %v %v", resolved, err)
	}
	if names := vars.Names(bg(), p.ID); strings.Join(names, ",") != "API_URL,TOKEN" {
		t.Fatalf("EnvNames = %v", names)
	}

	// A running web sandbox: .env applied and the server restarted.
	sb.running, sb.template = true, "nextjs-developer"
	r, err := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "API_URL", Value: "https://new"})
	if err != nil || len(rs.ids) != 1 || !strings.Contains(r.Note, "restarting") {
		t.Fatalf("restart: %+v %v %v", r, err, rs.ids)
	}
	sb.template = "code-interpreter-v1"
	if r, _ := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "API_URL", Value: "x"}); len(rs.ids) != 1 || !strings.Contains(r.Note, "next run") {
		t.Fatalf("a Python sandbox had its server restarted: %+v", r)
	}
	sb.err = apperr.New(apperr.Unavailable, "E2B is down.")
	if r, err := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "API_URL", Value: "y"}); err != nil || !strings.Contains(r.Warning, "E2B is down.") {
		t.Fatalf("failure not shown: %+v %v", r, err)
	}
	sb.err = nil

	// Secret to plain removes the keychain entry; delete removes the rest.
	if _, err := es.Set(SetEnvRequest{ProjectID: p.ID, Name: "TOKEN", Value: "public"}); err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(bg(), secrets.EnvAccount(p.ID, "TOKEN")); has {
		t.Fatal("the old secret stayed in the keychain")
	}
	es.Set(SetEnvRequest{ProjectID: p.ID, Name: "TOKEN", Value: "again", Secret: true})
	if _, err := es.Delete(p.ID, "TOKEN"); err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(bg(), secrets.EnvAccount(p.ID, "TOKEN")); has {
		t.Fatal("a deleted secret stayed in the keychain")
	}
	if _, err := es.Delete(p.ID, "TOKEN"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestHomeDuplicateKeepAndCleanupDate(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	st := newStore(t)
	keys := secrets.New(secrets.OSBackend{}, time.Second)
	ws := projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(filepath.Join(t.TempDir(), "Tessera")), Store: st})
	after := 14 * 24 * time.Hour
	ps := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithWorkspaces(ws),
		WithHome(st, env.New(st, keys, nil), func(context.Context) time.Duration { return after }))
	es := NewEnvService(bg, env.New(st, keys, nil), nil, nil, nil)

	a, err := ps.Create(CreateProjectRequest{Name: "Alpha", Template: "code-interpreter-v1"})
	if err != nil || a.CleanupAt != "" {
		t.Fatalf("a project without a sandbox has a cleanup date: %+v %v", a, err)
	}
	w, _ := ws.Workspace(ctx, a.ID)
	if _, _, err := w.RecordTurn(ctx, []workspace.File{{Path: "app.py", Content: []byte("print(1)")}}, "go", "m1", "x/y"); err != nil {
		t.Fatal(err)
	}
	st.PutFiles(ctx, a.ID, []store.File{{Path: "app.py", Content: "print(1)"}})
	st.AddMessage(ctx, store.Message{ProjectID: a.ID, Role: "user", Content: "go"})
	es.Set(SetEnvRequest{ProjectID: a.ID, Name: "TOKEN", Value: "sk-1", Secret: true})
	st.SetSandbox(ctx, a.ID, "isb1", store.SandboxPaused)

	list, _ := ps.List()
	if len(list) != 1 || list[0].CleanupAt == "" {
		t.Fatalf("List = %+v", list)
	}
	due, _ := time.Parse(time.RFC3339Nano, list[0].CleanupAt)
	last, _ := time.Parse(time.RFC3339Nano, list[0].LastActivityAt)
	if !due.Equal(last.Add(after)) {
		t.Fatalf("cleanup at %v, last activity %v", due, last)
	}
	time.Sleep(5 * time.Millisecond)
	kept, err := ps.KeepSandbox(a.ID)
	if err != nil || !later(t, kept.CleanupAt, list[0].CleanupAt) {
		t.Fatalf("Keep did not move the date: %+v %v", kept, err)
	}
	if _, err := ps.KeepSandbox("nope"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("keep missing: %v", err)
	}
	// Opening the project counts as use too.
	time.Sleep(5 * time.Millisecond)
	if opened, err := ps.Select(a.ID); err != nil || !later(t, opened.CleanupAt, kept.CleanupAt) {
		t.Fatalf("opening did not move the date: %+v %v", opened, err)
	}

	d, err := ps.Duplicate(a.ID)
	if err != nil || d.Name != "Alpha (copy)" || d.SandboxID != "" || d.Workspace == "" || d.Workspace == a.Workspace {
		t.Fatalf("Duplicate = %+v %v", d, err)
	}
	if v, err := keys.Get(ctx, secrets.EnvAccount(d.ID, "TOKEN")); err != nil || v != "sk-1" {
		t.Fatalf("the duplicate's secret = %q %v", v, err)
	}
	dw, _ := ws.Workspace(ctx, d.ID)
	if h, err := dw.History(ctx, 0); err != nil || len(h) != 1 || h[0].Message != "go" {
		t.Fatalf("the duplicate's history = %+v %v", h, err)
	}
	files, _ := dw.Files(ctx)
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Content)
	}
	if got["app.py"] != "print(1)" {
		t.Fatalf("duplicate's folder = %+v", files)
	}
	// The duplicate's index is derived from its folder.
	local, _ := st.ListFiles(ctx, d.ID)
	indexed := map[string]string{}
	for _, f := range local {
		indexed[f.Path] = f.Content
	}
	if len(indexed) != len(got) || indexed["app.py"] != "print(1)" {
		t.Fatalf("duplicate's index = %v, folder = %v", indexed, got)
	}
	if _, err := ps.Duplicate("nope"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("duplicate missing: %v", err)
	}

	// Deleting a project removes its secrets from the keychain, not the copy's.
	if err := ps.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(a.ID, "TOKEN")); has {
		t.Fatal("a deleted project's secret stayed")
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(d.ID, "TOKEN")); !has {
		t.Fatal("the duplicate lost its secret")
	}
}

// later reports whether stamp a is after stamp b. The stamps are RFC 3339
// with trailing zeros of the fraction dropped, so they do not compare as
// strings (".62Z" sorts after ".628Z").
func later(t *testing.T, a, b string) bool {
	t.Helper()
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		t.Fatalf("stamp %q: %v", a, err)
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		t.Fatalf("stamp %q: %v", b, err)
	}
	return ta.After(tb)
}
