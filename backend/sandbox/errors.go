package sandbox

import (
	"errors"
	"fmt"

	"tessera/backend/apperr"
)

// sentence returns err's sentence, or fallback for uncoded errors.
func sentence(err error, fallback string) string {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Message != "" {
		return ae.Message
	}
	if fallback != "" {
		return fallback
	}
	return apperr.MessageOf(err)
}

// wrapOp keeps E2B's code and sentence and adds what was being done, plus
// the reassurance that matters: the work is safe on this computer.
func wrapOp(err error, what string) error {
	code := apperr.CodeOf(err)
	var msg string
	switch code {
	case apperr.Unavailable:
		msg = fmt.Sprintf("E2B did not answer when Tessera tried to %s. Your files are safe on this computer; try again in a minute.", what)
	case apperr.RateLimited:
		msg = fmt.Sprintf("E2B is limiting requests, so Tessera could not %s. Pause the sandboxes of other projects or wait a minute, then try again.", what)
	case apperr.Canceled:
		msg = "The operation was stopped. Your files are safe on this computer."
	default:
		msg = apperr.MessageOf(err)
	}
	return apperr.Wrap(err, code, msg)
}

func wrapCreate(err error, template string) error {
	if apperr.Is(err, apperr.NotFound) {
		return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf(
			"E2B has no template %q for this account. Pick another template for the project, or build it with the E2B CLI.", template))
	}
	return wrapOp(err, "create the project's sandbox")
}
