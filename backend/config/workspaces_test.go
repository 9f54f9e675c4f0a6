package config

import (
	"os"
	"path/filepath"
	"testing"

	"tessera/backend/apperr"
)

func TestWorkspaceRoot(t *testing.T) {
	home := t.TempDir()
	docs := filepath.Join(home, "Documents")
	xdgDocs := filepath.Join(home, "Dokumente")
	env := func(kv map[string]string) Getenv { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
		env   map[string]string
		set   string
		goos  string
		want  string
	}{
		{"setting wins", nil, map[string]string{"HOME": home, "TESSERA_HOME": "/th"}, "/chosen", "linux", "/chosen"},
		{"tessera home keeps everything together", nil, map[string]string{"HOME": home, "TESSERA_HOME": "/th"}, "", "linux", "/th/workspaces"},
		{"no documents folder", nil, map[string]string{"HOME": home}, "", "linux", filepath.Join(home, "Tessera")},
		{"~/Documents", func(t *testing.T) { os.MkdirAll(docs, 0o755) }, map[string]string{"HOME": home}, "", "darwin", filepath.Join(docs, "Tessera")},
		{"xdg user-dirs.dirs", func(t *testing.T) {
			os.MkdirAll(xdgDocs, 0o755)
			os.MkdirAll(filepath.Join(home, ".config"), 0o755)
			os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte("# x\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n"), 0o644)
		}, map[string]string{"HOME": home}, "", "linux", filepath.Join(xdgDocs, "Tessera")},
		{"xdg env var", nil, map[string]string{"HOME": home, "XDG_DOCUMENTS_DIR": docs}, "", "linux", filepath.Join(docs, "Tessera")},
		{"xdg documents = home means unset", nil, map[string]string{"HOME": home, "XDG_DOCUMENTS_DIR": home}, "", "linux", filepath.Join(docs, "Tessera")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			var got string
			if tc.set != "" || tc.env["TESSERA_HOME"] != "" {
				got = WorkspaceRoot(env(tc.env), Settings{WorkspaceRoot: tc.set})
			} else {
				got = DefaultWorkspaceRoot(env(tc.env), tc.goos)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValidateWorkspaceRoot(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"  /home/me/Projects/ ", "/home/me/Projects", true},
		{"/a/b/../c", "/a/c", true},
		{"relative/path", "", false},
		{"~/Projects", "", false},
		{"/bad\x00", "", false},
		{"/" + string(make([]byte, 2000)), "", false},
	} {
		s := DefaultSettings()
		s.WorkspaceRoot = tc.in
		err := s.Validate()
		if (err == nil) != tc.ok || (tc.ok && s.WorkspaceRoot != tc.want) {
			t.Errorf("Validate(%q) = %q, %v", tc.in, s.WorkspaceRoot, err)
		}
		if err != nil && apperr.FieldOf(err) != "workspaceRoot" {
			t.Errorf("Validate(%q) names field %q", tc.in, apperr.FieldOf(err))
		}
	}
}
