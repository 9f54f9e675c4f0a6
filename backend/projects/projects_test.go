package projects

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/starters"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// calls records what the lifecycle asked of the other domains, in order.
type calls struct {
	mu  sync.Mutex
	log []string
	st  *store.Store
	// copyErr fails CopyAll.
	copyErr error
}

func (c *calls) add(s string) { c.mu.Lock(); c.log = append(c.log, s); c.mu.Unlock() }

func (c *calls) Kill(_ context.Context, id string) error { c.add("kill " + id); return nil }

func (c *calls) CloseProject(_ context.Context, id string) { c.add("terminals " + id) }

func (c *calls) CopyAll(_ context.Context, from, to string) error {
	c.add("copy secrets")
	return c.copyErr
}

func (c *calls) DeleteAll(ctx context.Context, id string, remove func(ctx context.Context) error) error {
	_, err := c.st.GetProject(ctx, id)
	c.add("delete secrets, row there: " + map[bool]string{true: "yes", false: "no"}[err == nil])
	return remove(ctx)
}

func newLife(t *testing.T) (*Lifecycle, *store.Store, *calls, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root := filepath.Join(t.TempDir(), "Tessera")
	files := projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(root), Store: st})
	c := &calls{st: st}
	cat, err := starters.Load()
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: st, Duplicator: st, Files: files, Sandboxes: c, Terminals: c, Secrets: c, Starters: cat}), st, c, root
}

func TestCreateFromEveryStarter(t *testing.T) {
	ctx := context.Background()
	l, st, _, root := newLife(t)
	for _, s := range l.cfg.Starters.List() {
		t.Run(s.ID, func(t *testing.T) {
			p, err := l.CreateFrom(ctx, store.NewProject{Name: "From " + s.ID}, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Template != s.Template || p.Workspace == "" {
				t.Fatalf("project %+v, want template %s and a folder", p, s.Template)
			}
			_, want, err := l.cfg.Starters.Files(s.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The folder has every file, the first version is the starter's,
			// and the index (what prompts and a rebuilt sandbox read) too.
			for _, f := range want {
				b, err := os.ReadFile(filepath.Join(root, p.Workspace, filepath.FromSlash(f.Path)))
				if err != nil || string(b) != string(f.Content) {
					t.Errorf("folder %s: %d bytes, %v", f.Path, len(b), err)
				}
			}
			w, err := l.cfg.Files.Workspace(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := w.History(ctx, 0)
			if err != nil || len(hist) == 0 || hist[0].Message != "Started from the starter "+s.Name {
				t.Fatalf("history %+v %v", hist, err)
			}
			for _, f := range want {
				if !slices.Contains(hist[0].FilesChanged, f.Path) {
					t.Errorf("the first version %v lacks %s", hist[0].FilesChanged, f.Path)
				}
			}
			idx, err := st.ListFiles(ctx, p.ID)
			if err != nil || len(idx) != len(want) {
				t.Fatalf("index %d files %v, want %d", len(idx), err, len(want))
			}
			for i, f := range idx {
				if f.Path != want[i].Path || f.Content != string(want[i].Content) {
					t.Errorf("index %d = %s, want %s", i, f.Path, want[i].Path)
				}
			}
		})
	}
}

func TestCreateFromAnUnknownStarterMakesNothing(t *testing.T) {
	ctx := context.Background()
	l, st, _, root := newLife(t)
	before, err := st.ListProjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "nope", "empty-", "../catalog"} {
		_, err := l.CreateFrom(ctx, store.NewProject{Name: "X"}, id)
		if !apperr.Is(err, apperr.Invalid) || apperr.MessageOf(err) == "" {
			t.Errorf("CreateFrom(%q) = %v, want an invalid request with a sentence", id, err)
		}
	}
	after, _ := st.ListProjects(ctx)
	if len(after) != len(before) {
		t.Errorf("%d projects after, %d before", len(after), len(before))
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("folders made: %v", entries)
	}
	// A bad name is refused by the store before any file is written.
	if _, err := l.CreateFrom(ctx, store.NewProject{Name: "  "}, "gradio-demo"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("blank name: %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	l, st, c, root := newLife(t)
	var told []string
	l.OnDelete(func(_ context.Context, id string) { told = append(told, id) })

	p, err := l.Create(ctx, store.NewProject{Name: "Weather / app"})
	if err != nil || p.Workspace != "Weather - app" {
		t.Fatalf("create %+v %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(root, p.Workspace, ".git")); err != nil {
		t.Fatalf("no folder: %v", err)
	}
	if _, err := l.cfg.Files.Apply(ctx, p.ID, projectfiles.Save(projectfiles.Write{Path: "app.py", Content: []byte("1")})); err != nil {
		t.Fatal(err)
	}
	name := "Rain"
	if p, err = l.Update(ctx, p.ID, store.ProjectPatch{Name: &name}); err != nil || p.Workspace != "Rain" {
		t.Fatalf("rename %+v %v", p, err)
	}

	d, err := l.Duplicate(ctx, p.ID)
	if err != nil || d.ID == p.ID || d.Workspace == "" {
		t.Fatalf("duplicate %+v %v", d, err)
	}
	if fs, _ := st.ListFiles(ctx, d.ID); len(fs) != 2 || fs[1].Content != "1" {
		t.Fatalf("duplicate's files %+v", fs)
	}
	c.copyErr = apperr.Wrap(errors.New("locked"), apperr.Unavailable, "The keychain is locked.")
	before, _ := st.ListProjects(ctx)
	if _, err := l.Duplicate(ctx, p.ID); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("duplicate without its secrets: %v", err)
	}
	if after, _ := st.ListProjects(ctx); len(after) != len(before) {
		t.Fatalf("a half duplicate is left: %d projects, was %d", len(after), len(before))
	}

	c.log = nil
	if err := l.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	want := []string{"terminals " + p.ID, "kill " + p.ID, "delete secrets, row there: yes"}
	if !slices.Equal(c.log, want) || !slices.Equal(told, []string{p.ID}) {
		t.Fatalf("delete asked %v, told %v", c.log, told)
	}
	if _, err := st.GetProject(ctx, p.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("row left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "Rain")); !os.IsNotExist(err) {
		t.Fatalf("folder not moved away: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(root, workspace.TrashDir)); len(ents) != 1 {
		t.Fatalf("trash holds %d", len(ents))
	}
	if err := l.Delete(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("delete of a missing project: %v", err)
	}
	if _, err := New(Config{Store: st}).Duplicate(ctx, d.ID); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("duplicate unwired: %v", err)
	}
}

func TestCreateFromUndoesAProjectWhoseFilesFail(t *testing.T) {
	ctx := context.Background()
	l, st, _, root := newLife(t)
	// The projects' root is a file: no folder can be made for the starter.
	if err := os.WriteFile(root, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := l.CreateFrom(ctx, store.NewProject{Name: "Dash"}, "streamlit-dashboard")
	if err == nil || !strings.HasSuffix(apperr.MessageOf(err), "The project was not created.") {
		t.Fatalf("err %v (%q), want a sentence that nothing was made", err, apperr.MessageOf(err))
	}
	if ps, err := st.ListProjects(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("projects left: %+v %v", ps, err)
	}
}
