package api

import (
	"encoding/json"
	"errors"
	"log/slog"

	"tessera/backend/apperr"
)

// ErrorDTO is what the page receives when a bound call fails: a code from
// the shared vocabulary and a sentence saying what happened and what to do.
type ErrorDTO struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryAfterSeconds is set for rate_limited errors when known.
	RetryAfterSeconds int `json:"retryAfterSeconds,omitempty"`
	// Field names the input the message is about, when there is one.
	Field string `json:"field,omitempty"`
	// UserMessageID is set when Send or Retry failed after the person's
	// message was saved: the id of that message, which is in the chat.
	UserMessageID string `json:"userMessageId,omitempty"`
}

// ToDTO converts any error into an ErrorDTO.
func ToDTO(err error) ErrorDTO {
	d := ErrorDTO{Code: string(apperr.CodeOf(err)), Message: apperr.MessageOf(err), Field: apperr.FieldOf(err)}
	var e *apperr.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		d.RetryAfterSeconds = int(e.RetryAfter.Seconds() + 0.999)
	}
	var saved userSavedError
	if errors.As(err, &saved) {
		d.UserMessageID = saved.id
	}
	return d
}

// ErrorFormatter returns the options.App.ErrorFormatter: the full chain goes
// to the log, the page gets {code, message} as JSON text. Text, not an
// object: the Wails v2 runtime rejects with `new Error(message.error)`,
// which turns an object into "[object Object]"; src/api parses the text.
func ErrorFormatter(log *slog.Logger) func(error) any {
	return func(err error) any {
		d := ToDTO(err)
		if d.Code == string(apperr.Internal) || d.Code == string(apperr.Unavailable) {
			log.Error("bound call failed", "code", d.Code, "err", err)
		} else {
			log.Info("bound call refused", "code", d.Code, "err", err)
		}
		b, merr := json.Marshal(d)
		if merr != nil {
			return d.Message
		}
		return string(b)
	}
}
