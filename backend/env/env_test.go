package env

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

func newStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func newEnv(t *testing.T) (*Env, *store.Store, *secrets.Store, string) {
	t.Helper()
	keyring.MockInit()
	st, path := newStore(t)
	keys := secrets.New(secrets.OSBackend{}, time.Second)
	return New(st, keys, nil), st, keys, path
}

func TestSetDeleteResolveNames(t *testing.T) {
	e, st, keys, _ := newEnv(t)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	cases := []struct {
		name  string
		v     Var
		code  apperr.Code
		notes string
	}{
		{"plain", Var{Name: "API_URL", Value: "https://api"}, "", ""},
		{"secret", Var{Name: "TOKEN", Value: "sk-abc", Secret: true}, "", ""},
		{"secret trimmed is said", Var{Name: "PADDED", Value: "  sk-pad\n", Secret: true}, "", "removed"},
		{"secret without value", Var{Name: "NONE", Secret: true}, apperr.Invalid, ""},
		{"short secret said", Var{Name: "PIN", Value: "123", Secret: true}, "", "not hidden"},
		{"blank secret", Var{Name: "NONE", Value: "   ", Secret: true}, apperr.Invalid, ""},
		{"startup variable warned", Var{Name: "NODE_OPTIONS", Value: "--max-old-space-size=512"}, "", "every node command"},
		{"loader variable warned", Var{Name: "LD_PRELOAD", Value: "/x.so"}, "", "LD_PRELOAD"},
		{"reserved", Var{Name: "PATH", Value: "/bin"}, apperr.Invalid, ""},
		{"too long", Var{Name: "BIG", Value: strings.Repeat("x", store.MaxEnvValueLen+1)}, apperr.Invalid, ""},
		{"missing project", Var{Name: "X", Value: "1"}, apperr.NotFound, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := p.ID
			if c.code == apperr.NotFound {
				id = "nope"
			}
			r, err := e.Set(ctx, id, c.v)
			if c.code == "" && err != nil || c.code != "" && apperr.CodeOf(err) != c.code {
				t.Fatalf("err = %v, want %q", err, c.code)
			}
			if got := strings.Join(r.Notes, " "); c.notes != "" && !strings.Contains(got, c.notes) || c.notes == "" && got != "" {
				t.Fatalf("notes = %q, want %q", got, c.notes)
			}
		})
	}
	got, err := e.Resolve(ctx, p.ID)
	if err != nil || got["TOKEN"] != "sk-abc" || got["PADDED"] != "sk-pad" || got["API_URL"] != "https://api" || len(got) != 6 {
		t.Fatalf("Resolve = %v, %v", got, err)
	}
	if n := strings.Join(e.Names(ctx, p.ID), ","); n != "API_URL,LD_PRELOAD,NODE_OPTIONS,PADDED,PIN,TOKEN" {
		t.Fatalf("Names = %s", n)
	}
	// A secret made plain leaves the keychain; a deleted one too.
	if _, err := e.Set(ctx, p.ID, Var{Name: "TOKEN", Value: "public"}); err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(p.ID, "TOKEN")); has {
		t.Fatal("the old secret stayed in the keychain")
	}
	if _, err := e.Delete(ctx, p.ID, "PADDED"); err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(p.ID, "PADDED")); has {
		t.Fatal("a deleted secret stayed in the keychain")
	}
	if _, err := e.Delete(ctx, p.ID, "PADDED"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestCopyAllAndDeleteAll(t *testing.T) {
	e, st, keys, _ := newEnv(t)
	ctx := context.Background()
	a, _ := st.CreateProject(ctx, store.NewProject{Name: "a"})
	e.Set(ctx, a.ID, Var{Name: "TOKEN", Value: "sk-1", Secret: true})
	e.Set(ctx, a.ID, Var{Name: "URL", Value: "u"})
	b, err := st.DuplicateProject(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CopyAll(ctx, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Resolve(ctx, b.ID); got["TOKEN"] != "sk-1" || got["URL"] != "u" {
		t.Fatalf("the duplicate resolves %v", got)
	}
	// A failed removal keeps every value.
	boom := errors.New("disk full")
	if err := e.DeleteAll(ctx, b.ID, func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("DeleteAll = %v", err)
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(b.ID, "TOKEN")); !has {
		t.Fatal("a failed delete removed the secret")
	}
	if err := e.DeleteAll(ctx, b.ID, func(ctx context.Context) error { return st.DeleteProject(ctx, b.ID) }); err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(b.ID, "TOKEN")); has {
		t.Fatal("a deleted project's secret stayed in the keychain")
	}
	if has, _ := keys.Has(ctx, secrets.EnvAccount(a.ID, "TOKEN")); !has {
		t.Fatal("the source lost its secret")
	}
}

// A value saved plain and then made secret, and a deleted project's
// output, are not in the database file or its WAL afterwards (issue 30):
// the raw bytes are read.
func TestNothingRecoverableInTheFileOrWAL(t *testing.T) {
	e, st, _, path := newEnv(t)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	const value = "plain-then-secret-4f1c9a"
	if _, err := e.Set(ctx, p.ID, Var{Name: "TOKEN", Value: value}); err != nil {
		t.Fatal(err)
	}
	if !inFiles(t, path, value) {
		t.Fatal("the plain value was never written: the check below proves nothing")
	}
	if _, err := e.Set(ctx, p.ID, Var{Name: "TOKEN", Value: value, Secret: true}); err != nil {
		t.Fatal(err)
	}
	if inFiles(t, path, value) {
		t.Fatal("the value stayed readable in the database or its WAL after it became secret")
	}

	const printed = "printed-output-9d2e77"
	q, _ := st.CreateProject(ctx, store.NewProject{Name: "q"})
	if _, err := st.AddMessage(ctx, store.Message{ProjectID: q.ID, Role: "assistant", Content: printed + strings.Repeat(" pad", 200)}); err != nil {
		t.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil { // into the main file, as SQLite's own checkpoint would
		t.Fatal(err)
	}
	if !inFiles(t, path, printed) {
		t.Fatal("the message was never written: the check below proves nothing")
	}
	if err := e.DeleteAll(ctx, q.ID, func(ctx context.Context) error { return st.DeleteProject(ctx, q.ID) }); err != nil {
		t.Fatal(err)
	}
	if inFiles(t, path, printed) {
		t.Fatal("a deleted project's output stayed readable in the database file or its WAL")
	}
}

func inFiles(t *testing.T, path, s string) bool {
	t.Helper()
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// One size limit for plain values and secrets; a long name is cut in the
// sentence that refuses it (issue 30).
func TestLimitsAndSentences(t *testing.T) {
	e, st, _, _ := newEnv(t)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	big := strings.Repeat("k", 10<<10) // over the keychain's API-key limit of 4 KiB
	cases := []struct {
		name string
		v    Var
		ok   bool
	}{
		{"big plain", Var{Name: "BIG_PLAIN", Value: big}, true},
		{"big secret", Var{Name: "BIG_SECRET", Value: big, Secret: true}, true},
		{"too big plain", Var{Name: "HUGE", Value: strings.Repeat("x", store.MaxEnvValueLen+1)}, false},
		{"too big secret", Var{Name: "HUGE", Value: strings.Repeat("x", store.MaxEnvValueLen+1), Secret: true}, false},
		{"long name", Var{Name: strings.Repeat("N", 10000), Value: "x"}, false},
		{"long bad name", Var{Name: strings.Repeat("-", 10000), Value: "x"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Set(ctx, p.ID, c.v)
			if c.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				msg := apperr.MessageOf(err)
				if len(msg) > 160 || strings.Contains(msg, "API key") {
					t.Fatalf("sentence (%d bytes): %s", len(msg), msg)
				}
			}
		})
	}
	got, err := e.Resolve(ctx, p.ID)
	if err != nil || got["BIG_SECRET"] != big {
		t.Fatalf("the big secret did not round-trip: %d bytes, %v", len(got["BIG_SECRET"]), err)
	}
}
