package main

import (
	_ "embed"
	"encoding/json"
	"runtime"
	"runtime/debug"

	"tessera/backend/api"
)

// wails.json's info.productVersion is the one place the version is written;
// the packaging scripts read it too and pass it back through -ldflags.
//
//go:embed wails.json
var wailsJSON []byte

// Set only by the linker (scripts/package-deb.sh, make package-windows):
//
//	-ldflags "-X main.version=0.1.0 -X main.buildDate=2026-12-02T00:00:00Z"
//
// Never assigned at run time; a plain `wails build` leaves them empty and
// buildInfo falls back to wails.json and "no date".
var (
	version   string
	buildDate string
	// releaseFeed is the update channel: a GitHub releases API address or
	// an Atom feed, set by scripts/version.sh from TESSERA_RELEASE_FEED.
	// Empty (the default) means no channel: the update check stays off,
	// and the About dialog says so.
	releaseFeed string
)

const wailsModule = "github.com/wailsapp/wails/v2"

// buildInfo collects what the About dialog shows.
func buildInfo() api.BuildInfo {
	info := api.BuildInfo{Version: version, BuildDate: buildDate, GoVersion: runtime.Version(), ReleaseFeed: releaseFeed}
	if info.Version == "" {
		info.Version = productVersion(wailsJSON)
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == wailsModule {
				info.WailsVersion = d.Version
			}
		}
	}
	return info
}

// productVersion reads info.productVersion from wails.json ("" if absent).
func productVersion(b []byte) string {
	var w struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
		} `json:"info"`
	}
	if json.Unmarshal(b, &w) != nil {
		return ""
	}
	return w.Info.ProductVersion
}
