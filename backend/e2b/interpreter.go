package e2b

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

// DefaultMaxExecLine bounds one line of the /execute stream. Lines carry
// whole results, and a PNG chart is a few MB of base64, so the bound is
// generous; a longer line is refused without buffering it.
const DefaultMaxExecLine = 32 << 20

// Interpreter talks to the code-interpreter server on port 49999 (§5).
type Interpreter struct {
	c       *Client
	err     error
	base    string
	token   string
	traffic string
}

// Interpreter returns the code-interpreter client for sb.
func (c *Client) Interpreter(sb *Sandbox) *Interpreter {
	i := &Interpreter{c: c}
	if i.err = validateSandbox(sb); i.err != nil {
		return i
	}
	i.base = c.HostURL(sb, InterpreterPort)
	i.token = sb.EnvdAccessToken
	i.traffic = sb.TrafficAccessToken
	return i
}

func (i *Interpreter) headers(r *resty.Request) {
	if i.token != "" {
		// The server forwards it to envd to load sandbox env vars (§5).
		r.SetHeader("X-Access-Token", i.token)
	}
	if i.traffic != "" {
		r.SetHeader("E2B-Traffic-Access-Token", i.traffic)
	}
}

// Exec event types.
const (
	EventStdout             = "stdout"
	EventStderr             = "stderr"
	EventResult             = "result"
	EventError              = "error"
	EventEnd                = "end"
	EventNumberOfExecutions = "number_of_executions"
)

// ExecEvent is one decoded line of the /execute stream.
type ExecEvent struct {
	Type           string // stdout|stderr|result|error|end|number_of_executions
	Text           string // stdout/stderr text
	Result         *Result
	Error          *ExecError
	ExecutionCount int // number_of_executions
	Timestamp      time.Time
}

// Result is one output of a cell: the cell's value (IsMainResult) or
// something it displayed. Only the formats the server sent are set; binary
// formats (PNG, JPEG, PDF) are base64 text as on the wire.
type Result struct {
	Text, HTML, Markdown, SVG, PNG, JPEG, PDF, LaTeX, JavaScript string
	JSON, Chart, Data                                            json.RawMessage
	IsMainResult                                                 bool
	Extra                                                        map[string]any
}

// ExecError is an exception raised by the cell.
type ExecError struct {
	Name, Value, Traceback string
}

func (e *ExecError) Error() string { return e.Name + ": " + e.Value }

// Execution aggregates a cell's events.
type Execution struct {
	Results        []Result
	Stdout, Stderr []string
	Error          *ExecError
	ExecutionCount int
}

// Text is the text of the main result, as the SDKs' Execution.text.
func (x *Execution) Text() string {
	for _, r := range x.Results {
		if r.IsMainResult {
			return r.Text
		}
	}
	return ""
}

type wireExecLine struct {
	Type           string          `json:"type"`
	Text           *string         `json:"text"`
	Timestamp      string          `json:"timestamp"`
	ExecutionCount int             `json:"execution_count"`
	Name           string          `json:"name"`
	Value          string          `json:"value"`
	Traceback      json.RawMessage `json:"traceback"`
	IsMainResult   bool            `json:"is_main_result"`
	HTML           string          `json:"html"`
	Markdown       string          `json:"markdown"`
	SVG            string          `json:"svg"`
	PNG            string          `json:"png"`
	JPEG           string          `json:"jpeg"`
	PDF            string          `json:"pdf"`
	LaTeX          string          `json:"latex"`
	JavaScript     string          `json:"javascript"`
	JSON           json.RawMessage `json:"json"`
	Chart          json.RawMessage `json:"chart"`
	Data           json.RawMessage `json:"data"`
	Extra          map[string]any  `json:"extra"`
}

// execDecoder turns the newline-delimited JSON stream into events. It keeps
// one line in memory at a time.
type execDecoder struct {
	sc      *bufio.Scanner
	max     int
	scratch []byte // reused by the fast path's unescaping
}

func newExecDecoder(r io.Reader, maxLine int) *execDecoder {
	if maxLine <= 0 {
		maxLine = DefaultMaxExecLine
	}
	sc := bufio.NewScanner(r)
	// The Scanner's limit is the larger of maxLine and the initial
	// capacity, so the initial buffer must not exceed maxLine.
	sc.Buffer(make([]byte, 0, min(64<<10, maxLine)), maxLine)
	return &execDecoder{sc: sc, max: maxLine}
}

// ErrExecStreamEnded means the stream stopped before end_of_execution.
var ErrExecStreamEnded = errors.New("execute: stream ended before end_of_execution")

// next returns the next meaningful event (keepalives and unknown types are
// skipped). After the "end" event it returns io.EOF.
func (d *execDecoder) next() (ExecEvent, error) {
	for d.sc.Scan() {
		line := d.sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ev, ok := fastExecLine(line, &d.scratch)
		if !ok {
			var err error
			if ev, ok, err = slowExecLine(line); err != nil {
				return ExecEvent{}, err
			}
		}
		if ok {
			return ev, nil
		}
	}
	if err := d.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return ExecEvent{}, fmt.Errorf("execute: output line longer than %d bytes: %w", d.max, err)
		}
		return ExecEvent{}, err
	}
	return ExecEvent{}, ErrExecStreamEnded
}

// slowExecLine decodes any line with encoding/json. ok is false for lines
// to skip (keepalives, types newer than this client).
func slowExecLine(line []byte) (ExecEvent, bool, error) {
	var w wireExecLine
	if err := json.Unmarshal(line, &w); err != nil {
		return ExecEvent{}, false, fmt.Errorf("execute: invalid line: %w", err)
	}
	ev := ExecEvent{}
	if w.Timestamp != "" {
		ev.Timestamp, _ = time.Parse(time.RFC3339Nano, w.Timestamp)
	}
	switch w.Type {
	case "stdout", "stderr":
		ev.Type = w.Type
		if w.Text != nil {
			ev.Text = *w.Text
		}
	case "result":
		ev.Type = EventResult
		r := &Result{HTML: w.HTML, Markdown: w.Markdown, SVG: w.SVG, PNG: w.PNG, JPEG: w.JPEG,
			PDF: w.PDF, LaTeX: w.LaTeX, JavaScript: w.JavaScript, JSON: w.JSON, Chart: w.Chart,
			Data: w.Data, IsMainResult: w.IsMainResult, Extra: w.Extra}
		if w.Text != nil {
			r.Text = *w.Text
		}
		ev.Result = r
	case "error":
		ev.Type = EventError
		ev.Error = &ExecError{Name: w.Name, Value: w.Value, Traceback: traceback(w.Traceback)}
	case "number_of_executions":
		ev.Type = EventNumberOfExecutions
		ev.ExecutionCount = w.ExecutionCount
	case "end_of_execution":
		ev.Type = EventEnd
	default:
		return ExecEvent{}, false, nil // keepalive, or a type newer than this client
	}
	return ev, true, nil
}

// traceback accepts the server's single string or a list of lines.
func traceback(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return strings.Join(lines, "\n")
	}
	return string(raw)
}

// ExecuteRequest is the full form of Execute.
type ExecuteRequest struct {
	Code string
	// ContextID selects a context from CreateContext; empty means the
	// default context of Language.
	ContextID string
	Language  string // default "python"; ignored when ContextID is set
	EnvVars   map[string]string
}

// Execute runs code in a context and returns the aggregated execution.
// onEvent (may be nil) sees every event as it arrives, in order. Errors
// raised by the code are not Go errors: they are in Execution.Error. If the
// stream stops early (ctx ended, connection lost), the partial execution is
// returned with the error. Execution is never retried: the code may have
// run.
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

	idle := time.AfterFunc(i.c.idleTO, func() { cancel(errIdleTimeout) })
	defer idle.Stop()
	dec := newExecDecoder(rb, DefaultMaxExecLine)
	x := &Execution{}
	for {
		ev, err := dec.next()
		if err != nil {
			return x, i.streamError(ctx, sctx, o, err)
		}
		idle.Reset(i.c.idleTO)
		switch ev.Type {
		case EventStdout:
			x.Stdout = append(x.Stdout, ev.Text)
		case EventStderr:
			x.Stderr = append(x.Stderr, ev.Text)
		case EventResult:
			x.Results = append(x.Results, *ev.Result)
		case EventError:
			x.Error = ev.Error
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

func (i *Interpreter) streamError(ctx, sctx context.Context, o op, err error) error {
	if ctx.Err() != nil {
		return transportError(ctx, o, err)
	}
	switch context.Cause(sctx) {
	case errIdleTimeout:
		return apperr.Wrap(errIdleTimeout, apperr.Unavailable, "The sandbox stopped answering while the code was running. Check your connection and try again.")
	case errHeaderTimeout:
		return apperr.Wrap(errHeaderTimeout, apperr.Unavailable, "The code interpreter did not answer in time. Try again in a moment.")
	}
	if errors.Is(err, ErrExecStreamEnded) || errors.Is(err, io.ErrUnexpectedEOF) {
		return apperr.Wrap(err, apperr.Unavailable, "The connection to the sandbox closed before the code finished (the sandbox may have stopped). Run the code again.")
	}
	if strings.HasPrefix(err.Error(), "execute:") {
		return apperr.Wrap(err, apperr.Unavailable, "The code interpreter sent output Tessera could not read. Run the code again.")
	}
	return transportError(ctx, o, err)
}

// interpreterError maps out-of-band /execute and /contexts failures (§5.1):
// plain-text 400/404/500, JSON 422, proxy 502.
func interpreterError(o op, status int, body []byte) error {
	if status == http.StatusBadGateway {
		return envdError(o, status, body)
	}
	msg, _, _ := parseErrorBody(status, body)
	ae := &APIError{Op: o.what, Status: status, Message: msg}
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return &apperr.Error{Code: apperr.Invalid, Err: ae, Message: fmt.Sprintf("The code interpreter refused to %s: %s. Check the request.", o.what, strings.TrimSuffix(msg, "."))}
	case http.StatusNotFound:
		return &apperr.Error{Code: apperr.NotFound, Err: ae, Message: o.notFoundMsg()}
	case http.StatusUnauthorized, http.StatusForbidden:
		return &apperr.Error{Code: apperr.Unauthorized, Err: ae, Message: fmt.Sprintf("The sandbox refused access, so Tessera could not %s. Reconnect to the sandbox and try again.", o.what)}
	case http.StatusTooManyRequests:
		return &apperr.Error{Code: apperr.RateLimited, Err: ae, Message: fmt.Sprintf("The sandbox has too many connections, so Tessera could not %s. Wait a moment and try again.", o.what)}
	case http.StatusConflict:
		return &apperr.Error{Code: apperr.Conflict, Err: ae, Message: fmt.Sprintf("The sandbox is starting or stopping, so Tessera could not %s. Wait a moment and try again.", o.what)}
	}
	if status >= 500 {
		return &apperr.Error{Code: apperr.Unavailable, Err: ae, Message: fmt.Sprintf("The code interpreter failed to %s. Try again in a moment.", o.what)}
	}
	return &apperr.Error{Code: apperr.Internal, Err: ae, Message: fmt.Sprintf("The code interpreter gave an unexpected answer (HTTP %d). Try again; if it keeps happening, the log file has the details.", status)}
}

func validContextID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// CodeContext describes one interpreter context (a kernel).
type CodeContext struct {
	ID       string `json:"id"`
	Language string `json:"language"`
	Cwd      string `json:"cwd"`
}

// CreateContext starts a new context (a kernel whose variables persist
// between cells) and returns its id. Empty cwd means /home/user, empty
// language python. Not retried: a lost answer would leave a stray kernel.
func (i *Interpreter) CreateContext(ctx context.Context, cwd, language string) (string, error) {
	if i.err != nil {
		return "", i.err
	}
	body := map[string]string{}
	if cwd != "" {
		if err := checkPath(cwd); err != nil {
			return "", err
		}
		body["cwd"] = cwd
	}
	if language != "" {
		body["language"] = language
	}
	o := op{what: "create a code context"}
	a, err := i.c.do(ctx, o, onlyUnsent, i.c.raw, http.MethodPost, i.base+"/contexts", func(r *resty.Request) {
		i.headers(r)
		r.SetHeader("Content-Type", "application/json").SetBody(body)
	})
	if err != nil {
		return "", err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return "", interpreterError(o, a.resp.StatusCode(), a.resp.Body())
	}
	var cc CodeContext
	if err := json.Unmarshal(a.resp.Body(), &cc); err != nil || !validContextID(cc.ID) {
		if err == nil {
			err = fmt.Errorf("invalid context id %q", cc.ID)
		}
		return "", apperr.Wrap(err, apperr.Internal, "The code interpreter sent an answer Tessera could not read. Try again; if it keeps happening, the log file has the details.")
	}
	return cc.ID, nil
}

// ListContexts returns the interpreter's contexts.
func (i *Interpreter) ListContexts(ctx context.Context) ([]CodeContext, error) {
	if i.err != nil {
		return nil, i.err
	}
	o := op{what: "list the code contexts"}
	a, err := i.c.do(ctx, o, idempotent, i.c.raw, http.MethodGet, i.base+"/contexts", i.headers)
	if err != nil {
		return nil, err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return nil, interpreterError(o, a.resp.StatusCode(), a.resp.Body())
	}
	var out []CodeContext
	if err := json.Unmarshal(a.resp.Body(), &out); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "The code interpreter sent an answer Tessera could not read. Try again; if it keeps happening, the log file has the details.")
	}
	return out, nil
}

// DeleteContext shuts a context down; its variables are lost.
func (i *Interpreter) DeleteContext(ctx context.Context, id string) error {
	if i.err != nil {
		return i.err
	}
	if !validContextID(id) {
		return apperr.Newf(apperr.Invalid, "%q is not a valid code context id.", id)
	}
	o := op{what: "delete the code context", notFound: "The code context does not exist any more."}
	a, err := i.c.do(ctx, o, idempotent, i.c.raw, http.MethodDelete, i.base+"/contexts/"+id, i.headers)
	if err != nil {
		return err
	}
	if a.resp.StatusCode() != http.StatusOK && a.resp.StatusCode() != http.StatusNoContent {
		return interpreterError(o, a.resp.StatusCode(), a.resp.Body())
	}
	return nil
}
