package api

import (
	"context"
	"log/slog"

	"tessera/backend/projectfiles"
	"tessera/backend/workspace"
)

// FilesService is the Code tab's explorer and editor: the project's folder
// (its workspace) listed, read and changed by the person. Every change
// goes through the project's files owner (package projectfiles): a
// version in the folder, the index, the sandbox. Bound.
type FilesService struct {
	ctx   func() context.Context
	files *projectfiles.Owner
	log   *slog.Logger
}

// NewFilesService builds the service.
func NewFilesService(ctx func() context.Context, files *projectfiles.Owner, log *slog.Logger) *FilesService {
	return &FilesService{ctx: ctx, files: files, log: log}
}

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
	w, err := s.files.Workspace(ctx, projectID)
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
	w, err := s.files.Workspace(ctx, projectID)
	if err != nil {
		return FileContentDTO{}, err
	}
	clean, err := workspace.CleanPath(path)
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

// Save writes the editor's text to the file (one version, "edited <path>").
func (s *FilesService) Save(req SaveFileRequest) (FileChangeResult, error) {
	return s.apply(req.ProjectID, projectfiles.Save(projectfiles.Write{Path: req.Path, Content: []byte(req.Content)}))
}

// Create makes an empty file (a version) or a folder.
func (s *FilesService) Create(req CreateFileRequest) (FileChangeResult, error) {
	return s.apply(req.ProjectID, projectfiles.Create(req.Path, req.Dir))
}

// Rename moves a file or a folder (a version); the sandbox gets the files
// at their new paths and loses the old ones.
func (s *FilesService) Rename(req RenameFileRequest) (FileChangeResult, error) {
	return s.apply(req.ProjectID, projectfiles.Rename(req.From, req.To))
}

// Delete removes a file or a folder (a version: the files stay in the
// history) from the folder, the index and the sandbox.
func (s *FilesService) Delete(req DeleteFileRequest) (FileChangeResult, error) {
	return s.apply(req.ProjectID, projectfiles.Delete(req.Path))
}

func (s *FilesService) apply(projectID string, c projectfiles.Change) (FileChangeResult, error) {
	res, err := s.files.Apply(s.ctx(), projectID, c)
	if err != nil {
		return FileChangeResult{}, err
	}
	out := FileChangeResult{Warning: res.Warning, Synced: res.Synced}
	if res.Changed {
		d := versionDTO(res.Version, true)
		out.Version = &d
	}
	return out, nil
}
