package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
)

// failing is a Backend that fails every call like a missing or locked keychain.
type failing struct{ err error }

func (f failing) Set(string, string, string) error   { return f.err }
func (f failing) Get(string, string) (string, error) { return "", f.err }
func (f failing) Delete(string, string) error        { return f.err }

// hanging blocks like a keychain waiting for a password prompt.
type hanging struct{ release chan struct{} }

func (h hanging) Set(string, string, string) error   { <-h.release; return nil }
func (h hanging) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hanging) Delete(string, string) error        { <-h.release; return nil }

func TestWithMockKeyring(t *testing.T) {
	keyring.MockInit()
	s := New(OSBackend{}, time.Second)
	ctx := context.Background()
	cases := []struct {
		name    string
		account string
		value   string
		code    apperr.Code
	}{
		{"e2b", AccountE2B, "e2b_123", ""},
		{"provider", LLMAccount("openai"), "  sk-abc  ", ""},
		{"empty", AccountE2B, "  ", apperr.Invalid},
		{"multi-line", AccountE2B, "a\nb", apperr.Invalid},
		{"huge", AccountE2B, strings.Repeat("k", MaxKeyLen+1), apperr.Invalid},
		{"unknown account", "bank", "x", apperr.Invalid},
		{"traversal account", "llm:../x", "x", apperr.Invalid},
		{"git remote token", GitAccount("3f1c3f44-1b0e-4a43-9d38-0f5a1e0c2b7d"), "ghp_abc", ""},
		{"git account not a project id", "git:../../x", "x", apperr.Invalid},
		{"project secret", EnvAccount("0b6f8a6e-1c1e-4a8e-9d2a-5b1e2f3a4b5c", "API_TOKEN"), "tok", ""},
		{"project secret bad name", EnvAccount("p1", "A-B"), "tok", apperr.Invalid},
		{"project secret traversal", EnvAccount("../p", "A"), "tok", apperr.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.Set(ctx, c.account, c.value)
			if apperr.CodeOf(err) != c.code {
				t.Fatalf("err = %v, want code %q", err, c.code)
			}
			if c.code != "" {
				return
			}
			v, err := s.Get(ctx, c.account)
			if err != nil || v != strings.TrimSpace(c.value) {
				t.Fatalf("get %q %v", v, err)
			}
			if ok, err := s.Has(ctx, c.account); !ok || err != nil {
				t.Fatal(ok, err)
			}
			if err := s.Delete(ctx, c.account); err != nil {
				t.Fatal(err)
			}
			if ok, err := s.Has(ctx, c.account); ok || err != nil {
				t.Fatal(ok, err)
			}
			if _, err := s.Get(ctx, c.account); !apperr.Is(err, apperr.NotFound) {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, c.account); err != nil {
				t.Fatal("deleting a missing key must succeed:", err)
			}
		})
	}
}

func TestUnreachableKeychainIsASentence(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{errors.New(`exec: "dbus-launch": executable file not found in $PATH`), "could not reach your system keychain"},
		{errors.New("The name org.freedesktop.secrets was not provided by any .service files"), "could not reach your system keychain"},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "locked"},
		{fmt.Errorf("%w: %w", ErrNoKeyring, errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")), "no keyring"},
	}
	for _, c := range cases {
		s := New(failing{c.err}, time.Second)
		err := s.Set(context.Background(), AccountE2B, "k")
		if !apperr.Is(err, apperr.Unavailable) || !strings.Contains(apperr.MessageOf(err), c.want) {
			t.Errorf("%v -> %q", c.err, apperr.MessageOf(err))
		}
		if _, err := s.Has(context.Background(), AccountE2B); !apperr.Is(err, apperr.Unavailable) {
			t.Errorf("Has must fail too, got %v", err)
		}
	}
}

func TestTimeout(t *testing.T) {
	h := hanging{release: make(chan struct{})}
	defer close(h.release)
	s := New(h, 20*time.Millisecond)
	err := s.Set(context.Background(), AccountE2B, "k")
	if !apperr.Is(err, apperr.Unavailable) || !strings.Contains(apperr.MessageOf(err), "did not answer in time") {
		t.Fatal(err)
	}
}

// TestRealSecretService runs against a real Secret Service (gnome-keyring in
// dbus-run-session, see scripts/test.sh). It is skipped elsewhere.
func TestRealSecretService(t *testing.T) {
	if os.Getenv("TESSERA_REAL_KEYRING") != "1" {
		t.Skip("set TESSERA_REAL_KEYRING=1 inside dbus-run-session with gnome-keyring (make test does)")
	}
	s := New(OSBackend{}, 10*time.Second)
	ctx := context.Background()
	acct := LLMAccount("realtest")
	if err := s.Set(ctx, acct, "real-secret-value"); err != nil {
		t.Fatal(err)
	}
	v, err := s.Get(ctx, acct)
	if err != nil || v != "real-secret-value" {
		t.Fatalf("read back %q %v", v, err)
	}
	if ok, _ := s.Has(ctx, acct); !ok {
		t.Fatal("Has = false after Set")
	}
	if err := s.Delete(ctx, acct); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Has(ctx, acct); ok || err != nil {
		t.Fatal("still there after Delete", err)
	}
}

// TestRealServiceWithoutKeyring runs against a real gnome-keyring that has
// no keyring at all (started without --unlock, so no login keyring is
// made): the sentence says there is no keyring, not that it is locked.
// scripts/test.sh runs it in its own D-Bus session; skipped elsewhere.
func TestRealServiceWithoutKeyring(t *testing.T) {
	if os.Getenv("TESSERA_NO_KEYRING") != "1" {
		t.Skip("set TESSERA_NO_KEYRING=1 inside dbus-run-session with gnome-keyring started without --unlock")
	}
	s := New(OSBackend{}, 10*time.Second)
	err := s.Set(context.Background(), LLMAccount("realtest"), "v")
	if !apperr.Is(err, apperr.Unavailable) || !strings.Contains(apperr.MessageOf(err), "no keyring") || strings.Contains(apperr.MessageOf(err), "locked") {
		t.Fatalf("no keyring: %v", err)
	}
	if _, err := s.Has(context.Background(), LLMAccount("realtest")); !errors.Is(err, ErrNoKeyring) {
		t.Fatalf("Has: %v", err)
	}
}
