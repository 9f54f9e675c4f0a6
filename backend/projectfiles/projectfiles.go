// Package projectfiles is the one owner of a project's files. Every change
// to them — the editor's saves, edits made outside Tessera, uploads, a
// turn's files, restore, undo and redo, a branch, an import, a duplicate —
// goes through Owner.Apply (or, for a new project's first files, Reindex),
// which keeps the three copies in step:
//
//  1. the folder (package workspace): the source of truth, a git
//     repository the person owns; every change is a version in it;
//  2. project_files in SQLite: a CACHE DERIVED FROM THE FOLDER. It holds
//     the current version's files that the replicas take (text and
//     uploads; a binary or very large file edited outside Tessera stays in
//     the folder only). Prompts read it and a lost sandbox is rebuilt from
//     it. Nothing but this package writes it; when in doubt, Reindex
//     derives it again from the folder;
//  3. the project's sandbox: a replica. Apply writes a running sandbox
//     now; a person's change (editor, upload, restore) resumes a paused
//     one to write it; an outside edit only remembers what a paused
//     sandbox missed, and Catchup writes that after the next Ensure. A
//     turn's files reach the sandbox in the turn's own run step.
//
// The API:
//
//	Apply(ctx, projectID, Change) (Result, error)
//	Changes: Save, Edit, Create, Rename, Delete, Upload, Turn, Outside,
//	         Sweep, RestoreTo, UndoTo; Write{Path, Content, IfMatch}
//	Read(ctx, projectID, path) (content, hash, error) and Hash(content)
//	Reindex(ctx, projectID) — a new project's index from its folder
//	Catchup(ctx, handle) — after Ensure: what a paused sandbox missed
//	Settle, Changed, SweepAll — outside edits (outside.go)
//	Restore, UndoTurn, RestoreVersion, Branch — versions (versions.go)
//
// Apply is serialised per project (two chats writing at once lose
// nothing: each change is its own version, in the order they arrive).
// A Write may carry IfMatch, the Hash of the content its writer last read
// (or Absent): when the file changed since, Apply fails with an
// apperr.Conflict sentence and writes nothing.
package projectfiles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Store is what the owner needs from the database.
type Store interface {
	workspace.Index
	GetProject(ctx context.Context, id string) (store.Project, error)
	CreateProject(ctx context.Context, in store.NewProject) (store.Project, error)
	DeleteProject(ctx context.Context, id string) error
	PutFiles(ctx context.Context, projectID string, files []store.File) error
	DeleteFile(ctx context.Context, projectID, path string) error
	ListFiles(ctx context.Context, projectID string) ([]store.File, error)
}

// Replica is the project's sandbox (SandboxReplica over sandbox.Manager).
type Replica interface {
	Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error)
	// WriteFiles writes project files into the sandbox of h (only there).
	WriteFiles(ctx context.Context, h *sandbox.Handle, files []store.File) error
	// Remove deletes project files from the sandbox of h.
	Remove(ctx context.Context, h *sandbox.Handle, paths []string) error
	Status(projectID string) sandbox.Status
}

// Config wires an Owner.
type Config struct {
	Workspaces *workspace.Manager
	Store      Store
	Replica    Replica       // nil: the folder and the index only (tests)
	Points     RestorePoints // nil: no runtime restore points
	Logger     *slog.Logger
}

// Owner changes projects' files. Safe for concurrent use.
type Owner struct {
	cfg Config

	mu      sync.Mutex
	locks   map[string]*sync.Mutex     // per project: one Apply at a time
	missing map[string]map[string]bool // project -> paths its paused sandbox lacks
}

// New builds an Owner.
func New(cfg Config) *Owner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Owner{cfg: cfg, locks: map[string]*sync.Mutex{}, missing: map[string]map[string]bool{}}
}

// Result is what a change did. Version is the new version when Changed
// (for a turn whose files were already so, the current one); Written and
// Removed are the project paths it changed; Synced is true when the
// sandbox has the change now; Warning is the sentence for a sandbox that
// could not take it now (the change is kept and reaches the sandbox when
// it is back or rebuilt).
type Result struct {
	Version workspace.Version
	Changed bool
	Written []string
	Removed []string
	Synced  bool
	Warning string
	// Runtime: a restore made the sandbox from the version's restore
	// point (installed packages and data back without reinstalling).
	Runtime bool
}

// Hash is the precondition token of content: what a writer passes back
// in Write.IfMatch.
func Hash(content []byte) string {
	s := sha256.Sum256(content)
	return hex.EncodeToString(s[:])
}

// Absent as Write.IfMatch requires that the file does not exist yet.
const Absent = "absent"

// Folders is the manager of the projects' folders (for the lifecycle:
// rename, trash, staging and adopting imports).
func (o *Owner) Folders() *workspace.Manager { return o.cfg.Workspaces }

// Workspace returns the project's folder (giving it one when it has none).
func (o *Owner) Workspace(ctx context.Context, projectID string) (*workspace.Workspace, error) {
	p, err := o.cfg.Store.GetProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return o.cfg.Workspaces.For(ctx, o.cfg.Store, p)
}

// Read returns a file of the project as it is in the folder now, with the
// hash to pass as IfMatch when writing it back.
func (o *Owner) Read(ctx context.Context, projectID, path string) ([]byte, string, error) {
	w, err := o.Workspace(ctx, projectID)
	if err != nil {
		return nil, "", err
	}
	b, err := w.ReadLimited(ctx, path, maxSyncBytes)
	if err != nil {
		return nil, "", err
	}
	return b, Hash(b), nil
}

// maxSyncBytes bounds one file read back from the folder for the index
// and the sandbox (larger ones stay in the folder and its history).
const maxSyncBytes = 64 << 20

// lock takes the project's lock; the caller unlocks it.
func (o *Owner) lock(projectID string) *sync.Mutex {
	o.mu.Lock()
	l := o.locks[projectID]
	if l == nil {
		l = &sync.Mutex{}
		o.locks[projectID] = l
	}
	o.mu.Unlock()
	l.Lock()
	return l
}

// Apply makes one change to the project's files: the folder (a version),
// the index, and the sandbox as the change's kind says. An invalid change
// or a failed precondition writes nothing.
func (o *Owner) Apply(ctx context.Context, projectID string, c Change) (Result, error) {
	c, err := c.clean()
	if err != nil {
		return Result{}, err
	}
	w, err := o.Workspace(ctx, projectID)
	if err != nil {
		return Result{}, err
	}
	l := o.lock(projectID)
	defer l.Unlock()
	return o.apply(ctx, projectID, w, c)
}

// apply is Apply with the project's lock held.
func (o *Owner) apply(ctx context.Context, projectID string, w *workspace.Workspace, c Change) (Result, error) {
	if err := checkPreconditions(ctx, w, c.Writes); err != nil {
		return Result{}, err
	}
	d, err := c.commit(ctx, w, func(msg string, args ...any) {
		o.cfg.Logger.Info(msg, append([]any{"project", projectID}, args...)...)
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{Version: d.version, Changed: d.changed, Written: paths(d.write), Removed: d.remove}
	if len(d.write) == 0 && len(d.remove) == 0 {
		return res, nil
	}
	if err := o.index(ctx, projectID, d.write, d.remove); err != nil {
		return res, err
	}
	mode := c.sync
	if mode == syncPoints && o.cfg.Points == nil {
		mode = syncEnsure
	}
	switch mode {
	case syncEnsure:
		o.toSandbox(ctx, projectID, &res, d.write, d.remove, true)
	case syncRunning:
		o.toSandbox(ctx, projectID, &res, d.write, d.remove, false)
	case syncPoints:
		o.restoreRuntime(ctx, projectID, c.version, &res, d.write, d.remove)
	}
	return res, nil
}

// checkPreconditions refuses writes whose file changed since the writer
// read it. The folder (what is on disk now) is compared: an edit made
// outside Tessera and not yet a version counts as a change too.
func checkPreconditions(ctx context.Context, w *workspace.Workspace, writes []Write) error {
	for _, wr := range writes {
		if wr.IfMatch == "" {
			continue
		}
		b, err := w.ReadLimited(ctx, wr.Path, maxSyncBytes)
		switch {
		case apperr.Is(err, apperr.NotFound):
			if wr.IfMatch != Absent {
				return apperr.Newf(apperr.Conflict, "%s was deleted since it was read; nothing was written. Read the project's files again and redo the change.", wr.Path)
			}
		case err != nil:
			return err
		case wr.IfMatch == Absent:
			return apperr.Newf(apperr.Conflict, "%s was created meanwhile by someone else; nothing was written. Read it and redo the change.", wr.Path)
		case Hash(b) != wr.IfMatch:
			return apperr.Newf(apperr.Conflict, "%s changed since it was read (an edit was saved meanwhile); nothing was written. Read it again and redo the change.", wr.Path)
		}
	}
	return nil
}

// index brings project_files in line with a change of the folder.
func (o *Owner) index(ctx context.Context, projectID string, write []store.File, remove []string) error {
	for _, p := range remove {
		if err := o.cfg.Store.DeleteFile(ctx, projectID, p); err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
	}
	if len(write) == 0 {
		return nil
	}
	return o.cfg.Store.PutFiles(ctx, projectID, write)
}

// Reindex derives the project's index from its folder's current version
// (a branch, an import or a duplicate: a new project whose folder was
// made whole). Paths the folder lacks leave the index.
func (o *Owner) Reindex(ctx context.Context, projectID string) error {
	w, err := o.Workspace(ctx, projectID)
	if err != nil {
		return err
	}
	l := o.lock(projectID)
	defer l.Unlock()
	now, err := w.Files(ctx)
	if err != nil {
		return err
	}
	have, err := o.cfg.Store.ListFiles(ctx, projectID)
	if err != nil {
		return err
	}
	files := FromEntries(now)
	keep := make(map[string]bool, len(files))
	for _, f := range files {
		keep[f.Path] = true
	}
	var gone []string
	for _, f := range have {
		if !keep[f.Path] {
			gone = append(gone, f.Path)
		}
	}
	return o.index(ctx, projectID, files, gone)
}

func paths(files []store.File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

// FromEntries is the one conversion of a version's files (workspace) to
// the index's rows (store).
//
// Links are left out: they live in the folder and its history only (a
// link is never followed, so neither the index nor the sandbox gets its
// target's text as if it were a file).
func FromEntries(in []workspace.FileEntry) []store.File {
	out := make([]store.File, 0, len(in))
	for _, f := range in {
		if f.Link {
			continue
		}
		out = append(out, store.File{Path: f.Path, Content: string(f.Content)})
	}
	return out
}

// toFolder is the one conversion the other way: rows or writes to the
// folder's files.
func toFolder(in []Write) []workspace.File {
	out := make([]workspace.File, len(in))
	for i, f := range in {
		out[i] = workspace.File{Path: f.Path, Content: f.Content, Delete: f.Delete}
	}
	return out
}
