package api

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// The layers stay in order (DESIGN.md, issue 22): only the root (main)
// imports the bound layer, and the domain packages never reach up. Read
// from the package graph the go tool reports, tests included.
func TestPackageLayers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go tool is not on PATH")
	}
	const mod = "tessera/"
	const api = mod + "backend/api"
	// Direct imports of every package, with its tests' imports.
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}}", "tessera/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	seen := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || !strings.HasPrefix(f[0], mod+"backend/") || strings.HasPrefix(f[0], api) {
			continue
		}
		seen++
		for _, imp := range f[1:] {
			if imp == api || strings.HasPrefix(imp, api+"/") {
				t.Errorf("%s imports the bound layer %s; only the root may", f[0], imp)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("only %d backend packages listed", seen)
	}

	// Nothing a package builds on (transitively) is above it.
	above := map[string][]string{
		"workspace":    {"sandbox", "projectfiles", "uploads", "chat", "terminal", "api"},
		"sandbox":      {"workspace", "projectfiles", "uploads", "chat", "terminal", "api"},
		"projectfiles": {"uploads", "chat", "terminal", "api"},
		"uploads":      {"chat", "api"},
		"chat":         {"api"},
		"projects":     {"chat", "uploads", "terminal", "api"},
		"store":        {"workspace", "sandbox", "projectfiles", "chat", "api"},
	}
	for pkg, banned := range above {
		deps, err := exec.Command("go", "list", "-deps", mod+"backend/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		have := map[string]bool{}
		for _, d := range strings.Fields(string(deps)) {
			have[d] = true
		}
		if !have[mod+"backend/"+pkg] {
			t.Fatalf("go list -deps %s did not list it", pkg)
		}
		for _, b := range banned {
			if have[mod+"backend/"+b] {
				t.Errorf("backend/%s depends on backend/%s, which is above it", pkg, b)
			}
		}
	}
}
