package agent

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/sandbox"
	"tessera/backend/terminal"
)

// Sandboxes is what E2BSandbox needs of the sandbox manager.
type Sandboxes interface {
	Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error)
	Install(ctx context.Context, h *sandbox.Handle, command string, onOutput func(stream string, b []byte)) error
	Hold(projectID string) (release func())
	Invalidate(projectID string)
}

// again runs op on the project's sandbox, and once more on a fresh one
// when the sandbox is gone (E2B ended it earlier than expected: Ensure
// then recreates it from the project's files, as a chat turn does). A
// command that ran and failed is never run twice: only NotFound, which
// means the sandbox itself was missing, is retried.
func (e *E2BSandbox) again(ctx context.Context, projectID string, op func(h *sandbox.Handle) error) error {
	for attempt := 0; ; attempt++ {
		h, err := e.Sandboxes.Ensure(ctx, projectID, "")
		if err != nil {
			return err
		}
		err = op(h)
		if attempt == 0 && apperr.Is(err, apperr.NotFound) && ctx.Err() == nil {
			e.Sandboxes.Invalidate(projectID)
			continue
		}
		return err
	}
}

// Consoles is the dev-server console (*terminal.Manager).
type Consoles interface {
	OpenServer(ctx context.Context, projectID string) (terminal.Info, error)
	Snapshot(id string) (terminal.Snapshot, error)
}

// E2BSandbox is Sandbox over the project's E2B sandbox: commands through
// Handle.Run (each under setsid: its own process group, killed whole on
// cancel or timeout), background processes through envd's process
// service, the console through the terminal manager, the preview over
// HTTP to the sandbox's host URL.
type E2BSandbox struct {
	Sandboxes Sandboxes
	Consoles  Consoles // nil: no console
	// RootDir is the project folder in the sandbox (sandbox.DefaultRoot).
	RootDir string
	// Port gives the template's preview port (terminal.ServerPort).
	Port func(template string) int
	HTTP *http.Client
}

// Root implements Sandbox.
func (e *E2BSandbox) Root() string {
	if e.RootDir == "" {
		return sandbox.DefaultRoot
	}
	return e.RootDir
}

// Exec implements Sandbox.
func (e *E2BSandbox) Exec(ctx context.Context, projectID string, c Exec) (int, error) {
	release := e.Sandboxes.Hold(projectID)
	defer release()
	out := c.OnOutput
	if out == nil {
		out = func(string, []byte) {}
	}
	code := -1
	err := e.again(ctx, projectID, func(h *sandbox.Handle) error {
		var err error
		code, err = h.Run(ctx, sandbox.Command{Line: c.Line, Timeout: c.Timeout,
			OnStdout: func(b []byte) { out("stdout", b) }, OnStderr: func(b []byte) { out("stderr", b) }})
		return err
	})
	return code, err
}

// Background implements Sandbox: the process is started detached (it
// outlives the stream); its pid comes from envd's start event.
func (e *E2BSandbox) Background(ctx context.Context, projectID string, c Exec) (uint32, error) {
	h, err := e.Sandboxes.Ensure(ctx, projectID, "")
	if err != nil {
		return 0, err
	}
	procs := h.Processes()
	if procs == nil {
		return 0, apperr.New(apperr.Unavailable, "This sandbox cannot run background processes.")
	}
	pidc := make(chan uint32, 1)
	errc := make(chan error, 1)
	out := c.OnOutput
	go func() {
		_, err := procs.StartDetached(context.WithoutCancel(ctx), e2b.ProcessOptions{Cmd: BackgroundLine(c.Line), Cwd: h.Root}, "tessera-agent",
			e2b.StreamCallbacks{OnStart: func(pid uint32) { pidc <- pid }, OnData: func(stderr bool, b []byte) {
				if out != nil {
					stream := "stdout"
					if stderr {
						stream = "stderr"
					}
					out(stream, b)
				}
			}})
		errc <- err
	}()
	select {
	case pid := <-pidc:
		return pid, nil
	case err := <-errc:
		if err == nil {
			err = apperr.New(apperr.Unavailable, "The background process ended before it started.")
		}
		return 0, err
	case <-time.After(30 * time.Second):
		return 0, apperr.New(apperr.Unavailable, "The sandbox did not start the background process in time.")
	case <-ctx.Done():
		return 0, apperr.Wrap(ctx.Err(), apperr.Canceled, "Stopped.")
	}
}

// BackgroundLine is how a background command is started: in a session
// of its own (setsid), so KillTree of its pid finds all it started.
func BackgroundLine(line string) string { return "exec setsid /bin/bash -c " + shellQuote(line) }

// Kill implements Sandbox.
func (e *E2BSandbox) Kill(ctx context.Context, projectID string, pid uint32) error {
	h, err := e.Sandboxes.Ensure(ctx, projectID, "")
	if err != nil {
		return err
	}
	procs := h.Processes()
	if procs == nil {
		return nil
	}
	return procs.KillTree(ctx, pid)
}

// Install implements Sandbox.
func (e *E2BSandbox) Install(ctx context.Context, projectID, command string, onOutput func(stream string, b []byte)) error {
	return e.again(ctx, projectID, func(h *sandbox.Handle) error { return e.Sandboxes.Install(ctx, h, command, onOutput) })
}

// Console implements Sandbox.
func (e *E2BSandbox) Console(ctx context.Context, projectID string) (string, error) {
	if e.Consoles == nil {
		return "", nil
	}
	info, err := e.Consoles.OpenServer(ctx, projectID)
	if err != nil {
		return "", err
	}
	snap, err := e.Consoles.Snapshot(info.ID)
	if err != nil {
		return "", err
	}
	return string(snap.Data), nil
}

// Preview implements Sandbox.
func (e *E2BSandbox) Preview(ctx context.Context, projectID, path string) (Preview, error) {
	h, err := e.Sandboxes.Ensure(ctx, projectID, "")
	if err != nil {
		return Preview{}, err
	}
	port := 0
	if e.Port != nil {
		port = e.Port(h.Template)
	}
	if port <= 0 {
		return Preview{}, apperr.New(apperr.Invalid, "This project's template has no web preview.")
	}
	base := strings.TrimRight(h.HostURL(port), "/")
	if !strings.Contains(base, "://") {
		base = "https://" + base
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(wctx, http.MethodGet, base+path, nil)
	if err != nil {
		return Preview{}, apperr.Wrap(err, apperr.Invalid, "That preview path is not valid.")
	}
	hc := e.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Preview{}, apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("The preview on port %d did not answer; the dev server may not be running.", port))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return Preview{URL: base + path, Port: port, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(b)}, nil
}
