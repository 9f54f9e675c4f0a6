package projects

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
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
	return New(Config{Store: st, Duplicator: st, Files: files, Sandboxes: c, Terminals: c, Secrets: c}), st, c, root
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
