package api

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// historyLimit caps the versions listed in the panel at once.
const historyLimit = 500

// WorkspaceStore is what the workspaces need from the database.
type WorkspaceStore interface {
	workspace.Index
	GetProject(ctx context.Context, id string) (store.Project, error)
	CreateProject(ctx context.Context, in store.NewProject) (store.Project, error)
	DeleteProject(ctx context.Context, id string) error
	PutFiles(ctx context.Context, projectID string, files []store.File) error
	DeleteFile(ctx context.Context, projectID, path string) error
	ListFiles(ctx context.Context, projectID string) ([]store.File, error)
}

// Replica is the project's sandbox copy of the files (SandboxReplica over
// sandbox.Manager).
type Replica interface {
	Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error)
	WriteFiles(ctx context.Context, h *sandbox.Handle, files []store.File) error
	// Remove deletes project files from the sandbox of h.
	Remove(ctx context.Context, h *sandbox.Handle, paths []string) error
}

// SandboxReplica is the Replica of the sandbox manager.
type SandboxReplica struct{ *sandbox.Manager }

// removeWait bounds the sandbox delete of a restore.
const removeWait = 30 * time.Second

// Remove deletes files (project-relative; anything outside the project
// folder is refused by h.Path) with one rm in the sandbox.
func (r SandboxReplica) Remove(ctx context.Context, h *sandbox.Handle, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	line, err := rmLine(h.Path, paths)
	if err != nil {
		return err
	}
	code, err := h.Run(ctx, sandbox.Command{Line: line, Timeout: removeWait})
	if err == nil && code != 0 {
		err = apperr.Newf(apperr.Unavailable, "Removing old files in the sandbox failed (exit %d); restart the sandbox to rebuild it from the project's files.", code)
	}
	return err
}

// rmLine builds "rm -f -- 'a' 'b'" from resolved sandbox paths, each quoted
// for the shell (a ' inside becomes '\”).
func rmLine(resolve func(string) (string, error), paths []string) (string, error) {
	var b strings.Builder
	b.WriteString("rm -f --")
	for _, p := range paths {
		full, err := resolve(p)
		if err != nil {
			return "", err
		}
		b.WriteString(" '" + strings.ReplaceAll(full, "'", `'\''`) + "'")
	}
	return b.String(), nil
}

// Workspaces joins the workspace manager to the projects table; shared by
// ProjectService (create, rename, delete) and VersionsService.
type Workspaces struct {
	m  *workspace.Manager
	st WorkspaceStore
}

// NewWorkspaces wraps a manager and the store.
func NewWorkspaces(m *workspace.Manager, st WorkspaceStore) *Workspaces {
	return &Workspaces{m: m, st: st}
}

// Open returns a project's workspace (the agent's files and versions open it).
func (w *Workspaces) Open(ctx context.Context, projectID string) (*workspace.Workspace, error) {
	return w.open(ctx, projectID)
}

func (w *Workspaces) open(ctx context.Context, projectID string) (*workspace.Workspace, error) {
	p, err := w.st.GetProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return w.m.For(ctx, w.st, p)
}

// created gives a new project its folder. A folder that cannot be made
// now is made on first use (For), so the project is created regardless.
func (w *Workspaces) created(ctx context.Context, p store.Project, log *slog.Logger) store.Project {
	if _, err := w.m.For(ctx, w.st, p); err != nil {
		log.Warn("project folder not made yet", "project", p.ID, "err", err)
		return p
	}
	if np, err := w.st.GetProject(ctx, p.ID); err == nil {
		return np
	}
	return p
}

// renamed moves the project's folder to follow its name (best effort: the
// folder name is cosmetic, the project keeps working under the old one).
func (w *Workspaces) renamed(ctx context.Context, p store.Project, log *slog.Logger) store.Project {
	f, err := w.m.Rename(ctx, w.st, p, p.Name)
	if err != nil {
		log.Warn("project folder not renamed", "project", p.ID, "err", err)
		return p
	}
	p.Workspace = f
	return p
}

// deleted moves a deleted project's folder to the trash (never removes it).
func (w *Workspaces) deleted(p store.Project, log *slog.Logger) {
	if dst, err := w.m.Trash(p); err != nil {
		log.Warn("project folder left in place", "project", p.ID, "err", err)
	} else if dst != "" {
		log.Info("project folder moved to the trash", "project", p.ID, "to", dst)
	}
}

// VersionsService lists, compares, restores and branches a project's
// versions. Bound.
type VersionsService struct {
	ctx     func() context.Context
	ws      *Workspaces
	replica Replica
	log     *slog.Logger
	points  RestorePoints // nil: no runtime restore points
}

// NewVersionsService builds the service; replica may be nil (tests).
func NewVersionsService(ctx func() context.Context, ws *Workspaces, replica Replica, log *slog.Logger, opts ...VersionsOption) *VersionsService {
	s := &VersionsService{ctx: ctx, ws: ws, replica: replica, log: log}
	for _, o := range opts {
		o(s)
	}
	return s
}

// VersionDTO is one version in the panel.
type VersionDTO struct {
	ID           string   `json:"id"`
	Time         string   `json:"time"`         // RFC 3339
	Message      string   `json:"message"`      // the person's prompt, or what Tessera did
	Kind         string   `json:"kind"`         // "turn", "edit", "restore", "branch", "import", "outside", "undo"
	MessageID    string   `json:"messageId"`    // the answer that made it (turns)
	Model        string   `json:"model"`        // provider/model (turns)
	RestoredFrom string   `json:"restoredFrom"` // the version a restore brought back
	FilesChanged []string `json:"filesChanged"`
	Current      bool     `json:"current"`
	// RestorePoint: the version has a runtime restore point (a sandbox
	// snapshot with its installed packages and data).
	RestorePoint bool `json:"restorePoint"`
	// Conflicts are files of a turn the person also edited outside
	// Tessera while it ran: this version has the model's text, the
	// "outside" version before it the person's.
	Conflicts []string `json:"conflicts"`
}

// FileDiffDTO is one file a version changed. Binary files carry no text.
type FileDiffDTO struct {
	Path   string `json:"path"`
	Status string `json:"status"` // added, modified, deleted
	Before string `json:"before"`
	After  string `json:"after"`
	Binary bool   `json:"binary"`
}

// RestoreResult is the new version; Warning says when the sandbox could
// not take the files now (they reach it when it is back).
type RestoreResult struct {
	Version VersionDTO `json:"version"`
	Warning string     `json:"warning,omitempty"`
	// Runtime: the sandbox was made from the version's restore point
	// (installed packages and data back without reinstalling).
	Runtime bool `json:"runtime"`
}

// BranchRequest makes a new project from a version.
type BranchRequest struct {
	ProjectID string `json:"projectId"`
	VersionID string `json:"versionId"`
	Name      string `json:"name"`
	// WithSandbox copies the project's live sandbox (installed packages,
	// data) to the new project; only for the current version.
	WithSandbox bool `json:"withSandbox"`
}

// BranchResult is the new project and its first version.
type BranchResult struct {
	Project Project    `json:"project"`
	Version VersionDTO `json:"version"`
	// Warning says the sandbox could not be copied (the new project builds
	// its own from the files on its first run).
	Warning string `json:"warning,omitempty"`
}

func versionDTO(v workspace.Version, current bool) VersionDTO {
	kind := v.Trailers[workspace.TrailerKind]
	if kind == "" {
		kind = "turn"
	}
	files := v.FilesChanged
	if files == nil {
		files = []string{}
	}
	return VersionDTO{ID: v.ID, Time: stamp(v.Time), Message: v.Message, Kind: kind,
		MessageID: v.Trailers[workspace.TrailerMessage], Model: v.Trailers[workspace.TrailerModel],
		RestoredFrom: v.Trailers[workspace.TrailerRestored], FilesChanged: files, Current: current,
		Conflicts: splitConflicts(v.Trailers[workspace.TrailerConflict])}
}

func splitConflicts(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, "; ") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// History returns the project's versions, newest first.
func (s *VersionsService) History(projectID string) ([]VersionDTO, error) {
	ctx := s.ctx()
	w, err := s.ws.open(ctx, projectID)
	if err != nil {
		return nil, err
	}
	vs, err := w.History(ctx, historyLimit)
	if err != nil {
		return nil, err
	}
	out := make([]VersionDTO, len(vs))
	marked := s.restorePoints(ctx, projectID)
	for i, v := range vs {
		out[i] = versionDTO(v, i == 0)
		out[i].RestorePoint = marked[v.ID] != ""
	}
	return out, nil
}

// Folder returns the project's folder on disk (absolute), for the person
// to open in their own editor.
func (s *VersionsService) Folder(projectID string) (string, error) {
	w, err := s.ws.open(s.ctx(), projectID)
	if err != nil {
		return "", err
	}
	return w.Root(), nil
}

// Diff returns what a version changed, file by file.
func (s *VersionsService) Diff(projectID, versionID string) ([]FileDiffDTO, error) {
	ctx := s.ctx()
	w, err := s.ws.open(ctx, projectID)
	if err != nil {
		return nil, err
	}
	ds, err := w.Diff(ctx, versionID)
	if err != nil {
		return nil, err
	}
	out := make([]FileDiffDTO, len(ds))
	for i, d := range ds {
		out[i] = FileDiffDTO{Path: d.Path, Status: d.Status, Before: string(d.Before), After: string(d.After), Binary: d.Binary}
	}
	return out, nil
}

// Restore brings a version's files back as a new version, in the folder,
// in project_files and in the sandbox.
func (s *VersionsService) Restore(projectID, versionID string) (RestoreResult, error) {
	ctx := s.ctx()
	w, err := s.ws.open(ctx, projectID)
	if err != nil {
		return RestoreResult{}, err
	}
	before, err := w.Files(ctx)
	if err != nil {
		return RestoreResult{}, err
	}
	v, err := w.Restore(ctx, versionID)
	if err != nil {
		return RestoreResult{}, err
	}
	res := RestoreResult{Version: versionDTO(v, true)}
	if s.points != nil {
		return s.restoreRuntime(ctx, projectID, versionID, w, before, res)
	}
	if err := s.syncReplica(ctx, projectID, w, before); err != nil {
		s.log.Warn("restored version not yet in the sandbox", "project", projectID, "err", err)
		res.Warning = apperr.MessageOf(err)
	}
	return res, nil
}

// syncReplica makes project_files and the sandbox hold the workspace's
// current files: files the restore removed leave project_files and the
// sandbox, the rest are written. A project
// without a sandbox gets none made: its next run builds one from these.
func (s *VersionsService) syncReplica(ctx context.Context, projectID string, w *workspace.Workspace, before []workspace.FileEntry) error {
	files, removed, err := s.syncLocal(ctx, projectID, w, before)
	if err != nil {
		return err
	}
	return s.syncSandbox(ctx, projectID, files, removed)
}

// syncLocal makes project_files hold the workspace's current files and
// returns them with the paths that left.
func (s *VersionsService) syncLocal(ctx context.Context, projectID string, w *workspace.Workspace, before []workspace.FileEntry) ([]store.File, []string, error) {
	now, err := w.Files(ctx)
	if err != nil {
		return nil, nil, err
	}
	keep := map[string]bool{}
	files := make([]store.File, len(now))
	for i, f := range now {
		keep[f.Path] = true
		files[i] = store.File{Path: f.Path, Content: string(f.Content)}
	}
	var removed []string
	for _, f := range before {
		if !keep[f.Path] {
			removed = append(removed, f.Path)
			if err := s.ws.st.DeleteFile(ctx, projectID, f.Path); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := s.ws.st.PutFiles(ctx, projectID, files); err != nil {
		return nil, nil, err
	}
	return files, removed, nil
}

// syncSandbox writes files to the project's sandbox and removes removed;
// a project without a sandbox gets none made.
func (s *VersionsService) syncSandbox(ctx context.Context, projectID string, files []store.File, removed []string) error {
	p, err := s.ws.st.GetProject(ctx, projectID)
	if err != nil || s.replica == nil || p.SandboxID == "" {
		return err
	}
	h, err := s.replica.Ensure(ctx, projectID, "")
	if err != nil {
		return err
	}
	// Ensure may have rebuilt from project_files (already restored above);
	// writing again is cheap and covers a resumed sandbox.
	if err := s.replica.WriteFiles(ctx, h, files); err != nil {
		return err
	}
	return s.replica.Remove(ctx, h, removed)
}

// Branch makes a new project holding a version's files (its chat starts
// empty) and returns it; the page selects it.
func (s *VersionsService) Branch(req BranchRequest) (BranchResult, error) {
	ctx := s.ctx()
	from, err := s.ws.st.GetProject(ctx, req.ProjectID)
	if err != nil {
		return BranchResult{}, err
	}
	if req.WithSandbox {
		if err := s.canFork(ctx, from, req.VersionID); err != nil {
			return BranchResult{}, err
		}
	}
	p, err := s.ws.st.CreateProject(ctx, store.NewProject{Name: req.Name, Description: from.Description, Template: from.Template})
	if err != nil {
		return BranchResult{}, err
	}
	v, err := s.ws.m.Branch(ctx, s.ws.st, from, req.VersionID, p)
	if err == nil {
		err = s.copyFiles(ctx, p.ID)
	}
	if err != nil {
		// No half project: its folder (if made) goes to the trash, its row goes.
		if half, gerr := s.ws.st.GetProject(context.WithoutCancel(ctx), p.ID); gerr == nil {
			if _, terr := s.ws.m.Trash(half); terr != nil {
				s.log.Warn("could not put the half-made branch's folder away", "project", p.ID, "err", terr)
			}
		}
		if derr := s.ws.st.DeleteProject(context.WithoutCancel(ctx), p.ID); derr != nil {
			s.log.Warn("could not remove the half-made branch", "project", p.ID, "err", derr)
		}
		return BranchResult{}, err
	}
	if p, err = s.ws.st.GetProject(ctx, p.ID); err != nil {
		return BranchResult{}, err
	}
	s.log.Info("project branched", "from", from.ID, "project", p.ID)
	res := BranchResult{Project: toProject(p), Version: versionDTO(v, true)}
	if req.WithSandbox {
		if res.Warning = s.fork(ctx, from.ID, p.ID); res.Warning == "" {
			if np, err := s.ws.st.GetProject(ctx, p.ID); err == nil {
				res.Project = toProject(np)
			}
		}
	}
	return res, nil
}

// copyFiles puts the new workspace's files in project_files, which a
// sandbox is (re)built from.
func (s *VersionsService) copyFiles(ctx context.Context, projectID string) error {
	w, err := s.ws.open(ctx, projectID)
	if err != nil {
		return err
	}
	fs, err := w.Files(ctx)
	if err != nil {
		return err
	}
	files := make([]store.File, len(fs))
	for i, f := range fs {
		files[i] = store.File{Path: f.Path, Content: string(f.Content)}
	}
	return s.ws.st.PutFiles(ctx, projectID, files)
}
