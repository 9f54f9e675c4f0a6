package gitname

import (
	"os/exec"
	"strings"
	"testing"
)

// spellings of ".git" each system would take for the history folder.
var spellings = []struct{ name, why string }{
	{".git", "itself"},
	{".GIT", "case (Windows, macOS, git)"},
	{".Git", "case"},
	{".gIt", "case"},
	{".git.", "trailing dot (Windows)"},
	{".git..", "trailing dots (Windows)"},
	{".git ", "trailing space (Windows)"},
	{".git . .", "trailing dots and spaces (Windows)"},
	{".GIT. ", "case and trailing (Windows)"},
	{".git::$INDEX_ALLOCATION", "NTFS stream (Windows)"},
	{".git:stream", "NTFS stream (Windows)"},
	{"git~1", "8.3 short name (Windows)"},
	{"GIT~1", "8.3 short name, upper case (Windows)"},
	{"Git~1.", "8.3 short name, trailing dot (Windows)"},
	{"git~2", "8.3 short name after a collision (Windows)"},
	{"GI1A2B~1", "hashed 8.3 short name (Windows)"},
	{".g\u200cit", "zero width non-joiner (macOS)"},
	{".gi\u200dt", "zero width joiner (macOS)"},
	{".git\u200e", "left-to-right mark (macOS)"},
	{"\u200f.git", "right-to-left mark first (macOS)"},
	{".\u202agit", "left-to-right embedding (macOS)"},
	{".g\u202bit", "right-to-left embedding (macOS)"},
	{".gi\u202ct", "pop directional formatting (macOS)"},
	{".git\u202d", "left-to-right override (macOS)"},
	{".\u202eGIT", "right-to-left override and case (macOS)"},
	{".g\u206ait", "inhibit symmetric swapping (macOS)"},
	{".g\u206bit", "activate symmetric swapping (macOS)"},
	{".g\u206cit", "inhibit arabic form shaping (macOS)"},
	{".g\u206dit", "activate arabic form shaping (macOS)"},
	{".g\u206eit", "national digit shapes (macOS)"},
	{".g\u206fit", "nominal digit shapes (macOS)"},
	{"\ufeff.git", "byte order mark (macOS)"},
	{".g\u200ci\u200dt\u200c.", "ignorables and a trailing dot (both)"},
}

var fine = []string{
	"git", ".github", ".gitignore", ".gitattributes", ".gitkeep", ".gitmodules", "x.git", ".g-it", ".gi t",
	"git~", "git~x", "gitx~1", "gi12~1", "gi12345~1", "gizzzz~1", ".git-hooks", "..git", "repo.git", ".gït",
	"my.git.txt", ".g\u200bit", // U+200B (zero width space) is not one HFS+ ignores
}

func TestIsDotGit(t *testing.T) {
	for _, s := range spellings {
		if !IsDotGit(s.name) {
			t.Errorf("IsDotGit(%q) = false; want true (%s)", s.name, s.why)
		}
		if got, ok := InPath("app/" + s.name + "/hooks/post-checkout"); !ok || got != s.name {
			t.Errorf("InPath(app/%q/hooks) = %q %v", s.name, got, ok)
		}
	}
	for _, n := range fine {
		if IsDotGit(n) {
			t.Errorf("IsDotGit(%q) = true; want false", n)
		}
	}
	if _, ok := InPath("src\\.GIT\\config"); !ok {
		t.Error("a backslash path into .GIT passed")
	}
	if _, ok := InPath("src/app.py"); ok {
		t.Error("a plain path was refused")
	}
}

// TestGitAgrees: every spelling git itself refuses (core.protectNTFS and
// core.protectHFS on, as on Windows and macOS) is one IsDotGit refuses:
// the rule is at least as strict as git's.
func TestGitAgrees(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the git program is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		cmd := exec.Command("git", append([]string{"-c", "core.protectNTFS=true", "-c", "core.protectHFS=true"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("init", "-q"); err != nil {
		t.Fatal(err, out)
	}
	blob, err := run("hash-object", "-w", "--stdin")
	if err != nil {
		t.Fatal(err, blob)
	}
	blob = strings.TrimSpace(blob)
	refused := 0
	for _, s := range spellings {
		p := s.name + "/config"
		if strings.ContainsAny(s.name, ":") {
			continue // not a name on Linux's git index either way
		}
		out, err := run("update-index", "--add", "--cacheinfo", "100644,"+blob+","+p)
		if err != nil {
			refused++
			if !strings.Contains(strings.ToLower(out), "invalid path") {
				t.Errorf("git refused %q otherwise: %s", p, out)
			}
		}
	}
	for _, n := range fine {
		if out, err := run("update-index", "--add", "--cacheinfo", "100644,"+blob+","+n+"/x"); err != nil {
			t.Errorf("git refuses %q, which IsDotGit lets through: %s", n, out)
		}
	}
	if refused == 0 {
		t.Fatal("git refused none of the spellings: the check is not running")
	}
	t.Logf("git refuses %d of %d spellings; IsDotGit refuses all", refused, len(spellings))
}
