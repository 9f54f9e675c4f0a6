package env

import (
	"context"
	"sync"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// lockableKeys is a keychain that can be locked after the secrets were
// saved (the sandbox may have them from before).
type lockableKeys struct {
	mu     sync.Mutex
	locked bool
	vals   map[string]string
}

func (k *lockableKeys) Set(_ context.Context, account, value string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.vals[account] = value
	return nil
}

func (k *lockableKeys) Get(_ context.Context, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.locked {
		return "", apperr.New(apperr.Unavailable, "The keychain is locked.")
	}
	v, ok := k.vals[account]
	if !ok {
		return "", apperr.New(apperr.NotFound, "no such entry")
	}
	return v, nil
}

func (k *lockableKeys) Delete(_ context.Context, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.vals, account)
	return nil
}

func TestToolOutputFailsClosed(t *testing.T) {
	ctx := context.Background()
	st, _ := newStore(t)
	keys := &lockableKeys{vals: map[string]string{}}
	e := New(st, keys, nil)
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	if _, err := e.Set(ctx, p.ID, Var{Name: "API_KEY", Value: "sk-live-123456", Secret: true}); err != nil {
		t.Fatal(err)
	}
	out := ToolOutput{R: NewRedactor(context.Background, e, nil)}
	cases := []struct {
		name   string
		locked bool
		in     string
		want   string
	}{
		{"a secret in the output", false, "curl -H 'Bearer sk-live-123456'", "curl -H 'Bearer [secret API_KEY]'"},
		{"nothing secret", false, "hello", "hello"},
		{"locked keychain withholds", true, "sk-live-123456", Withheld},
		{"even text with no secret in it", true, "hello", Withheld},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			keys.mu.Lock()
			keys.locked = tt.locked
			keys.mu.Unlock()
			out.R.Invalidate(p.ID) // as after a change of the variables

			if got := out.Redact(ctx, p.ID, tt.in); got != tt.want {
				t.Fatalf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestToolOutputKeepsAKnownMatcherWhenTheKeychainLocks(t *testing.T) {
	ctx := context.Background()
	st, _ := newStore(t)
	keys := &lockableKeys{vals: map[string]string{}}
	e := New(st, keys, nil)
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	if _, err := e.Set(ctx, p.ID, Var{Name: "API_KEY", Value: "sk-live-123456", Secret: true}); err != nil {
		t.Fatal(err)
	}
	out := ToolOutput{R: NewRedactor(context.Background, e, nil)}
	if got := out.Redact(ctx, p.ID, "sk-live-123456"); got != "[secret API_KEY]" {
		t.Fatal(got)
	}
	keys.mu.Lock()
	keys.locked = true
	keys.mu.Unlock()
	if got := out.Redact(ctx, p.ID, "x sk-live-123456"); got != "x [secret API_KEY]" {
		t.Fatalf("after the keychain locked: %q", got)
	}
}
