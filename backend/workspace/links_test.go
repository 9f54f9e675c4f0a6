package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// linkIn reports the target of the link at rel ("" and false when rel is
// not a link).
func linkIn(t *testing.T, w *Workspace, rel string) (string, bool) {
	t.Helper()
	p := filepath.Join(w.Root(), filepath.FromSlash(rel))
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return "", false
	}
	dst, _ := os.Readlink(p)
	return dst, true
}

// TestVersionedFolderBecomesALink: the person replaces a versioned folder
// with a link to a folder outside; Tessera reads nothing through it, and
// turns go on (the link is versioned as a link, as git would).
func TestVersionedFolderBecomesALink(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	mustCommit(t, w, []File{{Path: "lib/a.txt", Content: []byte("mine")}, {Path: "app.py", Content: []byte("1")}}, "first")
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "a.txt"), []byte("SECRET outside"), 0o644)
	os.RemoveAll(filepath.Join(w.Root(), "lib"))
	if err := os.Symlink(outside, filepath.Join(w.Root(), "lib")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	_, ch, err := w.CommitOutside(ctx, "lib/a.txt", "lib")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ch {
		if strings.Contains(string(c.Content), "SECRET") {
			t.Fatalf("read through the link: %+v", c)
		}
	}
	v, changed, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("2")}}, "turn", "m", "model")
	if err != nil || !changed {
		t.Fatalf("a turn after the folder became a link: %v %v", changed, err)
	}
	files, _ := w.Files(ctx)
	for _, f := range files {
		if strings.Contains(string(f.Content), "SECRET") {
			t.Fatalf("a file outside was versioned through the link: %s", f.Path)
		}
	}
	var lib *FileEntry
	for i, f := range files {
		if strings.HasPrefix(f.Path, "lib/") {
			t.Errorf("%s still versioned under the link", f.Path)
		}
		if f.Path == "lib" {
			lib = &files[i]
		}
	}
	if lib == nil || !lib.Link || string(lib.Content) != outside {
		t.Errorf("the link is not versioned as a link: %+v", lib)
	}
	if !strings.Contains(strings.Join(v.FilesChanged, " "), "lib") {
		t.Errorf("the turn's version does not hold the link: %v", v.FilesChanged)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "a.txt")); string(b) != "SECRET outside" {
		t.Fatal("the file outside changed")
	}
}

// TestLinksAreRestoredAsLinks: a link the person made inside the project
// is versioned as a link and comes back as a link; one pointing out of the
// project is never created by Tessera.
func TestLinksAreRestoredAsLinks(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	first := mustCommit(t, w, []File{{Path: "app.py", Content: []byte("1")}, {Path: "docs/readme.md", Content: []byte("r")}}, "first")
	if err := os.Symlink("docs/readme.md", filepath.Join(w.Root(), "README.md")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.Symlink("../../../etc/passwd", filepath.Join(w.Root(), "docs", "evil"))
	os.Symlink("/etc", filepath.Join(w.Root(), "etc"))
	linked, changed, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("2")}}, "turn", "m", "model")
	if err != nil || !changed {
		t.Fatal(changed, err)
	}
	if _, err := w.Restore(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"README.md", "docs/evil", "etc"} {
		if _, ok := linkIn(t, w, l); ok {
			t.Errorf("%s still there after restoring the version without it", l)
		}
		if _, err := os.Lstat(filepath.Join(w.Root(), l)); err == nil {
			t.Errorf("%s left as a file", l)
		}
	}
	if _, err := w.Restore(ctx, linked.ID); err != nil {
		t.Fatal(err)
	}
	if dst, ok := linkIn(t, w, "README.md"); !ok || dst != "docs/readme.md" {
		t.Errorf("README.md restored as %q link=%v", dst, ok)
	}
	for _, l := range []string{"docs/evil", "etc"} {
		if _, err := os.Lstat(filepath.Join(w.Root(), l)); err == nil {
			t.Errorf("a link out of the project (%s) was created", l)
		}
	}
	// The withheld links stay in history: the next turn does not delete them.
	v, _, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("3")}}, "turn", "m2", "model")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.FilesChanged {
		if p != "app.py" {
			t.Errorf("the turn also changed %s", p)
		}
	}
}

// TestImportedAndDuplicatedLinks: a repository holding links imports with
// the link inside the project made as a link and the one pointing out
// withheld; neither makes a version by itself (sweep, turn), and a
// duplicate of the project makes no link pointing out either.
func TestImportedAndDuplicatedLinks(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	src := t.TempDir()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}} {
		if out, err := realGit(src, args...); err != nil {
			t.Fatal(err, out)
		}
	}
	os.WriteFile(filepath.Join(src, "app.py"), []byte("print(1)\n"), 0o644)
	if err := os.Symlink("app.py", filepath.Join(src, "main.py")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.Symlink("../../../../etc/passwd", filepath.Join(src, "passwd"))
	os.Symlink("/etc", filepath.Join(src, "etc"))
	for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", "with links"}} {
		if out, err := realGit(src, args...); err != nil {
			t.Fatal(err, out)
		}
	}
	w, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "imported"), src, ImportLimits{MaxFiles: 100, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if dst, ok := linkIn(t, w, "main.py"); !ok || dst != "app.py" {
		t.Errorf("main.py imported as %q link=%v", dst, ok)
	}
	for _, l := range []string{"passwd", "etc"} {
		if _, err := os.Lstat(filepath.Join(w.Root(), l)); err == nil {
			t.Errorf("the link %s pointing out of the project was made", l)
		}
	}
	before, _ := w.History(ctx, 0)
	if v, ch, err := w.Sweep(ctx); err != nil || len(ch) != 0 || v.ID != "" {
		t.Fatalf("the imported links made a version by themselves: %+v %v", ch, err)
	}
	v, _, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("print(2)\n")}}, "turn", "m", "model")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.FilesChanged) != 1 || v.FilesChanged[0] != "app.py" {
		t.Errorf("the turn changed %v, want only app.py", v.FilesChanged)
	}
	if after, _ := w.History(ctx, 0); len(after) != len(before)+1 {
		t.Errorf("%d versions, want %d", len(after), len(before)+1)
	}
	files, _ := w.Files(ctx)
	links := 0
	for _, f := range files {
		if f.Link {
			links++
		}
	}
	if links != 3 {
		t.Errorf("history holds %d links, want all 3", links)
	}

	// Duplicate: the same rule for the copy.
	m := NewManager(t.TempDir())
	st := newStore(t)
	p, err := st.CreateProject(ctx, store.NewProject{Name: "Linked"})
	if err != nil {
		t.Fatal(err)
	}
	pw, err := m.For(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	os.Symlink("app.py", filepath.Join(pw.Root(), "main.py"))
	os.Symlink("../../../../etc/passwd", filepath.Join(pw.Root(), "passwd"))
	if _, _, err := pw.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("x")}}, "turn", "m", "model"); err != nil {
		t.Fatal(err)
	}
	p, _ = st.GetProject(ctx, p.ID)
	p2, _ := st.CreateProject(ctx, store.NewProject{Name: "Copy"})
	dup, err := m.Duplicate(ctx, st, p, p2)
	if err != nil {
		t.Fatal(err)
	}
	if dst, ok := linkIn(t, dup, "main.py"); !ok || dst != "app.py" {
		t.Errorf("duplicate: main.py is %q link=%v", dst, ok)
	}
	if _, err := os.Lstat(filepath.Join(dup.Root(), "passwd")); err == nil {
		t.Error("duplicate made the link passwd pointing out of the project")
	}
	if v, ch, err := dup.Sweep(ctx); err != nil || len(ch) != 0 || v.ID != "" {
		t.Fatalf("the duplicate's withheld link made a version: %+v %v", ch, err)
	}
}

func TestLinkInside(t *testing.T) {
	for _, tc := range []struct {
		rel, target string
		ok          bool
	}{
		{"README.md", "docs/readme.md", true},
		{"docs/a.md", "../app.py", true},
		{"a/b/c", "../../x", true},
		{"a/b/c", "../../../x", false},
		{"x", "..", false},
		{"x", ".", false},
		{"x", "/etc/passwd", false},
		{"x", `C:\Windows`, false},
		{"x", `..\..\x`, false},
		{"x", "", false},
		{"x", ".git/hooks/pre-commit", false},
		{"x", "sub/.GIT./config", false},
		{"a/x", "../GIT~1", false},
	} {
		if got := LinkInside(tc.rel, tc.target); got != tc.ok {
			t.Errorf("LinkInside(%q, %q) = %v, want %v", tc.rel, tc.target, got, tc.ok)
		}
	}
}

// TestWriteRefusesALinkOut: a caller asking for a link out of the project
// gets a sentence and nothing on disk.
func TestWriteRefusesALinkOut(t *testing.T) {
	w := open(t)
	for _, target := range []string{"/etc", "../../x", ".git/hooks"} {
		_, err := w.Write(context.Background(), []File{{Path: "l", Content: []byte(target), Link: true}})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("link to %q: %v", target, err)
		}
		if _, err := os.Lstat(filepath.Join(w.Root(), "l")); err == nil {
			t.Errorf("link to %q made", target)
		}
	}
	if _, err := w.Write(context.Background(), []File{{Path: "l", Content: []byte("app.py"), Link: true}}); err != nil {
		t.Fatal(err)
	}
	if dst, ok := linkIn(t, w, "l"); !ok || dst != "app.py" {
		t.Errorf("link inside: %q %v", dst, ok)
	}
}

func TestTreeListsLinksAsLinks(t *testing.T) {
	w := open(t)
	mustCommit(t, w, []File{{Path: "app.py", Content: []byte("1")}}, "first")
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("s"), 0o644)
	if err := os.Symlink(outside, filepath.Join(w.Root(), "data")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	es, _, err := w.Tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Path)
		if e.Path == "data" && (!e.Link || e.Dir || e.Target != outside) {
			t.Errorf("data listed as %+v", e)
		}
	}
	if strings.Join(got, " ") != ".gitignore app.py data" {
		t.Errorf("tree = %v (nothing under the link may be listed)", got)
	}
	if _, err := w.ReadFile(context.Background(), "data/secret.txt"); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("read through the link: %v", err)
	}
}

// TestRestoreAcrossAFileThatBecameAFolder: restoring works both ways when
// a path was a file in one version and a folder in the other.
func TestRestoreAcrossAFileThatBecameAFolder(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	asFile := mustCommit(t, w, []File{{Path: "data", Content: []byte("a file")}, {Path: "app.py", Content: []byte("1")}}, "file")
	if _, err := w.Write(ctx, []File{{Path: "data", Delete: true}}); err != nil {
		t.Fatal(err)
	}
	asFolder := mustCommit(t, w, []File{{Path: "data/x.csv", Content: []byte("x,y")}, {Path: "data/deep/y.csv", Content: []byte("y")}}, "folder")
	if _, err := w.Restore(ctx, asFile.ID); err != nil {
		t.Fatalf("restore the file over the folder: %v", err)
	}
	if got := tree(t, w); got["data"] != "a file" || got["data/x.csv"] != "" {
		t.Fatalf("after restoring the file: %v", got)
	}
	if b, err := os.ReadFile(filepath.Join(w.Root(), "data")); err != nil || string(b) != "a file" {
		t.Fatalf("on disk: %q %v", b, err)
	}
	if _, err := w.Restore(ctx, asFolder.ID); err != nil {
		t.Fatalf("restore the folder over the file: %v", err)
	}
	if got := tree(t, w); got["data/x.csv"] != "x,y" || got["data/deep/y.csv"] != "y" {
		t.Fatalf("after restoring the folder: %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(w.Root(), "data", "deep", "y.csv")); string(b) != "y" {
		t.Fatal("the folder is not on disk")
	}
}
