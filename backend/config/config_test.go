package config

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestResolve(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		home string
	}{
		{"TESSERA_HOME wins", map[string]string{"TESSERA_HOME": "/data/t", "XDG_CONFIG_HOME": "/x"}, "/data/t"},
		{"XDG config", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/tessera"},
		{"HOME fallback", map[string]string{"HOME": "/h"}, "/h/.config/tessera"},
		{"relative XDG ignored", map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/h"}, "/h/.config/tessera"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Resolve(env(c.env))
			if err != nil {
				t.Fatal(err)
			}
			if p.Home != c.home || p.Database != filepath.Join(c.home, "tessera.db") || p.LogFile != filepath.Join(c.home, "logs", "tessera.log") {
				t.Fatalf("%+v", p)
			}
		})
	}
}

func TestEnsurePermissions(t *testing.T) {
	home := filepath.Join(t.TempDir(), "h")
	os.MkdirAll(home, 0o755)
	p, _ := Resolve(env(map[string]string{"TESSERA_HOME": home}))
	if err := p.Ensure(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.Home, filepath.Dir(p.LogFile)} {
		st, _ := os.Stat(d)
		if st.Mode().Perm() != 0o700 {
			t.Fatalf("%s mode %v", d, st.Mode().Perm())
		}
	}
}

func TestLogRotatesAtCapAndRedacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.log")
	w, err := OpenLog(path, 2000)
	if err != nil {
		t.Fatal(err)
	}
	log := NewLogger(w, false, slog.LevelInfo)
	for i := 0; i < 100; i++ {
		log.Info("hello", "n", i, "apiKey", "sk-SECRET")
	}
	w.Close()
	st, _ := os.Stat(path)
	if st.Size() > 2000 {
		t.Fatalf("log is %d bytes, cap 2000", st.Size())
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("log mode %v", st.Mode().Perm())
	}
	if _, err := os.Stat(path + ".1"); err != nil {
		t.Fatal("no rotated file")
	}
	for _, f := range []string{path, path + ".1"} {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "SECRET") {
			t.Fatal("secret reached the log")
		}
	}
}

type memKV map[string]string

func (m memKV) GetSetting(_ context.Context, k string) (string, bool, error) {
	v, ok := m[k]
	return v, ok, nil
}
func (m memKV) SetSetting(_ context.Context, k, v string) error { m[k] = v; return nil }

func TestSettingsValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Settings)
		ok     bool
		check  func(Settings) bool
		field  string // the input a refusal names
	}{
		{"defaults", func(*Settings) {}, true, nil, ""},
		{"self-hosted domain normalised", func(s *Settings) { s.E2BDomain = " HTTPS://E2B.Example.com/ " }, true,
			func(s Settings) bool { return s.E2BDomain == "e2b.example.com" }, ""},
		{"empty domain means default", func(s *Settings) { s.E2BDomain = "" }, true,
			func(s Settings) bool { return s.E2BDomain == DefaultE2BDomain }, ""},
		{"domain with path", func(s *Settings) { s.E2BDomain = "e2b.app/x" }, false, nil, "e2bDomain"},
		{"domain with space", func(s *Settings) { s.E2BDomain = "e2b app" }, false, nil, "e2bDomain"},
		{"timeout too short", func(s *Settings) { s.SandboxTimeoutMinutes = 1 }, false, nil, "sandboxTimeoutMinutes"},
		{"idle longer than timeout", func(s *Settings) { s.IdlePauseMinutes = 120 }, false, nil, "idlePauseMinutes"},
		{"cleanup off", func(s *Settings) { s.SandboxCleanupDays = 0 }, true, nil, ""},
		{"cleanup negative", func(s *Settings) { s.SandboxCleanupDays = -1 }, false, nil, "sandboxCleanupDays"},
		{"cleanup over a year", func(s *Settings) { s.SandboxCleanupDays = 366 }, false, nil, "sandboxCleanupDays"},
		{"bad theme", func(s *Settings) { s.Theme = "pink" }, false, nil, "theme"},
		{"bad template", func(s *Settings) { s.CustomTemplates = []string{"../x"} }, false, nil, "customTemplates"},
		{"good template", func(s *Settings) { s.CustomTemplates = []string{" my-tpl "} }, true,
			func(s Settings) bool { return s.CustomTemplates[0] == "my-tpl" }, ""},
		{"bad custom providers json", func(s *Settings) { s.CustomProviders = json.RawMessage("{") }, false, nil, "customProviders"},
		{"update check on by default, with the build's feed", func(*Settings) {}, true,
			func(s Settings) bool { return s.UpdateCheck && s.UpdateFeedURL == "" }, ""},
		{"empty feed means the build's", func(s *Settings) { s.UpdateFeedURL = "  " }, true,
			func(s Settings) bool { return s.UpdateFeedURL == "" }, ""},
		{"the old default (a repository that does not exist) means the build's", func(s *Settings) { s.UpdateFeedURL = deadUpdateFeedURL }, true,
			func(s Settings) bool { return s.UpdateFeedURL == "" }, ""},
		{"own feed kept", func(s *Settings) { s.UpdateFeedURL = " https://example.com/releases.atom " }, true,
			func(s Settings) bool { return s.UpdateFeedURL == "https://example.com/releases.atom" }, ""},
		{"feed must be http(s)", func(s *Settings) { s.UpdateFeedURL = "file:///etc/passwd" }, false, nil, "updateFeedURL"},
		{"feed needs a host", func(s *Settings) { s.UpdateFeedURL = "https://" }, false, nil, "updateFeedURL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kv := memKV{}
			s := DefaultSettings()
			c.mutate(&s)
			out, err := SaveSettings(context.Background(), kv, s)
			if c.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if !apperr.Is(err, apperr.Invalid) || len(kv) != 0 {
					t.Fatalf("invalid settings must change nothing: %v %v", err, kv)
				}
				if got := apperr.FieldOf(err); got != c.field {
					t.Fatalf("field = %q, want %q", got, c.field)
				}
				return
			}
			if c.check != nil && !c.check(out) {
				t.Fatalf("%+v", out)
			}
			back, _ := LoadSettings(context.Background(), kv)
			if back.E2BDomain != out.E2BDomain {
				t.Fatal("round trip")
			}
		})
	}
}

// A row saved with the old default feed loads as "the build's feed".
func TestSavedDeadFeedLoadsAsTheBuilds(t *testing.T) {
	kv := memKV{settingsKey: `{"e2bDomain":"e2b.app","sandboxTimeoutMinutes":60,"idlePauseMinutes":10,"theme":"dark","updateCheck":true,"updateFeedURL":"` + deadUpdateFeedURL + `"}`}
	s, err := LoadSettings(context.Background(), kv)
	if err != nil || s.UpdateFeedURL != "" || !s.UpdateCheck || s.Theme != "dark" {
		t.Fatal(s, err)
	}
}

// Settings saved before the update fields existed keep the check on.
func TestOlderSettingsRowKeepsUpdateCheckOn(t *testing.T) {
	kv := memKV{settingsKey: `{"e2bDomain":"e2b.app","sandboxTimeoutMinutes":60,"idlePauseMinutes":10,"theme":"dark"}`}
	s, err := LoadSettings(context.Background(), kv)
	if err != nil || !s.UpdateCheck || s.UpdateFeedURL != "" || s.Theme != "dark" || s.SandboxCleanupDays != 14 {
		t.Fatal(s, err)
	}
	s.UpdateCheck = false
	if _, err := SaveSettings(context.Background(), kv, s); err != nil {
		t.Fatal(err)
	}
	if back, _ := LoadSettings(context.Background(), kv); back.UpdateCheck {
		t.Fatal("opting out did not stick")
	}
}

func TestLoadSettingsDamagedRowFallsBack(t *testing.T) {
	kv := memKV{settingsKey: "{not json"}
	s, err := LoadSettings(context.Background(), kv)
	if err != nil || s.E2BDomain != DefaultE2BDomain || s.IdlePauseMinutes != 10 {
		t.Fatal(s, err)
	}
}
