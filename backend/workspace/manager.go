package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// TrashDir is the folder under the root that deleted projects' workspaces
// are moved to: deleting a project never deletes the person's files.
const TrashDir = ".trash"

// Index is what the manager needs from the projects table.
type Index interface {
	ListProjects(ctx context.Context) ([]store.Project, error)
	SetWorkspace(ctx context.Context, projectID, folder string) error
}

// Manager owns the workspaces under one root folder. It hands out one
// *Workspace per folder, so every writer of a folder shares its mutex.
type Manager struct {
	root string
	opts []Option

	mu   sync.Mutex // guards open, assigned and folder names being chosen or moved
	open map[string]*Workspace
	// assigned is the folder this manager gave each project that had
	// none: two callers that read the project before either gave it one
	// (two writers at once) get the same folder, not one each.
	assigned map[string]string
}

// NewManager returns a manager for the workspaces under root.
func NewManager(root string, opts ...Option) *Manager {
	return &Manager{root: filepath.Clean(root), opts: opts, open: map[string]*Workspace{}, assigned: map[string]string{}}
}

// Root is the folder holding every workspace.
func (m *Manager) Root() string { return m.root }

// Path is where a folder name lives.
func (m *Manager) Path(folder string) string { return filepath.Join(m.root, folder) }

func (m *Manager) get(folder string) (*Workspace, error) {
	if !validFolder(folder) {
		return nil, apperr.Newf(apperr.Internal, "The project's folder name %q is not usable.", folder)
	}
	if w, ok := m.open[strings.ToLower(folder)]; ok {
		return w, nil
	}
	w, err := Open(m.Path(folder), m.opts...)
	if err != nil {
		return nil, err
	}
	m.open[strings.ToLower(folder)] = w
	return w, nil
}

// For returns the project's workspace, giving the project a folder first
// when it has none yet (a project made before workspaces, or whose folder
// could not be made at creation).
func (m *Manager) For(ctx context.Context, idx Index, p store.Project) (*Workspace, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Workspace == "" {
		f, err := m.assign(ctx, idx, p.ID, p.Name)
		if err != nil {
			return nil, err
		}
		p.Workspace = f
	}
	return m.get(p.Workspace)
}

// ensureFolder gives the project its folder (name recorded, folder made)
// when it has none yet, without opening the repository.
func (m *Manager) ensureFolder(ctx context.Context, idx Index, p store.Project) error {
	if p.Workspace != "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := m.assign(ctx, idx, p.ID, p.Name)
	return err
}

// assign picks a free folder name for the project, creates the folder
// (reserving the name on disk) and records it. Called with m.mu held.
func (m *Manager) assign(ctx context.Context, idx Index, projectID, name string) (string, error) {
	if f, ok := m.assigned[projectID]; ok {
		return f, nil
	}
	taken, err := m.takenNames(ctx, idx, projectID)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(m.root, dirMode); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not create the projects folder "+m.root+". Check that you may write there, or choose another folder in Settings.")
	}
	folder := uniqueName(SafeName(name), func(c string) bool {
		if taken[strings.ToLower(c)] {
			return true
		}
		_, err := os.Lstat(m.Path(c))
		return !errors.Is(err, fs.ErrNotExist) || m.existsFold(c)
	})
	if err := os.Mkdir(m.Path(folder), dirMode); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not create the project folder "+m.Path(folder)+".")
	}
	if err := idx.SetWorkspace(ctx, projectID, folder); err != nil {
		os.Remove(m.Path(folder))
		return "", err
	}
	m.assigned[projectID] = folder
	return folder, nil
}

// existsFold reports a folder whose name differs from c only in case, for
// case-sensitive file systems that would otherwise let both exist.
func (m *Manager) existsFold(c string) bool {
	ents, err := os.ReadDir(m.root)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if strings.EqualFold(e.Name(), c) {
			return true
		}
	}
	return false
}

func (m *Manager) takenNames(ctx context.Context, idx Index, except string) (map[string]bool, error) {
	ps, err := idx.ListProjects(ctx)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, p := range ps {
		if p.ID != except && p.Workspace != "" {
			taken[strings.ToLower(p.Workspace)] = true
		}
	}
	return taken, nil
}

// Rename moves the project's folder to follow its new name and returns the
// folder name now recorded. When the folder cannot move (open in another
// program on Windows), it keeps its old name: the name is cosmetic.
func (m *Manager) Rename(ctx context.Context, idx Index, p store.Project, newName string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Workspace != "" {
		delete(m.assigned, p.ID) // the folder is recorded: the store knows it now
	}
	if p.Workspace == "" || !validFolder(p.Workspace) {
		return m.assign(ctx, idx, p.ID, newName)
	}
	if strings.EqualFold(SafeName(newName), p.Workspace) {
		return p.Workspace, nil
	}
	taken, err := m.takenNames(ctx, idx, p.ID)
	if err != nil {
		return "", err
	}
	folder := uniqueName(SafeName(newName), func(c string) bool {
		if taken[strings.ToLower(c)] {
			return true
		}
		if strings.EqualFold(c, p.Workspace) {
			return false // its own folder
		}
		_, err := os.Lstat(m.Path(c))
		return !errors.Is(err, fs.ErrNotExist) || m.existsFold(c)
	})
	key := strings.ToLower(p.Workspace)
	w, isOpen := m.open[key]
	if isOpen {
		// Wait for the workspace's writers and keep new ones out while the
		// folder moves; then the same Workspace follows it, so a caller
		// holding it from before writes to the new place.
		w.mu.Lock()
		defer w.mu.Unlock()
	}
	if err := os.Rename(m.Path(p.Workspace), m.Path(folder)); err != nil {
		return p.Workspace, nil
	}
	if err := idx.SetWorkspace(ctx, p.ID, folder); err != nil {
		os.Rename(m.Path(folder), m.Path(p.Workspace))
		return "", err
	}
	delete(m.open, key)
	if isOpen {
		if err := w.moved(m.Path(folder)); err != nil {
			return "", err
		}
		m.open[strings.ToLower(folder)] = w
	}
	return folder, nil
}

// Trash moves a deleted project's folder to <root>/.trash, never deleting
// it: the person may want the files back. Returns where it went ("" when
// the project had no folder).
func (m *Manager) Trash(p store.Project) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.assigned, p.ID)
	if p.Workspace == "" || !validFolder(p.Workspace) {
		return "", nil
	}
	src := m.Path(p.Workspace)
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	key := strings.ToLower(p.Workspace)
	if w, ok := m.open[key]; ok {
		w.mu.Lock()
		defer w.mu.Unlock()
	}
	trash := filepath.Join(m.root, TrashDir)
	if err := os.MkdirAll(trash, dirMode); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not create "+trash+".")
	}
	dst := filepath.Join(trash, uniqueName(p.Workspace, func(c string) bool {
		_, err := os.Lstat(filepath.Join(trash, c))
		return !errors.Is(err, fs.ErrNotExist)
	}))
	if err := os.Rename(src, dst); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, fmt.Sprintf("Tessera could not move the project folder %s to %s.", src, trash))
	}
	if w, ok := m.open[key]; ok {
		w.gone = true // its mutex is held above
	}
	delete(m.open, key)
	return dst, nil
}

// Branch copies a version of one project's workspace into a new folder for
// the project newProject (already in the index) and records the folder.
func (m *Manager) Branch(ctx context.Context, idx Index, from store.Project, versionID string, newProject store.Project) (Version, error) {
	src, err := m.For(ctx, idx, from)
	if err != nil {
		return Version{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	folder, err := m.assign(ctx, idx, newProject.ID, newProject.Name)
	if err != nil {
		return Version{}, err
	}
	nw, v, err := src.Branch(ctx, versionID, m.Path(folder))
	if err != nil {
		return Version{}, err
	}
	m.open[strings.ToLower(folder)] = nw
	return v, nil
}
