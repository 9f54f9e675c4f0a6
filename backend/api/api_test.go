package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
	"tessera/backend/chat"
	"tessera/backend/config"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

type fakeSandboxes struct {
	mu     sync.Mutex
	opened []string
	killed []string
	kill   error
}

func (f *fakeSandboxes) Open(id string) { f.mu.Lock(); f.opened = append(f.opened, id); f.mu.Unlock() }
func (f *fakeSandboxes) Kill(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.killed = append(f.killed, id)
	return f.kill
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func bg() context.Context { return context.Background() }

// closedTerminals records which projects' terminals were closed.
type closedTerminals struct{ closed []string }

func (c *closedTerminals) CloseProject(_ context.Context, id string) { c.closed = append(c.closed, id) }

func TestProjectService(t *testing.T) {
	st := newStore(t)
	sb := &fakeSandboxes{}
	terms := &closedTerminals{}
	ps := NewProjectService(bg, st, sb, quiet(), WithTerminals(terms))

	if _, err := ps.Create(CreateProjectRequest{Name: "  "}); !apperr.Is(err, apperr.Invalid) {
		t.Fatal("empty name accepted:", err)
	}
	if _, err := ps.Create(CreateProjectRequest{Name: "x", Template: "../etc"}); !apperr.Is(err, apperr.Invalid) {
		t.Fatal("bad template accepted:", err)
	}
	if l, _ := ps.List(); len(l) != 0 {
		t.Fatal("bad input changed something")
	}
	a, err := ps.Create(CreateProjectRequest{Name: "Alpha", Template: "code-interpreter-v1"})
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := ps.Current(); cur != a.ID {
		t.Fatal("a new project is current")
	}
	b, _ := ps.Create(CreateProjectRequest{Name: "Beta"})
	name := "Beta 2"
	if p, err := ps.Update(UpdateProjectRequest{ID: b.ID, Name: &name}); err != nil || p.Name != name {
		t.Fatal(p, err)
	}
	if _, err := ps.Select(a.ID); err != nil {
		t.Fatal(err)
	}
	if cur, _ := ps.Current(); cur != a.ID {
		t.Fatal("select did not remember")
	}
	if len(sb.opened) != 0 {
		t.Fatal("a project without a sandbox needs no resume")
	}
	st.SetSandbox(bg(), a.ID, "sbx", store.SandboxPaused)
	ps.Select(a.ID)
	if len(sb.opened) != 1 || sb.opened[0] != a.ID {
		t.Fatal("select must start resuming the sandbox:", sb.opened)
	}
	// A failing kill (network down) still deletes the project; reconcile
	// at the next start kills the orphan.
	sb.kill = apperr.New(apperr.Unavailable, "down")
	if err := ps.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if len(sb.killed) != 1 {
		t.Fatal("delete must kill the sandbox")
	}
	if len(terms.closed) != 1 || terms.closed[0] != a.ID {
		t.Fatal("delete must close the project's terminals:", terms.closed)
	}
	if cur, _ := ps.Current(); cur != "" {
		t.Fatal("deleted project still current")
	}
	if err := ps.Delete(a.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatal(err)
	}
	l, _ := ps.List()
	if len(l) != 1 || l[0].Name != "Beta 2" {
		t.Fatal(l)
	}
}

func TestSettingsServiceKeysAreWriteOnly(t *testing.T) {
	keyring.MockInit()
	st := newStore(t)
	keys := secrets.New(secrets.OSBackend{}, time.Second)
	var changed []config.Settings
	ss := NewSettingsService(bg, st, keys, config.Paths{Home: "/h"}, quiet(), func(s config.Settings) { changed = append(changed, s) })

	if err := ss.SetKey(KeyRequest{Account: "e2b", Value: "e2b_sekrit"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := ss.HasKey("e2b"); !ok {
		t.Fatal("key not saved")
	}
	m, err := ss.KeyStatus([]string{"e2b", "llm:openai"})
	if err != nil || !m["e2b"] || m["llm:openai"] {
		t.Fatal(m, err)
	}
	if err := ss.SetKey(KeyRequest{Account: "e2b", Value: ""}); !apperr.Is(err, apperr.Invalid) {
		t.Fatal(err)
	}
	if ok, _ := ss.HasKey("e2b"); !ok {
		t.Fatal("an empty value removed the key")
	}
	// The secret is in the keychain only: not in the settings table.
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM settings WHERE value LIKE '%sekrit%'`).Scan(&n)
	if n != 0 {
		t.Fatal("secret reached SQLite")
	}
	if err := ss.DeleteKey("e2b"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := ss.HasKey("e2b"); ok {
		t.Fatal("key still there")
	}

	s, _ := ss.Get()
	s.E2BDomain = "e2b.example.com"
	res, err := ss.Save(s)
	if err != nil || res.Confirm == nil {
		t.Fatal("a new E2B domain must wait for confirmation", res, err)
	}
	if _, err := ss.ConfirmSave(res.Confirm.Token); err != nil {
		t.Fatal(err)
	}
	s.IdlePauseMinutes = 0
	if _, err := ss.Save(s); !apperr.Is(err, apperr.Invalid) {
		t.Fatal(err)
	}
	got, _ := ss.Get()
	if got.E2BDomain != "e2b.example.com" || got.IdlePauseMinutes != 10 || len(changed) != 1 {
		t.Fatal(got, changed)
	}
}

func TestErrorFormatter(t *testing.T) {
	f := ErrorFormatter(quiet())
	cases := []struct {
		err   error
		code  string
		msg   string
		field string
	}{
		{apperr.New(apperr.Invalid, "Give the project a name."), "invalid", "Give the project a name.", ""},
		{apperr.Wrap(io.EOF, apperr.Unavailable, "E2B is unreachable."), "unavailable", "E2B is unreachable.", ""},
		{io.EOF, "internal", "Something went wrong", ""},
		{&apperr.Error{Code: apperr.RateLimited, Message: "Slow down.", RetryAfter: 1500 * time.Millisecond}, "rate_limited", "Slow down.", ""},
		// The input a refusal is about reaches the page, also through a wrap.
		{apperr.Wrap(apperr.New(apperr.Invalid, "Bad domain.").InField("e2bDomain"), apperr.Invalid, "Bad domain."), "invalid", "Bad domain.", "e2bDomain"},
	}
	dto := func(v any) ErrorDTO {
		var d ErrorDTO
		if err := json.Unmarshal([]byte(v.(string)), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range cases {
		d := dto(f(c.err))
		if d.Code != c.code || !strings.HasPrefix(d.Message, c.msg) || d.Field != c.field {
			t.Errorf("%v -> %+v", c.err, d)
		}
		if strings.Contains(d.Message, "EOF") {
			t.Errorf("internal detail leaked to the page: %q", d.Message)
		}
	}
	if d := dto(f(cases[3].err)); d.RetryAfterSeconds != 2 {
		t.Fatal(d)
	}
	// A Send that failed after the person's message was saved says so,
	// with the cause's code and sentence; one that saved nothing does not.
	user := &store.Message{ID: "m1", Role: "user"}
	_, err := toSendResult(chat.Result{User: user, UserSaved: true}, apperr.New(apperr.Invalid, "Unknown template."))
	if d := dto(f(err)); d.UserMessageID != "m1" || d.Code != "invalid" || d.Message != "Unknown template." {
		t.Fatalf("saved: %+v", d)
	}
	_, err = toSendResult(chat.Result{}, apperr.New(apperr.Unavailable, "Offline."))
	if d := dto(f(err)); d.UserMessageID != "" || d.Code != "unavailable" {
		t.Fatalf("not saved: %+v", d)
	}
}
