package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

func seeded(t *testing.T) *Workspace {
	t.Helper()
	w := open(t)
	mustCommit(t, w, []File{
		{Path: "app.py", Content: []byte("print(1)\n")},
		{Path: "src/pages/index.tsx", Content: []byte("export default 1\n")},
		{Path: "src/lib/a.ts", Content: []byte("a\n")},
	}, "init")
	return w
}

func listing(t *testing.T, w *Workspace) []string {
	t.Helper()
	es, truncated, err := w.Tree(context.Background())
	if err != nil || truncated {
		t.Fatal(truncated, err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Path
		if e.Dir {
			out[i] += "/"
		}
	}
	return out
}

func TestTreeListsFoldersAndFilesNotHistoryNorDependencies(t *testing.T) {
	w := seeded(t)
	root := w.Root()
	for _, d := range []string{"node_modules/react", "empty", "src/__pycache__"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "node_modules/react/index.js"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(root, ".tessera-123"), []byte("half"), 0o644)
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(listing(t, w), " ")
	// The link is listed (as a link, see TestTreeListsLinksAsLinks), never followed.
	want := ".gitignore app.py empty/ link src/ src/lib/ src/lib/a.ts src/pages/ src/pages/index.tsx"
	if got != want {
		t.Fatalf("tree:\n got %s\nwant %s", got, want)
	}
}

func TestSaveFileCommitsOneVersionPerChange(t *testing.T) {
	ctx := context.Background()
	w := seeded(t)
	v, changed, err := w.SaveFile(ctx, "app.py", []byte("print(2)\n"))
	if err != nil || !changed || v.Message != "edited app.py" || v.Trailers[TrailerKind] != "edit" {
		t.Fatalf("save: %+v %v %v", v, changed, err)
	}
	if b, _ := w.ReadFile(ctx, "app.py"); string(b) != "print(2)\n" {
		t.Fatalf("read back %q", b)
	}
	if _, changed, err := w.SaveFile(ctx, "app.py", []byte("print(2)\n")); err != nil || changed {
		t.Fatalf("same content saved again made a version: %v %v", changed, err)
	}
	h, _ := w.History(ctx, 0)
	if len(h) != 2 {
		t.Fatalf("versions: %d", len(h))
	}
}

func TestFileOperationsRefuseBadInputAndChangeNothing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		op   func(w *Workspace) error
		code apperr.Code
		want string
	}{
		{"read traversal", func(w *Workspace) error { _, err := w.ReadFile(ctx, "../etc/passwd"); return err }, apperr.Invalid, "leaves the project"},
		{"read missing", func(w *Workspace) error { _, err := w.ReadFile(ctx, "nope.py"); return err }, apperr.NotFound, "not in the project"},
		{"read folder", func(w *Workspace) error { _, err := w.ReadFile(ctx, "src"); return err }, apperr.Invalid, "is a folder"},
		{"read history", func(w *Workspace) error { _, err := w.ReadFile(ctx, ".git/config"); return err }, apperr.Invalid, "history folder"},
		{"save absolute", func(w *Workspace) error { _, _, err := w.SaveFile(ctx, "/tmp/x", nil); return err }, apperr.Invalid, "absolute"},
		{"save over folder", func(w *Workspace) error { _, _, err := w.SaveFile(ctx, "src", []byte("x")); return err }, apperr.Invalid, "is a folder"},
		{"save too large", func(w *Workspace) error {
			_, _, err := w.SaveFile(ctx, "big.txt", make([]byte, MaxEditBytes+1))
			return err
		}, apperr.Invalid, "too large"},
		{"save in node_modules", func(w *Workspace) error { _, _, err := w.SaveFile(ctx, "node_modules/x.js", nil); return err }, apperr.Invalid, "does not show"},
		{"create existing", func(w *Workspace) error { _, _, err := w.Create(ctx, "app.py", false); return err }, apperr.Invalid, "already exists"},
		{"create under a file", func(w *Workspace) error { _, _, err := w.Create(ctx, "app.py/x.py", false); return err }, apperr.Invalid, "is a file"},
		{"create traversal", func(w *Workspace) error { _, _, err := w.Create(ctx, "a/../../x", true); return err }, apperr.Invalid, "leaves the project"},
		{"rename missing", func(w *Workspace) error { _, _, _, err := w.Rename(ctx, "nope", "x"); return err }, apperr.NotFound, "not in the project"},
		{"rename onto existing", func(w *Workspace) error { _, _, _, err := w.Rename(ctx, "app.py", "src/lib/a.ts"); return err }, apperr.Invalid, "already exists"},
		{"rename into itself", func(w *Workspace) error { _, _, _, err := w.Rename(ctx, "src", "src/inner"); return err }, apperr.Invalid, "into itself"},
		{"rename same", func(w *Workspace) error { _, _, _, err := w.Rename(ctx, "app.py", "./app.py"); return err }, apperr.Invalid, "already has that name"},
		{"rename out", func(w *Workspace) error { _, _, _, err := w.Rename(ctx, "app.py", "../app.py"); return err }, apperr.Invalid, "leaves the project"},
		{"delete missing", func(w *Workspace) error { _, _, _, err := w.Remove(ctx, "nope"); return err }, apperr.NotFound, "not in the project"},
		{"delete the history", func(w *Workspace) error { _, _, _, err := w.Remove(ctx, ".git"); return err }, apperr.Invalid, "history folder"},
		{"delete empty path", func(w *Workspace) error { _, _, _, err := w.Remove(ctx, ""); return err }, apperr.Invalid, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := seeded(t)
			before := strings.Join(listing(t, w), " ")
			err := tc.op(w)
			if err == nil || apperr.CodeOf(err) != tc.code || !strings.Contains(apperr.MessageOf(err), tc.want) {
				t.Fatalf("got %v (%s), want %s containing %q", err, apperr.CodeOf(err), tc.code, tc.want)
			}
			if after := strings.Join(listing(t, w), " "); after != before {
				t.Fatalf("a refused operation changed the tree:\n%s\n%s", before, after)
			}
			if h, _ := w.History(ctx, 0); len(h) != 1 {
				t.Fatalf("a refused operation made a version: %d", len(h))
			}
		})
	}
}

func TestCreateRenameRemove(t *testing.T) {
	ctx := context.Background()
	w := seeded(t)
	if _, changed, err := w.Create(ctx, "docs", true); err != nil || changed {
		t.Fatalf("mkdir: %v %v", changed, err)
	}
	v, changed, err := w.Create(ctx, "docs/readme.md", false)
	if err != nil || !changed || v.Message != "created docs/readme.md" {
		t.Fatalf("create: %+v %v %v", v, changed, err)
	}
	moved, v, changed, err := w.Rename(ctx, "src", "web/src")
	if err != nil || !changed || v.Message != "renamed src to web/src" {
		t.Fatalf("rename: %+v %v %v", v, changed, err)
	}
	if len(moved) != 2 || moved[0] != (Moved{"src/lib/a.ts", "web/src/lib/a.ts"}) || moved[1] != (Moved{"src/pages/index.tsx", "web/src/pages/index.tsx"}) {
		t.Fatalf("moved: %+v", moved)
	}
	removed, v, changed, err := w.Remove(ctx, "web")
	if err != nil || !changed || v.Message != "deleted web" || strings.Join(removed, " ") != "web/src/lib/a.ts web/src/pages/index.tsx" {
		t.Fatalf("remove: %v %+v %v %v", removed, v, changed, err)
	}
	if got := strings.Join(listing(t, w), " "); got != ".gitignore app.py docs/ docs/readme.md" {
		t.Fatalf("tree after: %s", got)
	}
	if got := tree(t, w); len(got) != 3 || got["docs/readme.md"] != "" {
		t.Fatalf("committed files: %v", got)
	}
	// A case-only rename is allowed (the target "exists" on folding file systems).
	if _, _, _, err := w.Rename(ctx, "app.py", "App.py"); err != nil {
		t.Fatal(err)
	}
}

func TestIsText(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want bool
	}{
		{[]byte("héllo\n"), true},
		{[]byte{}, true},
		{[]byte{0x89, 'P', 'N', 'G', 0, 1}, false},
		{[]byte{0xff, 0xfe, 'a'}, false},
	} {
		if got := IsText(tc.in); got != tc.want {
			t.Errorf("IsText(%q) = %v", tc.in, got)
		}
	}
}

// The editor's size sentences state the size exactly against the limit:
// one byte over 2 MB reads as over, never as "2 MB (at most 2 MB)".
func TestEditorSizeSentencesAreExact(t *testing.T) {
	ctx := context.Background()
	w, err := Open(filepath.Join(t.TempDir(), "p"))
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, MaxEditBytes+1)
	if err := os.WriteFile(filepath.Join(w.Root(), "big.txt"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
	}{
		{"open", func() error { _, err := w.ReadFile(ctx, "big.txt"); return err }},
		{"save", func() error { _, _, err := w.SaveFile(ctx, "other.txt", big); return err }},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			if msg := apperr.MessageOf(err); !strings.Contains(msg, "2 MB and 1 byte, over the 2 MB limit") {
				t.Fatalf("sentence %q does not state the size exactly", msg)
			}
		})
	}
}
