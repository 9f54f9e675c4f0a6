package workspace

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// fakeTimers records the debouncer's timers; tests fire them by hand.
type fakeTimers struct {
	mu     sync.Mutex
	timers []*fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (t *fakeTimer) Stop() bool { was := !t.stopped; t.stopped = true; return was }

func (ft *fakeTimers) after(d time.Duration, f func()) Timer {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t := &fakeTimer{d: d, f: f}
	ft.timers = append(ft.timers, t)
	return t
}

func TestDebouncer(t *testing.T) {
	ft := &fakeTimers{}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fired [][]string
	d := newDebouncer(300*time.Millisecond, 3*time.Second, ft.after, func() time.Time { return now },
		func(folder string, paths []string) { fired = append(fired, append([]string{folder}, paths...)) })

	d.add("P", "b.py")
	d.add("P", "a.py")
	d.add("P", "b.py")
	d.add("Q", "x.txt")
	if len(ft.timers) != 4 {
		t.Fatalf("timers armed: %d, want 4", len(ft.timers))
	}
	// The timers re-armed by a later event do nothing when they fire late.
	ft.timers[0].f()
	ft.timers[1].f()
	if len(fired) != 0 {
		t.Fatalf("a superseded timer fired: %v", fired)
	}
	ft.timers[2].f()
	ft.timers[2].f() // twice: the batch is gone
	ft.timers[3].f()
	want := [][]string{{"P", "a.py", "b.py"}, {"Q", "x.txt"}}
	if !slices.EqualFunc(fired, want, slices.Equal) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	for i, tm := range ft.timers {
		if tm.d != 300*time.Millisecond {
			t.Errorf("timer %d waits %v, want the quiet period", i, tm.d)
		}
	}

	// Events that never stop are handed on at most MaxWait after the first.
	d.add("P", "c.py")
	now = now.Add(2900 * time.Millisecond)
	d.add("P", "c.py")
	now = now.Add(time.Second)
	d.add("P", "c.py")
	got := []time.Duration{ft.timers[4].d, ft.timers[5].d, ft.timers[6].d}
	if want := []time.Duration{300 * time.Millisecond, 100 * time.Millisecond, 0}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	d.stop()
	if !ft.timers[6].stopped {
		t.Error("stop left a timer armed")
	}
}

func TestIgnoredBy(t *testing.T) {
	own := []gitignore.Pattern{gitignore.ParsePattern("secret.txt", nil), gitignore.ParsePattern("*.tmp", nil)}
	m := gitignore.NewMatcher(append(append([]gitignore.Pattern{}, alwaysIgnored...), own...))
	for _, tc := range []struct {
		path  string
		isDir bool
		want  bool
	}{
		{"app.py", false, false},
		{"src/app.py", false, false},
		{"node_modules", true, true},
		{"node_modules/react/index.js", false, true},
		{"web/node_modules/x.js", false, true},
		{".git/config", false, true},
		{".env", false, true},
		{".env.local", false, true},
		{".env.example", false, false},
		{"dist/app.js", false, true},
		{"build", true, true},
		{"__pycache__/a.pyc", false, true},
		{"server.log", false, true},
		{".tessera-123456", false, true},
		{"secret.txt", false, true},
		{"notes/x.tmp", false, true},
		{"src/building.py", false, false},
		{".app.py.swp", false, true},
		{"src/app.py~", false, true},
		{".#app.py", false, true},
		{".DS_Store", false, true},
	} {
		if got := ignoredBy(m, tc.path, tc.isDir); got != tc.want {
			t.Errorf("ignored(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func writeOutside(t *testing.T, w *Workspace, rel, content string) {
	t.Helper()
	p := filepath.Join(w.Root(), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func paths(cs []Change) []string {
	out := []string{}
	for _, c := range cs {
		p := c.Path
		if c.Deleted {
			p = "-" + p
		}
		out = append(out, p)
	}
	return out
}

func TestCommitOutside(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		edit    func(t *testing.T, w *Workspace)
		noted   []string
		changes []string // "-" marks a deletion
		files   map[string]string
	}{
		{
			name: "a changed and a new file",
			edit: func(t *testing.T, w *Workspace) {
				writeOutside(t, w, "app.py", "print(2)")
				writeOutside(t, w, "lib/util.py", "x = 1")
			},
			noted:   []string{"app.py", "lib"},
			changes: []string{"app.py", "lib/util.py"},
			files:   map[string]string{".gitignore": DefaultGitignore, "app.py": "print(2)", "README.md": "hi", "lib/util.py": "x = 1"},
		},
		{
			name:    "a deleted file",
			edit:    func(t *testing.T, w *Workspace) { os.Remove(filepath.Join(w.Root(), "README.md")) },
			noted:   []string{"README.md"},
			changes: []string{"-README.md"},
			files:   map[string]string{".gitignore": DefaultGitignore, "app.py": "print(1)"},
		},
		{
			name: "ignored paths are not committed",
			edit: func(t *testing.T, w *Workspace) {
				writeOutside(t, w, "node_modules/left-pad/index.js", "module.exports = 1")
				writeOutside(t, w, ".env", "KEY=secret")
				writeOutside(t, w, "dist/bundle.js", "x")
			},
			noted: []string{"node_modules", "node_modules/left-pad/index.js", ".env", "dist/bundle.js"},
			files: map[string]string{".gitignore": DefaultGitignore, "app.py": "print(1)", "README.md": "hi"},
		},
		{
			name:  "a save of the same text is no edit",
			edit:  func(t *testing.T, w *Workspace) { writeOutside(t, w, "app.py", "print(1)") },
			noted: []string{"app.py"},
			files: map[string]string{".gitignore": DefaultGitignore, "app.py": "print(1)", "README.md": "hi"},
		},
		{
			name:    "the whole folder (a sweep)",
			edit:    func(t *testing.T, w *Workspace) { writeOutside(t, w, "app.py", "print(3)") },
			noted:   []string{""},
			changes: []string{"app.py"},
			files:   map[string]string{".gitignore": DefaultGitignore, "app.py": "print(3)", "README.md": "hi"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := open(t)
			if _, _, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("print(1)")}, {Path: "README.md", Content: []byte("hi")}}, "make it", "m1", "p/m"); err != nil {
				t.Fatal(err)
			}
			tc.edit(t, w)
			w.Note(tc.noted...)
			v, changes, err := w.CommitOutside(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := paths(changes); !slices.Equal(got, append([]string{}, tc.changes...)) && !(len(got) == 0 && len(tc.changes) == 0) {
				t.Fatalf("changes %v, want %v", got, tc.changes)
			}
			hist, _ := w.History(ctx, 0)
			if len(tc.changes) == 0 {
				if v.ID != "" || len(hist) != 1 {
					t.Fatalf("a version was made for no edit: %+v (history %d)", v, len(hist))
				}
			} else if v.Message != OutsideMessage || v.Trailers[TrailerKind] != KindOutside || hist[0].ID != v.ID {
				t.Fatalf("outside version %+v", v)
			}
			got := tree(t, w)
			if len(got) != len(tc.files) {
				t.Fatalf("files %v, want %v", got, tc.files)
			}
			for p, c := range tc.files {
				if got[p] != c {
					t.Errorf("%s = %q, want %q", p, got[p], c)
				}
			}
		})
	}
}

// Tessera's own writes reach the watcher as events too; they are already
// committed when compared, so they never become outside versions.
func TestOwnWritesAreNotOutsideEdits(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	if _, _, err := w.RecordTurn(ctx, []File{{Path: "a.py", Content: []byte("1")}}, "one", "m1", "p/m"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.RecordEdit(ctx, []File{{Path: "b.py", Content: []byte("2")}}, ""); err != nil {
		t.Fatal(err)
	}
	hist, _ := w.History(ctx, 0)
	if _, err := w.Restore(ctx, hist[1].ID); err != nil {
		t.Fatal(err)
	}
	w.Note("a.py", "b.py", ".gitignore")
	v, changes, err := w.CommitOutside(ctx, "a.py")
	if err != nil || v.ID != "" || len(changes) != 0 {
		t.Fatalf("own writes taken for outside edits: %+v %v %v", v, changes, err)
	}
	if h, _ := w.History(ctx, 0); len(h) != 3 {
		t.Fatalf("history has %d versions, want 3", len(h))
	}
}

// An outside edit while the model is writing keeps both sides: the
// person's text is its own version, the turn's version has the model's
// and names the file in its Tessera-Conflict trailer.
func TestOutsideEditDuringATurnKeepsBothSides(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		watcher  bool // the watcher committed the edit before the turn recorded
		other    bool // an outside edit to a file the turn does not write
		conflict string
	}{
		{name: "edit not yet seen by the watcher", conflict: "app.py"},
		{name: "edit already committed by the watcher", watcher: true, conflict: "app.py"},
		{name: "edit to another file", other: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := open(t)
			if _, _, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("v1")}, {Path: "notes.md", Content: []byte("n1")}}, "first", "m1", "p/m"); err != nil {
				t.Fatal(err)
			}
			if err := w.BeginTurn(ctx); err != nil {
				t.Fatal(err)
			}
			edited := "app.py"
			if tc.other {
				edited = "notes.md"
			}
			writeOutside(t, w, edited, "person's text")
			if tc.other {
				w.Note(edited) // the watcher notes each path as its event arrives
			}
			if tc.watcher {
				if _, cs, err := w.CommitOutside(ctx, edited); err != nil || len(cs) != 1 {
					t.Fatalf("watcher commit: %v %v", cs, err)
				}
			}
			v, changed, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("model's text")}}, "second", "m2", "p/m")
			if err != nil || !changed {
				t.Fatal(changed, err)
			}
			if got := v.Trailers[TrailerConflict]; got != tc.conflict {
				t.Errorf("conflict trailer %q, want %q", got, tc.conflict)
			}
			if !slices.Equal(v.FilesChanged, []string{"app.py"}) {
				t.Errorf("the turn's version changed %v: an outside edit was swallowed", v.FilesChanged)
			}
			hist, _ := w.History(ctx, 0)
			if len(hist) != 3 || hist[1].Trailers[TrailerKind] != KindOutside {
				t.Fatalf("history %+v, want turn, outside, turn", hist)
			}
			ds, err := w.Diff(ctx, hist[1].ID)
			if err != nil || len(ds) != 1 || ds[0].Path != edited || string(ds[0].After) != "person's text" {
				t.Fatalf("the person's version is not kept: %+v %v", ds, err)
			}
			if got := tree(t, w)["app.py"]; got != "model's text" {
				t.Errorf("app.py = %q, want the model's", got)
			}
			// What the turn committed for the person is handed on next (to
			// project_files and the sandbox), but never the turn's own files.
			_, cs, err := w.CommitOutside(ctx)
			want := []string{}
			if tc.other {
				want = []string{"notes.md"}
			}
			if err != nil || !slices.Equal(paths(cs), want) {
				t.Fatalf("handed on after the turn: %v %v, want %v", paths(cs), err, want)
			}
			if tc.other && string(cs[0].Content) != "person's text" {
				t.Errorf("notes.md handed on as %q", cs[0].Content)
			}
			if _, cs, _ := w.CommitOutside(ctx); len(cs) != 0 {
				t.Errorf("handed on twice: %v", paths(cs))
			}
		})
	}
}

func TestSweepFindsEditsMadeWhileClosed(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("1")}}, "one")
	writeOutside(t, w, "a.txt", "2")
	writeOutside(t, w, "b/c.txt", "3")
	writeOutside(t, w, "node_modules/x/y.js", "4")
	v, cs, err := w.Sweep(ctx)
	if err != nil || v.ID == "" {
		t.Fatal(v, err)
	}
	if got := paths(cs); !slices.Equal(got, []string{"a.txt", "b/c.txt"}) {
		t.Errorf("swept %v", got)
	}
}

// A new project's folder holds only the .gitignore Open wrote: that is
// Tessera's, not an outside edit; a file the person drops in is.
func TestNewFolderIsNotAnOutsideEdit(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	if v, cs, err := w.Sweep(ctx); err != nil || v.ID != "" || len(cs) != 0 {
		t.Fatalf("the default .gitignore was taken for an outside edit: %+v %v %v", v, cs, err)
	}
	writeOutside(t, w, "data.csv", "a,b")
	if _, cs, err := w.Sweep(ctx); err != nil || !slices.Equal(paths(cs), []string{"data.csv"}) {
		t.Fatalf("swept %v %v", paths(cs), err)
	}
}

func TestRestoreBefore(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	v1, _, _ := w.RecordTurn(ctx, []File{{Path: "a.py", Content: []byte("1")}}, "one", "m1", "p/m")
	v2, _, _ := w.RecordTurn(ctx, []File{{Path: "a.py", Content: []byte("2")}, {Path: "b.py", Content: []byte("b")}}, "two", "m2", "p/m")
	u, err := w.RestoreBefore(ctx, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, w); len(got) != 2 || got["a.py"] != "1" || u.Trailers[TrailerKind] != "undo" || u.Trailers[TrailerRestored] != v1.ID {
		t.Fatalf("after undo of two: %v %+v", got, u)
	}
	if _, err := os.Stat(filepath.Join(w.Root(), "b.py")); !os.IsNotExist(err) {
		t.Error("b.py still on disk")
	}
	// The first version has no version before: only its .gitignore stays.
	if _, err := w.RestoreBefore(ctx, v1.ID); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, w); len(got) != 1 || got[".gitignore"] == "" {
		t.Fatalf("after undo of one: %v", got)
	}
	if _, err := w.RestoreBefore(ctx, v1.ID); err == nil || !strings.Contains(err.Error(), "nothing changed") {
		t.Errorf("second undo of one: %v, want nothing changed", err)
	}
	if h, _ := w.History(ctx, 0); len(h) != 4 {
		t.Errorf("history %d versions, want 4 (nothing lost)", len(h))
	}
}

// The real watcher: an edit in a project folder reaches OnChange; edits in
// ignored folders and outside project folders do not.
func TestWatcher(t *testing.T) {
	root := t.TempDir()
	proj := filepath.Join(root, "My app")
	if err := os.MkdirAll(filepath.Join(proj, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := make(chan []string, 16)
	w, err := Watch(root, WatchConfig{Quiet: 50 * time.Millisecond, OnChange: func(folder string, paths []string) {
		got <- append([]string{folder}, paths...)
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	os.WriteFile(filepath.Join(proj, "node_modules", "x.js"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(root, ".trash", "old"), 0o755)
	os.WriteFile(filepath.Join(root, ".trash", "old", "y"), []byte("y"), 0o644)
	os.MkdirAll(filepath.Join(proj, "src"), 0o755)
	// A folder made after the start is watched too: wait until its file
	// shows up, whatever batches that takes.
	seen := map[string]bool{}
	deadline := time.After(20 * time.Second)
	for !seen["src/main.py"] {
		os.WriteFile(filepath.Join(proj, "src", "main.py"), []byte("print(1)"), 0o644)
		select {
		case b := <-got:
			if b[0] != "My app" {
				t.Fatalf("change in folder %q", b[0])
			}
			for _, p := range b[1:] {
				seen[p] = true
			}
		case <-deadline:
			t.Fatalf("no change seen; got %v", seen)
		}
	}
	for p := range seen {
		if strings.HasPrefix(p, "node_modules") {
			t.Errorf("an ignored path was handed on: %q", p)
		}
	}
}

// A project folder renamed (the project was renamed) is watched under its
// new name, its subfolders too.
func TestWatcherFollowsARenamedFolder(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "Old name")
	if err := os.MkdirAll(filepath.Join(old, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := make(chan []string, 64)
	w, err := Watch(root, WatchConfig{Quiet: 30 * time.Millisecond, OnChange: func(folder string, paths []string) {
		got <- append([]string{folder}, paths...)
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := os.Rename(old, filepath.Join(root, "New name")); err != nil {
		t.Fatal(err)
	}
	waitEdit := func(rel, folder string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			os.WriteFile(filepath.Join(root, folder, filepath.FromSlash(rel)), []byte("x"), 0o644)
			select {
			case b := <-got:
				if slices.Contains(b[1:], rel) {
					if b[0] != folder {
						t.Fatalf("the edit was reported under another folder: %v", b)
					}
					return
				}
			case <-deadline:
				t.Fatalf("no change of %s seen in %s", rel, folder)
			}
		}
	}
	waitEdit("src/a.py", "New name")
	// A subfolder renamed inside the project, likewise.
	if err := os.Rename(filepath.Join(root, "New name", "src"), filepath.Join(root, "New name", "lib")); err != nil {
		t.Fatal(err)
	}
	waitEdit("lib/b.py", "New name")
}
