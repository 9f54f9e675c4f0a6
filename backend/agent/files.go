package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// Files is the project's files as the agent sees them: the person's
// folder, the one source of truth (the files engineer's owner package
// will implement it as Apply(ctx, project, Change); files_workspace.go
// adapts today's write path until then).
type Files interface {
	// Read returns a file's content; apperr.NotFound when there is none.
	Read(ctx context.Context, projectID, path string) (string, error)
	// List returns the project's file paths (relative, sorted).
	List(ctx context.Context, projectID string) ([]string, error)
	// Apply makes one change, atomically with its precondition: when
	// Base is set, the file must still hold exactly the content the
	// agent read (by hash), else apperr.Conflict and nothing is written.
	// The change reaches the folder, the local copy and the sandbox.
	Apply(ctx context.Context, projectID string, c Change) error
}

// ErrNotReplicated matches (errors.Is) an Apply whose change is in the
// project folder (the source of truth) but did not reach the sandbox: the
// step changed the file, and the sandbox gets it when it is rebuilt.
var ErrNotReplicated = errors.New("the change did not reach the sandbox")

// Change is one file change of the agent.
type Change struct {
	Path    string `json:"path"`
	Content string `json:"content,omitempty"`
	Delete  bool   `json:"delete,omitempty"`
	// Base is Hash of the content the agent read; "" = no precondition
	// but that the file does not exist (Absent) or nothing (Force).
	Base   string `json:"base,omitempty"`
	Absent bool   `json:"absent,omitempty"`
	// Force skips the precondition (restore to before step N).
	Force bool `json:"-"`
}

// Hash names a content for preconditions.
func Hash(content string) string {
	s := sha256.Sum256([]byte(content))
	return hex.EncodeToString(s[:])
}

// fileUndo is what a path held before a step changed it, and the hash of
// what the step left ("" = deleted), to see later edits.
type fileUndo struct {
	Path    string `json:"path"`
	Existed bool   `json:"existed"`
	Content string `json:"content,omitempty"`
	After   string `json:"after,omitempty"`
}
