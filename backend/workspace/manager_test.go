package workspace

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	_ "modernc.org/sqlite"

	"tessera/backend/apperr"
	"tessera/backend/names"
	"tessera/backend/store"
)

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Todo app", "Todo app"},
		{"  Café  ☕ 日本語 ", "Café ☕ 日本語"},
		{"../../etc", "-..-etc"},
		{"..", "Project"},
		{".hidden", "hidden"},
		{"a/b\\c:d*e?f\"g<h>i|j", "a-b-c-d-e-f-g-h-i-j"},
		{"CON", "CON_"},
		{"lpt1.txt", "lpt1.txt_"},
		{"ends with dots...", "ends with dots"},
		{"tab\there\nnew", "tabherenew"},
		{"", "Project"},
		{"   ", "Project"},
		{"\u202Egnp.exe", "gnp.exe"},
		{"\u200B\u200B", "Project"},
		{"\u3164", "Project"},
		{"Cafe\u0301", "Caf\u00e9"},
		{"👨‍👩‍👧‍👦 family", "👨‍👩‍👧‍👦 family"},
		{"bad\xffbyte", "badbyte"},
	} {
		if got := SafeName(tc.in); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := SafeName(strings.Repeat("長", 300))
	if names.Len(long) > maxNameChars || len(long) > maxNameBytes || !utf8.ValidString(long) {
		t.Errorf("long name not capped: %d characters, %d bytes", names.Len(long), len(long))
	}
	// A cut never splits what a person sees as one character.
	fam := SafeName(strings.Repeat("👨‍👩‍👧‍👦", 20))
	if len(fam) > maxNameBytes || fam != strings.Repeat("👨‍👩‍👧‍👦", len(fam)/len("👨‍👩‍👧‍👦")) {
		t.Errorf("family emoji cut inside a cluster: %q", fam)
	}
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestManagerNamesRenamesAndTrashes(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	m := NewManager(filepath.Join(t.TempDir(), "root"))
	mk := func(name string) store.Project {
		p, err := st.CreateProject(ctx, store.NewProject{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.For(ctx, st, p); err != nil {
			t.Fatal(err)
		}
		p, _ = st.GetProject(ctx, p.ID)
		return p
	}
	a, b, c := mk("My App"), mk("my app"), mk("My/App")
	if a.Workspace != "My App" || b.Workspace != "my app (2)" || c.Workspace != "My-App" {
		t.Fatalf("folders %q %q %q", a.Workspace, b.Workspace, c.Workspace)
	}
	// A folder the person made themselves is never taken over.
	os.Mkdir(filepath.Join(m.Root(), "Notes"), 0o755)
	if d := mk("Notes"); d.Workspace != "Notes (2)" {
		t.Fatalf("clash with a foreign folder: %q", d.Workspace)
	}
	w, _ := m.For(ctx, st, a)
	mustCommit(t, w, []File{{Path: "x.txt", Content: []byte("x")}}, "x")

	f, err := m.Rename(ctx, st, a, "Renamed ✓")
	if err != nil || f != "Renamed ✓" {
		t.Fatalf("rename: %q %v", f, err)
	}
	a, _ = st.GetProject(ctx, a.ID)
	w2, err := m.For(ctx, st, a)
	if err != nil || a.Workspace != "Renamed ✓" || tree(t, w2)["x.txt"] != "x" {
		t.Fatalf("after rename: %q %v", a.Workspace, err)
	}
	// A caller holding the workspace from before the rename follows it.
	if w2 != w || filepath.Base(w.Root()) != "Renamed ✓" {
		t.Fatalf("stale workspace at %s", w.Root())
	}
	mustCommit(t, w, []File{{Path: "y.txt", Content: []byte("y")}}, "y")
	if _, err := os.Stat(m.Path("My App")); !os.IsNotExist(err) {
		t.Fatal("the old folder came back after a rename")
	}
	if f, _ := m.Rename(ctx, st, b, "My-App"); f != "My-App (2)" {
		t.Fatalf("rename onto a taken name gave %q", f)
	}

	dst, err := m.Trash(a)
	if err != nil || !strings.HasPrefix(dst, filepath.Join(m.Root(), TrashDir)) {
		t.Fatalf("trash: %q %v", dst, err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "x.txt")); err != nil || string(b) != "x" {
		t.Fatal("trashed files lost")
	}
	if _, err := os.Stat(m.Path("Renamed ✓")); !os.IsNotExist(err) {
		t.Fatal("folder still in place after trash")
	}
	// A caller holding the trashed workspace is refused, and nothing is recreated.
	if _, err := w.Write(ctx, []File{{Path: "z.txt", Content: []byte("z")}}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("write after trash: %v", err)
	}
	if _, err := os.Stat(m.Path("Renamed ✓")); !os.IsNotExist(err) {
		t.Fatal("a write after trash recreated the folder")
	}
}

// TestStartupImportsTodaysDatabase builds a database with today's schema
// (0001+0002 only, as a Tessera from before workspaces left it), opens it
// with this build and checks every file reached the folder and git intact.
func TestStartupImportsTodaysDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "tessera.db")
	old, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := old.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
	for i, name := range []string{"0001_init.sql", "0002_llm_models.sql"} {
		b, err := os.ReadFile(filepath.Join("..", "store", "migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		exec(string(b))
		exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, i+1, name)
	}
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	projects := map[string]map[string][]byte{
		"p1": {"app.py": []byte("print('hi')\n"), "data/ünï/表.csv": []byte("a,b\n1,2\n"), "img/logo.png": bin, "empty.txt": {}},
		"p2": {"pages/index.tsx": []byte("export default () => null\n"), "node_modules/x/index.js": []byte("ignored by git, kept on disk")},
		"p3": {},
		"p4": {"ok.txt": []byte("kept"), "../outside.txt": []byte("never written out of the folder")},
	}
	names := map[string]string{"p1": "Data viz", "p2": "Data viz", "p3": "../escape", "p4": "Odd paths"}
	for id, files := range projects {
		exec(`INSERT INTO projects(id, name, created_at, updated_at, last_activity_at) VALUES (?, ?, 1, 1, 1)`, id, names[id])
		for p, c := range files {
			exec(`INSERT INTO project_files(project_id, path, content, updated_at) VALUES (?, ?, ?, 1)`, id, p, c)
		}
	}
	old.Close()

	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := NewManager(filepath.Join(dir, "workspaces"))
	if err := Startup(ctx, st, m, discard()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for id, files := range projects {
		p, err := st.GetProject(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Workspace == "" || seen[strings.ToLower(p.Workspace)] || strings.Contains(p.Workspace, "..") {
			t.Fatalf("project %s got folder %q", id, p.Workspace)
		}
		seen[strings.ToLower(p.Workspace)] = true
		w, err := m.For(ctx, st, p)
		if err != nil {
			t.Fatal(err)
		}
		inGit := map[string][]byte{}
		fs, _ := w.Files(ctx)
		for _, f := range fs {
			inGit[f.Path] = f.Content
		}
		for fp, c := range files {
			if strings.HasPrefix(fp, "../") {
				if _, err := os.Stat(filepath.Join(w.Root(), fp)); !os.IsNotExist(err) {
					t.Errorf("%s: a path out of the folder was written", id)
				}
				continue
			}
			disk, err := os.ReadFile(filepath.Join(w.Root(), filepath.FromSlash(fp)))
			if err != nil || string(disk) != string(c) {
				t.Errorf("%s/%s on disk: %v", id, fp, err)
			}
			if strings.HasPrefix(fp, "node_modules/") {
				continue
			}
			if g, ok := inGit[fp]; !ok || string(g) != string(c) {
				t.Errorf("%s/%s not in the first version intact", id, fp)
			}
		}
		h, _ := w.History(ctx, 0)
		switch {
		case len(files) == 0 && len(h) != 0:
			t.Errorf("%s: an empty project got versions", id)
		case len(files) > 0 && (len(h) != 1 || h[0].Message != ImportMessage):
			t.Errorf("%s: history %+v", id, h)
		}
		if rows, _ := st.ListFiles(ctx, id); len(rows) != len(files) {
			t.Errorf("%s: project_files changed by the import", id)
		}
	}
	// Running again changes nothing (no second version), and, on a fresh
	// manager as at the next start, opens no repository: the folders
	// already have their history.
	if err := Startup(ctx, st, m, discard()); err != nil {
		t.Fatal(err)
	}
	again := NewManager(m.Root())
	if err := Startup(ctx, st, again, discard()); err != nil {
		t.Fatal(err)
	}
	if n := len(again.open); n != 0 {
		t.Fatalf("the next start opened %d repositories", n)
	}
	p1, _ := st.GetProject(ctx, "p1")
	w, _ := m.For(ctx, st, p1)
	if h, _ := w.History(ctx, 0); len(h) != 1 {
		t.Fatalf("second start made %d versions", len(h))
	}
	// A root changed in Settings: the folders move at the next start.
	m2 := NewManager(filepath.Join(dir, "elsewhere"))
	if err := Startup(ctx, st, m2, discard()); err != nil {
		t.Fatal(err)
	}
	w2, _ := m2.For(ctx, st, p1)
	if h, _ := w2.History(ctx, 0); len(h) != 1 || w2.Root() == w.Root() {
		t.Fatalf("after moving the root: %d versions at %s", len(h), w2.Root())
	}
	if _, err := os.Stat(w.Root()); !os.IsNotExist(err) {
		t.Fatalf("old folder still there: %v", err)
	}
}

// Two writers that read a project before either gave it a folder (its
// first two changes at once) get the same folder, not one each: the
// second folder's history would lack the first's versions.
func TestForGivesOneFolderToConcurrentFirstUses(t *testing.T) {
	ctx := context.Background()
	idx := newStore(t)
	m := NewManager(filepath.Join(t.TempDir(), "Tessera"))
	p, err := idx.CreateProject(ctx, store.NewProject{Name: "App"}) // no folder yet, as every caller read it
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Workspace, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := m.For(ctx, idx, p)
			if err != nil {
				t.Error(err)
			}
			got <- w
		}()
	}
	wg.Wait()
	close(got)
	var first *Workspace
	for w := range got {
		if first == nil {
			first = w
		} else if w != first {
			t.Fatalf("two folders for one project: %s and %s", first.Root(), w.Root())
		}
	}
	ents, _ := os.ReadDir(m.Root())
	if len(ents) != 1 {
		t.Fatalf("%d folders made, want 1", len(ents))
	}
}
