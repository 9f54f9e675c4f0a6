package sandbox

import (
	"context"
	"sync"

	"tessera/backend/e2b"
)

// E2B adapts *e2b.Client to Control: the control-plane methods come from
// the embedded client, the in-sandbox ones go through its envd client.
type E2B struct{ *e2b.Client }

var _ Control = E2B{}

// WriteFiles implements Control.
func (c E2B) WriteFiles(ctx context.Context, sb *e2b.Sandbox, files []SandboxFile) error {
	return c.Client.Envd(sb).WriteFiles(ctx, files)
}

// Run implements Control.
func (c E2B) Run(ctx context.Context, sb *e2b.Sandbox, cmd Command) (int, error) {
	return c.Client.Envd(sb).Run(ctx, e2b.ProcessOptions{Cmd: cmd.Line, Cwd: cmd.Cwd, Timeout: cmd.Timeout,
		OnStdout: cmd.OnStdout, OnStderr: cmd.OnStderr, Env: cmd.Env})
}

// ExecuteEnv is Execute with variables for the cell (the code
// interpreter's env_vars).
func (c E2B) ExecuteEnv(ctx context.Context, sb *e2b.Sandbox, code string, env map[string]string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error) {
	return c.Client.Interpreter(sb).ExecuteWith(ctx, e2b.ExecuteRequest{Code: code, EnvVars: env}, onEvent)
}

// Envs returns the sandbox-global variables (what it was created with).
func (c E2B) Envs(ctx context.Context, sb *e2b.Sandbox) (map[string]string, error) {
	return c.Client.Envd(sb).Envs(ctx)
}

// Execute implements Control.
func (c E2B) Execute(ctx context.Context, sb *e2b.Sandbox, code string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error) {
	return c.Client.Interpreter(sb).Execute(ctx, code, "", onEvent)
}

// WaitPort implements Control.
func (c E2B) WaitPort(ctx context.Context, sb *e2b.Sandbox, port int) (string, error) {
	return c.Client.WaitPort(ctx, sb, port)
}

// Processes implements Control.
func (c E2B) Processes(sb *e2b.Sandbox) Processes { return c.Client.Envd(sb) }

// E2BClients builds the process's E2B client from its configuration (the
// keychain key and the settings) on first use and keeps it until
// Invalidate: the keychain and the settings table are read once, not on
// every operation. The app calls Invalidate when the E2B key or the
// settings change. While no key is set nothing is kept, so a key added
// later is found by the next call even without an Invalidate.
type E2BClients struct {
	config func(ctx context.Context) (e2b.Config, error)

	mu     sync.Mutex
	cached Control
	gen    uint64 // bumped by Invalidate
}

// NewE2BClients returns an E2BClients over config. config should return
// an apperr.Unauthorized error with the sentence "Add your E2B API key in
// Settings..." when no key is set (e2b.New also refuses an empty key with
// such a sentence).
func NewE2BClients(config func(ctx context.Context) (e2b.Config, error)) *E2BClients {
	return &E2BClients{config: config}
}

// Client is a ClientFunc.
func (l *E2BClients) Client(ctx context.Context) (Control, error) {
	l.mu.Lock()
	if l.cached != nil {
		c := l.cached
		l.mu.Unlock()
		return c, nil
	}
	gen := l.gen
	l.mu.Unlock()
	// The keychain can be slow (a locked keyring prompts): read it
	// without holding the lock.
	cfg, err := l.config(ctx)
	if err != nil {
		return nil, err
	}
	c, err := e2b.New(cfg)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cached != nil {
		return l.cached, nil // a concurrent first call won
	}
	var ctl Control = E2B{c}
	if l.gen == gen {
		// Not when Invalidate came during the read: cfg may be stale.
		l.cached = ctl
	}
	return ctl, nil
}

// Invalidate drops the kept client; the next call reads the key and the
// settings again.
func (l *E2BClients) Invalidate() {
	l.mu.Lock()
	l.cached = nil
	l.gen++
	l.mu.Unlock()
}

// LazyClient is NewE2BClients(config).Client, for a configuration that is
// never invalidated (tests, tools).
func LazyClient(config func(ctx context.Context) (e2b.Config, error)) ClientFunc {
	return NewE2BClients(config).Client
}
