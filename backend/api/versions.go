package api

import (
	"context"
	"log/slog"
	"strings"

	"tessera/backend/projectfiles"
	"tessera/backend/workspace"
)

// historyLimit caps the versions listed in the panel at once.
const historyLimit = 500

// VersionsService lists, compares, restores and branches a project's
// versions (restore and branch are the files owner's). Bound.
type VersionsService struct {
	ctx    func() context.Context
	ws     *projectfiles.Owner
	log    *slog.Logger
	points RestorePoints // nil: no runtime restore points
}

// NewVersionsService builds the service.
func NewVersionsService(ctx func() context.Context, ws *projectfiles.Owner, log *slog.Logger, opts ...VersionsOption) *VersionsService {
	s := &VersionsService{ctx: ctx, ws: ws, log: log}
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
	w, err := s.ws.Workspace(ctx, projectID)
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
	w, err := s.ws.Workspace(s.ctx(), projectID)
	if err != nil {
		return "", err
	}
	return w.Root(), nil
}

// Diff returns what a version changed, file by file.
func (s *VersionsService) Diff(projectID, versionID string) ([]FileDiffDTO, error) {
	ctx := s.ctx()
	w, err := s.ws.Workspace(ctx, projectID)
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
// the index and the sandbox (from its restore point when it has one).
func (s *VersionsService) Restore(projectID, versionID string) (RestoreResult, error) {
	res, err := s.ws.Apply(s.ctx(), projectID, projectfiles.RestoreTo(versionID))
	if err != nil {
		return RestoreResult{}, err
	}
	out := RestoreResult{Version: versionDTO(res.Version, true), Warning: res.Warning, Runtime: res.Runtime}
	out.Version.RestorePoint = res.Runtime
	return out, nil
}

// Branch makes a new project holding a version's files (its chat starts
// empty) and returns it; the page selects it.
func (s *VersionsService) Branch(req BranchRequest) (BranchResult, error) {
	b, err := s.ws.Branch(s.ctx(), projectfiles.BranchRequest{ProjectID: req.ProjectID, VersionID: req.VersionID,
		Name: req.Name, WithSandbox: req.WithSandbox})
	if err != nil {
		return BranchResult{}, err
	}
	return BranchResult{Project: toProject(b.Project), Version: versionDTO(b.Version, true), Warning: b.Warning}, nil
}
