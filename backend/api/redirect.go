package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/config"
	"tessera/backend/llm"
	"tessera/backend/secrets"
)

// A settings change that would send a key somewhere it did not go before
// (an E2B domain, a provider's base URL) is never saved by Save alone: Save
// holds it and returns a one-time token with the list of destinations, the
// settings UI asks the person, and ConfirmSave(token) applies it. The token
// travels only in Save's result, which Wails delivers to the app's own page,
// so a caller that cannot read results (a hostile frame, should one ever
// reach the bindings) cannot complete the change.

// confirmTTL bounds how long a held change waits for the person.
const confirmTTL = 5 * time.Minute

// KeyDestination is one key that would go to a new place.
type KeyDestination struct {
	Account string `json:"account"` // "e2b" or "llm:<provider>"
	Name    string `json:"name"`    // what the person calls it: "E2B", "OpenAI"
	From    string `json:"from"`    // "" when there was none
	To      string `json:"to"`
}

// RedirectConfirm asks the person before a held change is saved.
type RedirectConfirm struct {
	Token        string           `json:"token"`
	Destinations []KeyDestination `json:"destinations"`
}

// SaveResult is what Save did: saved (Confirm nil), or held for
// confirmation (Confirm set, nothing saved, Settings as they still are).
type SaveResult struct {
	Settings Settings         `json:"settings"`
	Confirm  *RedirectConfirm `json:"confirm,omitempty"`
}

type heldChange struct {
	token    string
	settings config.Settings
	expires  time.Time
}

// confirmations holds at most one change: the latest Save replaces it.
type confirmations struct {
	mu   sync.Mutex
	held *heldChange
	now  func() time.Time
}

func (c *confirmations) hold(s config.Settings) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not prepare the confirmation.")
	}
	tok := hex.EncodeToString(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = &heldChange{token: tok, settings: s, expires: c.clock().Add(confirmTTL)}
	return tok, nil
}

// take returns the held change for token and forgets it.
func (c *confirmations) take(token string) (config.Settings, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.held
	if h == nil || token == "" || h.token != token {
		return config.Settings{}, apperr.New(apperr.Invalid, "This change is no longer waiting for confirmation. Make it again in Settings.")
	}
	c.held = nil
	if c.clock().After(h.expires) {
		return config.Settings{}, apperr.New(apperr.Invalid, "The confirmation expired. Make the change again in Settings.")
	}
	return h.settings, nil
}

func (c *confirmations) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// keyDestinations lists where keys would go under next that they did not
// go under prev: a changed E2B domain; a provider whose base URL changed;
// a provider that had no URL before (new, or the built-in blank "custom")
// whose account already has a saved key.
func keyDestinations(ctx context.Context, prev, next config.Settings, keys Keychain) ([]KeyDestination, error) {
	var out []KeyDestination
	if prev.E2BDomain != next.E2BDomain {
		out = append(out, KeyDestination{Account: secrets.AccountE2B, Name: "E2B",
			From: "https://api." + prev.E2BDomain, To: "https://api." + next.E2BDomain})
	}
	before, err := llm.NewCatalog(prev.CustomProviders)
	if err != nil {
		// The stored extensions no longer parse: compare with the built-ins.
		before = llm.DefaultCatalog()
	}
	after, err := llm.NewCatalog(next.CustomProviders)
	if err != nil {
		var e *apperr.Error
		if errors.As(err, &e) {
			return nil, e.InField("customProviders")
		}
		return nil, err
	}
	for _, p := range after.Providers() {
		account := "llm:" + p.ID
		old, existed := before.Provider(p.ID)
		switch {
		case existed && old.BaseURL == p.BaseURL:
			continue
		case !existed || old.BaseURL == "":
			has, err := keys.Has(ctx, account)
			if err != nil {
				return nil, err
			}
			if !has {
				// Nothing of the person's can go there yet; the key field
				// for this provider shows the URL it will be sent to.
				continue
			}
		}
		out = append(out, KeyDestination{Account: account, Name: p.Name, From: old.BaseURL, To: p.BaseURL})
	}
	return out, nil
}
