package api

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// OutsideReplica is the sandbox side of outside edits: the Replica plus
// whether the project's sandbox runs now.
type OutsideReplica interface {
	Replica
	Status(projectID string) sandbox.Status
}

// OutsideSync brings edits the person made in the project folders with
// their own editor into Tessera: each becomes a version "Edited outside
// Tessera", goes into project_files (what prompts and sandbox rebuilds
// read) and into the sandbox when it runs. A sandbox that is paused gets
// them on the next turn's Ensure (Catchup); one that does not exist yet is
// built from project_files. Not bound (the chat and the app call it).
type OutsideSync struct {
	ws      *Workspaces
	replica OutsideReplica // nil: files only
	log     *slog.Logger

	mu      sync.Mutex
	locks   map[string]*sync.Mutex     // per project: one sync at a time
	missing map[string]map[string]bool // project -> paths its paused sandbox lacks
}

// NewOutsideSync builds the sync; replica may be nil (tests).
func NewOutsideSync(ws *Workspaces, replica OutsideReplica, log *slog.Logger) *OutsideSync {
	return &OutsideSync{ws: ws, replica: replica, log: log, locks: map[string]*sync.Mutex{}, missing: map[string]map[string]bool{}}
}

// outsideWait bounds one sync started by the watcher.
const outsideWait = 2 * time.Minute

// Changed is the watcher's callback: paths changed in a project folder.
func (o *OutsideSync) Changed(root context.Context, folder string, paths []string) {
	ctx, cancel := context.WithTimeout(root, outsideWait)
	defer cancel()
	p, ok, err := o.projectOf(ctx, folder)
	if err != nil || !ok {
		if err != nil {
			o.log.Warn("outside edit: project not found", "folder", folder, "err", err)
		}
		return
	}
	if err := o.bringIn(ctx, p.ID, func(w *workspace.Workspace) (workspace.Version, []workspace.Change, error) {
		return w.CommitOutside(ctx, paths...)
	}); err != nil {
		o.log.Warn("outside edit not brought in", "project", p.ID, "err", err)
	}
}

// SweepAll brings in what changed in every project folder while Tessera
// was not running (at start, before the watcher's events).
func (o *OutsideSync) SweepAll(ctx context.Context) {
	ps, err := o.ws.st.ListProjects(ctx)
	if err != nil {
		o.log.Warn("outside edits: projects not listed", "err", err)
		return
	}
	for _, p := range ps {
		if p.Workspace == "" {
			continue
		}
		if err := o.bringIn(ctx, p.ID, func(w *workspace.Workspace) (workspace.Version, []workspace.Change, error) {
			return w.Sweep(ctx)
		}); err != nil {
			o.log.Warn("outside edits not brought in at start", "project", p.ID, "err", err)
		}
	}
}

// Settle is chat.Outside's: before a prompt is built.
func (o *OutsideSync) Settle(ctx context.Context, projectID string) error {
	var ws *workspace.Workspace
	err := o.bringIn(ctx, projectID, func(w *workspace.Workspace) (workspace.Version, []workspace.Change, error) {
		ws = w
		return w.CommitOutside(ctx)
	})
	if err != nil {
		return err
	}
	return ws.BeginTurn(ctx)
}

// Catchup is chat.Outside's: after the turn's Ensure, write the outside
// edits the sandbox missed while paused. A rebuilt sandbox has them
// already (it was built from project_files).
func (o *OutsideSync) Catchup(ctx context.Context, h *sandbox.Handle) error {
	if o.replica == nil || h == nil {
		return nil
	}
	l := o.lock(h.ProjectID)
	defer l.Unlock()
	o.mu.Lock()
	miss := o.missing[h.ProjectID]
	delete(o.missing, h.ProjectID)
	o.mu.Unlock()
	if len(miss) == 0 || h.Rebuilt {
		return nil
	}
	all, err := o.ws.st.ListFiles(ctx, h.ProjectID)
	if err != nil {
		o.remember(h.ProjectID, miss)
		return err
	}
	var files []store.File
	for _, f := range all {
		if miss[f.Path] {
			files = append(files, f)
			delete(miss, f.Path)
		}
	}
	gone := make([]string, 0, len(miss))
	for p := range miss {
		gone = append(gone, p)
	}
	if err := o.replica.WriteFiles(ctx, h, files); err != nil {
		return err
	}
	return o.replica.Remove(ctx, h, gone)
}

func (o *OutsideSync) lock(projectID string) *sync.Mutex {
	o.mu.Lock()
	defer o.mu.Unlock()
	l := o.locks[projectID]
	if l == nil {
		l = &sync.Mutex{}
		o.locks[projectID] = l
	}
	l.Lock()
	return l
}

func (o *OutsideSync) remember(projectID string, paths map[string]bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.missing[projectID]
	if m == nil {
		m = map[string]bool{}
		o.missing[projectID] = m
	}
	for p := range paths {
		m[p] = true
	}
}

func (o *OutsideSync) projectOf(ctx context.Context, folder string) (store.Project, bool, error) {
	ps, err := o.ws.st.ListProjects(ctx)
	if err != nil {
		return store.Project{}, false, err
	}
	for _, p := range ps {
		if strings.EqualFold(p.Workspace, folder) {
			return p, true, nil
		}
	}
	return store.Project{}, false, nil
}

// bringIn runs commit on the project's workspace and puts the changes it
// reports in project_files and the sandbox.
func (o *OutsideSync) bringIn(ctx context.Context, projectID string, commit func(*workspace.Workspace) (workspace.Version, []workspace.Change, error)) error {
	w, err := o.ws.open(ctx, projectID)
	if err != nil {
		return err
	}
	l := o.lock(projectID)
	defer l.Unlock()
	v, changes, err := commit(w)
	if err != nil || len(changes) == 0 {
		return err
	}
	o.log.Info("edited outside Tessera", "project", projectID, "version", v.ID, "files", len(changes))
	var files []store.File
	var gone []string
	for _, c := range changes {
		switch {
		case c.Deleted:
			gone = append(gone, c.Path)
			if err := o.ws.st.DeleteFile(ctx, projectID, c.Path); err != nil && !apperr.Is(err, apperr.NotFound) {
				return err
			}
		case c.Content != nil:
			files = append(files, store.File{Path: c.Path, Content: string(c.Content)})
		default:
			o.log.Info("outside edit is binary or very large: versioned, kept out of the prompt and the sandbox copy", "project", projectID, "path", c.Path)
		}
	}
	if err := o.ws.st.PutFiles(ctx, projectID, files); err != nil {
		return err
	}
	return o.toSandbox(ctx, projectID, files, gone)
}

// toSandbox writes to a running sandbox now; a paused one gets the paths
// remembered for Catchup.
func (o *OutsideSync) toSandbox(ctx context.Context, projectID string, files []store.File, gone []string) error {
	if o.replica == nil {
		return nil
	}
	paths := map[string]bool{}
	for _, f := range files {
		paths[f.Path] = true
	}
	for _, p := range gone {
		paths[p] = true
	}
	st := o.replica.Status(projectID)
	if st.State != sandbox.StateRunning {
		if st.SandboxID != "" {
			o.remember(projectID, paths)
		}
		return nil
	}
	h, err := o.replica.Ensure(ctx, projectID, "")
	if err == nil {
		err = o.replica.WriteFiles(ctx, h, files)
	}
	if err == nil {
		err = o.replica.Remove(ctx, h, gone)
	}
	if err != nil {
		o.remember(projectID, paths)
	}
	return err
}

// UndoVersions is the chat's Restorer over the project's versions (not
// bound: the page restores through VersionsService and ChatService).
type UndoVersions struct{ vs *VersionsService }

// NewUndoVersions builds the Restorer.
func NewUndoVersions(vs *VersionsService) UndoVersions { return UndoVersions{vs: vs} }

// UndoTurn implements chat.Restorer.
func (u UndoVersions) UndoTurn(ctx context.Context, projectID string, messageIDs []string) (string, bool, string, error) {
	w, err := u.vs.ws.open(ctx, projectID)
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
	before, err := w.Files(ctx)
	if err != nil {
		return "", false, "", err
	}
	if _, err := w.RestoreBefore(ctx, turn); errors.Is(err, workspace.ErrNoChanges) {
		// The answer had changed files, but they are already those of the
		// version before it (a restore in between): current, not restored.
		return vs[0].ID, false, "", nil
	} else if err != nil {
		return "", false, "", err
	}
	warning := ""
	if err := u.vs.syncReplica(ctx, projectID, w, before); err != nil {
		u.vs.log.Warn("undone version not yet in the sandbox", "project", projectID, "err", err)
		warning = apperr.MessageOf(err)
	}
	return vs[0].ID, true, warning, nil
}

// RestoreVersion implements chat.Restorer.
func (u UndoVersions) RestoreVersion(ctx context.Context, projectID, versionID string) (bool, string, error) {
	w, err := u.vs.ws.open(ctx, projectID)
	if err != nil {
		return false, "", err
	}
	before, err := w.Files(ctx)
	if err != nil {
		return false, "", err
	}
	if _, err := w.Restore(ctx, versionID); errors.Is(err, workspace.ErrNoChanges) {
		return false, "", nil
	} else if err != nil {
		return false, "", err
	}
	warning := ""
	if err := u.vs.syncReplica(ctx, projectID, w, before); err != nil {
		u.vs.log.Warn("redone version not yet in the sandbox", "project", projectID, "err", err)
		warning = apperr.MessageOf(err)
	}
	return true, warning, nil
}
