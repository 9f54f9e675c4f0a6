package workspace

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/sync/errgroup"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// rootInUseKey remembers the root the workspaces were last found under, so
// a root changed in Settings moves them at the next start.
const rootInUseKey = "workspace_root_in_use"

// ImportMessage is the first version of a project made before workspaces.
const ImportMessage = "Imported from Tessera's database"

// StartupStore is what the start-up step needs from the database.
type StartupStore interface {
	Index
	ListFiles(ctx context.Context, projectID string) ([]store.File, error)
	ProjectsWithFiles(ctx context.Context) (map[string]bool, error)
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Startup prepares every project's workspace before the window opens:
// folders under a root changed in Settings are moved there, each project
// gets a folder, and a project whose folder has no history yet (one made
// before workspaces) gets its project_files written and committed as its
// first version. Nothing is deleted: project_files stays as it was.
// A project that fails is logged and skipped; the others go on.
func Startup(ctx context.Context, st StartupStore, m *Manager, log *slog.Logger) error {
	ps, err := st.ListProjects(ctx)
	if err != nil {
		return err
	}
	prev, _, err := st.GetSetting(ctx, rootInUseKey)
	if err != nil {
		return err
	}
	if prev != "" && filepath.Clean(prev) != m.Root() {
		m.moveFrom(prev, ps, log)
	}
	withFiles, err := st.ProjectsWithFiles(ctx)
	if err != nil {
		return err
	}
	// Names are taken from the list read above, kept current as folders
	// are assigned: asking the database for every project's name again
	// for each new folder made a thousand-project upgrade quadratic
	// (measured: half of its time).
	idx := &startupIndex{StartupStore: st, ps: ps}
	var mu sync.Mutex
	var first error
	fail := func(p store.Project, err error) {
		log.Warn("workspace not ready", "project", p.ID, "err", err)
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
	}
	// Folders first, one after the other, so that two projects of one
	// name get their names in the order of the list (idx shares ps, so
	// each p below has its folder name).
	for i := range ps {
		if ps[i].Workspace == "" {
			if err := m.ensureFolder(ctx, idx, ps[i]); err != nil {
				fail(ps[i], err)
			}
		}
	}
	// Then the imports side by side: each is its own repository, mostly
	// waiting on the file system (measured: 1,000 folders took twice as
	// long one at a time).
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for _, p := range ps {
		if p.Workspace == "" {
			continue // failed above
		}
		g.Go(func() error {
			if err := importProject(gctx, idx, m, p, withFiles[p.ID], log); err != nil {
				fail(p, err)
			}
			return nil // one project's failure does not stop the others
		})
	}
	_ = g.Wait()
	if err := st.SetSetting(ctx, rootInUseKey, m.Root()); err != nil {
		return err
	}
	return first
}

// importWorkers is how many projects are imported at once at start-up.
const importWorkers = 4

// startupIndex answers ListProjects from the list Startup read (only
// Startup assigns folders while it runs: the window is not open yet).
// Every call comes with the Manager's mutex held (assign), which orders
// them.
type startupIndex struct {
	StartupStore
	ps []store.Project
}

func (x *startupIndex) ListProjects(context.Context) ([]store.Project, error) { return x.ps, nil }

func (x *startupIndex) SetWorkspace(ctx context.Context, projectID, folder string) error {
	if err := x.StartupStore.SetWorkspace(ctx, projectID, folder); err != nil {
		return err
	}
	for i := range x.ps {
		if x.ps[i].ID == projectID {
			x.ps[i].Workspace = folder
		}
	}
	return nil
}

func importProject(ctx context.Context, st StartupStore, m *Manager, p store.Project, hasFiles bool, log *slog.Logger) error {
	// The common case at every start: the folder has its history. Known
	// from two small reads, without opening (and keeping) the repository:
	// a thousand projects must not delay the window.
	if p.Workspace != "" && hasHistory(m.Path(p.Workspace)) {
		return nil
	}
	if !hasFiles {
		// Nothing to import: the folder, without opening a repository
		// (that happens on first use).
		return m.ensureFolder(ctx, st, p)
	}
	rows, err := st.ListFiles(ctx, p.ID)
	if err != nil || len(rows) == 0 {
		return err
	}
	w, err := m.For(ctx, st, p)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.repo.Head(); err == nil {
		return nil
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return w.gitErr(err)
	}
	files := make([]File, 0, len(rows))
	for _, f := range rows {
		// A path no folder can hold (an old row from before the path
		// checks) stays in project_files, where it was; the rest move on.
		if _, err := CleanPath(f.Path); err != nil {
			log.Warn("file left in the database: not a path inside the folder", "project", p.ID, "path", f.Path)
			continue
		}
		files = append(files, File{Path: f.Path, Content: []byte(f.Content)})
	}
	if _, err := w.write(ctx, files); err != nil {
		return err
	}
	_, err = w.commit(ctx, ImportMessage, []Trailer{{TrailerKind, "import"}})
	return err
}

// moveFrom moves each project's folder from the old root to this one. A
// folder already present here, or missing there, is left alone; a move
// across disks copies, then puts the old folder in the old root's trash.
func (m *Manager) moveFrom(old string, ps []store.Project, log *slog.Logger) {
	if err := os.MkdirAll(m.root, dirMode); err != nil {
		log.Warn("workspace root not usable", "root", m.root, "err", err)
		return
	}
	for _, p := range ps {
		if !validFolder(p.Workspace) {
			continue
		}
		src, dst := filepath.Join(old, p.Workspace), m.Path(p.Workspace)
		if _, err := os.Lstat(src); err != nil {
			continue
		}
		if _, err := os.Lstat(dst); err == nil {
			log.Warn("workspace left in the old root: the new root has a folder of that name", "project", p.ID, "old", src)
			continue
		}
		if err := os.Rename(src, dst); err == nil {
			continue
		}
		if err := copyTree(src, dst); err != nil {
			log.Warn("workspace could not move to the new root", "project", p.ID, "err", err)
			os.RemoveAll(dst) // only our partial copy; the original is intact
			continue
		}
		trash := filepath.Join(old, TrashDir)
		if os.MkdirAll(trash, dirMode) == nil {
			os.Rename(src, filepath.Join(trash, p.Workspace))
		}
	}
}

// copyTree copies regular files and folders (symlinks are skipped).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, dirMode)
		case !d.Type().IsRegular():
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fileMode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return apperr.Wrap(err, apperr.Internal, "copy "+p)
		}
		return out.Close()
	})
}

// startWait bounds the start-up step; a project it did not reach gets its
// folder on first use.
const startWait = 2 * time.Minute

// Start is the app's one call at start-up, before the window opens (so no
// turn can write before the import): a manager for root, with Startup run
// on it. Failures are logged, never fatal: the app works without folders.
func Start(ctx context.Context, st StartupStore, root string, log *slog.Logger) *Manager {
	m := NewManager(root)
	ctx, cancel := context.WithTimeout(ctx, startWait)
	defer cancel()
	t := time.Now()
	if err := Startup(ctx, st, m, log); err != nil {
		log.Warn("workspaces not all ready", "root", root, "err", err)
	}
	log.Info("workspaces ready", "root", root, "took", time.Since(t).Round(time.Millisecond))
	return m
}

// hasHistory reports whether the git repository in dir has a commit on
// its HEAD, from the files alone (.git/HEAD, the ref, packed-refs).
func hasHistory(dir string) bool {
	head, err := os.ReadFile(filepath.Join(dir, ".git", "HEAD"))
	if err != nil {
		return false
	}
	ref, symbolic := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: ")
	if !symbolic {
		return ref != "" // a detached HEAD names a commit
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", filepath.FromSlash(ref))); err == nil {
		return true
	}
	packed, err := os.ReadFile(filepath.Join(dir, ".git", "packed-refs"))
	return err == nil && strings.Contains(string(packed), " "+ref+"\n")
}
