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
		OnStdout: cmd.OnStdout, OnStderr: cmd.OnStderr})
}

// envdProvider is implemented by E2B (through the embedded client).
type envdProvider interface {
	Envd(sb *e2b.Sandbox) *e2b.Envd
}

// Envd returns the envd client for the handle's sandbox, confined to the
// project folder, or nil when the handle was not made with an *e2b.Client.
func (h *Handle) Envd() *e2b.Envd {
	p, ok := h.ctl.(envdProvider)
	if !ok {
		return nil
	}
	return p.Envd(h.Sandbox).WithRoot(h.Root)
}

// LazyClient returns a ClientFunc that builds the E2B client from config
// on first use and rebuilds it only when the key or the domain changed, so
// a key added in Settings after start is picked up and the process keeps
// one HTTP client. config should return an apperr.Unauthorized error with
// the sentence "Add your E2B API key in Settings..." when no key is set
// (e2b.New also refuses an empty key with such a sentence).
func LazyClient(config func(ctx context.Context) (e2b.Config, error)) ClientFunc {
	var (
		mu     sync.Mutex
		cached Control
		key    [3]string
	)
	return func(ctx context.Context) (Control, error) {
		cfg, err := config(ctx)
		if err != nil {
			return nil, err
		}
		k := [3]string{cfg.APIKey, cfg.Domain, cfg.APIURL}
		mu.Lock()
		defer mu.Unlock()
		if cached != nil && k == key {
			return cached, nil
		}
		c, err := e2b.New(cfg)
		if err != nil {
			return nil, err
		}
		cached, key = E2B{c}, k
		return cached, nil
	}
}
