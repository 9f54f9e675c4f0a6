package e2b

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"tessera/backend/apperr"
)

// MaxExecOutput bounds the stdout and stderr text one execution keeps (and
// passes on): past it the rest is left out with one visible notice, and
// the cell runs on; results and errors are still delivered.
const MaxExecOutput = 8 << 20

// DefaultExecStartTimeout is how long a cell may go without the server
// confirming it started (number_of_executions, or any output). A cell
// sent right after an interrupt can be aborted by the kernel, and then the
// server never ends its stream, sending only keepalives (PROTOCOL.md
// Corrections, §5.1): without this bound the cell would hang until the
// idle limit, which keepalives keep from ever firing.
const DefaultExecStartTimeout = 20 * time.Second

// errExecStuck: the server kept the stream open without starting the cell.
var errExecStuck = errors.New("execute: the server did not start the cell")

// Sentences for a cell the server never started.
const (
	stuckRetryNotice = "[Tessera: the code interpreter had not started this cell (it was still stopping the previous one), so Tessera interrupted it and is running the cell again.]\n"
	stuckMessage     = "The code interpreter did not start the cell: it is still stuck stopping an earlier one. Wait a few seconds and run the code again; if it keeps happening, restart the sandbox."
)

// Execute runs code in a context and returns the aggregated execution.
// onEvent (may be nil) sees every event as it arrives, in order. Errors
// raised by the code are not Go errors: they are in Execution.Error. If the
// stream stops early (ctx ended, connection lost), the partial execution is
// returned with the error. Execution is retried only when the server
// provably never started the cell (see DefaultExecStartTimeout).
func (i *Interpreter) Execute(ctx context.Context, code, contextID string, onEvent func(ExecEvent)) (*Execution, error) {
	return i.ExecuteWith(ctx, ExecuteRequest{Code: code, ContextID: contextID}, onEvent)
}

// ExecuteWith is Execute with all request options.
func (i *Interpreter) ExecuteWith(ctx context.Context, er ExecuteRequest, onEvent func(ExecEvent)) (*Execution, error) {
	if i.err != nil {
		return nil, i.err
	}
	if strings.TrimSpace(er.Code) == "" {
		return nil, apperr.New(apperr.Invalid, "There is no code to run. Write some code first.")
	}
	if er.ContextID != "" && !validContextID(er.ContextID) {
		return nil, apperr.Newf(apperr.Invalid, "%q is not a valid code context id. Create a new context.", er.ContextID)
	}
	if err := checkMap(er.EnvVars, "environment variable"); err != nil {
		return nil, err
	}
	for k, v := range er.EnvVars {
		// The server pastes `os.environ['K'] = 'V'` into the cell, so these
		// characters would break (or change) the user's code.
		if strings.ContainsAny(k+v, "'\\\n\r") {
			return nil, apperr.Newf(apperr.Invalid, "The environment variable %s contains a quote, backslash or line break, which E2B's code interpreter cannot pass to a cell. Remove it or set it in the code.", k)
		}
	}
	body := map[string]any{"code": er.Code}
	if er.ContextID != "" {
		body["context_id"] = er.ContextID
	} else {
		lang := er.Language
		if lang == "" {
			lang = "python"
		}
		body["language"] = lang
	}
	if len(er.EnvVars) > 0 {
		body["env_vars"] = er.EnvVars
	}
	x, err := i.executeOnce(ctx, body, onEvent)
	if !errors.Is(err, errExecStuck) {
		return x, err
	}
	// Hanging up on the stuck stream makes the server interrupt the kernel;
	// the cell never started, so sending it again cannot run it twice.
	i.c.log.Debug("e2b: cell not started by the code interpreter; retrying once")
	if onEvent != nil {
		onEvent(ExecEvent{Type: EventStderr, Text: stuckRetryNotice})
	}
	x, err = i.executeOnce(ctx, body, onEvent)
	if x != nil {
		x.Stderr = append([]string{stuckRetryNotice}, x.Stderr...)
	}
	return x, err
}

// executeOnce sends one /execute and reads its stream to the end.
func (i *Interpreter) executeOnce(ctx context.Context, body map[string]any, onEvent func(ExecEvent)) (*Execution, error) {
	o := op{what: "run the code",
		notFound: "The code context no longer exists (the sandbox may have restarted). Tessera will create a new one; run the code again."}
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	headerTimer := time.AfterFunc(i.c.reqTO, func() { cancel(errHeaderTimeout) })
	req := i.c.raw.R().SetContext(sctx).SetDoNotParseResponse(true)
	i.headers(req)
	req.SetHeader("Content-Type", "application/json").SetBody(body)
	resp, err := req.Execute(http.MethodPost, i.base+"/execute")
	headerTimer.Stop()
	if err != nil {
		return nil, i.streamError(ctx, sctx, o, err)
	}
	rb := resp.RawBody()
	defer rb.Close()
	if st := resp.StatusCode(); st != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(rb, 64<<10))
		return nil, interpreterError(o, st, b)
	}

	// Keepalives reset the idle timer (a silent 90 s cell is alive), but
	// only a real event proves the cell started.
	idle := time.AfterFunc(i.c.idleTO, func() { cancel(errIdleTimeout) })
	defer idle.Stop()
	start := time.AfterFunc(i.c.execStartTO, func() { cancel(errExecStuck) })
	defer start.Stop()
	dec := newExecDecoder(rb, i.c.maxExecLine)
	x := &Execution{}
	kept := 0
	for {
		ev, err := dec.next()
		if err != nil {
			return x, i.streamError(ctx, sctx, o, err)
		}
		idle.Reset(i.c.idleTO)
		if ev.Type == eventKeepalive {
			continue
		}
		start.Stop()
		switch ev.Type {
		case EventStdout, EventStderr:
			var ok bool
			if ev, ok = i.budget(x, ev, &kept); !ok {
				continue
			}
			if ev.Truncated {
				x.Truncated = true
			}
			if ev.Type == EventStdout {
				x.Stdout = append(x.Stdout, ev.Text)
			} else {
				x.Stderr = append(x.Stderr, ev.Text)
			}
		case EventResult:
			x.Results = append(x.Results, *ev.Result)
		case EventError:
			if x.Error == nil {
				x.Error = ev.Error
			}
			x.Errors = append(x.Errors, *ev.Error)
		case EventNumberOfExecutions:
			x.ExecutionCount = ev.ExecutionCount
		}
		if onEvent != nil {
			onEvent(ev)
		}
		if ev.Type == EventEnd {
			return x, nil
		}
		if sctx.Err() != nil {
			return x, i.streamError(ctx, sctx, o, sctx.Err())
		}
	}
}

// budget applies MaxExecOutput to one text event: the part that fits, then
// one notice, then nothing (ok=false) for the rest of the cell.
func (i *Interpreter) budget(x *Execution, ev ExecEvent, kept *int) (ExecEvent, bool) {
	max := i.c.maxExecOutput
	if *kept > max {
		return ev, false // already cut; the notice was sent
	}
	if *kept+len(ev.Text) <= max {
		*kept += len(ev.Text)
		return ev, true
	}
	cut := max - *kept
	for cut > 0 && !utf8.RuneStart(ev.Text[cut]) {
		cut--
	}
	*kept = max + 1
	ev.Text = ev.Text[:cut] + fmt.Sprintf("\n[Tessera kept the first %s of this cell's output; the rest was left out. The code ran on.]\n", sizeText(max))
	ev.Truncated = true
	return ev, true
}

func (i *Interpreter) streamError(ctx, sctx context.Context, o op, err error) error {
	if ctx.Err() != nil {
		return transportError(ctx, o, err)
	}
	switch context.Cause(sctx) {
	case errExecStuck:
		return apperr.Wrap(errExecStuck, apperr.Unavailable, stuckMessage)
	case errIdleTimeout:
		return apperr.Wrap(errIdleTimeout, apperr.Unavailable, "The sandbox stopped answering while the code was running (not even the code interpreter's keepalive arrived). Check your connection and try again.")
	case errHeaderTimeout:
		return apperr.Wrap(errHeaderTimeout, apperr.Unavailable, "The code interpreter did not answer in time. Try again in a moment.")
	}
	if errors.Is(err, ErrExecStreamEnded) || errors.Is(err, io.ErrUnexpectedEOF) {
		return apperr.Wrap(err, apperr.Unavailable, "The code interpreter closed the connection before the cell finished (the sandbox may have stopped). Run the code again.")
	}
	if strings.HasPrefix(err.Error(), "execute:") {
		return apperr.Wrap(err, apperr.Unavailable, "The code interpreter sent output Tessera could not read. Run the code again.")
	}
	return transportError(ctx, o, err)
}
