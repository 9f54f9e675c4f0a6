package api

import (
	"context"
	"log/slog"
	"regexp"

	"tessera/backend/apperr"
	"tessera/backend/config"
	"tessera/backend/secrets"
)

// Keychain is what SettingsService needs from the OS keychain. Get is
// absent on purpose: no key ever travels back to the page.
type Keychain interface {
	Set(ctx context.Context, account, value string) error
	Has(ctx context.Context, account string) (bool, error)
	Delete(ctx context.Context, account string) error
}

// SettingsService exposes preferences and write-only keys. Bound.
type SettingsService struct {
	ctx      func() context.Context
	kv       config.KV
	keys     Keychain
	log      *slog.Logger
	paths    config.Paths
	onChange func(config.Settings)
	pending  confirmations
}

// NewSettingsService builds the service. onChange (optional) is told about
// saved settings so that running parts (sandbox timeouts) follow them.
func NewSettingsService(ctx func() context.Context, kv config.KV, keys Keychain, paths config.Paths, log *slog.Logger, onChange func(config.Settings)) *SettingsService {
	return &SettingsService{ctx: ctx, kv: kv, keys: keys, paths: paths, log: log, onChange: onChange}
}

// Get returns the settings.
func (s *SettingsService) Get() (Settings, error) {
	st, err := config.LoadSettings(s.ctx(), s.kv)
	return toSettings(st), err
}

// Save validates and stores the settings. A change that would send a key
// to a new place (see redirect.go) is held instead: nothing is saved and
// the result carries what to ask the person.
func (s *SettingsService) Save(req Settings) (SaveResult, error) {
	ctx, in := s.ctx(), req.domain()
	if err := in.Validate(); err != nil {
		return SaveResult{}, err
	}
	prev, err := config.LoadSettings(ctx, s.kv)
	if err != nil {
		return SaveResult{}, err
	}
	// keyDestinations parses the custom providers with llm.NewCatalog,
	// which refuses invalid ones with the sentence for the page.
	dest, err := keyDestinations(ctx, prev, in, s.keys)
	if err != nil {
		return SaveResult{}, err
	}
	if len(dest) > 0 {
		tok, err := s.pending.hold(in)
		if err != nil {
			return SaveResult{}, err
		}
		s.log.Info("settings change held for confirmation", "destinations", len(dest))
		return SaveResult{Settings: toSettings(prev), Confirm: &RedirectConfirm{Token: tok, Destinations: dest}}, nil
	}
	out, err := s.apply(ctx, in)
	return SaveResult{Settings: toSettings(out)}, err
}

// ConfirmSave applies the change Save held under token, once.
func (s *SettingsService) ConfirmSave(token string) (Settings, error) {
	in, err := s.pending.take(token)
	if err != nil {
		return Settings{}, err
	}
	out, err := s.apply(s.ctx(), in)
	if err == nil {
		s.log.Info("settings change confirmed: keys go to new places")
	}
	return toSettings(out), err
}

func (s *SettingsService) apply(ctx context.Context, in config.Settings) (config.Settings, error) {
	out, err := config.SaveSettings(ctx, s.kv, in)
	if err != nil {
		return config.Settings{}, err
	}
	if s.onChange != nil {
		s.onChange(out)
	}
	return out, nil
}

// KeyRequest saves one key.
type KeyRequest struct {
	Account string `json:"account"` // "e2b" or "llm:<provider>"
	Value   string `json:"value"`
}

// SetKey saves a key in the OS keychain. The only bound method that accepts
// a secret; none returns one.
func (s *SettingsService) SetKey(req KeyRequest) error {
	if err := s.keys.Set(s.ctx(), req.Account, req.Value); err != nil {
		return err
	}
	s.log.Info("key saved", "account", req.Account)
	return nil
}

// HasKey reports whether a key is saved.
func (s *SettingsService) HasKey(account string) (bool, error) {
	return s.keys.Has(s.ctx(), account)
}

// KeyStatus reports, for each account asked about, whether a key is saved.
// With no reachable keychain it fails with the sentence explaining why.
func (s *SettingsService) KeyStatus(accounts []string) (map[string]bool, error) {
	if len(accounts) > 100 {
		return nil, apperr.New(apperr.Invalid, "Too many keys asked for at once.")
	}
	out := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		ok, err := s.keys.Has(s.ctx(), a)
		if err != nil {
			return nil, err
		}
		out[a] = ok
	}
	return out, nil
}

// DeleteKey removes a key from the keychain.
func (s *SettingsService) DeleteKey(account string) error {
	if err := s.keys.Delete(s.ctx(), account); err != nil {
		return err
	}
	s.log.Info("key removed", "account", account)
	return nil
}

// Paths tells the page where data and logs live (shown in settings and
// troubleshooting).
func (s *SettingsService) Paths() Paths { return toPaths(s.paths) }

var templateIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}(:[a-z0-9_.-]{1,64})?$`)

func validTemplate(t string) error {
	if t == "" || templateIDRE.MatchString(t) {
		return nil
	}
	return apperr.Newf(apperr.Invalid, "%q is not a template Tessera knows. Choose Auto or one of the listed templates.", t)
}

var _ Keychain = (*secrets.Store)(nil)
