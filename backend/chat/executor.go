package chat

import (
	"context"

	"tessera/backend/e2b"
	"tessera/backend/sandbox"
)

// E2BExecutor runs Python cells through the sandbox's code interpreter and
// waits for web previews through the sandbox proxy.
type E2BExecutor struct {
	// Client returns the process's E2B client (the key may be added after
	// start, so it is looked up per call).
	Client func(ctx context.Context) (*e2b.Client, error)
}

// Execute runs code in the sandbox's default context, which keeps
// variables between the cells of a project for as long as the sandbox
// lives (pause and resume keep memory too).
func (x E2BExecutor) Execute(ctx context.Context, h *sandbox.Handle, code string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error) {
	c, err := x.Client(ctx)
	if err != nil {
		return nil, err
	}
	return c.Interpreter(h.Sandbox).Execute(ctx, code, "", onEvent)
}

// WaitPort waits until the preview port answers and returns its URL.
func (x E2BExecutor) WaitPort(ctx context.Context, h *sandbox.Handle, port int) (string, error) {
	c, err := x.Client(ctx)
	if err != nil {
		return "", err
	}
	return c.WaitPort(ctx, h.Sandbox, port)
}
