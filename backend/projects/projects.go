// Package projects is a project's lifecycle beyond its row: create gives
// it a folder, a rename moves the folder along, delete closes its
// terminals, kills its sandbox, removes its secrets, its rows and puts its
// folder in the trash, and duplicate copies the rows, the secrets and the
// files. The files are the files owner's (package projectfiles); the
// bound layer (api) only validates, calls these and maps the results.
package projects

import (
	"context"
	"log/slog"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/starters"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Store is what the lifecycle needs from the database.
type Store interface {
	workspace.Index
	CreateProject(ctx context.Context, in store.NewProject) (store.Project, error)
	GetProject(ctx context.Context, id string) (store.Project, error)
	UpdateProject(ctx context.Context, id string, patch store.ProjectPatch) (store.Project, error)
	DeleteProject(ctx context.Context, id string) error
}

// Duplicator copies a project's rows (chat, installs, variables).
type Duplicator interface {
	DuplicateProject(ctx context.Context, fromID, name string) (store.Project, error)
}

// Sandboxes kills a deleted project's sandbox (sandbox.Manager).
type Sandboxes interface {
	Kill(ctx context.Context, projectID string) error
}

// Terminals closes a project's terminals (terminal.Manager).
type Terminals interface {
	CloseProject(ctx context.Context, projectID string)
}

// Secrets is the keychain side of a project's secret variables.
type Secrets interface {
	// CopyAll copies the values of from's secret variables to to (whose
	// rows are copied already); an error is a sentence.
	CopyAll(ctx context.Context, fromID, toID string) error
	// DeleteAll removes the project's secret values from the keychain
	// around remove, which deletes its rows: a failed remove keeps every
	// value; a leftover entry afterwards is logged (package env).
	DeleteAll(ctx context.Context, projectID string, remove func(ctx context.Context) error) error
}

// Config wires a Lifecycle; every part but Store is optional.
type Config struct {
	Store      Store
	Duplicator Duplicator
	// Files owns the projects' files and folders (nil: projects have no
	// folders, tests).
	Files     *projectfiles.Owner
	Sandboxes Sandboxes
	Terminals Terminals
	Secrets   Secrets
	// Starters is the gallery CreateFrom takes a new project's first
	// files from (nil: no starters).
	Starters *starters.Catalog
	Logger   *slog.Logger
}

// Lifecycle creates, renames, deletes and duplicates projects. Safe for
// concurrent use once built (OnDelete is for wiring).
type Lifecycle struct {
	cfg     Config
	deleted []func(ctx context.Context, projectID string)
}

// New builds a Lifecycle.
func New(cfg Config) *Lifecycle {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Lifecycle{cfg: cfg}
}

// OnDelete asks to be told when a project is gone (its push token, its
// restore points); called while wiring, before any use.
func (l *Lifecycle) OnDelete(f func(ctx context.Context, projectID string)) {
	l.deleted = append(l.deleted, f)
}

// killWait bounds the terminals' close and the sandbox kill of a delete.
const killWait = 15 * time.Second

// Create makes a project and its folder. A folder that cannot be made now
// is made on first use, so the project is created regardless.
func (l *Lifecycle) Create(ctx context.Context, in store.NewProject) (store.Project, error) {
	p, err := l.cfg.Store.CreateProject(ctx, in)
	if err != nil {
		return store.Project{}, err
	}
	l.cfg.Logger.Info("project created", "project", p.ID)
	return l.withFolder(ctx, p), nil
}

// CreateFrom makes a project from a starter: the starter's template, its
// folder, and the starter's files as its first version (through the files
// owner, so the index has them and a sandbox is built with them). An
// unknown starter is refused before anything is made; files that cannot
// be written undo the project (no half-made project is left behind).
func (l *Lifecycle) CreateFrom(ctx context.Context, in store.NewProject, starterID string) (store.Project, error) {
	if l.cfg.Starters == nil || l.cfg.Files == nil {
		return store.Project{}, apperr.New(apperr.Unavailable, "Starters are not available in this build of Tessera.")
	}
	s, files, err := l.cfg.Starters.Files(starterID)
	if err != nil {
		return store.Project{}, err
	}
	in.Template = s.Template
	p, err := l.cfg.Store.CreateProject(ctx, in)
	if err != nil {
		return store.Project{}, err
	}
	writes := make([]projectfiles.Write, len(files))
	for i, f := range files {
		writes[i] = projectfiles.Write{Path: f.Path, Content: f.Content, IfMatch: projectfiles.Absent}
	}
	if _, err := l.cfg.Files.Apply(ctx, p.ID, projectfiles.Edit("Started from the starter "+s.Name, writes...)); err != nil {
		if derr := l.Delete(context.WithoutCancel(ctx), p.ID); derr != nil {
			l.cfg.Logger.Warn("a project whose starter files failed is not removed", "project", p.ID, "err", derr)
		}
		return store.Project{}, apperr.Wrap(err, apperr.CodeOf(err), apperr.MessageOf(err)+" The project was not created.")
	}
	l.cfg.Logger.Info("project created from a starter", "project", p.ID, "starter", s.ID)
	return l.withFolder(ctx, p), nil
}

func (l *Lifecycle) withFolder(ctx context.Context, p store.Project) store.Project {
	if l.cfg.Files == nil {
		return p
	}
	if _, err := l.cfg.Files.Workspace(ctx, p.ID); err != nil {
		l.cfg.Logger.Warn("project folder not made yet", "project", p.ID, "err", err)
		return p
	}
	if np, err := l.cfg.Store.GetProject(ctx, p.ID); err == nil {
		return np
	}
	return p
}

// Update edits a project's row; a new name moves its folder along (best
// effort: the folder name is cosmetic, the project works under the old).
func (l *Lifecycle) Update(ctx context.Context, id string, patch store.ProjectPatch) (store.Project, error) {
	p, err := l.cfg.Store.UpdateProject(ctx, id, patch)
	if err != nil || patch.Name == nil || l.cfg.Files == nil {
		return p, err
	}
	f, err := l.cfg.Files.Folders().Rename(ctx, l.cfg.Store, p, p.Name)
	if err != nil {
		l.cfg.Logger.Warn("project folder not renamed", "project", p.ID, "err", err)
		return p, nil
	}
	p.Workspace = f
	return p, nil
}

// Delete removes a project: its terminals close first (none may bring the
// sandbox back), its sandbox is killed (one that cannot be now is left to
// reconcile at the next start: its metadata names a project that no longer
// exists), its secrets leave the keychain, its rows go, its folder goes to
// the trash (never removed), and OnDelete's are told.
func (l *Lifecycle) Delete(ctx context.Context, id string) error {
	p, err := l.cfg.Store.GetProject(ctx, id)
	if err != nil {
		return err
	}
	if l.cfg.Terminals != nil {
		tctx, cancel := context.WithTimeout(ctx, killWait)
		l.cfg.Terminals.CloseProject(tctx, id)
		cancel()
	}
	if l.cfg.Sandboxes != nil {
		// Bounded: a slow or unreachable E2B must not hold up the delete.
		kctx, cancel := context.WithTimeout(ctx, killWait)
		err := l.cfg.Sandboxes.Kill(kctx, id)
		cancel()
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			l.cfg.Logger.Warn("sandbox kill on delete failed; reconcile will retry", "project", id, "err", err)
		}
	}
	remove := func(ctx context.Context) error { return l.cfg.Store.DeleteProject(ctx, id) }
	if l.cfg.Secrets != nil {
		err = l.cfg.Secrets.DeleteAll(ctx, id, remove) // the secrets go with the rows
	} else {
		err = remove(ctx)
	}
	if err != nil {
		return err
	}
	if l.cfg.Files != nil {
		if dst, err := l.cfg.Files.Folders().Trash(p); err != nil {
			l.cfg.Logger.Warn("project folder left in place", "project", p.ID, "err", err)
		} else if dst != "" {
			l.cfg.Logger.Info("project folder moved to the trash", "project", p.ID, "to", dst)
		}
	}
	for _, f := range l.deleted {
		f(ctx, id)
	}
	return nil
}

// Duplicate makes a new project with a copy of the project's chat, files
// (its folder, history included), recorded installs and variables (secret
// ones too). It has no sandbox yet: the first use builds one. Secrets that
// cannot be copied undo the duplicate (they are what the person would
// miss).
func (l *Lifecycle) Duplicate(ctx context.Context, id string) (store.Project, error) {
	if l.cfg.Duplicator == nil {
		return store.Project{}, apperr.New(apperr.Unavailable, "Duplicating projects is not available.")
	}
	from, err := l.cfg.Store.GetProject(ctx, id)
	if err != nil {
		return store.Project{}, err
	}
	p, err := l.cfg.Duplicator.DuplicateProject(ctx, id, "")
	if err != nil {
		return store.Project{}, err
	}
	if l.cfg.Secrets != nil {
		if err := l.cfg.Secrets.CopyAll(ctx, from.ID, p.ID); err != nil {
			// No half copy: the secrets are what the person would miss.
			_ = l.cfg.Secrets.DeleteAll(context.WithoutCancel(ctx), p.ID,
				func(ctx context.Context) error { return l.cfg.Store.DeleteProject(ctx, p.ID) })
			return store.Project{}, apperr.Wrap(err, apperr.CodeOf(err), apperr.MessageOf(err)+" The project was not duplicated.")
		}
	}
	if l.cfg.Files != nil {
		if err := l.cfg.Files.Duplicate(ctx, from.ID, p.ID); err != nil {
			l.cfg.Logger.Warn("the duplicate's files are not all in place", "project", p.ID, "err", err)
		}
		if np, err := l.cfg.Store.GetProject(ctx, p.ID); err == nil {
			p = np
		}
	}
	l.cfg.Logger.Info("project duplicated", "from", from.ID, "project", p.ID)
	return p, nil
}
