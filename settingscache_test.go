package main

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/config"
	"tessera/backend/e2b"
	"tessera/backend/env"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// memKeyring is an in-memory keychain that counts reads.
type memKeyring struct {
	mu    sync.Mutex
	m     map[string]string
	reads int
}

func (k *memKeyring) Set(s, u, p string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[s+"/"+u] = p
	return nil
}

func (k *memKeyring) Get(s, u string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reads++
	v, ok := k.m[s+"/"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Delete(s, u string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, s+"/"+u)
	return nil
}

func (k *memKeyring) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reads
}

// The E2B key and the settings are read once; a changed key (through the
// keychain SettingsService is given) or saved settings make the next
// sandbox operation read them again.
func TestE2BKeyAndSettingsReadOnceAndInvalidatedOnChange(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr := &memKeyring{m: map[string]string{}}
	a := &App{getenv: func(string) string { return "" }, keys: secrets.New(kr, time.Second), store: st,
		log: slog.New(slog.DiscardHandler), e2bHTTP: http.DefaultClient}
	a.settings = newSettingsCache(st, a.log)
	a.e2b = sandbox.NewE2BClients(a.e2bConfig)
	a.llm = newLLMClients(a.keys, a.log)
	watched := keyWatch{Store: a.keys, onE2B: a.e2b.Invalidate}
	host := func() string {
		t.Helper()
		c, err := a.e2b.Client(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c.HostURL(&e2b.Sandbox{SandboxID: "sb"}, 80)
	}

	if _, err := a.e2b.Client(ctx); err == nil || !strings.Contains(err.Error(), "E2B API key") {
		t.Fatalf("no key yet: %v", err)
	}
	if err := watched.Set(ctx, secrets.AccountE2B, "e2b_one"); err != nil {
		t.Fatal(err)
	}
	host()
	reads := kr.count()
	for i := 0; i < 5; i++ {
		host()
	}
	if kr.count() != reads {
		t.Fatalf("the keychain was read %d more times for 5 operations", kr.count()-reads)
	}
	// Another provider's key does not concern E2B.
	if err := watched.Set(ctx, secrets.LLMAccount("openai"), "sk"); err != nil {
		t.Fatal(err)
	}
	host()
	if kr.count() != reads {
		t.Fatal("an LLM key change dropped the E2B client")
	}
	// The E2B key changes: read again, once.
	if err := watched.Set(ctx, secrets.AccountE2B, "e2b_two"); err != nil {
		t.Fatal(err)
	}
	host()
	host()
	if kr.count() != reads+1 {
		t.Fatalf("after a key change: %d reads, want 1", kr.count()-reads)
	}
	// Saved settings (a new domain) are used by the next operation.
	s := a.settings.get(ctx)
	s.E2BDomain = "e2b.example.org"
	saved, err := config.SaveSettings(ctx, st, s)
	if err != nil {
		t.Fatal(err)
	}
	a.settingsSaved(saved)
	if h := host(); !strings.Contains(h, "e2b.example.org") {
		t.Fatalf("host %q does not use the saved domain", h)
	}
	// The key is removed: the next operation says so.
	if err := watched.Delete(ctx, secrets.AccountE2B); err != nil {
		t.Fatal(err)
	}
	if _, err := a.e2b.Client(ctx); err == nil {
		t.Fatal("a removed key still works")
	}
}

// The redactor's marker for a provider's key.
func TestKeyName(t *testing.T) {
	for in, want := range map[string]string{"openai": "OPENAI_API_KEY", "x.ai": "X_AI_API_KEY", "my-llm2": "MY_LLM2_API_KEY"} {
		if got := keyName(in); got != want {
			t.Errorf("keyName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The app's keys are redacted by the names they are shown as, and a key
// changed through the watched keychain is redacted at once.
func TestAppKeysAreRedactedAndFollowChanges(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr := &memKeyring{m: map[string]string{}}
	a := &App{getenv: func(string) string { return "" }, keys: secrets.New(kr, time.Second), store: st, log: slog.New(slog.DiscardHandler)}
	a.settings = newSettingsCache(st, a.log)
	red := env.NewRedactor(context.Background, nil, a.appKeys)
	watched := keyWatch{Store: a.keys, onE2B: func() {}, onAny: red.InvalidateKeys}
	if err := watched.Set(ctx, secrets.AccountE2B, "e2b_first_key"); err != nil {
		t.Fatal(err)
	}
	if err := watched.Set(ctx, secrets.LLMAccount("openai"), "sk-openai-key"); err != nil {
		t.Fatal(err)
	}
	if got := red.Redact("", "e2b_first_key sk-openai-key"); got != "[secret E2B_API_KEY] [secret OPENAI_API_KEY]" {
		t.Fatalf("Redact = %q", got)
	}
	watched.Set(ctx, secrets.AccountE2B, "e2b_second_key")
	if got := red.Redact("", "e2b_second_key"); got != "[secret E2B_API_KEY]" {
		t.Fatalf("after a change: %q", got)
	}
}
