package api

import (
	"context"
	"log/slog"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// FilesService is the Code tab's explorer and editor: the project's folder
// (its workspace) listed, read and changed by the person. Every change is
// a version in the workspace, then reaches project_files (which a sandbox
// is rebuilt from) and the project's sandbox when it has one. Bound.
type FilesService struct {
	ctx     func() context.Context
	ws      *Workspaces
	replica Replica
	log     *slog.Logger
}

// NewFilesService builds the service; replica may be nil (tests).
func NewFilesService(ctx func() context.Context, ws *Workspaces, replica Replica, log *slog.Logger) *FilesService {
	return &FilesService{ctx: ctx, ws: ws, replica: replica, log: log}
}

// maxSyncBytes bounds one moved file read back for project_files and the
// sandbox (larger ones stay in the folder and its history).
const maxSyncBytes = 64 << 20

// TreeEntryDTO is one file or folder (path relative to the project).
type TreeEntryDTO struct {
	Path string `json:"path"`
	Dir  bool   `json:"dir"`
	Size int64  `json:"size"`
	// Link: a symbolic link, shown as one and never opened (Target is
	// where it points).
	Link   bool   `json:"link"`
	Target string `json:"target"`
}

// FileTreeDTO is the project's folder; Truncated when it held more
// entries than are listed.
type FileTreeDTO struct {
	Entries   []TreeEntryDTO `json:"entries"`
	Truncated bool           `json:"truncated"`
}

// FileContentDTO is one file for the editor. A binary file carries no
// content: the editor says so instead of showing bytes.
type FileContentDTO struct {
	Path    string `json:"path"`
	Content string `json:"content"`
	Binary  bool   `json:"binary"`
	Size    int64  `json:"size"`
}

// SaveFileRequest saves the editor's text of one file.
type SaveFileRequest struct {
	ProjectID string `json:"projectId"`
	Path      string `json:"path"`
	Content   string `json:"content"`
}

// CreateFileRequest makes an empty file, or a folder when Dir.
type CreateFileRequest struct {
	ProjectID string `json:"projectId"`
	Path      string `json:"path"`
	Dir       bool   `json:"dir"`
}

// RenameFileRequest moves a file or a folder.
type RenameFileRequest struct {
	ProjectID string `json:"projectId"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// DeleteFileRequest deletes a file or a folder with everything in it.
type DeleteFileRequest struct {
	ProjectID string `json:"projectId"`
	Path      string `json:"path"`
}

// FileChangeResult is the version a change made (nil when nothing
// changed, or for a new empty folder); Warning says when the sandbox could
// not take the change now (it is in the project and reaches the sandbox
// when it is rebuilt or restarted). Synced is true when the sandbox has it.
type FileChangeResult struct {
	Version *VersionDTO `json:"version,omitempty"`
	Warning string      `json:"warning,omitempty"`
	Synced  bool        `json:"synced"`
}

// Tree lists the project's folders and files.
func (s *FilesService) Tree(projectID string) (FileTreeDTO, error) {
	ctx := s.ctx()
	w, err := s.ws.open(ctx, projectID)
	if err != nil {
		return FileTreeDTO{}, err
	}
	es, truncated, err := w.Tree(ctx)
	if err != nil {
		return FileTreeDTO{}, err
	}
	out := FileTreeDTO{Entries: make([]TreeEntryDTO, len(es)), Truncated: truncated}
	for i, e := range es {
		out.Entries[i] = TreeEntryDTO{Path: e.Path, Dir: e.Dir, Size: e.Size, Link: e.Link, Target: e.Target}
	}
	return out, nil
}

// Read returns one file of the project for the editor.
func (s *FilesService) Read(projectID, path string) (FileContentDTO, error) {
	ctx := s.ctx()
	w, clean, err := s.openPath(ctx, projectID, path)
	if err != nil {
		return FileContentDTO{}, err
	}
	b, err := w.ReadFile(ctx, clean)
	if err != nil {
		return FileContentDTO{}, err
	}
	out := FileContentDTO{Path: clean, Size: int64(len(b)), Binary: !workspace.IsText(b)}
	if !out.Binary {
		out.Content = string(b)
	}
	return out, nil
}

// Save writes the editor's text to the file: one version ("edited
// <path>"), then project_files and the sandbox.
func (s *FilesService) Save(req SaveFileRequest) (FileChangeResult, error) {
	ctx := s.ctx()
	w, clean, err := s.openPath(ctx, req.ProjectID, req.Path)
	if err != nil {
		return FileChangeResult{}, err
	}
	v, changed, err := w.SaveFile(ctx, clean, []byte(req.Content))
	if err != nil {
		return FileChangeResult{}, err
	}
	res := result(v, changed)
	s.sync(ctx, req.ProjectID, &res, []store.File{{Path: clean, Content: req.Content}}, nil)
	return res, nil
}

// Create makes an empty file (a version) or a folder.
func (s *FilesService) Create(req CreateFileRequest) (FileChangeResult, error) {
	ctx := s.ctx()
	w, clean, err := s.openPath(ctx, req.ProjectID, req.Path)
	if err != nil {
		return FileChangeResult{}, err
	}
	v, changed, err := w.Create(ctx, clean, req.Dir)
	if err != nil {
		return FileChangeResult{}, err
	}
	res := result(v, changed)
	if !req.Dir {
		s.sync(ctx, req.ProjectID, &res, []store.File{{Path: clean, Content: ""}}, nil)
	}
	return res, nil
}

// Rename moves a file or a folder (a version); the sandbox gets the files
// at their new paths and loses the old ones.
func (s *FilesService) Rename(req RenameFileRequest) (FileChangeResult, error) {
	ctx := s.ctx()
	w, err := s.ws.open(ctx, req.ProjectID)
	if err != nil {
		return FileChangeResult{}, err
	}
	moved, v, changed, err := w.Rename(ctx, req.From, req.To)
	if err != nil {
		return FileChangeResult{}, err
	}
	res := result(v, changed)
	files := make([]store.File, 0, len(moved))
	old := make([]string, 0, len(moved))
	for _, m := range moved {
		b, err := w.ReadLimited(ctx, m.To, maxSyncBytes)
		if err != nil {
			s.log.Warn("moved file not read back for the sandbox", "project", req.ProjectID, "path", m.To, "err", err)
			continue
		}
		files = append(files, store.File{Path: m.To, Content: string(b)})
		old = append(old, m.From)
	}
	s.sync(ctx, req.ProjectID, &res, files, old)
	return res, nil
}

// Delete removes a file or a folder (a version: the files stay in the
// history) from the folder, project_files and the sandbox.
func (s *FilesService) Delete(req DeleteFileRequest) (FileChangeResult, error) {
	ctx := s.ctx()
	w, err := s.ws.open(ctx, req.ProjectID)
	if err != nil {
		return FileChangeResult{}, err
	}
	removed, v, changed, err := w.Remove(ctx, req.Path)
	if err != nil {
		return FileChangeResult{}, err
	}
	res := result(v, changed)
	s.sync(ctx, req.ProjectID, &res, nil, removed)
	return res, nil
}

// openPath opens the project's folder and checks path is inside it.
func (s *FilesService) openPath(ctx context.Context, projectID, path string) (*workspace.Workspace, string, error) {
	w, err := s.ws.open(ctx, projectID)
	if err != nil {
		return nil, "", err
	}
	clean, err := workspace.CleanPath(path)
	if err != nil {
		return nil, "", err
	}
	return w, clean, nil
}

func result(v workspace.Version, changed bool) FileChangeResult {
	if !changed {
		return FileChangeResult{}
	}
	d := versionDTO(v, true)
	return FileChangeResult{Version: &d}
}

// sync puts a change made in the folder into project_files and, when the
// project has a sandbox, into it (Ensure resumes a paused one: a resumed
// sandbox is not rebuilt, so it would otherwise keep the old file). The
// change is already a version; a failure here is a warning, not an error.
func (s *FilesService) sync(ctx context.Context, projectID string, res *FileChangeResult, write []store.File, remove []string) {
	synced, err := s.syncReplica(ctx, projectID, write, remove)
	if err != nil {
		s.log.Warn("file change not yet in the sandbox", "project", projectID, "err", err)
		res.Warning = apperr.MessageOf(err)
	}
	res.Synced = synced
}

func (s *FilesService) syncReplica(ctx context.Context, projectID string, write []store.File, remove []string) (bool, error) {
	for _, p := range remove {
		if err := s.ws.st.DeleteFile(ctx, projectID, p); err != nil {
			return false, err
		}
	}
	if len(write) > 0 {
		if err := s.ws.st.PutFiles(ctx, projectID, write); err != nil {
			return false, err
		}
	}
	p, err := s.ws.st.GetProject(ctx, projectID)
	if err != nil || s.replica == nil || p.SandboxID == "" {
		return false, err
	}
	h, err := s.replica.Ensure(ctx, projectID, "")
	if err != nil {
		return false, err
	}
	if err := s.replica.WriteFiles(ctx, h, write); err != nil {
		return false, err
	}
	if err := s.replica.Remove(ctx, h, remove); err != nil {
		return false, err
	}
	return true, nil
}
