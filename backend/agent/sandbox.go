package agent

import (
	"context"
	"time"
)

// Sandbox is what the tools need of the project's sandbox (the adapter
// over package sandbox and terminal is sandbox_e2b.go).
type Sandbox interface {
	// Exec runs a shell line in the project folder in its own process
	// group and waits; a cancelled ctx or the timeout kills the group.
	// A non-zero exit is not an error.
	Exec(ctx context.Context, projectID string, c Exec) (exitCode int, err error)
	// Background starts a shell line that outlives the step (a server);
	// output goes to c.OnOutput until it ends. It returns its pid.
	Background(ctx context.Context, projectID string, c Exec) (pid uint32, err error)
	// Kill stops a process the turn started, with its children.
	Kill(ctx context.Context, projectID string, pid uint32) error
	// Install runs a package install the way a fragment's install runs,
	// and records it so a rebuilt sandbox gets it again.
	Install(ctx context.Context, projectID, command string, onOutput func(stream string, b []byte)) error
	// Console is the recent output of the project's dev server ("" when
	// none runs).
	Console(ctx context.Context, projectID string) (string, error)
	// Preview fetches a path of the app's preview: HTTP status and body.
	Preview(ctx context.Context, projectID, path string) (Preview, error)
	// Root is the project folder inside the sandbox.
	Root() string
}

// Exec is one command line.
type Exec struct {
	Line     string
	Timeout  time.Duration
	OnOutput func(stream string, b []byte)
}

// Preview is one fetch of the app's preview.
type Preview struct {
	URL         string
	Port        int
	Status      int
	ContentType string
	Body        string
}
