package agent

// listFiles and the turn's versions over a project's workspace (the
// writes go through the files owner: files_owner.go).

import (
	"context"
	"sort"

	"tessera/backend/workspace"
)

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
