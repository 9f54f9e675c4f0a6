package chat

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"tessera/backend/fragment"
	"tessera/backend/sandbox"
)

// warmup gets the sandbox ready while the answer is still streaming: it
// ensures the project's sandbox (create or resume) as soon as the stream
// names the template, and runs the dependency install as soon as the
// install command is complete, while the code is still being written. The
// run step then finds both done, or waits for what is left. A Stop cancels
// both (the install's process is killed); an install the final fragment
// does not ask for is cancelled and waited for before the run goes on.
type warmup struct {
	sb      Sandboxes
	ctx     context.Context // the turn's: a Stop cancels the warm-up
	project string
	log     *slog.Logger

	mu       sync.Mutex
	template string
	ensured  chan struct{} // closed when Ensure returned
	h        *sandbox.Handle
	err      error
	release  func() // the hold that keeps the idle pause away meanwhile

	command       string
	installed     chan struct{} // closed when the install returned
	installErr    error
	cancelInstall context.CancelFunc
	out           []byte               // install output not yet shown
	sink          func(string, []byte) // where output goes once the run step waits
}

func newWarmup(ctx context.Context, sb Sandboxes, projectID string, log *slog.Logger) *warmup {
	return &warmup{sb: sb, ctx: ctx, project: projectID, log: log}
}

// observe looks at each partial fragment; it never blocks.
func (w *warmup) observe(p fragment.Partial) {
	s := p.Setup
	if w == nil || s.Template == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ensured == nil {
		w.template = s.Template
		w.ensured = make(chan struct{})
		w.release = w.sb.Hold(w.project)
		go w.ensure(s.Template)
	}
	if s.Done && s.Install != "" && w.installed == nil {
		w.command = s.Install
		w.installed = make(chan struct{})
		ictx, cancel := context.WithCancel(w.ctx)
		w.cancelInstall = cancel
		go w.install(ictx, s.Install)
	}
}

func (w *warmup) ensure(template string) {
	h, err := w.sb.Ensure(w.ctx, w.project, template)
	w.mu.Lock()
	w.h, w.err = h, err
	w.mu.Unlock()
	close(w.ensured)
}

func (w *warmup) install(ctx context.Context, command string) {
	var h *sandbox.Handle
	var err error
	select {
	case <-w.ensured: // the sandbox is there (or failed)
		w.mu.Lock()
		h, err = w.h, w.err
		w.mu.Unlock()
	case <-ctx.Done(): // cancelled before the sandbox was: the turn's end need not wait for it
		err = ctx.Err()
	}
	if err == nil {
		err = w.sb.Install(ctx, h, command, w.output)
	}
	w.mu.Lock()
	w.installErr = err
	w.mu.Unlock()
	close(w.installed)
}

// output keeps the install's output until the run step shows it.
func (w *warmup) output(stream string, b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sink != nil {
		w.sink(stream, b)
		return
	}
	if len(w.out) < maxInstallLog {
		w.out = append(w.out, b...)
	}
}

// handle is the warmed sandbox for template, waiting for it if Ensure is
// still running; ok is false when there is none to use (never started,
// another template, or it failed: the run step ensures by itself).
func (w *warmup) handle(ctx context.Context, template string) (*sandbox.Handle, bool) {
	if w == nil {
		return nil, false
	}
	w.mu.Lock()
	ensured, same := w.ensured, w.template == template
	w.mu.Unlock()
	if ensured == nil || !same {
		return nil, false
	}
	select {
	case <-ensured:
	case <-ctx.Done():
		return nil, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.h, w.err == nil
}

// awaitInstall is the outcome of the warmed install of command, its
// output so far replayed to onOutput and the rest streamed there; started
// is false when no install of that command was started (then the run step
// installs by itself). An install of another command is cancelled and
// waited for first, so two installs never run at once.
func (w *warmup) awaitInstall(ctx context.Context, command string, onOutput func(string, []byte)) (started bool, err error) {
	if w == nil {
		return false, nil
	}
	w.mu.Lock()
	installed, cmd, cancel := w.installed, w.command, w.cancelInstall
	if installed == nil {
		w.mu.Unlock()
		return false, nil
	}
	if cmd != strings.TrimSpace(command) {
		w.mu.Unlock()
		w.log.Info("the answer changed its install command; dropping the early install", "project", w.project)
		cancel()
		<-installed
		return false, nil
	}
	if len(w.out) > 0 {
		onOutput("stdout", w.out)
		w.out = nil
	}
	w.sink = onOutput
	w.mu.Unlock()
	select {
	case <-installed:
	case <-ctx.Done():
		<-installed // the install's context is a child of the turn's: it stops too
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sink = nil
	return true, w.installErr
}

// close ends the warm-up with the turn: it cancels an install nobody
// waited for and lets the idle pause see the sandbox again.
func (w *warmup) close() {
	if w == nil {
		return
	}
	w.mu.Lock()
	cancel, release, installed := w.cancelInstall, w.release, w.installed
	w.mu.Unlock()
	if cancel != nil {
		cancel()
		<-installed
	}
	if release != nil {
		release()
	}
}
