// Package secrets keeps API keys in the OS keychain (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows) through
// zalando/go-keyring. There is deliberately no plaintext fallback: when no
// keychain can be reached the caller gets a sentence saying so and how to
// fix it, and nothing is written anywhere.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
)

// Service is the keychain service name all of Tessera's entries use.
const Service = "tessera"

// AccountE2B is the keychain account of the E2B API key.
const AccountE2B = "e2b"

// LLMAccount returns the keychain account of a provider's key.
func LLMAccount(providerID string) string { return "llm:" + providerID }

// GitAccount returns the keychain account of a project's git remote
// token (push).
func GitAccount(projectID string) string { return "git:" + projectID }

// MaxKeyLen bounds what we store: real API keys are well under this.
const MaxKeyLen = 4096

// EnvAccount returns the keychain account of a project's secret variable.
func EnvAccount(projectID, name string) string { return "env:" + projectID + ":" + name }

var accountRE = regexp.MustCompile(`^(e2b|llm:[a-z0-9][a-z0-9_.-]{0,63}|git:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|env:[A-Za-z0-9-]{1,64}:[A-Za-z_][A-Za-z0-9_]{0,127})$`)

// Backend is the subset of go-keyring Tessera uses; tests substitute it.
type Backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// OSBackend calls the real keychain via go-keyring.
type OSBackend struct{}

// Set implements Backend.
func (OSBackend) Set(s, u, p string) error { return explain(keyring.Set(s, u, p)) }

// Get implements Backend.
func (OSBackend) Get(s, u string) (string, error) {
	v, err := keyring.Get(s, u)
	return v, explain(err)
}

// Delete implements Backend.
func (OSBackend) Delete(s, u string) error { return explain(keyring.Delete(s, u)) }

// ErrNoKeyring says the keychain service runs but has no keyring to keep
// anything in (a Secret Service without a default collection).
var ErrNoKeyring = errors.New("secrets: the Secret Service has no default keyring")

// explain tells "no keyring" from "locked", which go-keyring reports alike.
func explain(err error) error {
	if err != nil && strings.Contains(err.Error(), "failed to unlock") && noDefaultKeyring() {
		return fmt.Errorf("%w: %w", ErrNoKeyring, err)
	}
	return err
}

// Store is the keychain. Every call has a timeout: a keychain prompt or a
// hung D-Bus must never freeze the app.
type Store struct {
	backend Backend
	timeout time.Duration
}

// DefaultTimeout bounds one keychain call.
const DefaultTimeout = 5 * time.Second

// New returns a Store over backend (OSBackend{} in the app).
func New(backend Backend, timeout time.Duration) *Store {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Store{backend: backend, timeout: timeout}
}

// ValidateAccount checks an account name.
func ValidateAccount(account string) error {
	if !accountRE.MatchString(account) {
		return apperr.Newf(apperr.Invalid, "%q is not a key Tessera knows.", account)
	}
	return nil
}

// Set saves a key.
func (s *Store) Set(ctx context.Context, account, value string) error {
	if err := ValidateAccount(account); err != nil {
		return err
	}
	if strings.HasPrefix(account, "env:") {
		// A project's secret variable: package env validated it (its size
		// limit, its characters, and said so if it trimmed it); an API
		// key's rules below would refuse or change it silently.
		if value == "" {
			return apperr.New(apperr.Invalid, "Give the secret a value.")
		}
	} else {
		value = strings.TrimSpace(value)
		if value == "" {
			return apperr.New(apperr.Invalid, "The key is empty. Paste the key, or use Remove to delete a saved one.")
		}
		if len(value) > MaxKeyLen || strings.ContainsAny(value, "\x00\r\n") {
			return apperr.New(apperr.Invalid, "That does not look like an API key (too long or several lines). Paste just the key.")
		}
	}
	_, err := call(ctx, s.timeout, func() (struct{}, error) {
		return struct{}{}, s.backend.Set(Service, account, value)
	})
	return mapErr(err, account)
}

// Get returns a key; only the backend calls this, never the page.
func (s *Store) Get(ctx context.Context, account string) (string, error) {
	if err := ValidateAccount(account); err != nil {
		return "", err
	}
	v, err := call(ctx, s.timeout, func() (string, error) { return s.backend.Get(Service, account) })
	return v, mapErr(err, account)
}

// Has reports whether a key is saved.
func (s *Store) Has(ctx context.Context, account string) (bool, error) {
	_, err := s.Get(ctx, account)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Delete removes a key; removing a missing key is not an error.
func (s *Store) Delete(ctx context.Context, account string) error {
	if err := ValidateAccount(account); err != nil {
		return err
	}
	_, err := call(ctx, s.timeout, func() (struct{}, error) {
		return struct{}{}, s.backend.Delete(Service, account)
	})
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return mapErr(err, account)
}

// call runs f with a deadline. go-keyring calls cannot be cancelled, so on
// timeout the goroutine is left to finish on its own; its result is dropped.
func call[T any](ctx context.Context, timeout time.Duration, f func() (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := f()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

const unreachable = "Tessera could not reach your system keychain, so the key was not saved anywhere. " +
	"Make sure a keyring service (GNOME Keyring, KWallet or another Secret Service) is running and unlocked, then try again."

func mapErr(err error, account string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf("No %s key is saved.", label(account)))
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return apperr.Wrap(err, apperr.Invalid, "That key is too large for your keychain.")
	case errors.Is(err, context.DeadlineExceeded):
		return apperr.Wrap(err, apperr.Unavailable,
			"Your system keychain did not answer in time. If it asks for a password, unlock it and try again.")
	case errors.Is(err, context.Canceled):
		return apperr.Wrap(err, apperr.Canceled, "The operation was stopped.")
	case errors.Is(err, ErrNoKeyring):
		return apperr.Wrap(err, apperr.Unavailable,
			"Your system has no keyring to keep the key in (the keyring service is running, but no keyring was ever made), so nothing was saved. "+
				"Create one, for example in Passwords and Keys: File, New, Password Keyring, then set it as default; then try again.")
	}
	msg := err.Error()
	if strings.Contains(msg, "unlock") {
		return apperr.Wrap(err, apperr.Unavailable,
			"Your system keychain is locked. Unlock it (for example by logging in again or opening your keyring manager) and try again.")
	}
	return apperr.Wrap(err, apperr.Unavailable, unreachable)
}

func label(account string) string {
	if account == AccountE2B {
		return "E2B"
	}
	if strings.HasPrefix(account, "git:") {
		return "git remote"
	}
	if strings.HasPrefix(account, "env:") {
		return "the variable " + account[strings.LastIndex(account, ":")+1:]
	}
	return strings.TrimPrefix(account, "llm:")
}
