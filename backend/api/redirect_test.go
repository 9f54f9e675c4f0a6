package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
	"tessera/backend/config"
	"tessera/backend/secrets"
)

func customProviders(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSaveHoldsChangesThatRedirectKeys(t *testing.T) {
	type provider = map[string]any
	local := provider{"id": "local", "base_url": "http://127.0.0.1:11434/v1", "models": []any{map[string]any{"id": "m"}}}
	cases := []struct {
		name     string
		saved    []string // accounts with a key in the keychain
		start    func(*Settings)
		change   func(*Settings)
		accounts []string // destinations expected; nil = saved at once
	}{
		{name: "theme only", change: func(s *Settings) { s.Theme = "dark" }},
		{name: "E2B domain", change: func(s *Settings) { s.E2BDomain = "evil.example" }, accounts: []string{"e2b"}},
		{name: "E2B domain written differently", change: func(s *Settings) { s.E2BDomain = " HTTPS://E2B.app/ " }},
		{name: "built-in provider's base URL", change: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{provider{"id": "openai", "base_url": "https://evil.example/v1"}}})
		}, accounts: []string{"llm:openai"}},
		{name: "new custom server without a key", change: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{local}})
		}},
		{name: "new custom server whose account has a key", saved: []string{"llm:local"}, change: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{local}})
		}, accounts: []string{"llm:local"}},
		{name: "the built-in blank custom server gets a URL", change: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{provider{"id": "custom", "base_url": "http://127.0.0.1:8000/v1"}}})
		}},
		{name: "the built-in blank custom server gets a URL while its key is saved", saved: []string{"llm:custom"}, change: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{provider{"id": "custom", "base_url": "http://127.0.0.1:8000/v1"}}})
		}, accounts: []string{"llm:custom"}},
		{name: "custom server moved", start: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{local}})
		}, change: func(s *Settings) {
			moved := provider{"id": "local", "base_url": "https://evil.example/v1", "models": []any{map[string]any{"id": "m"}}}
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{moved}})
		}, accounts: []string{"llm:local"}},
		{name: "custom server removed", start: func(s *Settings) {
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{local}})
		}, change: func(s *Settings) { s.CustomProviders = nil }},
		{name: "domain and provider at once", change: func(s *Settings) {
			s.E2BDomain = "evil.example"
			s.CustomProviders = customProviders(t, map[string]any{"providers": []any{provider{"id": "anthropic", "base_url": "https://evil.example"}}})
		}, accounts: []string{"e2b", "llm:anthropic"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keyring.MockInit()
			st := newStore(t)
			keys := secrets.New(secrets.OSBackend{}, time.Second)
			for _, a := range c.saved {
				if err := keys.Set(bg(), a, "k"); err != nil {
					t.Fatal(err)
				}
			}
			var changed int
			ss := NewSettingsService(bg, st, keys, config.Paths{}, quiet(), func(config.Settings) { changed++ })
			if c.start != nil {
				s, _ := ss.Get()
				c.start(&s)
				if _, err := config.SaveSettings(bg(), st, s.domain()); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := ss.Get()
			next := before
			c.change(&next)
			res, err := ss.Save(next)
			if err != nil {
				t.Fatal(err)
			}
			if c.accounts == nil {
				if res.Confirm != nil {
					t.Fatalf("held without need: %+v", res.Confirm)
				}
				if changed != 1 {
					t.Fatalf("onChange called %d times", changed)
				}
				return
			}
			if res.Confirm == nil || len(res.Confirm.Token) < 32 {
				t.Fatalf("not held: %+v", res)
			}
			var got []string
			for _, d := range res.Confirm.Destinations {
				got = append(got, d.Account)
				if d.To == "" || d.Name == "" {
					t.Errorf("destination without a place or name: %+v", d)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.accounts, ",") {
				t.Fatalf("destinations %v, want %v", got, c.accounts)
			}
			// Nothing changed yet.
			if now, _ := ss.Get(); !equalJSON(t, now, before) || changed != 0 {
				t.Fatal("a held change was saved")
			}
			// A wrong token does nothing and keeps the held change.
			wrong := "0" + res.Confirm.Token[1:]
			if wrong == res.Confirm.Token {
				wrong = "1" + res.Confirm.Token[1:]
			}
			if _, err := ss.ConfirmSave(wrong); !apperr.Is(err, apperr.Invalid) {
				t.Fatal("a wrong token was accepted", err)
			}
			saved, err := ss.ConfirmSave(res.Confirm.Token)
			if err != nil {
				t.Fatal(err)
			}
			if now, _ := ss.Get(); !equalJSON(t, now, saved) || changed != 1 {
				t.Fatal("the confirmed change was not saved")
			}
			if _, err := ss.ConfirmSave(res.Confirm.Token); !apperr.Is(err, apperr.Invalid) {
				t.Fatal("a token worked twice", err)
			}
		})
	}
}

func TestHeldChangeExpires(t *testing.T) {
	keyring.MockInit()
	ss := NewSettingsService(bg, newStore(t), secrets.New(secrets.OSBackend{}, time.Second), config.Paths{}, quiet(), nil)
	now := time.Unix(1_800_000_000, 0)
	ss.pending.now = func() time.Time { return now }
	s, _ := ss.Get()
	s.E2BDomain = "e2b.example.com"
	res, err := ss.Save(s)
	if err != nil || res.Confirm == nil {
		t.Fatal(res, err)
	}
	now = now.Add(confirmTTL + time.Second)
	if _, err := ss.ConfirmSave(res.Confirm.Token); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "expired") {
		t.Fatal(err)
	}
	if got, _ := ss.Get(); got.E2BDomain != config.DefaultE2BDomain {
		t.Fatal("an expired change was saved")
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
