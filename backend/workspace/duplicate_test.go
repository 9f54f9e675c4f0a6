package workspace

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tessera/backend/store"
)

func TestDuplicateCopiesHistoryAndCurrentFilesOnly(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	m := NewManager(filepath.Join(t.TempDir(), "root"))
	get := func(id string) store.Project {
		p, err := st.GetProject(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	src, _ := st.CreateProject(ctx, store.NewProject{Name: "Orig"})
	w, err := m.For(ctx, st, src)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []string{"v1", "v2"} {
		if _, _, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte(c)}}, "turn", "m"+c, "x/y"); err != nil {
			t.Fatal(i, err)
		}
	}
	// Not versioned: ignored and untracked files stay behind.
	os.WriteFile(filepath.Join(w.Root(), ".env"), []byte("SECRET=1"), 0o600)
	os.MkdirAll(filepath.Join(w.Root(), "node_modules", "x"), 0o755)

	empty, _ := st.CreateProject(ctx, store.NewProject{Name: "Empty"})
	cases := []struct {
		name     string
		from     string
		versions int
		files    map[string]string
	}{
		{"with history", src.ID, 2, map[string]string{"app.py": "v2"}},
		{"without versions", empty.ID, 0, map[string]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			np, _ := st.CreateProject(ctx, store.NewProject{Name: c.name + " copy"})
			d, err := m.Duplicate(ctx, st, get(c.from), np)
			if err != nil {
				t.Fatal(err)
			}
			if get(np.ID).Workspace == "" || d.Root() == w.Root() {
				t.Fatalf("no folder of its own: %q", d.Root())
			}
			vs, err := d.History(ctx, 0)
			if err != nil || len(vs) != c.versions {
				t.Fatalf("history %d versions, %v; want %d", len(vs), err, c.versions)
			}
			fs, _ := d.Files(ctx)
			got := map[string]string{}
			for _, f := range fs {
				if f.Path != ".gitignore" {
					got[f.Path] = string(f.Content)
				}
			}
			if len(got) != len(c.files) || got["app.py"] != c.files["app.py"] {
				t.Fatalf("files %v, want %v", got, c.files)
			}
			if b, err := os.ReadFile(filepath.Join(d.Root(), "app.py")); len(c.files) > 0 && (err != nil || string(b) != "v2") {
				t.Fatalf("working copy app.py = %q %v", b, err)
			}
			for _, gone := range []string{".env", "node_modules"} {
				if _, err := os.Stat(filepath.Join(d.Root(), gone)); err == nil {
					t.Errorf("%s was copied", gone)
				}
			}
			// The copy is independent: a new version in it leaves the source alone.
			if _, _, err := d.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("copy")}}, "t", "m", "x/y"); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(w.Root(), "app.py")); string(b) != "v2" {
				t.Fatalf("the source changed: %q", b)
			}
		})
	}
}
