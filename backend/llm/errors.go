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
	// ErrModelGone: the provider does not offer the model (any more); the
	// picker should offer the provider's current default.
	ErrModelGone = errors.New("model not offered")
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
		"string too long"}
)

// mapError turns what net/http or the context returned into an apperr
// with a sentence that names the provider and says what to do. parent is
// the caller's context (its cancellation means "stopped", not "failed");
// cause is the cause of the request's own context (errStalled).
func mapError(parent context.Context, cause error, err error, c call) error {
	name := c.provider.Name
	if name == "" {
		name = c.provider.ID
	}
	var f *apiFailure
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
	case errors.As(err, &f):
		return classify(f, c)
	}
	if _, ok := err.(*apperr.Error); ok {
		return err
	}
	if mapped := mapTransportError(err, c, name); mapped != nil {
		return mapped
	}
	return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("Talking to %s failed unexpectedly. Try again.", name))
}

// fatalStatus: no change of request will help (key, model, rate limit).
func fatalStatus(status int) bool {
	return status == 401 || status == 403 || status == 404 || status == 429
}

func (f *apiFailure) has(words ...string) bool {
	lower := strings.ToLower(f.Message + " " + f.Code + " " + f.Type + " " + f.Param)
	for _, w := range words {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

var badKeyWords = []string{"authentication_error", "invalid_api_key", "invalid api key", "incorrect api key", "api key not valid",
	"api_key_invalid", "invalid x-api-key", "no auth credentials", "unauthenticated", "invalid authentication", "permission_error"}

// refusesStreaming: OpenAI answers 400 {"param": "stream", "code":
// "unsupported_value", "message": "Your organization must be verified to
// stream this model..."}; one non-streaming call works.
func refusesStreaming(f *apiFailure) bool {
	return f.Param == "stream" || f.has("verified to stream", "streaming is not supported", "does not support streaming", "stream is not supported")
}

// refusesMode: the 400 names the response format, tools or the schema.
func refusesMode(f *apiFailure) bool {
	// A context error may mention the tools' tokens; no mode fixes it.
	if f.has(badKeyWords...) || f.has(contextWords...) || f.Status == 413 {
		return false
	}
	p := strings.ToLower(f.Param)
	if strings.HasPrefix(p, "response_format") || strings.HasPrefix(p, "tools") || strings.HasPrefix(p, "tool_choice") {
		return true
	}
	return f.has("response_format", "response format", "json_schema", "json schema", "json_object", "json mode", "structured output",
		"schema", "tool_choice", "tool choice", "tools", "tool use", "function calling", "function_call")
}

// refusesSampling: reasoning models refuse temperature / top_p / penalties
// ("Unsupported value: 'temperature' does not support 0.2 with this model").
func refusesSampling(f *apiFailure) bool {
	p := strings.ToLower(f.Param)
	return p == "temperature" || p == "top_p" || p == "frequency_penalty" || p == "presence_penalty" ||
		f.has("temperature", "top_p", "frequency_penalty", "presence_penalty")
}

// refusesMaxParam: "Unsupported parameter: 'max_tokens' is not supported
// with this model. Use 'max_completion_tokens' instead." (or the reverse
// on servers that only know max_tokens).
func refusesMaxParam(f *apiFailure) bool {
	p := strings.ToLower(f.Param)
	return (p == "max_tokens" || p == "max_completion_tokens" || f.has("unsupported parameter", "unrecognized", "unknown parameter", "extra inputs")) &&
		f.has("max_tokens", "max_completion_tokens") && !f.has("at most", "too large", "must be less")
}

var ceilingRE = regexp.MustCompile(`(?i)(?:at most|maximum(?: value)? (?:of|is)|must be (?:less than or equal to|<=)|max_tokens[^0-9]{0,40}?\b(?:to|is|limit(?: of)?))\s*:?\s*([0-9]{3,7})`)

// tokenCeiling reads the limit from a refusal of max_tokens ("This model
// supports at most 4096 completion tokens").
func tokenCeiling(f *apiFailure) int {
	if !f.has("max_tokens", "max_completion_tokens", "completion tokens", "output tokens", "maxoutputtokens", "max_output_tokens") {
		return 0
	}
	if m := ceilingRE.FindStringSubmatch(f.Message); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func classify(f *apiFailure, c call) error {
	name := c.provider.Name
	if name == "" {
		name = c.provider.ID
	}
	status, has := f.Status, f.has
	detail := providerDetail(f.Message)
	midStream := f.Finish == "error" || status == 0
	switch {
	case status == 401 || status == 403 && !has("region", "country", "moderation", "flagged") || has(badKeyWords...):
		return apperr.Wrap(f, apperr.Unauthorized,
			fmt.Sprintf("%s did not accept the API key%s. Check the %s key in Settings.", name, detail, name))
	case f.DailyQuota || has("limit: 0"):
		return apperr.Wrap(f, apperr.RateLimited,
			fmt.Sprintf("%s's quota for %s is used up for today%s. Wait until it resets, enable billing with %s, or pick another model.", name, c.model, detail, name))
	case status == 402 || has("insufficient_quota", "credit balance", "insufficient credits", "insufficient balance", "payment required", "out of credits") ||
		f.RetryDelay == 0 && has("exceeded your current quota"):
		return apperr.Wrap(f, apperr.RateLimited,
			fmt.Sprintf("%s says the account has no credit or quota left%s. Add credit or check your plan with %s, or pick another provider.", name, detail, name))
	case status == 429 || has("rate_limit", "rate limit", "too many requests", "resource_exhausted"):
		e := &apperr.Error{Code: apperr.RateLimited, Err: f, RetryAfter: retryAfter(f.Header, f.Message)}
		if f.RetryDelay > 0 {
			e.RetryAfter = f.RetryDelay
		}
		if e.RetryAfter > 0 {
			e.Message = fmt.Sprintf("%s is limiting requests. Wait %s and try again.", name, humanDuration(e.RetryAfter))
		} else {
			e.Message = fmt.Sprintf("%s is limiting requests. Wait a moment and try again.", name)
		}
		return e
	case status == 413 || has(contextWords...):
		return apperr.Wrap(fmt.Errorf("%w: %w", ErrContextTooLong, f), apperr.Invalid,
			fmt.Sprintf("The conversation is too long for %s on %s. Start a new chat in this project, or pick a model with a larger context.", c.model, name))
	case status == 404 || has("model_not_found", "does not exist", "no such model", "unknown model", "invalid model", "is not found for api version", "not a valid model"):
		return apperr.Wrap(fmt.Errorf("%w: %w", ErrModelGone, f), apperr.NotFound,
			fmt.Sprintf("%s does not offer the model %q any more%s. Pick another model, or refresh the model list in Settings.", name, c.model, detail))
	case status == 529 || has("overloaded"):
		return apperr.Wrap(f, apperr.Unavailable,
			fmt.Sprintf("%s is overloaded right now. Try again in a minute, or pick another provider.", name))
	case midStream && status == 0:
		return apperr.Wrap(f, apperr.Unavailable,
			fmt.Sprintf("%s stopped the answer with an error%s. Try again, or pick another model.", name, detail))
	case status >= 500 || has("server_error", "internal error", "service unavailable"):
		return apperr.Wrap(f, apperr.Unavailable,
			fmt.Sprintf("%s is unavailable right now%s. Try again in a minute, or pick another provider.", name, detail))
	case refusesStreaming(f):
		return apperr.Wrap(f, apperr.Invalid,
			fmt.Sprintf("%s refused to stream %s%s, and the answer without streaming failed too. Verify your organisation with %s, or pick another model.", name, c.model, detail, name))
	case status >= 400:
		return apperr.Wrap(f, apperr.Invalid,
			fmt.Sprintf("%s refused the request%s. Check the model's settings (temperature, max tokens, images) and try again.", name, detail))
	}
	return apperr.Wrap(f, apperr.Unavailable, fmt.Sprintf("%s answered with an unexpected status %d. Try again.", name, status))
}

// providerDetail quotes the provider's own message, shortened, because it
// is often the only place that says which setting was wrong.
func providerDetail(msg string) string {
	if d, ok := summaryDetail(msg); ok {
		return d
	}
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
	case errors.As(err, &urlErr):
		return apperr.Wrap(err, apperr.Unavailable,
			fmt.Sprintf("Could not reach %s at %s. Check your internet connection, then try again.", name, host))
	}
	return nil
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
