package config

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"tessera/backend/apperr"
)

// Settings are the person's preferences, kept in the database's settings
// table. Keys never live here: they are in the OS keychain.
type Settings struct {
	// E2BDomain is the E2B domain; self-hosted E2B uses its own.
	E2BDomain string `json:"e2bDomain"`
	// DefaultProvider and DefaultModel preselect the model picker.
	DefaultProvider string `json:"defaultProvider"`
	DefaultModel    string `json:"defaultModel"`
	// SandboxTimeoutMinutes is how long E2B keeps a sandbox running without
	// a keepalive before its own auto-pause.
	SandboxTimeoutMinutes int `json:"sandboxTimeoutMinutes"`
	// IdlePauseMinutes pauses a sandbox after this long without activity.
	IdlePauseMinutes int `json:"idlePauseMinutes"`
	// Theme is "system", "light" or "dark".
	Theme string `json:"theme"`
	// CustomProviders is user-added LLM providers as JSON (see llm.Catalog).
	CustomProviders json.RawMessage `json:"customProviders,omitempty"`
	// CustomTemplates are extra E2B template ids.
	CustomTemplates []string `json:"customTemplates"`
	// Onboarded is set once the first-launch guide was dismissed.
	Onboarded bool `json:"onboarded"`
	// UpdateCheck lets Tessera ask UpdateFeedURL once a day whether a newer
	// release exists (it never installs anything). On unless turned off.
	UpdateCheck bool `json:"updateCheck"`
	// UpdateFeedURL is a GitHub releases API address or an Atom feed the
	// person chose; "" means the feed the build was made with (if any).
	UpdateFeedURL string `json:"updateFeedURL"`
	// WorkspaceRoot is the folder holding each project's folder of files;
	// "" means the default (see DefaultWorkspaceRoot). A change applies at
	// the next start, which moves the existing folders there.
	WorkspaceRoot string `json:"workspaceRoot,omitempty"`
	// AutoFixOnce: when a run fails (a traceback, a failed install, a
	// server that never opened its port), send the error to the model once
	// by itself, as the Fix button would. Off unless turned on.
	AutoFixOnce bool `json:"autoFixOnce"`
	// SandboxCleanupDays removes the sandbox of a project idle for longer
	// (its files stay; the next use rebuilds it); 0 = never.
	SandboxCleanupDays int `json:"sandboxCleanupDays"`
	// VCPUPricePerSecond and GiBPricePerSecond are E2B's usage prices in
	// US dollars, for the sandbox cost estimate (defaults: E2B's published
	// prices, see DefaultVCPUPrice).
	VCPUPricePerSecond float64 `json:"vcpuPricePerSecond"`
	GiBPricePerSecond  float64 `json:"gibPricePerSecond"`
}

// MaxCleanupDays bounds SandboxCleanupDays.
const MaxCleanupDays = 365

// E2B's published usage prices (https://e2b.dev/pricing, December 2026):
// $0.000014 per vCPU per second and $0.0000045 per GiB of memory per
// second, billed for what the sandbox has while it runs. E2B's billing
// docs give the same: 8 vCPU and 4 GiB cost $0.468 an hour.
const (
	DefaultVCPUPrice = 0.000014
	DefaultGiBPrice  = 0.0000045
)

// deadUpdateFeedURL was the default feed before builds carried their own:
// a repository that does not exist. Settings saved with it mean "the
// default", now the build's feed.
const deadUpdateFeedURL = "https://api.github.com/repos/tessera-app/tessera/releases"

// DefaultE2BDomain is E2B's hosted service.
const DefaultE2BDomain = "e2b.app"

// DefaultSettings are used for anything never set.
func DefaultSettings() Settings {
	return Settings{
		E2BDomain:             DefaultE2BDomain,
		SandboxTimeoutMinutes: 60,
		IdlePauseMinutes:      10,
		Theme:                 "system",
		CustomTemplates:       []string{},
		UpdateCheck:           true,
		SandboxCleanupDays:    14,
		VCPUPricePerSecond:    DefaultVCPUPrice,
		GiBPricePerSecond:     DefaultGiBPrice,
	}
}

var (
	domainRE   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$`)
	templateRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}(:[a-z0-9_.-]{1,64})?$`)
)

// Validate normalises and checks settings.
func (s *Settings) Validate() error {
	s.E2BDomain = strings.ToLower(strings.TrimSpace(s.E2BDomain))
	s.E2BDomain = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s.E2BDomain, "https://"), "http://"), "/")
	if s.E2BDomain == "" {
		s.E2BDomain = DefaultE2BDomain
	}
	if len(s.E2BDomain) > 253 || !domainRE.MatchString(s.E2BDomain) {
		return apperr.New(apperr.Invalid, "The E2B domain must be a host name such as e2b.app or e2b.example.com.").InField("e2bDomain")
	}
	if s.SandboxTimeoutMinutes < 5 || s.SandboxTimeoutMinutes > 24*60 {
		return apperr.New(apperr.Invalid, "The sandbox timeout must be between 5 minutes and 24 hours.").InField("sandboxTimeoutMinutes")
	}
	if s.IdlePauseMinutes < 1 || s.IdlePauseMinutes > s.SandboxTimeoutMinutes {
		return apperr.New(apperr.Invalid, "The idle pause must be at least 1 minute and no longer than the sandbox timeout.").InField("idlePauseMinutes")
	}
	if s.SandboxCleanupDays < 0 || s.SandboxCleanupDays > MaxCleanupDays {
		return apperr.Newf(apperr.Invalid, "Removing idle sandboxes must be after 1 to %d days, or 0 for never.", MaxCleanupDays).InField("sandboxCleanupDays")
	}
	switch s.Theme {
	case "", "system":
		s.Theme = "system"
	case "light", "dark":
	default:
		return apperr.New(apperr.Invalid, "The theme must be system, light or dark.").InField("theme")
	}
	if len(s.DefaultProvider) > 64 || len(s.DefaultModel) > 200 {
		return apperr.New(apperr.Invalid, "The default model name is too long.").InField("defaultModel")
	}
	if len(s.CustomProviders) > 0 && !json.Valid(s.CustomProviders) {
		return apperr.New(apperr.Invalid, "The custom providers are not valid JSON.").InField("customProviders")
	}
	if err := s.validatePrices(); err != nil {
		return err
	}
	if err := s.validateWorkspaceRoot(); err != nil {
		return err
	}
	if err := s.validateUpdateFeed(); err != nil {
		return err
	}
	if s.CustomTemplates == nil {
		s.CustomTemplates = []string{}
	}
	if len(s.CustomTemplates) > 50 {
		return apperr.New(apperr.Invalid, "At most 50 custom templates can be added.").InField("customTemplates")
	}
	for i, t := range s.CustomTemplates {
		t = strings.TrimSpace(t)
		if !templateRE.MatchString(t) {
			return apperr.Newf(apperr.Invalid, "%q is not a valid E2B template id (lowercase letters, digits, '-' and '_').", t).InField("customTemplates")
		}
		s.CustomTemplates[i] = t
	}
	return nil
}

// KV is the settings table.
type KV interface {
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

const settingsKey = "preferences"

// LoadSettings reads settings, filling defaults for anything missing.
func LoadSettings(ctx context.Context, kv KV) (Settings, error) {
	s := DefaultSettings()
	raw, ok, err := kv.GetSetting(ctx, settingsKey)
	if err != nil || !ok {
		return s, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		// A damaged row must not lock the person out: fall back to defaults.
		return DefaultSettings(), nil
	}
	if err := s.Validate(); err != nil {
		return DefaultSettings(), nil
	}
	return s, nil
}

// SaveSettings validates and stores settings.
func SaveSettings(ctx context.Context, kv KV, s Settings) (Settings, error) {
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return Settings{}, apperr.Wrap(err, apperr.Internal, "Tessera could not save the settings.")
	}
	return s, kv.SetSetting(ctx, settingsKey, string(b))
}

func (s *Settings) validateUpdateFeed() error {
	s.UpdateFeedURL = strings.TrimSpace(s.UpdateFeedURL)
	if s.UpdateFeedURL == "" || s.UpdateFeedURL == deadUpdateFeedURL {
		s.UpdateFeedURL = "" // the build's own feed
		return nil
	}
	u, err := url.Parse(s.UpdateFeedURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s.UpdateFeedURL) > 2048 {
		return apperr.New(apperr.Invalid, "The update feed must be an https address, such as https://api.github.com/repos/OWNER/REPO/releases, or empty for this build's own.").InField("updateFeedURL")
	}
	return nil
}
