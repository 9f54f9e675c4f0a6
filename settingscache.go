package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"tessera/backend/config"
	"tessera/backend/llm"
	"tessera/backend/secrets"
)

// settingsCache holds the settings read once from the database. Before it,
// every sandbox operation, every turn (templates) and every document the
// page loaded (CSP) read the settings table again. Settings change only
// through SettingsService, whose onChange calls set.
type settingsCache struct {
	kv  config.KV
	log *slog.Logger

	mu sync.Mutex
	s  *config.Settings
}

func newSettingsCache(kv config.KV, log *slog.Logger) *settingsCache {
	return &settingsCache{kv: kv, log: log}
}

// get returns the settings, reading them on first use. Unreadable
// settings give the defaults and are not kept, so the next call tries
// again.
func (c *settingsCache) get(ctx context.Context) config.Settings {
	c.mu.Lock()
	if c.s != nil {
		s := *c.s
		c.mu.Unlock()
		return s
	}
	c.mu.Unlock()
	s, err := config.LoadSettings(ctx, c.kv)
	if err != nil {
		c.log.Warn("settings unreadable; using defaults", "err", err)
		return s
	}
	c.mu.Lock()
	if c.s == nil {
		c.s = &s
	}
	c.mu.Unlock()
	return s
}

// set records settings just saved.
func (c *settingsCache) set(s config.Settings) {
	c.mu.Lock()
	c.s = &s
	c.mu.Unlock()
}

// keyWatch is the keychain as SettingsService sees it: a change to the
// E2B key drops the E2B client built from the old one, so the next
// sandbox operation (or key check) reads the new key.
type keyWatch struct {
	*secrets.Store
	onE2B func()
	onAny func() // any key changed (the redactor reads the keys again)
}

// Set implements api.Keychain.
func (k keyWatch) Set(ctx context.Context, account, value string) error {
	err := k.Store.Set(ctx, account, value)
	k.changed(account)
	return err
}

// Delete implements api.Keychain.
func (k keyWatch) Delete(ctx context.Context, account string) error {
	err := k.Store.Delete(ctx, account)
	k.changed(account)
	return err
}

// changed invalidates even after a failed write: the keychain may have
// changed half-way, and reading it once more is cheap.
func (k keyWatch) changed(account string) {
	if account == secrets.AccountE2B {
		k.onE2B()
	}
	if k.onAny != nil {
		k.onAny()
	}
}

// appKeys gives the redactor the E2B key and every provider's LLM key that
// is saved, by the name they are shown as: [secret E2B_API_KEY],
// [secret OPENAI_API_KEY].
func (a *App) appKeys(ctx context.Context) map[string]string {
	out := map[string]string{}
	if v, err := a.keys.Get(ctx, secrets.AccountE2B); err == nil && v != "" {
		out["E2B_API_KEY"] = v
	}
	cat, err := llm.NewCatalog(a.settings.get(ctx).CustomProviders)
	if err != nil {
		cat = llm.DefaultCatalog()
	}
	for _, p := range cat.Providers() {
		if v, err := a.keys.Get(ctx, secrets.LLMAccount(p.ID)); err == nil && v != "" {
			out[keyName(p.ID)] = v
		}
	}
	return out
}

// keyName is a provider's key as a variable name: "openai" -> OPENAI_API_KEY.
func keyName(providerID string) string {
	b := []byte(strings.ToUpper(providerID))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b) + "_API_KEY"
}
