package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"tessera/backend/apperr"
)

// Sentinels callers can test with errors.Is, beside the apperr code.
var (
	// ErrContextTooLong: the prompt does not fit the model; trim harder or
	// start a new conversation.
	ErrContextTooLong = errors.New("context too long")
	// ErrBadOutput: the answer was not a valid fragment; RetryRequest
	// builds the follow-up that asks the model to fix it.
	ErrBadOutput = errors.New("answer is not a valid fragment")
	// errStalled cancels a stream that sent nothing for too long.
	errStalled = errors.New("stream stalled")
)

// OutputError carries the raw answer that could not be turned into a
// fragment, for the log and for RetryRequest.
type OutputError struct {
	Raw string
	Err error // the fragment package's apperr.Invalid
}

func (e *OutputError) Error() string        { return "invalid fragment: " + e.Err.Error() }
func (e *OutputError) Unwrap() []error      { return []error{ErrBadOutput, e.Err} }
func (e *OutputError) Is(target error) bool { return target == ErrBadOutput }

// call describes what was being done, for the sentences.
type call struct {
	provider Provider
	model    string
	baseURL  string
	idle     time.Duration
}

var (
	tryAgainIn   = regexp.MustCompile(`(?i)try again in ([0-9.]+)\s*(ms|s|seconds?|m|minutes?)\b`)
	contextWords = []string{"context length", "context_length", "maximum context", "context window", "too many tokens",
		"prompt is too long", "input is too long", "reduce the length", "tokens exceed", "exceeds the maximum", "request too large",
		"string too long", "max_tokens must be"}
	quotaWords = []string{"insufficient_quota", "exceeded your current quota", "billing", "credit balance", "payment required"}
)

// mapError turns whatever go-openai, net/http or the context returned into
// an apperr with a sentence that names the provider and says what to do.
// parent is the caller's context (its cancellation means "stopped", not
// "failed"); meta has the HTTP status and headers when a response came.
func mapError(parent context.Context, cause error, err error, c call, meta *respMeta) error {
	name := c.provider.Name
	if name == "" {
		name = c.provider.ID
	}
	switch {
	case err == nil:
		return nil
	case parent.Err() != nil && errors.Is(parent.Err(), context.Canceled):
		return apperr.Wrap(err, apperr.Canceled, "The answer was stopped.")
	case parent.Err() != nil:
		return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("%s took too long to answer. Try again.", name))
	case errors.Is(cause, errStalled):
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("%s stopped sending the answer (nothing for %s). Try again, or pick another model.", name, c.idle.Round(time.Second)))
	}

	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status, header := meta.get()
	var msg, code, typ string
	switch {
	case errors.As(err, &apiErr):
		msg, typ = apiErr.Message, apiErr.Type
		if apiErr.Code != nil {
			code = fmt.Sprint(apiErr.Code)
		}
		if apiErr.HTTPStatusCode != 0 {
			status = apiErr.HTTPStatusCode
		} else {
			status = 0 // an error event inside a 200 stream
		}
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
		msg = strings.TrimSpace(string(reqErr.Body))
		if len(msg) > 300 {
			msg = msg[:300]
		}
	default:
		if mapped := mapTransportError(err, c, name); mapped != nil {
			return mapped
		}
		if status >= 400 {
			break
		}
		return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("Talking to %s failed unexpectedly. Try again.", name))
	}
	return classify(err, status, header, msg, code, typ, c, name)
}

func classify(err error, status int, header http.Header, msg, code, typ string, c call, name string) error {
	lower := strings.ToLower(msg + " " + code + " " + typ)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(lower, w) {
				return true
			}
		}
		return false
	}
	detail := providerDetail(msg)
	switch {
	case status == 401 || status == 403 || has("authentication_error", "invalid_api_key", "invalid api key", "permission_error", "incorrect api key"):
		return apperr.Wrap(err, apperr.Unauthorized,
			fmt.Sprintf("%s did not accept the API key%s. Check the %s key in Settings.", name, detail, name))
	case status == 402 || has(quotaWords...):
		return apperr.Wrap(err, apperr.RateLimited,
			fmt.Sprintf("%s says the account has no credit left%s. Check your plan and billing with %s, or pick another provider.", name, detail, name))
	case status == 429 || has("rate_limit", "rate limit", "too many requests"):
		e := &apperr.Error{Code: apperr.RateLimited, Err: err, RetryAfter: retryAfter(header, msg)}
		if e.RetryAfter > 0 {
			e.Message = fmt.Sprintf("%s is limiting requests. Wait %s and try again.", name, humanDuration(e.RetryAfter))
		} else {
			e.Message = fmt.Sprintf("%s is limiting requests. Wait a moment and try again.", name)
		}
		return e
	case status == 413 || has(contextWords...):
		return apperr.Wrap(fmt.Errorf("%w: %w", ErrContextTooLong, err), apperr.Invalid,
			fmt.Sprintf("The conversation is too long for %s on %s. Start a new chat in this project, or pick a model with a larger context.", c.model, name))
	case status == 404 || has("model_not_found", "does not exist", "not found", "no such model", "unknown model", "invalid model"):
		return apperr.Wrap(err, apperr.NotFound,
			fmt.Sprintf("%s does not offer the model %q%s. Pick another model or refresh the model list.", name, c.model, detail))
	case status >= 500 || has("overloaded", "server_error", "internal error", "service unavailable"):
		what := "is unavailable right now"
		if status == 529 || has("overloaded") {
			what = "is overloaded right now"
		}
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("%s %s. Try again in a minute, or pick another provider.", name, what))
	case status >= 400 || status == 0:
		return apperr.Wrap(err, apperr.Invalid,
			fmt.Sprintf("%s refused the request%s. Check the model's settings (temperature, max tokens, images) and try again.", name, detail))
	}
	return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("%s answered with an unexpected status %d. Try again.", name, status))
}

// providerDetail quotes the provider's own message, shortened, because it
// is often the only place that says which setting was wrong.
func providerDetail(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if msg == "" {
		return ""
	}
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return " (" + strings.TrimRight(msg, ".") + ")"
}

func mapTransportError(err error, c call, name string) error {
	host := c.baseURL
	if u, perr := url.Parse(c.baseURL); perr == nil && u.Host != "" {
		host = u.Host
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var urlErr *url.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED) && c.provider.Local:
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("Could not reach %s at %s. Is %s running?", name, host, name))
	case errors.As(err, &dnsErr), errors.As(err, &opErr), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("Could not reach %s at %s. Check your internet connection and the provider's base URL, then try again.", name, host))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("The connection to %s broke off during the answer. Try again.", name))
	case errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("%s sent a stream Tessera could not read. Try again.", name))
	case isValidatorError(err):
		return apperr.Wrap(err, apperr.Invalid,
			fmt.Sprintf("%s does not accept one of the model settings (%v). Set temperature, top-p and penalties to Auto and try again.", c.model, err))
	case errors.As(err, &urlErr):
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("Could not reach %s at %s. Check your internet connection, then try again.", name, host))
	}
	return nil
}

func isValidatorError(err error) bool {
	for _, e := range []error{openai.ErrReasoningModelMaxTokensDeprecated, openai.ErrReasoningModelLimitationsLogprobs,
		openai.ErrReasoningModelLimitationsOther, openai.ErrO1BetaLimitationsTools, openai.ErrO1BetaLimitationsMessageTypes,
		openai.ErrReasoningSamplingUnsupported, openai.ErrReasoningEffortUnsupported, openai.ErrChatCompletionInvalidModel} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// retryAfter reads the wait from Retry-After (seconds or HTTP date),
// retry-after-ms, or the "try again in 20s" OpenAI puts in the message.
func retryAfter(h http.Header, msg string) time.Duration {
	if h != nil {
		if v := h.Get("Retry-After-Ms"); v != "" {
			if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
				return time.Duration(ms * float64(time.Millisecond))
			}
		}
		if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
			if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
				return time.Duration(s * float64(time.Second))
			}
			if t, err := http.ParseTime(v); err == nil {
				if d := time.Until(t); d > 0 {
					return d
				}
			}
		}
	}
	if m := tryAgainIn.FindStringSubmatch(msg); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		unit := time.Second
		switch {
		case m[2] == "ms":
			unit = time.Millisecond
		case strings.HasPrefix(m[2], "m"):
			unit = time.Minute
		}
		return time.Duration(v * float64(unit))
	}
	return 0
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return "a second"
	case d < 2*time.Minute:
		s := int((d + time.Second - 1) / time.Second)
		if s == 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", s)
	default:
		return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	}
}
