package projectfiles

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// rig is the owner with real parts: a SQLite file, a workspace folder
// under git, and the sandbox manager over the fake E2B (the loopback
// server the other packages' suites run against).
type rig struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	fake  *e2btest.Fake
	mgr   *sandbox.Manager
	wm    *workspace.Manager
	owner *Owner
	proj  store.Project
	// mark is the files before a step's last change, when the step
	// made one of its own first (property test).
	mark map[string]string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := e2btest.New(t)
	client, err := e2b.New(fake.Config("e2b-key"))
	if err != nil {
		t.Fatal(err)
	}
	mgr := sandbox.NewManager(sandbox.Config{
		Client:     func(context.Context) (sandbox.Control, error) { return sandbox.E2B{Client: client}, nil },
		Store:      st,
		ManualTick: true,
	})
	t.Cleanup(mgr.Close)
	wm := workspace.NewManager(filepath.Join(t.TempDir(), "Tessera"))
	r := &rig{t: t, ctx: ctx, st: st, fake: fake, mgr: mgr, wm: wm}
	r.owner = New(Config{Workspaces: wm, Store: st, Replica: SandboxReplica{Manager: mgr}})
	if r.proj, err = st.CreateProject(ctx, store.NewProject{Name: "App"}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) apply(c Change) Result {
	r.t.Helper()
	res, err := r.owner.Apply(r.ctx, r.proj.ID, c)
	if err != nil {
		r.t.Fatalf("apply: %v", err)
	}
	return res
}

// folderRoot is the project's folder on disk.
func (r *rig) folderRoot() string {
	r.t.Helper()
	w, err := r.owner.Workspace(r.ctx, r.proj.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return w.Root()
}

// folder is what the project's folder holds on disk (what the person
// sees), .gitignore aside.
func (r *rig) folder() map[string]string {
	r.t.Helper()
	root := r.folderRoot()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && rel == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && rel != ".gitignore" {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// version is what the folder's current version holds.
func (r *rig) version() map[string]string {
	r.t.Helper()
	w, err := r.owner.Workspace(r.ctx, r.proj.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	fs, err := w.Files(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fs {
		if f.Path != ".gitignore" {
			out[f.Path] = string(f.Content)
		}
	}
	return out
}

func (r *rig) index() map[string]string {
	r.t.Helper()
	fs, err := r.st.ListFiles(r.ctx, r.proj.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fs {
		if f.Path != ".gitignore" {
			out[f.Path] = f.Content
		}
	}
	return out
}

// sandboxFiles is what the project's sandbox holds under its project
// folder, among paths (the sandbox has files of its own too).
func (r *rig) sandboxFiles(paths []string) map[string]string {
	r.t.Helper()
	p, err := r.st.GetProject(r.ctx, r.proj.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	all := r.fake.Files(p.SandboxID)
	out := map[string]string{}
	for _, rel := range paths {
		if b, ok := all[sandbox.DefaultRoot+"/"+rel]; ok {
			out[rel] = string(b)
		}
	}
	return out
}

// ensure makes (or resumes) the project's sandbox and catches it up, as a
// turn's run does.
func (r *rig) ensure() *sandbox.Handle {
	r.t.Helper()
	h, err := r.mgr.Ensure(r.ctx, r.proj.ID, "")
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.owner.Catchup(r.ctx, h); err != nil {
		r.t.Fatal(err)
	}
	return h
}

// outside writes (or, with content "", deletes) a file in the folder as
// another program would.
func (r *rig) outside(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.folderRoot(), filepath.FromSlash(rel))
	if content == "" {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.t.Fatal(err)
		}
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func keys(m map[string]string) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, ",")
}
