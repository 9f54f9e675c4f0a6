package sandbox

import (
	"context"
	"time"

	"tessera/backend/e2b"
	"tessera/backend/files"
	"tessera/backend/store"
)

// Control is the slice of E2B the manager needs. The control-plane methods
// have the exact signatures of *e2b.Client; the in-sandbox methods
// (WriteFiles, Run, Execute, WaitPort) are added by the adapter in
// e2b_adapter.go so that the manager can be tested with an in-package fake
// as well as with e2btest. A Control never leaves the package: callers
// work through a Handle.
type Control interface {
	Create(ctx context.Context, opts e2b.CreateOptions) (*e2b.Sandbox, error)
	Get(ctx context.Context, id string) (*e2b.Sandbox, error)
	List(ctx context.Context, opts e2b.ListOptions) ([]e2b.Sandbox, error)
	Connect(ctx context.Context, id string, timeout time.Duration) (sb *e2b.Sandbox, resumed bool, err error)
	Pause(ctx context.Context, id string) error
	Kill(ctx context.Context, id string) error
	SetTimeout(ctx context.Context, id string, timeout time.Duration) error
	HostURL(sb *e2b.Sandbox, port int) string

	// WriteFiles writes files (absolute sandbox paths) into the sandbox.
	WriteFiles(ctx context.Context, sb *e2b.Sandbox, files []SandboxFile) error
	// Run runs a shell command in the sandbox and waits for it.
	Run(ctx context.Context, sb *e2b.Sandbox, cmd Command) (exitCode int, err error)
	// Execute runs Python code in the sandbox's code interpreter (default
	// context), streaming its events.
	Execute(ctx context.Context, sb *e2b.Sandbox, code string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error)
	// WaitPort waits until port answers in the sandbox; returns its URL.
	WaitPort(ctx context.Context, sb *e2b.Sandbox, port int) (url string, err error)
	// Processes is the sandbox's process service for terminals and the
	// app's server (nil where there is none).
	Processes(sb *e2b.Sandbox) Processes
}

// Processes is what the terminals need of a sandbox's process service:
// shells on a pty, long-running servers, re-attaching, signals, listing.
type Processes interface {
	StartPty(ctx context.Context, po e2b.PtyOptions, cb e2b.StreamCallbacks) (e2b.ProcessExit, error)
	StartDetached(ctx context.Context, po e2b.ProcessOptions, tag string, cb e2b.StreamCallbacks) (e2b.ProcessExit, error)
	ConnectProcess(ctx context.Context, pid uint32, cb e2b.StreamCallbacks) (e2b.ProcessExit, error)
	SendPtyInput(ctx context.Context, pid uint32, data []byte) error
	ResizePty(ctx context.Context, pid uint32, cols, rows uint32) error
	Signal(ctx context.Context, pid uint32, term bool) error
	KillTree(ctx context.Context, pid uint32) error
	KillPort(ctx context.Context, port int) (int, error)
	ListProcesses(ctx context.Context) ([]e2b.ProcessInfo, error)
}

// SandboxFile is one file at an absolute path inside the sandbox (the type
// every layer shares, see package files).
type SandboxFile = files.File

// Command is one shell command run by Install and by a rebuild.
type Command struct {
	Line     string // run with /bin/bash -l -c
	Cwd      string
	Timeout  time.Duration
	OnStdout func([]byte)
	OnStderr func([]byte)
	// Env is added to the sandbox's environment (Handle.Run adds the
	// project's variables).
	Env map[string]string
}

// envExecutor is a Control that can pass variables to a Python cell.
type envExecutor interface {
	ExecuteEnv(ctx context.Context, sb *e2b.Sandbox, code string, env map[string]string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error)
}

// envReader is a Control that can read the variables a sandbox was created
// with (envd's GET /envs).
type envReader interface {
	Envs(ctx context.Context, sb *e2b.Sandbox) (map[string]string, error)
}

// ClientFunc returns the E2B client to use now. It is called on every
// operation so that a key added in Settings after start is picked up; it
// should cache the client itself (one HTTP client per process). When no key
// is set it returns an apperr.Unauthorized error with a sentence.
type ClientFunc func(ctx context.Context) (Control, error)

// Store is the part of the database the manager uses (*store.Store).
type Store interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	ListProjects(ctx context.Context) ([]store.Project, error)
	SetSandbox(ctx context.Context, projectID, sandboxID, state string) error
	ListFiles(ctx context.Context, projectID string) ([]store.File, error)
	AddInstall(ctx context.Context, projectID, command string) error
	ListInstalls(ctx context.Context, projectID string) ([]string, error)
	AddRunningSeconds(ctx context.Context, projectID string, t time.Time, seconds int64) error
	Usage(ctx context.Context, projectID string, now time.Time) (today, total int64, err error)
	MarkSandboxRemoved(ctx context.Context, projectID, sandboxID string, at time.Time) (bool, error)
	CostStore // cost.go
}

var _ Store = (*store.Store)(nil)
