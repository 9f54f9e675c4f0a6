package main

import (
	"strings"
	"testing"

	"tessera/backend/api"
)

func TestProductVersion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"info":{"productVersion":"1.2.3"}}`, "1.2.3"},
		{`{"info":{}}`, ""},
		{`not json`, ""},
	} {
		if got := productVersion([]byte(tc.in)); got != tc.want {
			t.Errorf("productVersion(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The start-up status still carries api.Version; it must not drift from the
// one source of truth.
func TestVersionMatchesWailsJSON(t *testing.T) {
	if got := productVersion(wailsJSON); got == "" || got != api.Version {
		t.Fatalf("wails.json productVersion %q, api.Version %q: keep them equal", got, api.Version)
	}
}

func TestBuildInfoDefaults(t *testing.T) {
	info := buildInfo()
	if info.Version != productVersion(wailsJSON) {
		t.Errorf("version %q, want wails.json's", info.Version)
	}
	if !strings.HasPrefix(info.GoVersion, "go") {
		t.Errorf("go version %q", info.GoVersion)
	}
	if !strings.HasPrefix(info.WailsVersion, "v2.") {
		t.Errorf("wails version %q, want the module's v2.x", info.WailsVersion)
	}
}
