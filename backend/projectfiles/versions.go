package projectfiles

// Versions as changes: restore (with runtime restore points), Undo and
// Redo of a turn, and a branch (a new project from a version).

import (
	"context"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// RestorePoints is the runtime side of versions (sandbox.RestorePoints).
type RestorePoints interface {
	// Restore makes the sandbox from version's restore point and ties
	// newVersion to it; used is false when there is none to use.
	Restore(ctx context.Context, projectID, version, newVersion string) (used bool, err error)
}

// Forker copies a project's live sandbox to another project (the
// Replica's, when it can).
type Forker interface {
	Fork(ctx context.Context, from, to string) error
}

// restoreRuntime finishes a restore when restore points are on: the index
// has the files; the sandbox is made from the version's snapshot, or (no
// snapshot, or E2B lost it) gets the files as any change does.
func (o *Owner) restoreRuntime(ctx context.Context, projectID, versionID string, res *Result, write []store.File, remove []string) {
	used, err := o.cfg.Points.Restore(ctx, projectID, versionID, res.Version.ID)
	switch {
	case used && err == nil:
		res.Runtime = true
		o.cfg.Logger.Info("version restored with its runtime", "project", projectID, "version", versionID)
		return
	case used:
		// Failed before the old sandbox went (no key, E2B down): it still
		// needs the files; failed after: there is none, its next run
		// builds one from them. The sentence is the restore point's.
		o.cfg.Logger.Warn("restoring the sandbox from the restore point failed", "project", projectID, "err", err)
		var quiet Result
		o.toSandbox(ctx, projectID, &quiet, write, remove, true)
		res.Warning, res.Synced = apperr.MessageOf(err), quiet.Synced
		return
	case err != nil:
		o.cfg.Logger.Warn("restore point not read", "project", projectID, "err", err)
	}
	o.toSandbox(ctx, projectID, res, write, remove, true)
}

// UndoTurn brings back the files from before the turn of the answers
// messageIDs (chat.Restorer). current is the version current before the
// undo (for Redo); restored is false when the exchange changed no file.
func (o *Owner) UndoTurn(ctx context.Context, projectID string, messageIDs []string) (current string, restored bool, warning string, err error) {
	w, err := o.Workspace(ctx, projectID)
	if err != nil {
		return "", false, "", err
	}
	ids := map[string]bool{}
	for _, id := range messageIDs {
		ids[id] = true
	}
	vs, err := w.History(ctx, 0)
	if err != nil || len(vs) == 0 {
		return "", false, "", err
	}
	turn := ""
	for _, v := range vs {
		if ids[v.Trailers[workspace.TrailerMessage]] {
			turn = v.ID
			break
		}
	}
	if turn == "" {
		return "", false, "", nil // the exchange changed no file
	}
	res, err := o.Apply(ctx, projectID, UndoTo(turn))
	if NoChanges(err) {
		// The answer had changed files, but they are already those of the
		// version before it (a restore in between): current, not restored.
		return vs[0].ID, false, "", nil
	} else if err != nil {
		return "", false, "", err
	}
	return vs[0].ID, true, res.Warning, nil
}

// RestoreVersion brings a version's files back (chat.Restorer, for Redo).
func (o *Owner) RestoreVersion(ctx context.Context, projectID, versionID string) (bool, string, error) {
	res, err := o.Apply(ctx, projectID, Redo(versionID))
	if NoChanges(err) {
		return false, "", nil
	} else if err != nil {
		return false, "", err
	}
	return true, res.Warning, nil
}

// BranchRequest makes a new project from a version of another.
type BranchRequest struct {
	ProjectID, VersionID, Name string
	// WithSandbox copies the project's live sandbox (only for the current
	// version, which is what the sandbox holds).
	WithSandbox bool
}

// Branched is the new project and its first version; Warning says the
// sandbox could not be copied (the new project builds its own).
type Branched struct {
	Project store.Project
	Version workspace.Version
	Warning string
}

// Branch makes a new project holding a version's files (its chat starts
// empty): its folder, then its index from the folder. Nothing half made
// stays: a failure puts the new folder in the trash and removes the row.
func (o *Owner) Branch(ctx context.Context, req BranchRequest) (Branched, error) {
	st, m := o.cfg.Store, o.cfg.Workspaces
	from, err := st.GetProject(ctx, req.ProjectID)
	if err != nil {
		return Branched{}, err
	}
	if req.WithSandbox {
		if err := o.canFork(ctx, from, req.VersionID); err != nil {
			return Branched{}, err
		}
	}
	p, err := st.CreateProject(ctx, store.NewProject{Name: req.Name, Description: from.Description, Template: from.Template})
	if err != nil {
		return Branched{}, err
	}
	v, err := m.Branch(ctx, st, from, req.VersionID, p)
	if err == nil {
		err = o.Reindex(ctx, p.ID)
	}
	if err != nil {
		keep := context.WithoutCancel(ctx)
		if half, gerr := st.GetProject(keep, p.ID); gerr == nil {
			if _, terr := m.Trash(half); terr != nil {
				o.cfg.Logger.Warn("could not put the half-made branch's folder away", "project", p.ID, "err", terr)
			}
		}
		if derr := st.DeleteProject(keep, p.ID); derr != nil {
			o.cfg.Logger.Warn("could not remove the half-made branch", "project", p.ID, "err", derr)
		}
		return Branched{}, err
	}
	o.cfg.Logger.Info("project branched", "from", from.ID, "project", p.ID)
	out := Branched{Version: v}
	if req.WithSandbox {
		out.Warning = o.fork(ctx, from.ID, p.ID)
	}
	out.Project, err = st.GetProject(ctx, p.ID)
	return out, err
}

// canFork refuses a copy of the live sandbox that could not be right:
// the sandbox holds the current version's files, not an older one's.
func (o *Owner) canFork(ctx context.Context, from store.Project, versionID string) error {
	if _, ok := o.cfg.Replica.(Forker); !ok {
		return apperr.New(apperr.Invalid, "Copying the sandbox is not available here. Branch without it.")
	}
	if from.SandboxID == "" {
		return apperr.New(apperr.Invalid, "This project has no sandbox yet, so there is none to copy. Branch without it: the new project builds its own on its first run.")
	}
	w, err := o.Workspace(ctx, from.ID)
	if err != nil {
		return err
	}
	vs, err := w.History(ctx, 1)
	if err != nil {
		return err
	}
	if len(vs) == 0 || vs[0].ID != versionID {
		return apperr.New(apperr.Invalid, "Only the current version can take the sandbox along (it holds the current files). Branch this version without it.")
	}
	return nil
}

// fork copies from's live sandbox to the new project; a failure is a
// warning (the new project builds its sandbox from the files).
func (o *Owner) fork(ctx context.Context, from, to string) string {
	f, _ := o.cfg.Replica.(Forker)
	if f == nil {
		return ""
	}
	if err := f.Fork(ctx, from, to); err != nil {
		o.cfg.Logger.Warn("sandbox not copied to the branch", "from", from, "project", to, "err", err)
		return "The sandbox could not be copied (" + apperr.MessageOf(err) + "). The new project builds its own from the files on its first run."
	}
	return ""
}

// Duplicate gives the new project toID (a row already, without a folder)
// a copy of fromID's folder, whole history included, and its index from
// it. When the copy fails, the new project's folder gets fromID's current
// files as its first version (logged).
func (o *Owner) Duplicate(ctx context.Context, fromID, toID string) error {
	st, m := o.cfg.Store, o.cfg.Workspaces
	src, err := st.GetProject(ctx, fromID)
	if err != nil {
		return err
	}
	p, err := st.GetProject(ctx, toID)
	if err != nil {
		return err
	}
	if _, err := m.Duplicate(ctx, st, src, p); err != nil {
		o.cfg.Logger.Warn("the duplicate's folder starts with the current files only", "project", toID, "err", err)
		if err := o.copyCurrent(ctx, fromID, toID); err != nil {
			return err
		}
	}
	return o.Reindex(ctx, toID)
}

// copyCurrent writes the current files of one project into another (one
// version).
func (o *Owner) copyCurrent(ctx context.Context, fromID, toID string) error {
	src, err := o.Workspace(ctx, fromID)
	if err != nil {
		return err
	}
	fs, err := src.Files(ctx)
	if err != nil || len(fs) == 0 {
		return err
	}
	writes := make([]Write, len(fs))
	for i, f := range fs {
		writes[i] = Write{Path: f.Path, Content: f.Content}
	}
	_, err = o.Apply(ctx, toID, Edit("Copied from the duplicated project", writes...))
	return err
}
