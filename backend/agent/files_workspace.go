package agent

// WorkspaceFiles adapts today's write path to Files until the files
// owner package (Apply(ctx, project, Change)) lands: this file is the one
// place to switch over. The folder (workspace) is the source of truth:
// each change is checked and committed there as an agent step under the
// workspace's lock (so the outside-edit watcher never takes it for the
// person's edit), then copied to project_files and the sandbox.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Replica is the local copy and the sandbox (api.SandboxReplica).
type Replica interface {
	Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error)
	WriteFiles(ctx context.Context, h *sandbox.Handle, files []store.File) error
	Remove(ctx context.Context, h *sandbox.Handle, paths []string) error
}

// LocalCopy is project_files (*store.Store), for deletes.
type LocalCopy interface {
	DeleteFile(ctx context.Context, projectID, path string) error
}

// WorkspaceFiles implements Files over workspaces.
type WorkspaceFiles struct {
	// Open returns a project's workspace.
	Open func(ctx context.Context, projectID string) (*workspace.Workspace, error)
	// Replica and Local may be nil (tests of the folder alone).
	Replica Replica
	Local   LocalCopy
	// MaxRead bounds one file read (default 8 MB).
	MaxRead int64

	mu sync.Mutex // serialises Apply per process: one step writes at a time
}

// Read implements Files.
func (w *WorkspaceFiles) Read(ctx context.Context, projectID, path string) (string, error) {
	ws, err := w.Open(ctx, projectID)
	if err != nil {
		return "", err
	}
	limit := w.MaxRead
	if limit <= 0 {
		limit = 8 << 20
	}
	b, err := ws.ReadLimited(ctx, path, limit)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// List implements Files: the folder's files (ignored folders such as
// node_modules are not listed).
func (w *WorkspaceFiles) List(ctx context.Context, projectID string) ([]string, error) {
	ws, err := w.Open(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return listFiles(ctx, ws)
}

// listFiles is a folder's file paths, sorted (links and folders left out
// of the tree's entries).
func listFiles(ctx context.Context, ws *workspace.Workspace) ([]string, error) {
	entries, _, err := ws.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.Dir && !e.Link {
			out = append(out, e.Path)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Apply implements Files.
func (w *WorkspaceFiles) Apply(ctx context.Context, projectID string, c Change) error {
	ws, err := w.Open(ctx, projectID)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	check := func(cur []byte, exists bool) error {
		switch {
		case c.Force:
			return nil
		case c.Absent && exists:
			return apperr.Newf(apperr.Conflict, "%s was created meanwhile; nothing was written.", c.Path)
		case c.Base != "" && !exists:
			return apperr.Newf(apperr.Conflict, "%s was deleted meanwhile; nothing was written.", c.Path)
		case c.Base != "" && Hash(string(cur)) != c.Base:
			return apperr.Newf(apperr.Conflict, "%s changed since it was read; nothing was written.", c.Path)
		}
		return nil
	}
	verb := "write"
	if c.Delete {
		verb = "delete"
	}
	changed, err := ws.ApplyStep(ctx, workspace.File{Path: c.Path, Content: []byte(c.Content), Delete: c.Delete}, check, fmt.Sprintf("Agent: %s %s", verb, c.Path))
	if err != nil || !changed {
		return err
	}
	if err := w.replicate(ctx, projectID, c); err != nil {
		return apperr.Wrap(errors.Join(ErrNotReplicated, err), apperr.CodeOf(err), apperr.MessageOf(err))
	}
	return nil
}

// replicate copies a change to project_files and the sandbox. The folder
// already has it; a sandbox that cannot be written is rebuilt from the
// local copy later, so that failure is the step's error only when the
// local copy failed too.
func (w *WorkspaceFiles) replicate(ctx context.Context, projectID string, c Change) error {
	if w.Replica == nil {
		return nil
	}
	h, err := w.Replica.Ensure(ctx, projectID, "")
	if err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), "The change is saved in the project folder, but the sandbox could not be reached: "+apperr.MessageOf(err))
	}
	if c.Delete {
		if w.Local != nil {
			if err := w.Local.DeleteFile(ctx, projectID, c.Path); err != nil && !apperr.Is(err, apperr.NotFound) {
				return err
			}
		}
		return w.Replica.Remove(ctx, h, []string{c.Path})
	}
	return w.Replica.WriteFiles(ctx, h, []store.File{{Path: c.Path, Content: c.Content}})
}

// Versions over workspaces: the turn's step commits become its one
// version (SquashTurn).
type WorkspaceVersions struct {
	Open func(ctx context.Context, projectID string) (*workspace.Workspace, error)
}

// Head is the version a turn starts from.
func (v WorkspaceVersions) Head(ctx context.Context, projectID string) string {
	ws, err := v.Open(ctx, projectID)
	if err != nil {
		return ""
	}
	return ws.Head()
}

// RecordTurn makes the turn's version: prompt as message, the message id
// and the model as trailers.
func (v WorkspaceVersions) RecordTurn(ctx context.Context, projectID, since, prompt, messageID, model string, partial string) (string, bool, error) {
	ws, err := v.Open(ctx, projectID)
	if err != nil {
		return "", false, err
	}
	kind := "agent"
	if model == ModelUndo {
		kind = "undo" // the chat's line about the files reads it
	}
	tr := []workspace.Trailer{{Key: workspace.TrailerMessage, Value: messageID}, {Key: workspace.TrailerModel, Value: model}, {Key: workspace.TrailerKind, Value: kind}}
	if partial != "" {
		tr = append(tr, workspace.Trailer{Key: "Tessera-Partial", Value: partial})
	}
	ver, changed, err := ws.SquashTurn(ctx, since, prompt, tr)
	return ver.ID, changed, err
}
