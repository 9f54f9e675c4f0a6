package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	gojson "github.com/goccy/go-json"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
)

// ModeMemory remembers, per model, the structured-output mode that worked
// after a refusal, so the next answer starts there. The store implements
// it; nil remembers nothing.
type ModeMemory interface {
	Mode(ctx context.Context, providerID, modelID string) (Mode, bool)
	RememberMode(ctx context.Context, providerID, modelID string, m Mode) error
}

// WithModeMemory sets where working modes are remembered.
func WithModeMemory(m ModeMemory) Option { return func(c *Client) { c.modes = m } }

// wireDelta is a streamed delta or a whole message. content may be a
// string or an array of typed parts (Mistral's reasoning models:
// [{"type":"thinking","thinking":[{"type":"text","text":"..."}]},
// {"type":"text","text":"..."}]); reasoning arrives as reasoning_content
// (DeepSeek, Qwen hosts) or reasoning (OpenRouter, Ollama, Groq).
type wireDelta struct {
	Content          json.RawMessage `json:"content"`
	ReasoningContent json.RawMessage `json:"reasoning_content"`
	Reasoning        json.RawMessage `json:"reasoning"`
	Refusal          json.RawMessage `json:"refusal"`
	ToolCalls        []struct {
		Function struct {
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
}

type wireChunk struct {
	Choices []struct {
		Delta        wireDelta `json:"delta"`
		Message      wireDelta `json:"message"` // non-streaming answers
		FinishReason string    `json:"finish_reason"`
	} `json:"choices"`
	Usage *Usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// partsText splits content into answer text and thinking text.
func partsText(raw json.RawMessage) (text, thinking string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", ""
	}
	var s string
	if gojson.Unmarshal(raw, &s) == nil {
		return s, ""
	}
	var parts []struct {
		Type     string          `json:"type"`
		Text     string          `json:"text"`
		Thinking json.RawMessage `json:"thinking"`
	}
	if gojson.Unmarshal(raw, &parts) != nil {
		return "", ""
	}
	var t, th strings.Builder
	for _, p := range parts {
		switch p.Type {
		case "text", "output_text", "":
			t.WriteString(p.Text)
		case "thinking", "reasoning":
			a, b := partsText(p.Thinking)
			th.WriteString(a + b)
			if len(p.Thinking) == 0 {
				th.WriteString(p.Text)
			}
		}
	}
	return t.String(), th.String()
}

func rawString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if gojson.Unmarshal(raw, &s) == nil {
		return s
	}
	// Some servers send tool arguments as an object.
	return string(raw)
}

// StreamFragment sends the request and streams the answer. While it
// arrives, onPartial gets the fragment so far (commentary, title, file
// paths, code as it is written) after every chunk that changed it, and
// onReasoning gets reasoning text from models that stream it; both run on
// the calling goroutine and must return quickly (batch and emit
// elsewhere). Either may be nil.
//
// Structured output is requested as PickMode decides (or as ModeMemory
// remembers for the model). A 400 that names the response format, tools
// or the schema moves down the chain json_schema → json_object → tool →
// text and tries again; a refusal to stream (OpenAI's unverified
// organisations) becomes one non-streaming call; a refusal of temperature
// or top_p, or of the max tokens, is retried without them. Whatever the
// mode, the answer is parsed tolerantly (fences, prose around the JSON,
// tool-call arguments). Cancelling ctx stops the request at once and
// returns an apperr.Canceled. Usage is what the provider reported (zero
// if nothing), returned with errors too.
//
// Errors are apperr codes with a sentence naming the provider:
// Unauthorized (key missing or refused), RateLimited (with RetryAfter;
// quota used up), Unavailable (5xx, 529, unreachable, stalled), NotFound
// (model), Invalid (context too long: errors.Is ErrContextTooLong; answer
// not a fragment: errors.Is ErrBadOutput, see RetryRequest; cut at the
// output limit: errors.Is ErrOutputLimit), Canceled.
func (c *Client) StreamFragment(ctx context.Context, req Request, onPartial func(fragment.Partial), onReasoning func(string)) (*fragment.Fragment, Usage, error) {
	r, err := c.resolve(ctx, req.ProviderID, req.ModelID, req.BaseURL)
	if err != nil {
		return nil, Usage{}, err
	}
	if r.p.Local && req.ContextTokens <= 0 {
		if n := c.localContext(ctx, r, req.ModelID); n > 0 {
			req.ContextTokens = n
		}
	}
	o := attemptOpts{stream: true, mode: PickMode(r.p, r.model, req.Mode)}
	if req.Mode == ModeAuto && c.modes != nil {
		if m, ok := c.modes.Mode(ctx, r.p.ID, req.ModelID); ok && m.valid() && m != ModeAuto {
			o.mode = m
		}
	}
	first := o.mode
	// Each refusal teaches one thing and is tried once; the chain has
	// four modes, so a handful of attempts is the most one answer takes.
	for attempt := 0; ; attempt++ {
		creq, maxTokens, err := c.buildRequest(req, r, o)
		if err != nil {
			return nil, Usage{}, err
		}
		frag, usage, err := c.attempt(ctx, r, req, creq, maxTokens, o.stream, onPartial, onReasoning)
		if err == nil {
			if o.mode != first {
				c.remember(ctx, r.p.ID, req.ModelID, o.mode)
			}
			return frag, usage, nil
		}
		var f *apiFailure
		if !errors.As(err, &f) {
			return nil, usage, err
		}
		// Only a refusal before anything was shown is retried: a failure
		// in the middle of a stream is reported as it is.
		if attempt < 6 && f.Finish == "" && f.Status >= 400 && f.Status < 500 && !fatalStatus(f.Status) {
			switch {
			case o.stream && refusesStreaming(f):
				o.stream = false
				continue
			case o.mode != ModeText && refusesMode(f):
				o.mode = nextMode(r.p, o.mode)
				continue
			case !o.flipMaxParam && refusesMaxParam(f):
				o.flipMaxParam = true
				continue
			case !o.dropSampling && refusesSampling(f):
				o.dropSampling = true
				continue
			}
			if n := tokenCeiling(f); n > 0 && n < maxTokens {
				o.maxTokens = n
				continue
			}
		}
		return nil, usage, classify(f, call{provider: r.p, model: req.ModelID, baseURL: r.base, idle: c.idleTimeout})
	}
}

func (c *Client) remember(ctx context.Context, providerID, modelID string, m Mode) {
	if c.modes != nil {
		_ = c.modes.RememberMode(context.WithoutCancel(ctx), providerID, modelID, m)
	}
}

// attempt is one request: streamed, or (stream false) one call whose
// answer is shown whole.
func (c *Client) attempt(ctx context.Context, r resolved, req Request, creq any, maxTokens int, stream bool,
	onPartial func(fragment.Partial), onReasoning func(string)) (*fragment.Fragment, Usage, error) {
	var usage Usage
	body, err := json.Marshal(creq)
	if err != nil {
		return nil, usage, apperr.Wrap(err, apperr.Internal, "Could not build the request.")
	}
	acc := newAnswer(onPartial, onReasoning)
	err = c.exchange(ctx, r, req.ModelID, body, stream, func(data []byte, whole bool) error {
		var ch wireChunk
		if err := gojson.Unmarshal(data, &ch); err != nil {
			return unreadable(err, r.p.Name, whole)
		}
		return acc.add(&ch, whole)
	}, acc.started)
	if err != nil {
		return nil, acc.usage, err
	}
	frag, err := acc.final()
	if err != nil {
		window := req.ContextTokens
		if window <= 0 {
			window = c.cat.ContextTokens(req.ProviderID, req.ModelID)
		}
		canRaise := OutputLimit(req.ModelID, 2*maxTokens, window) > maxTokens
		return nil, acc.usage, badOutput(err, acc.raw.String(), acc.finish, acc.refusal, r.p.Name, maxTokens, canRaise)
	}
	return frag, acc.usage, nil
}

// answer accumulates an answer from chunks (or one whole message).
type answer struct {
	content, tool        *fragment.Parser
	toolBytes, textBytes int
	raw                  strings.Builder // for OutputError; bounded
	finish, refusal      string
	usage                Usage
	any                  bool
	onPartial            func(fragment.Partial)
	onReasoning          func(string)
}

func newAnswer(onPartial func(fragment.Partial), onReasoning func(string)) *answer {
	return &answer{content: fragment.NewParser(), tool: fragment.NewParser(), onPartial: onPartial, onReasoning: onReasoning}
}

func (a *answer) started() bool { return a.any }

// add takes one chunk. An error inside it (OpenRouter's mid-stream
// errors, with or without finish_reason "error") ends the answer.
func (a *answer) add(ch *wireChunk, whole bool) error {
	if len(ch.Error) > 0 && string(ch.Error) != "null" {
		f := &apiFailure{}
		parseErrorBody([]byte(`{"error":`+string(ch.Error)+`}`), f)
		f.Finish = "error"
		return f
	}
	if ch.Usage != nil && !ch.Usage.IsZero() { // a negative count too: spend refuses it with a sentence
		a.usage = *ch.Usage
		if a.usage.TotalTokens == 0 {
			a.usage.TotalTokens = a.usage.PromptTokens + a.usage.CompletionTokens
		}
	}
	changed := false
	for _, choice := range ch.Choices {
		d := choice.Delta
		if whole {
			d = choice.Message
		}
		text, thinking := partsText(d.Content)
		r1, r2 := partsText(d.ReasoningContent)
		r3, r4 := partsText(d.Reasoning)
		if reasoning := thinking + r1 + r2 + r3 + r4; reasoning != "" {
			a.any = true
			if a.onReasoning != nil {
				a.onReasoning(reasoning)
			}
		}
		a.refusal += rawString(d.Refusal)
		if text != "" {
			a.any = true
			if err := a.content.Write(text); err != nil {
				return err
			}
			a.textBytes += len(text)
			keepRaw(&a.raw, text)
			changed = true
		}
		for _, tc := range d.ToolCalls {
			args := rawString(tc.Function.Arguments)
			if args == "" {
				continue
			}
			a.any = true
			if err := a.tool.Write(args); err != nil {
				return err
			}
			a.toolBytes += len(args)
			keepRaw(&a.raw, args)
			changed = true
		}
		if choice.FinishReason == "error" {
			return &apiFailure{Message: "the provider ended the answer with an error", Finish: "error"}
		}
		if choice.FinishReason != "" {
			a.finish = choice.FinishReason
		}
	}
	if changed && a.onPartial != nil {
		if a.toolBytes > 0 {
			a.onPartial(a.tool.Partial())
		} else {
			a.onPartial(a.content.Partial())
		}
	}
	return nil
}

// final parses the whole answer. A model told to call the tool may still
// answer in prose; whichever channel carried the answer is used.
func (a *answer) final() (*fragment.Fragment, error) {
	parser := a.content
	if a.toolBytes > 0 {
		parser = a.tool
	}
	frag, err := parser.Final()
	if err != nil && a.toolBytes > 0 && a.textBytes > 0 {
		if f2, err2 := a.content.Final(); err2 == nil {
			return f2, nil
		}
	}
	return frag, err
}

// maxRawKept bounds the answer text kept for OutputError and RetryRequest.
const maxRawKept = 64 << 10

func keepRaw(b *strings.Builder, s string) {
	if room := maxRawKept - b.Len(); room > 0 {
		if len(s) > room {
			s = s[:room]
		}
		b.WriteString(s)
	}
}

// OutputLimitError says the answer was cut at the output limit; Limit is
// the max tokens that was sent, so Retry can ask for more.
type OutputLimitError struct{ Limit int }

func (e *OutputLimitError) Error() string {
	return fmt.Sprintf("answer cut at the output limit (%d tokens)", e.Limit)
}

// ErrOutputLimit matches an answer cut at the output limit (errors.Is).
var ErrOutputLimit = errors.New("answer cut at the output limit")

func (e *OutputLimitError) Is(target error) bool { return target == ErrOutputLimit }

func badOutput(err error, raw, finish, refusal, name string, maxTokens int, canRaise bool) error {
	oe := &OutputError{Raw: raw, Err: err}
	msg := apperr.MessageOf(err)
	switch {
	case refusal != "":
		msg = fmt.Sprintf("%s declined to answer: %s", name, providerDetail(refusal))
	case finish == "length" && !canRaise:
		return apperr.Wrap(errors.Join(oe, &OutputLimitError{Limit: maxTokens}), apperr.Invalid,
			fmt.Sprintf("The answer from %s was cut off at the output limit of %d tokens, the most this model writes in one answer. Ask for a smaller change, or pick a model with a larger output limit.", name, maxTokens))
	case finish == "length":
		return apperr.Wrap(errors.Join(oe, &OutputLimitError{Limit: maxTokens}), apperr.Invalid,
			fmt.Sprintf("The answer from %s was cut off at the output limit of %d tokens before the fragment was complete. Press Retry to ask again with a higher limit, or ask for a smaller change.", name, maxTokens))
	case finish == "content_filter":
		msg = fmt.Sprintf("%s stopped the answer with its content filter. Rephrase the request and try again.", name)
	}
	return apperr.Wrap(oe, apperr.Invalid, msg)
}

// RetryRequest builds the follow-up for an answer that was not a valid
// fragment (errors.Is(err, ErrBadOutput)): the bad answer goes back as the
// assistant's turn with a user turn that says what was wrong, so the
// model can correct itself. ok is false for other errors.
func RetryRequest(req Request, err error) (Request, bool) {
	var oe *OutputError
	if !errors.As(err, &oe) {
		return req, false
	}
	out := req
	out.Messages = append(append([]Message(nil), req.Messages...),
		Message{Role: RoleAssistant, Content: oe.Raw},
		Message{Role: RoleUser, Content: "Your last answer could not be used: " + apperr.MessageOf(oe.Err) +
			" Answer again with only the complete JSON object of the fragment, exactly as the system prompt describes, and no other text."},
	)
	return out, true
}

// watchdog cancels ctx with errStalled when no byte arrives for too long:
// first until the answer has started (a reasoning model may send headers,
// then think silently for minutes), idle after that.
func watchdog(ctx context.Context, cancel context.CancelCauseFunc, activity <-chan struct{}, started *atomic.Bool, first, idle time.Duration) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-activity:
			if started.Load() {
				t.Reset(idle)
			} else {
				t.Reset(first)
			}
		case <-t.C:
			cancel(errStalled)
			return
		}
	}
}
