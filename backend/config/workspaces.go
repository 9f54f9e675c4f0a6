package config

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"tessera/backend/apperr"
)

// maxRootLen caps the workspace root (file systems cap whole paths at 4096
// bytes and the project's files need room below it).
const maxRootLen = 1024

func (s *Settings) validateWorkspaceRoot() error {
	r := strings.TrimSpace(s.WorkspaceRoot)
	if r == "" {
		s.WorkspaceRoot = ""
		return nil
	}
	switch {
	case strings.ContainsAny(r, "\x00\r\n"):
		return apperr.New(apperr.Invalid, "The projects folder contains an invalid character.").InField("workspaceRoot")
	case len(r) > maxRootLen:
		return apperr.Newf(apperr.Invalid, "The projects folder path can have at most %d characters.", maxRootLen).InField("workspaceRoot")
	case !filepath.IsAbs(r):
		return apperr.New(apperr.Invalid, "Give the projects folder as a full path, such as /home/you/Projects or C:\\Users\\you\\Projects.").InField("workspaceRoot")
	}
	s.WorkspaceRoot = filepath.Clean(r)
	return nil
}

// WorkspaceRoot is where the projects' folders live: the folder chosen in
// Settings, else $TESSERA_HOME/workspaces (tests and portable installs keep
// everything in one folder), else DefaultWorkspaceRoot.
func WorkspaceRoot(getenv Getenv, s Settings) string {
	if s.WorkspaceRoot != "" {
		return s.WorkspaceRoot
	}
	if h := getenv("TESSERA_HOME"); h != "" {
		if abs, err := filepath.Abs(h); err == nil {
			return filepath.Join(abs, "workspaces")
		}
	}
	return DefaultWorkspaceRoot(getenv, runtime.GOOS)
}

// DefaultWorkspaceRoot is "Tessera" in the person's documents folder: on
// Linux the XDG documents folder (as `xdg-user-dir DOCUMENTS` finds it),
// elsewhere ~/Documents; ~/Tessera when there is no documents folder.
func DefaultWorkspaceRoot(getenv Getenv, goos string) string {
	home := getenv("HOME")
	if goos == "windows" && getenv("USERPROFILE") != "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	docs := ""
	if goos == "linux" || goos == "freebsd" || goos == "openbsd" || goos == "netbsd" {
		docs = xdgDocuments(getenv, home)
	}
	if docs == "" {
		if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
			docs = filepath.Join(home, "Documents")
		}
	}
	if docs == "" {
		return filepath.Join(home, "Tessera")
	}
	return filepath.Join(docs, "Tessera")
}

// xdgDocuments follows xdg-user-dir: $XDG_DOCUMENTS_DIR, else the
// XDG_DOCUMENTS_DIR line of user-dirs.dirs. A value equal to $HOME means
// "not set" (that is how xdg-user-dirs disables a folder); a folder that
// does not exist is ignored.
func xdgDocuments(getenv Getenv, home string) string {
	d := getenv("XDG_DOCUMENTS_DIR")
	if d == "" {
		cfg := getenv("XDG_CONFIG_HOME")
		if cfg == "" || !filepath.IsAbs(cfg) {
			cfg = filepath.Join(home, ".config")
		}
		d = readUserDirs(filepath.Join(cfg, "user-dirs.dirs"), "XDG_DOCUMENTS_DIR")
	}
	if d == "" {
		return ""
	}
	d = strings.Replace(d, "$HOME", home, 1)
	if !filepath.IsAbs(d) || filepath.Clean(d) == filepath.Clean(home) {
		return ""
	}
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		return ""
	}
	return filepath.Clean(d)
}

// readUserDirs reads one KEY="value" line of a user-dirs.dirs file.
func readUserDirs(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") || strings.TrimSpace(k) != key {
			continue
		}
		return strings.Trim(strings.TrimSpace(v), `"`)
	}
	return ""
}
