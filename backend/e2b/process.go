package e2b

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tessera/backend/apperr"
)

// DefaultProcessTimeout is the command time limit when ProcessOptions
// gives none (the SDKs' default).
const DefaultProcessTimeout = 60 * time.Second

// keepaliveSeconds is what we ask envd for (Keepalive-Ping-Interval); well
// under the proxies' idle limits (§7) and under StreamIdleTimeout.
const keepaliveSeconds = 30

// ProcessOptions describe one command.
type ProcessOptions struct {
	// Cmd is a shell command line run as `/bin/bash -l -c Cmd` (as the SDKs
	// do) when Args is nil; with Args non-nil, Cmd is the program and Args
	// its arguments, executed directly.
	Cmd  string
	Args []string
	// Cwd is the working folder; relative to the Envd root when one is set
	// (default: the root), else to the user's home.
	Cwd string
	Env map[string]string
	// Timeout is the command's time limit: 0 means DefaultProcessTimeout,
	// negative means none. When it elapses, envd kills the process.
	Timeout time.Duration
	// OnStdout and OnStderr receive output chunks as they arrive (chunks may
	// split lines and UTF-8 sequences). Like io.Writer.Write, they must not
	// keep the slice after returning: it is reused.
	OnStdout, OnStderr func([]byte)

	// noTree runs the command as given, without its own session, and
	// stops only its pid: for the kill that stops a tree.
	noTree bool
}

type processEnd struct {
	ExitCode int32   `json:"exitCode"`
	Exited   bool    `json:"exited"`
	Status   string  `json:"status"`
	Error    *string `json:"error"`
}

type wireProcessEvent struct {
	Event struct {
		Start *struct {
			Pid uint32 `json:"pid"`
		} `json:"start"`
		Data *struct {
			Stdout []byte `json:"stdout"`
			Stderr []byte `json:"stderr"`
			Pty    []byte `json:"pty"`
		} `json:"data"`
		End       *processEnd `json:"end"`
		Keepalive *struct{}   `json:"keepalive"`
	} `json:"event"`
}

const (
	evUnknown = iota
	evStart
	evStdout
	evStderr
	evEnd
	evKeepalive
)

type procEvent struct {
	kind int
	pid  uint32
	data []byte // valid until the next decode
	end  processEnd
}

// procDecoder decodes process event messages. Data messages, which are
// nearly all of the bytes, take a fast path that base64-decodes straight
// from the envelope into a reused buffer; anything else goes through
// encoding/json.
type procDecoder struct{ buf []byte }

var (
	fastStdoutPrefix = []byte(`{"event":{"data":{"stdout":"`)
	fastStderrPrefix = []byte(`{"event":{"data":{"stderr":"`)
	fastSuffix       = []byte(`"}}}`)
)

func (d *procDecoder) decode(p []byte) (procEvent, error) {
	if bytes.HasSuffix(p, fastSuffix) {
		kind, rest := evUnknown, []byte(nil)
		if bytes.HasPrefix(p, fastStdoutPrefix) {
			kind, rest = evStdout, p[len(fastStdoutPrefix):len(p)-len(fastSuffix)]
		} else if bytes.HasPrefix(p, fastStderrPrefix) {
			kind, rest = evStderr, p[len(fastStderrPrefix):len(p)-len(fastSuffix)]
		}
		if kind != evUnknown && len(rest) <= len(p) {
			n := base64.StdEncoding.DecodedLen(len(rest))
			if cap(d.buf) < n {
				d.buf = make([]byte, n)
			}
			m, err := base64.StdEncoding.Decode(d.buf[:n], rest)
			if err == nil {
				return procEvent{kind: kind, data: d.buf[:m]}, nil
			}
			// Escaped or odd JSON: let encoding/json judge it.
		}
	}
	var w wireProcessEvent
	if err := json.Unmarshal(p, &w); err != nil {
		return procEvent{}, fmt.Errorf("process event: %w", err)
	}
	ev := w.Event
	switch {
	case ev.Start != nil:
		return procEvent{kind: evStart, pid: ev.Start.Pid}, nil
	case ev.Data != nil:
		switch {
		case ev.Data.Stderr != nil:
			return procEvent{kind: evStderr, data: ev.Data.Stderr}, nil
		case ev.Data.Pty != nil:
			return procEvent{kind: evStdout, data: ev.Data.Pty}, nil
		default:
			return procEvent{kind: evStdout, data: ev.Data.Stdout}, nil
		}
	case ev.End != nil:
		return procEvent{kind: evEnd, end: *ev.End}, nil
	case ev.Keepalive != nil:
		return procEvent{kind: evKeepalive}, nil
	}
	return procEvent{kind: evUnknown}, nil
}

// Stream stop causes, to tell our own timers from the caller's context.
var (
	errHeaderTimeout  = errors.New("e2b: no response headers within the request timeout")
	errIdleTimeout    = errors.New("e2b: stream idle for too long")
	errProcessTimeout = errors.New("e2b: process time limit reached")
)

// Run starts a process with process.Process/Start (a Connect server
// stream, §4.5), streams its output to the callbacks and returns its exit
// code once it ends. A non-zero exit is not an error. When ctx ends or the
// time limit passes, the process is killed in the sandbox (envd would
// otherwise keep it running after we hang up) and Run returns -1 with a
// Canceled or Unavailable error. Start is never retried: a lost answer
// may mean the command already ran.
func (e *Envd) Run(ctx context.Context, po ProcessOptions) (int, error) {
	if e.err != nil {
		return -1, e.err
	}
	if strings.TrimSpace(po.Cmd) == "" {
		return -1, apperr.New(apperr.Invalid, "No command was given. Give the command to run.")
	}
	if strings.ContainsRune(po.Cmd, 0) {
		return -1, apperr.New(apperr.Invalid, "The command contains a NUL character. Remove it and try again.")
	}
	if err := checkMap(po.Env, "environment variable"); err != nil {
		return -1, err
	}
	cwd := po.Cwd
	switch {
	case cwd == "" && e.root != "":
		cwd = e.root
	case cwd != "":
		var err error
		if cwd, err = e.resolve(cwd); err != nil {
			return -1, err
		}
	}
	setsid := setsidPath
	if e.setsid != "" {
		setsid = e.setsid
	}
	cmd, args := wrapCommand(po, setsid)
	proc := map[string]any{"cmd": cmd, "args": args}
	if len(po.Env) > 0 {
		proc["envs"] = po.Env
	}
	if cwd != "" {
		proc["cwd"] = cwd
	}
	// A tag of its own: a Stop that comes before envd told us the pid can
	// still find the process (killStarted) instead of leaving it running.
	tag := "tessera-run-" + rand.Text()
	msg, err := json.Marshal(map[string]any{"process": proc, "stdin": false, "tag": tag})
	if err != nil {
		return -1, apperr.Wrap(err, apperr.Internal, "Tessera could not prepare the command. This is a bug; the log file has the details.")
	}
	body := appendEnvelope(nil, 0, msg)

	timeout := po.Timeout
	if timeout == 0 {
		timeout = DefaultProcessTimeout
	}
	o := op{what: "run the command"}

	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if timeout > 0 {
		// We enforce the limit ourselves: envd's own deadline
		// (Connect-Timeout-Ms, sent a little later as a backstop for when
		// Tessera is gone) kills only the pid it started, not its children.
		// Ending the stream here leads to killTree below.
		t := time.AfterFunc(timeout, func() { cancel(errProcessTimeout) })
		defer t.Stop()
	}
	headerTimer := time.AfterFunc(e.c.reqTO, func() { cancel(errHeaderTimeout) })
	req := e.c.raw.R().SetContext(sctx).SetDoNotParseResponse(true)
	e.headers(req)
	req.SetHeader("Content-Type", "application/connect+json").
		SetHeader("Connect-Protocol-Version", "1").
		SetHeader("Keepalive-Ping-Interval", strconv.Itoa(keepaliveSeconds)).
		SetBody(body)
	if timeout > 0 {
		// Never send 0: connect-go reads it as an already expired deadline.
		req.SetHeader("Connect-Timeout-Ms", strconv.FormatInt((timeout+envdDeadlineSlack).Milliseconds(), 10))
	}
	resp, err := req.Execute(http.MethodPost, e.base+"/process.Process/Start")
	headerTimer.Stop()
	if err != nil {
		if sctx.Err() != nil {
			e.killStarted(ctx, tag, po.noTree)
		}
		return -1, e.streamError(ctx, sctx, o, err, timeout)
	}
	rb := resp.RawBody()
	defer rb.Close()
	if resp.StatusCode() != http.StatusOK || !strings.HasPrefix(resp.Header().Get("Content-Type"), "application/connect+json") {
		b, _ := io.ReadAll(io.LimitReader(rb, 64<<10))
		st := resp.StatusCode()
		if st == http.StatusOK {
			st = http.StatusInternalServerError
		}
		return -1, envdError(o, st, b)
	}

	idle := time.AfterFunc(e.c.idleTO, func() { cancel(errIdleTimeout) })
	defer idle.Stop()
	er := newEnvelopeReader(rb, DefaultMaxEnvelope)
	var dec procDecoder
	var pid uint32
	started, ended := false, false
	var end processEnd
	for {
		flags, payload, err := er.next()
		if err != nil {
			if ended && (err == io.EOF) {
				// The end event arrived but the stream lost its trailer;
				// the exit status is known, so report it.
				return int(end.ExitCode), nil
			}
			serr := e.streamError(ctx, sctx, o, err, timeout)
			switch {
			case started:
				e.killTree(ctx, pid, po.noTree)
			case sctx.Err() != nil:
				e.killStarted(ctx, tag, po.noTree)
			}
			return -1, serr
		}
		idle.Reset(e.c.idleTO)
		if flags&flagEndStream != 0 {
			ce, perr := parseEndStream(payload)
			if perr != nil {
				if started && !ended {
					e.killTree(ctx, pid, po.noTree)
				}
				return -1, apperr.Wrap(perr, apperr.Unavailable, "The sandbox sent a broken answer while running the command. Try again.")
			}
			if ce != nil {
				if ce.Code == "deadline_exceeded" {
					return -1, &apperr.Error{Code: apperr.Unavailable, Err: ce,
						Message: fmt.Sprintf("The command ran longer than its time limit of %s and was stopped. Raise the limit or run it in the background.", timeout)}
				}
				return -1, connectError(o, ce, http.StatusOK)
			}
			if !ended {
				return -1, apperr.New(apperr.Unavailable, "The sandbox ended the command stream without an exit status. Try again.")
			}
			return int(end.ExitCode), nil
		}
		ev, err := dec.decode(payload)
		if err != nil {
			if started {
				e.killTree(ctx, pid, po.noTree)
			}
			return -1, apperr.Wrap(err, apperr.Unavailable, "The sandbox sent output Tessera could not read while running the command. Try again.")
		}
		if !started && ev.kind != evStart && ev.kind != evKeepalive {
			return -1, apperr.Newf(apperr.Unavailable, "The sandbox did not confirm the command started. Try again.")
		}
		switch ev.kind {
		case evStart:
			started, pid = true, ev.pid
		case evStdout:
			if po.OnStdout != nil {
				po.OnStdout(ev.data)
			}
		case evStderr:
			if po.OnStderr != nil {
				po.OnStderr(ev.data)
			}
		case evEnd:
			ended, end = true, ev.end
		}
		// The callbacks may be slow; a stopped caller must still stop us.
		if sctx.Err() != nil {
			if started && !ended {
				e.killTree(ctx, pid, po.noTree)
			}
			return -1, e.streamError(ctx, sctx, o, sctx.Err(), timeout)
		}
	}
}

// streamError explains why a stream stopped, preferring the caller's
// context, then our own timers, then the transport error.
func (e *Envd) streamError(ctx, sctx context.Context, o op, err error, timeout time.Duration) error {
	if ctx.Err() != nil {
		return transportError(ctx, o, err)
	}
	switch context.Cause(sctx) {
	case errProcessTimeout:
		return apperr.Wrap(errProcessTimeout, apperr.Unavailable, fmt.Sprintf("The command ran longer than its time limit of %s and was stopped. Raise the limit or run it in the background.", timeout))
	case errIdleTimeout:
		return apperr.Wrap(errIdleTimeout, apperr.Unavailable, "The sandbox stopped answering while the command was running. Check your connection and try again.")
	case errHeaderTimeout:
		return apperr.Wrap(errHeaderTimeout, apperr.Unavailable, "The sandbox did not answer in time to start the command. Try again in a moment.")
	}
	if errors.Is(err, ErrTruncatedEnvelope) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return apperr.Wrap(err, apperr.Unavailable, "The connection to the sandbox broke while the command was running (the sandbox may have stopped). Try again.")
	}
	if errors.Is(err, ErrEnvelopeTooLarge) || errors.Is(err, ErrCompressed) || errors.Is(err, ErrBadFlags) {
		return apperr.Wrap(err, apperr.Unavailable, "The sandbox sent a message Tessera could not read while running the command. Try again.")
	}
	return transportError(ctx, o, err)
}

// killStarted stops the process started with tag when it was stopped
// before envd told its pid (the Start stream was cut early): envd keeps a
// process whose stream ended, so it is looked up by its tag. The start may
// still be on its way to envd, hence a few looks.
func (e *Envd) killStarted(ctx context.Context, tag string, noTree bool) {
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	for i := 0; i < 5; i++ {
		ps, err := e.ListProcesses(kctx)
		if err != nil {
			e.c.log.Debug("e2b: could not look for a stopped command", "sandbox", e.id, "err", err)
			return
		}
		for _, p := range ps {
			if p.Tag == tag {
				e.killTree(ctx, p.Pid, noTree)
				return
			}
		}
		select {
		case <-kctx.Done():
			return
		case <-time.After(150 * time.Millisecond):
		}
	}
}

// killTree stops a command we stopped listening to, with everything it
// started. It uses its own short context because the caller's is
// typically the one that just ended.
func (e *Envd) killTree(ctx context.Context, pid uint32, noTree bool) {
	if pid == 0 {
		return
	}
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if !noTree {
		if _, err := e.killGroup(kctx, pid); err != nil {
			e.c.log.Debug("e2b: could not kill process group", "sandbox", e.id, "pid", pid, "err", err)
		}
	}
	err := e.rpc(kctx, op{what: "stop the command"}, idempotent, "process.Process/SendSignal",
		map[string]any{"process": map[string]any{"pid": pid}, "signal": "SIGNAL_SIGKILL"}, nil)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		e.c.log.Debug("e2b: could not kill process", "sandbox", e.id, "pid", pid, "err", err)
	}
}

// Kill stops a process started by Run, with everything it started: its
// process group first (Run makes every command lead its own session), then
// the pid itself through process.Process/SendSignal, which is all envd
// signals.
func (e *Envd) Kill(ctx context.Context, pid uint32) error {
	if e.err != nil {
		return e.err
	}
	killed, err := e.killGroup(ctx, pid)
	if err != nil {
		e.c.log.Debug("e2b: could not kill process group", "sandbox", e.id, "pid", pid, "err", err)
	}
	err = e.rpc(ctx, op{what: "stop the process", notFound: "That process is not running in the sandbox any more."}, idempotent,
		"process.Process/SendSignal", map[string]any{"process": map[string]any{"pid": pid}, "signal": "SIGNAL_SIGKILL"}, nil)
	if killed && apperr.Is(err, apperr.NotFound) {
		return nil // the group kill already ended it
	}
	return err
}
