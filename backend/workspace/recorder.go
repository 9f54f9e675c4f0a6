package workspace

import (
	"context"

	"tessera/backend/store"
)

// ProjectIndex is what a Recorder needs from the projects table.
type ProjectIndex interface {
	Index
	GetProject(ctx context.Context, id string) (store.Project, error)
}

// Recorder commits by project id, which is what the chat knows after a
// turn: it finds the project's workspace (giving it a folder if needed).
type Recorder struct {
	m  *Manager
	st ProjectIndex
}

// NewRecorder returns a Recorder over the manager's workspaces.
func NewRecorder(m *Manager, st ProjectIndex) *Recorder { return &Recorder{m: m, st: st} }

// RecordTurn writes the files a turn produced into the project's folder
// and, when anything changed, commits them with the person's prompt as the
// message and the answer's id and provider/model as trailers. changed is
// false (no version) when the files were already exactly so.
func (r *Recorder) RecordTurn(ctx context.Context, projectID string, files []store.File, prompt, messageID, model string) (Version, bool, error) {
	w, err := r.workspace(ctx, projectID)
	if err != nil {
		return Version{}, false, err
	}
	return w.RecordTurn(ctx, toFiles(files), prompt, messageID, model)
}

// RecordEdit commits files the person changed by hand (one version).
func (r *Recorder) RecordEdit(ctx context.Context, projectID string, files []store.File, msg string) (Version, bool, error) {
	w, err := r.workspace(ctx, projectID)
	if err != nil {
		return Version{}, false, err
	}
	return w.RecordEdit(ctx, toFiles(files), msg)
}

// RecordUpload commits files the person uploaded (one version).
func (r *Recorder) RecordUpload(ctx context.Context, projectID string, files []store.File, msg string) (Version, bool, error) {
	w, err := r.workspace(ctx, projectID)
	if err != nil {
		return Version{}, false, err
	}
	return w.RecordUpload(ctx, toFiles(files), msg)
}

func (r *Recorder) workspace(ctx context.Context, projectID string) (*Workspace, error) {
	p, err := r.st.GetProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return r.m.For(ctx, r.st, p)
}

func toFiles(in []store.File) []File {
	out := make([]File, len(in))
	for i, f := range in {
		out[i] = File{Path: f.Path, Content: []byte(f.Content)}
	}
	return out
}
