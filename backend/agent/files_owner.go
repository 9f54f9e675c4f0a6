package agent

// OwnerFiles is Files over the one owner of project files (package
// projectfiles): each of the agent's changes is an Apply with the hash the
// agent read as its precondition, so an edit saved in the editor (or in
// the person's own editor) between the agent's read and its write fails
// with a conflict and writes nothing.

import (
	"context"
	"fmt"

	"tessera/backend/projectfiles"
)

// OwnerFiles implements Files.
type OwnerFiles struct {
	Owner *projectfiles.Owner
}

// Read implements Files.
func (o OwnerFiles) Read(ctx context.Context, projectID, path string) (string, error) {
	b, _, err := o.Owner.Read(ctx, projectID, path)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// List implements Files: the folder's files (ignored folders such as
// node_modules are not listed).
func (o OwnerFiles) List(ctx context.Context, projectID string) ([]string, error) {
	ws, err := o.Owner.Workspace(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return listFiles(ctx, ws)
}

// Apply implements Files: one version per step ("Agent: write app.py"),
// folded into the turn's one version when the turn ends (RecordTurn).
func (o OwnerFiles) Apply(ctx context.Context, projectID string, c Change) error {
	w := projectfiles.Write{Path: c.Path, Content: []byte(c.Content), Delete: c.Delete}
	switch {
	case c.Force:
	case c.Absent:
		w.IfMatch = projectfiles.Absent
	case c.Base != "":
		w.IfMatch = c.Base // Hash here and projectfiles.Hash are both SHA-256 hex
	}
	verb := "write"
	if c.Delete {
		verb = "delete"
	}
	_, err := o.Owner.Apply(ctx, projectID, projectfiles.AgentStep(fmt.Sprintf("Agent: %s %s", verb, c.Path), w))
	return err
}
