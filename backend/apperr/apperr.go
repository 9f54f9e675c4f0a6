// Package apperr is Tessera's shared error vocabulary. Domain packages wrap
// their failures with one of a small set of codes; the api layer turns the
// code plus the user-facing sentence into {code, message} for the page while
// the full chain goes to the log.
package apperr

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Code is one of the shared error codes.
type Code string

const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Unavailable  Code = "unavailable"
	RateLimited  Code = "rate_limited"
	Canceled     Code = "canceled"
	Internal     Code = "internal"
)

// Error carries a code, a sentence for the person using the app (what
// happened and what to do), and the underlying cause for the log.
type Error struct {
	Code    Code
	Message string
	// RetryAfter is set for RateLimited errors when the server told us.
	RetryAfter time.Duration
	// Field names the input the sentence is about (a settings field such as
	// "e2bDomain"), so the page can show it beside that input.
	Field string
	Err   error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return e.Message + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	default:
		return e.Message
	}
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a user-facing sentence.
func New(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Newf is New with formatting.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InField returns a copy of e that names the input it is about.
func (e *Error) InField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// FieldOf returns the input named by the outermost *Error that names one.
func FieldOf(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Field != "" {
			return e.Field
		}
		err = e.Err
	}
	return ""
}

// Wrap attaches a code and a sentence to a cause. A nil cause gives nil.
func Wrap(err error, code Code, message string) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Message: message, Err: err}
}

// CodeOf returns the code of the outermost *Error in the chain. Context
// cancellation maps to Canceled, deadline to Unavailable, anything else to
// Internal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.Canceled) {
		return Canceled
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Unavailable
	}
	return Internal
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// MessageOf returns the sentence meant for the person: the outermost
// *Error's message, or a generic sentence for uncoded errors (whose detail
// belongs in the log, not on the page).
func MessageOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	switch CodeOf(err) {
	case Canceled:
		return "The operation was stopped."
	case Unavailable:
		return "The operation took too long. Check your connection and try again."
	}
	return "Something went wrong inside Tessera. Try again; if it keeps happening, the log file has the details."
}
