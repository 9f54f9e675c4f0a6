package sandbox

import (
	"context"

	"tessera/backend/e2b"
)

// Handle is a ready sandbox returned by Ensure. Its fields are a snapshot
// for the work that follows, one turn of the chat: install, write, run,
// preview all go through the same Handle, so a turn ensures once. The
// client it was made with stays inside: callers get operations (Run,
// Execute, WaitPort, HostURL, and the manager's WriteFiles and Install),
// never the E2B client. When an operation finds the sandbox gone, call
// Manager.Invalidate and Ensure again.
type Handle struct {
	ProjectID string
	SandboxID string
	Template  string
	// Root is the project folder in the sandbox; project file paths are
	// relative to it.
	Root string
	// Resumed is true when Ensure woke a paused sandbox; Rebuilt when it
	// made a new one and replayed the project's files and installs.
	Resumed bool
	Rebuilt bool
	// Sandbox carries the connection details (envd token, domain).
	Sandbox *e2b.Sandbox
	ctl     Control
	env     map[string]string // the project's variables (env.go)
}

// HostURL is the URL of a port in the sandbox (a web template's preview).
func (h *Handle) HostURL(port int) string { return h.ctl.HostURL(h.Sandbox, port) }

// Processes is the sandbox's process service (terminals, the app's
// server); nil when the connection has none.
func (h *Handle) Processes() Processes { return h.ctl.Processes(h.Sandbox) }

// Path resolves a project-relative file path to an absolute sandbox path,
// refusing anything outside the project folder.
func (h *Handle) Path(rel string) (string, error) { return e2b.ResolvePath(h.Root, rel) }

// Run runs a shell command in the sandbox (in Root unless cmd.Cwd is set).
// Call Touch or Hold around long runs.
func (h *Handle) Run(ctx context.Context, cmd Command) (int, error) {
	if cmd.Cwd == "" {
		cmd.Cwd = h.Root
	}
	if len(h.env) > 0 {
		env := cloneMap(h.env)
		for k, v := range cmd.Env {
			env[k] = v
		}
		cmd.Env = env
	}
	return h.ctl.Run(ctx, h.Sandbox, cmd)
}

// Execute runs Python code in the sandbox's code interpreter (its default
// context, which keeps variables between cells for as long as the sandbox
// lives), streaming what it prints and shows.
func (h *Handle) Execute(ctx context.Context, code string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error) {
	if x, ok := h.ctl.(envExecutor); ok && len(h.env) > 0 {
		// Per cell: variables changed since the kernel started (while
		// the sandbox was paused) apply at once.
		return x.ExecuteEnv(ctx, h.Sandbox, code, h.env, onEvent)
	}
	return h.ctl.Execute(ctx, h.Sandbox, code, onEvent)
}

// WaitPort waits until a server in the sandbox answers on port (a web
// template's preview) and returns its URL.
func (h *Handle) WaitPort(ctx context.Context, port int) (string, error) {
	return h.ctl.WaitPort(ctx, h.Sandbox, port)
}

func (m *Manager) handleOf(e *entry, resumed, rebuilt bool) *Handle {
	sb := *e.sb
	sb.Metadata = cloneMap(e.sb.Metadata)
	return &Handle{ProjectID: e.id, SandboxID: e.sandboxID, Template: e.template,
		Root: m.cfg.RootFor(e.template), Resumed: resumed, Rebuilt: rebuilt, Sandbox: &sb, ctl: e.ctl, env: processEnv(e.env, e.baked, e.ours, e.envFailed)}
}

func cloneMap(in map[string]string) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out

}
