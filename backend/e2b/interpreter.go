package e2b

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

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
	// Truncated marks a stdout/stderr event whose Text is Tessera's notice
	// that output was left out (over the total kept, or one line too large).
	Truncated bool
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
	// Error is the cell's first error; Errors has them all (a restart
	// during a cell sends two: WebSocketError, UnexpectedEndOfExecution).
	Error          *ExecError
	Errors         []ExecError
	ExecutionCount int
	// Truncated is set when output was left out (see MaxExecOutput); the
	// kept text ends with a notice saying so.
	Truncated bool
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

// ExecuteRequest is the full form of Execute.
type ExecuteRequest struct {
	Code string
	// ContextID selects a context from CreateContext; empty means the
	// default context of Language.
	ContextID string
	Language  string // default "python"; ignored when ContextID is set
	EnvVars   map[string]string
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

// RestartContext restarts a context's kernel: its variables are lost, the
// context id stays valid.
func (i *Interpreter) RestartContext(ctx context.Context, id string) error {
	if i.err != nil {
		return i.err
	}
	if !validContextID(id) {
		return apperr.Newf(apperr.Invalid, "%q is not a valid code context id.", id)
	}
	o := op{what: "restart the code context", notFound: "The code context does not exist any more."}
	a, err := i.c.do(ctx, o, idempotent, i.c.raw, http.MethodPost, i.base+"/contexts/"+id+"/restart", i.headers)
	if err != nil {
		return err
	}
	if a.resp.StatusCode() != http.StatusOK && a.resp.StatusCode() != http.StatusNoContent {
		return interpreterError(o, a.resp.StatusCode(), a.resp.Body())
	}
	return nil
}
