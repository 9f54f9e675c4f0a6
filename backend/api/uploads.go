package api

import (
	"context"
	"encoding/base64"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/store"
	"tessera/backend/uploads"
)

// Uploader is what UploadService needs from package uploads.
type Uploader interface {
	Upload(ctx context.Context, projectID string, in []uploads.File, maxEach int64) (uploads.Result, error)
	UploadPaths(ctx context.Context, projectID string, paths []string) (uploads.Result, error)
	List(ctx context.Context, projectID string) ([]store.Upload, error)
}

// PickFiles opens the OS's file dialog and returns the chosen paths (none
// when the person cancelled). app.go gives the Wails one.
type PickFiles func(ctx context.Context) ([]string, error)

// UploadService puts files the person brings into a project (workspace,
// sandbox) and lists them. Bound.
type UploadService struct {
	ctx  func() context.Context
	up   Uploader
	pick PickFiles
	emit events.Emitter // nil: no "files chosen" event (tests)
}

// NewUploadService builds the service; pick may be nil (no dialog).
func NewUploadService(ctx func() context.Context, up Uploader, pick PickFiles, opts ...UploadOption) *UploadService {
	s := &UploadService{ctx: ctx, up: up, pick: pick}
	for _, o := range opts {
		o(s)
	}
	return s
}

// UploadOption configures NewUploadService.
type UploadOption func(*UploadService)

// WithUploadEvents tells the page when the file dialog closed with files
// chosen (events.UploadsChosen), so that "Choose files…" becomes
// "Uploading…" while they are copied. (An option, not a method: every
// exported method of a bound service is callable from the page.)
func WithUploadEvents(emit events.Emitter) UploadOption {
	return func(s *UploadService) { s.emit = emit }
}

// UploadsChosen is the payload of events.UploadsChosen.
type UploadsChosen struct {
	Count int `json:"count"`
}

// UploadFile is one file the page read (a drop, a file input): its name
// and its bytes in base64.
type UploadFile struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// UploadRequest uploads the files the page read into a project.
type UploadRequest struct {
	ProjectID string       `json:"projectId"`
	Files     []UploadFile `json:"files"`
}

// UploadDTO is one uploaded file: path in the project (data/<name>), size
// in bytes, kind (csv, text, binary) and what the model is told about it.
type UploadDTO struct {
	Path      string `json:"path"`
	Size      int64  `json:"size"`
	Kind      string `json:"kind" ts_type:"'csv' | 'text' | 'binary'"`
	Summary   string `json:"summary"`
	CreatedAt string `json:"createdAt"`
}

// UploadResult is what an upload kept; warning is set when the sandbox
// could not take the files now (they reach it on its rebuild).
type UploadResult struct {
	Uploads []UploadDTO `json:"uploads"`
	Warning string      `json:"warning,omitempty"`
}

func toUploads(us []store.Upload) []UploadDTO {
	out := make([]UploadDTO, len(us))
	for i, u := range us {
		out[i] = UploadDTO{Path: u.Path, Size: u.Size, Kind: u.Kind, Summary: u.Summary, CreatedAt: stamp(u.CreatedAt)}
	}
	return out
}

// Upload keeps the files the page sent (each up to uploads.MaxInlineBytes;
// larger ones go through Pick) in the project and its sandbox.
func (s *UploadService) Upload(req UploadRequest) (UploadResult, error) {
	in := make([]uploads.File, len(req.Files))
	for i, f := range req.Files {
		// Checked before decoding: a huge string is refused without
		// allocating its bytes.
		if int64(base64.StdEncoding.DecodedLen(len(f.Data))) > uploads.MaxInlineBytes+3 {
			return UploadResult{}, apperr.Newf(apperr.Invalid, "%s is larger than %s; use the Upload button for files up to %s.",
				f.Name, uploads.HumanSize(uploads.MaxInlineBytes), uploads.HumanSize(uploads.MaxFileBytes))
		}
		b, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			return UploadResult{}, apperr.Newf(apperr.Invalid, "%s could not be read. Try uploading it again.", f.Name)
		}
		in[i] = uploads.File{Name: f.Name, Content: b}
	}
	r, err := s.up.Upload(s.ctx(), req.ProjectID, in, uploads.MaxInlineBytes)
	return UploadResult{Uploads: toUploads(r.Uploads), Warning: r.Warning}, err
}

// Pick opens the system's file dialog and uploads the chosen files (each
// up to uploads.MaxFileBytes). Cancelling uploads nothing.
func (s *UploadService) Pick(projectID string) (UploadResult, error) {
	if s.pick == nil {
		return UploadResult{}, apperr.New(apperr.Unavailable, "The file dialog is not available here. Drop the files onto the chat instead.")
	}
	ctx := s.ctx()
	paths, err := s.pick(ctx)
	if err != nil {
		return UploadResult{}, apperr.Wrap(err, apperr.Internal, "The file dialog could not be opened. Drop the files onto the chat instead.")
	}
	if len(paths) == 0 {
		return UploadResult{Uploads: []UploadDTO{}}, nil
	}
	if s.emit != nil {
		s.emit.Emit(events.UploadsChosen(projectID), UploadsChosen{Count: len(paths)})
	}
	r, err := s.up.UploadPaths(ctx, projectID, paths)
	return UploadResult{Uploads: toUploads(r.Uploads), Warning: r.Warning}, err
}

// List returns the project's uploaded files.
func (s *UploadService) List(projectID string) ([]UploadDTO, error) {
	us, err := s.up.List(s.ctx(), projectID)
	return toUploads(us), err
}
