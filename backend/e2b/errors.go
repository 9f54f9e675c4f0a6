package e2b

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/wiretext"
)

// APIError is the cause carried inside the apperr.Error for a non-2xx
// answer from E2B. It is meant for logs and for callers that need the
// status; the sentence for the person is on the outer apperr.Error.
type APIError struct {
	Op          string // what the client tried, e.g. "pause the sandbox"
	Status      int    // HTTP status
	Message     string // server text
	ErrorCode   string // control plane "error_code", if any
	ConnectCode string // envd Connect error code ("not_found"...), if any
	RetryAfter  time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "e2b: %s: HTTP %d", e.Op, e.Status)
	if e.ConnectCode != "" {
		b.WriteString(" " + e.ConnectCode)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.ErrorCode != "" {
		b.WriteString(" (" + e.ErrorCode + ")")
	}
	return b.String()
}

// StatusOf returns the HTTP status of the APIError in err's chain, or 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// op names an operation for error sentences and optional, more precise
// sentences for the statuses whose meaning depends on the operation.
type op struct {
	what     string // "create the sandbox" (used as "could not <what>")
	notFound string // sentence for 404
	conflict string // sentence for 409
}

func (o op) notFoundMsg() string {
	if o.notFound != "" {
		return o.notFound
	}
	return "The sandbox no longer exists (it expired or was deleted). Tessera can create a new one for this project."
}

// errorBody is the control-plane error shape (§2.1) and, with a string
// code, the Connect error shape (§4.4). Code is decoded lazily because it
// is an int in one and a string in the other.
type errorBody struct {
	Code      json.RawMessage `json:"code"`
	Message   string          `json:"message"`
	ErrorCode string          `json:"error_code"`
	Detail    json.RawMessage `json:"detail"` // FastAPI 422
}

func parseErrorBody(status int, body []byte) (msg, errorCode, connectCode string) {
	var eb errorBody
	if len(body) > 0 && json.Unmarshal(body, &eb) == nil {
		msg, errorCode = eb.Message, eb.ErrorCode
		var s string
		if len(eb.Code) > 0 && json.Unmarshal(eb.Code, &s) == nil {
			connectCode = s
		}
		if msg == "" && len(eb.Detail) > 0 {
			msg = detailText(eb.Detail)
		}
		msg = wiretext.Message(status, msg)
	} else {
		// A proxy's HTML page, plain text or bytes: summarised, never pasted.
		msg = wiretext.Summary(status, "", body)
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return msg, errorCode, connectCode
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// statusError turns a non-2xx control-plane answer into an apperr.Error.
func statusError(o op, status int, header http.Header, body []byte) error {
	msg, ec, cc := parseErrorBody(status, body)
	ae := &APIError{Op: o.what, Status: status, Message: msg, ErrorCode: ec, ConnectCode: cc}
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return &apperr.Error{Code: apperr.Invalid, Err: ae,
			Message: fmt.Sprintf("E2B refused to %s: %s. Check the sandbox settings and try again.", o.what, strings.TrimSuffix(msg, "."))}
	case http.StatusUnauthorized:
		return &apperr.Error{Code: apperr.Unauthorized, Err: ae,
			Message: "E2B did not accept the API key. Check the E2B key in Settings."}
	case http.StatusForbidden:
		return &apperr.Error{Code: apperr.Unauthorized, Err: ae,
			Message: "E2B refused access for this API key (the team may be blocked). Check your E2B account and key."}
	case http.StatusNotFound, http.StatusGone:
		return &apperr.Error{Code: apperr.NotFound, Err: ae, Message: o.notFoundMsg()}
	case http.StatusConflict:
		m := o.conflict
		if m == "" {
			m = fmt.Sprintf("The sandbox is in the middle of another change, so Tessera could not %s. Wait a moment and try again.", o.what)
		}
		return &apperr.Error{Code: apperr.Conflict, Err: ae, Message: m}
	case http.StatusTooManyRequests:
		ra := retryAfter(header, time.Now())
		ae.RetryAfter = ra
		wait := "a minute"
		if ra > 0 {
			wait = ra.Round(time.Second).String()
		}
		return &apperr.Error{Code: apperr.RateLimited, Err: ae, RetryAfter: ra,
			Message: fmt.Sprintf("E2B is limiting requests (rate limit or too many running sandboxes), so Tessera could not %s. Wait %s and try again.", o.what, wait)}
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, 507:
		return &apperr.Error{Code: apperr.Unavailable, Err: ae,
			Message: fmt.Sprintf("E2B is having trouble right now and could not %s. Try again in a minute.", o.what)}
	}
	return &apperr.Error{Code: apperr.Internal, Err: ae,
		Message: fmt.Sprintf("E2B gave an unexpected answer (HTTP %d) when Tessera tried to %s. Try again; if it keeps happening, the log file has the details.", status, o.what)}
}

// transportError maps a failure to get any answer. ctx is the caller's
// context: its end wins over whatever the transport reported.
func transportError(ctx context.Context, o op, err error) error {
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return apperr.Wrap(err, apperr.Canceled, "The operation was stopped.")
		}
		return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("E2B did not answer in time, so Tessera could not %s. Check your connection and try again.", o.what))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errAttemptTimeout) {
		return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("E2B did not answer in time, so Tessera could not %s. Check your connection and try again.", o.what))
	}
	return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("Could not reach E2B to %s. Check your internet connection and try again.", o.what))
}

var errAttemptTimeout = errors.New("e2b: no answer within the request timeout")

// notSent reports whether err proves the request never reached the server
// (the connection could not even be opened). Only then is it safe to repeat
// a call that is not idempotent, such as create.
func notSent(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// retryableTransport reports whether a transport failure of an idempotent
// call is worth repeating: resets, EOFs, timeouts of one attempt.
func retryableTransport(err error) bool {
	if notSent(err) {
		return true
	}
	if errors.Is(err, errAttemptTimeout) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// net/http reports a peer that hung up mid-response as plain strings.
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "EOF") || strings.Contains(s, "broken pipe")
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
