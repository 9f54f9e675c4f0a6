package llm

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"io"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
)

// Message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Params are the model parameters the person can set; nil / 0 = the
// provider's default ("Auto").
type Params struct {
	Temperature      *float32 `json:"temperature,omitempty"`
	TopP             *float32 `json:"top_p,omitempty"`
	MaxTokens        int      `json:"max_tokens,omitempty"`
	FrequencyPenalty *float32 `json:"frequency_penalty,omitempty"`
	PresencePenalty  *float32 `json:"presence_penalty,omitempty"`
}

// Image is an attachment of a user message, for multimodal models.
type Image struct {
	MIME string `json:"mime"` // image/png, image/jpeg, ...
	Data []byte `json:"data"`
}

// Message is one turn of the conversation.
type Message struct {
	Role    string  `json:"role"`
	Content string  `json:"content"`
	Images  []Image `json:"images,omitempty"`
}

// Request is one generation.
type Request struct {
	ProviderID string
	ModelID    string
	// BaseURL overrides the provider's (custom servers, a remote Ollama).
	BaseURL string
	// Messages: the system prompt (fragment.SystemPrompt), the earlier
	// turns, and the new user message. StreamFragment trims the oldest
	// turns to fit the model's context (TrimHistory).
	Messages []Message
	Params   Params
	// Schema is the JSON schema asked for; nil = fragment.JSONSchema().
	Schema json.RawMessage
	// Mode forces how structured output is requested (ModeAuto decides
	// from the catalog).
	Mode Mode
	// ContextTokens overrides the catalog's context window (0 = catalog).
	ContextTokens int
}

// Usage is the token count the provider reported; zero when it did not.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Client talks to LLM providers. It is safe for concurrent use: each call
// builds its own go-openai client (they are cheap) around one shared
// http.Client.
type Client struct {
	cat          *Catalog
	keys         KeySource
	hc           *http.Client
	firstTimeout time.Duration
	idleTimeout  time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithIdleTimeout sets how long a stream may send nothing, once it has
// started, before it is abandoned as stalled (default 90 s).
func WithIdleTimeout(d time.Duration) Option { return func(c *Client) { c.idleTimeout = d } }

// WithFirstByteTimeout sets how long to wait for the first bytes of the
// answer (default 5 min: reasoning models may think silently for minutes).
func WithFirstByteTimeout(d time.Duration) Option { return func(c *Client) { c.firstTimeout = d } }

// NewClient returns a client over the catalog, the key source and the
// process's HTTP client (its transport is reused; see wrapHTTPClient).
func NewClient(cat *Catalog, keys KeySource, httpClient *http.Client, opts ...Option) *Client {
	if cat == nil {
		cat = DefaultCatalog()
	}
	c := &Client{cat: cat, keys: keys, hc: wrapHTTPClient(httpClient), firstTimeout: 5 * time.Minute, idleTimeout: 90 * time.Second}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Catalog returns the client's catalog.
func (c *Client) Catalog() *Catalog { return c.cat }

// resolved is a request's provider, endpoint and key.
type resolved struct {
	p     Provider
	model Model
	base  string
	key   string
}

func (c *Client) resolve(ctx context.Context, providerID, modelID, baseURL string) (resolved, error) {
	p, ok := c.cat.Provider(providerID)
	if !ok {
		return resolved{}, apperr.Newf(apperr.NotFound, "The provider %q is not known. Pick a provider in Settings.", providerID)
	}
	r := resolved{p: p, base: strings.TrimRight(p.BaseURL, "/")}
	if baseURL != "" {
		if err := checkBaseURL(baseURL); err != nil {
			return resolved{}, apperr.Newf(apperr.Invalid, "The base URL %q for %s is not valid (%v). Use something like http://localhost:8000/v1.", baseURL, p.Name, err)
		}
		r.base = strings.TrimRight(baseURL, "/")
	}
	if r.base == "" {
		return resolved{}, apperr.Newf(apperr.Invalid, "%s has no base URL. Set it in Settings.", p.Name)
	}
	if m, ok := c.cat.Model(providerID, modelID); ok {
		r.model = m
	} else {
		// Models from "refresh models" or typed by hand are allowed.
		r.model = Model{ID: modelID, Name: modelID, ProviderID: providerID}
	}
	if p.NeedsKey || p.OptionalKey {
		if c.keys == nil {
			if p.NeedsKey {
				return resolved{}, apperr.Newf(apperr.Unauthorized, "There is no API key for %s. Add it in Settings.", p.Name)
			}
			return r, nil
		}
		key, err := c.keys.Get(ctx, Account(p.ID))
		switch {
		case err == nil:
			r.key = strings.TrimSpace(key)
		case apperr.Is(err, apperr.NotFound):
			if p.NeedsKey {
				return resolved{}, apperr.Wrap(err, apperr.Unauthorized, fmt.Sprintf("There is no API key for %s. Add it in Settings.", p.Name))
			}
		case ctx.Err() != nil:
			return resolved{}, apperr.Wrap(err, apperr.Canceled, "The answer was stopped.")
		default:
			return resolved{}, apperr.Wrap(err, apperr.Unavailable,
				fmt.Sprintf("Could not read the %s key from the system keychain. Unlock the keychain and try again.", p.Name))
		}
		if p.NeedsKey && r.key == "" {
			return resolved{}, apperr.Newf(apperr.Unauthorized, "The API key for %s is empty. Add it in Settings.", p.Name)
		}
	}
	return r, nil
}

func (c *Client) openai(r resolved) *openai.Client {
	cfg := openai.DefaultConfig(r.key)
	cfg.BaseURL = r.base
	cfg.HTTPClient = c.hc
	// Keep-alive comments (OpenRouter sends them while a model thinks) and
	// blank lines count as "empty messages"; the stall watchdog is the
	// real guard, so the library's limit must not fire first.
	cfg.EmptyMessagesLimit = math.MaxUint32
	return openai.NewClientWithConfig(cfg)
}

// PickMode decides how structured output is requested: an explicit mode,
// else the model's override, else the best the provider supports.
func PickMode(p Provider, m Model, requested Mode) Mode {
	switch {
	case requested != ModeAuto:
		return requested
	case m.Mode != ModeAuto:
		return m.Mode
	case p.SupportsJSONSchema:
		return ModeJSONSchema
	case p.SupportsTools:
		return ModeTool
	case p.SupportsJSONMode:
		return ModeJSONObject
	}
	return ModeText
}

const toolName = "write_fragment"

// buildRequest turns a Request into go-openai's, trimming history to the
// context window.
func (c *Client) buildRequest(req Request, r resolved) (openai.ChatCompletionRequest, Mode, error) {
	if !req.Mode.valid() {
		return openai.ChatCompletionRequest{}, "", apperr.Newf(apperr.Invalid, "Unknown output mode %q.", req.Mode)
	}
	window := req.ContextTokens
	if window <= 0 {
		window = c.cat.ContextTokens(req.ProviderID, req.ModelID)
	}
	reserve := req.Params.MaxTokens
	if reserve <= 0 {
		reserve = min(8192, window/4)
	}
	msgs := TrimHistory(req.Messages, window-reserve)
	if len(msgs) == 0 {
		return openai.ChatCompletionRequest{}, "", apperr.New(apperr.Invalid, "There is nothing to send: the conversation is empty.")
	}
	out := openai.ChatCompletionRequest{Model: req.ModelID, Stream: true}
	for _, m := range msgs {
		om := openai.ChatCompletionMessage{Role: m.Role}
		if len(m.Images) == 0 {
			om.Content = m.Content
		} else {
			if m.Content != "" {
				om.MultiContent = append(om.MultiContent, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeText, Text: m.Content})
			}
			for _, img := range m.Images {
				mime := img.MIME
				if mime == "" {
					mime = http.DetectContentType(img.Data)
				}
				if !strings.HasPrefix(mime, "image/") {
					return out, "", apperr.Newf(apperr.Invalid, "An attachment is %s, not an image. Only images can be sent to the model.", mime)
				}
				dataURL := "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
				om.MultiContent = append(om.MultiContent, openai.ChatMessagePart{
					Type: openai.ChatMessagePartTypeImageURL, ImageURL: &openai.ChatMessageImageURL{URL: dataURL, Detail: openai.ImageURLDetailAuto},
				})
			}
		}
		out.Messages = append(out.Messages, om)
	}

	p := req.Params
	if p.Temperature != nil {
		out.Temperature = nonZero(*p.Temperature)
	}
	if p.TopP != nil {
		out.TopP = nonZero(*p.TopP)
	}
	if p.FrequencyPenalty != nil {
		out.FrequencyPenalty = *p.FrequencyPenalty // 0 is the default anyway
	}
	if p.PresencePenalty != nil {
		out.PresencePenalty = *p.PresencePenalty
	}
	if p.MaxTokens > 0 {
		if r.p.MaxCompletionTokens {
			out.MaxCompletionTokens = p.MaxTokens
		} else {
			out.MaxTokens = p.MaxTokens
		}
	}
	if r.p.StreamUsage {
		out.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}

	schema := req.Schema
	if schema == nil {
		schema = fragment.JSONSchema()
	}
	mode := PickMode(r.p, r.model, req.Mode)
	switch mode {
	case ModeJSONSchema:
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: "fragment", Schema: schema,
				// Strict decoding is OpenAI's; elsewhere the flag is
				// ignored or, on some servers, refused.
				Strict: r.p.ID == "openai",
			},
		}
	case ModeTool:
		out.Tools = []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: toolName, Description: "Write the fragment: commentary, metadata and the code of the app.", Parameters: schema,
		}}}
		out.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: toolName}}
	case ModeJSONObject:
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return out, mode, nil
}

// nonZero works around go-openai's omitempty on float parameters: an
// explicit 0 would be dropped and the provider's default (often 1) used
// instead. The smallest step above zero means the same thing to a sampler.
func nonZero(v float32) float32 {
	if v == 0 {
		return 1e-6
	}
	return v
}

// streamChunk is one SSE event, decoded by us rather than go-openai so
// that non-standard fields ("reasoning" from OpenRouter and Ollama) are
// kept.
type streamChunk struct {
	Choices []struct {
		Delta struct {
			Content          string `json:"content"`
			ReasoningContent string `json:"reasoning_content"`
			Reasoning        string `json:"reasoning"`
			Refusal          string `json:"refusal"`
			ToolCalls        []struct {
				Function struct {
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *Usage `json:"usage"`
}

// StreamFragment sends the request and streams the answer. While it
// arrives, onPartial gets the fragment so far (commentary, title, file
// paths, code as it is written) after every chunk that changed it, and
// onReasoning gets reasoning text from models that stream it; both run on
// the calling goroutine and must return quickly (batch and emit
// elsewhere). Either may be nil.
//
// Structured output is requested as PickMode decides; whatever the mode,
// the answer is parsed tolerantly (fences, prose around the JSON, tool-call
// arguments). Cancelling ctx stops the request at once and returns an
// apperr.Canceled. Usage is what the provider reported (zero if nothing),
// returned with errors too.
//
// Errors are apperr codes with a sentence naming the provider:
// Unauthorized (key missing or refused), RateLimited (with RetryAfter),
// Unavailable (5xx, 529, unreachable, stalled), NotFound (model), Invalid
// (context too long: errors.Is ErrContextTooLong; answer not a fragment:
// errors.Is ErrBadOutput, see RetryRequest), Canceled.
func (c *Client) StreamFragment(ctx context.Context, req Request, onPartial func(fragment.Partial), onReasoning func(string)) (*fragment.Fragment, Usage, error) {
	var usage Usage
	r, err := c.resolve(ctx, req.ProviderID, req.ModelID, req.BaseURL)
	if err != nil {
		return nil, usage, err
	}
	creq, _, err := c.buildRequest(req, r)
	if err != nil {
		return nil, usage, err
	}
	info := call{provider: r.p, model: req.ModelID, baseURL: r.base, idle: c.idleTimeout}

	// The watchdog cancels the request when no byte arrived for too long.
	// Activity is signalled from the transport, so SSE keep-alive
	// comments count as life even though go-openai swallows them.
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	activity := make(chan struct{}, 1)
	meta := &respMeta{activity: func() {
		select {
		case activity <- struct{}{}:
		default:
		}
	}}
	var started atomic.Bool
	go watchdog(sctx, cancel, activity, &started, c.firstTimeout, c.idleTimeout)
	sctx = withMeta(sctx, meta)
	info.idle = c.idleTimeout

	stream, err := c.openai(r).CreateChatCompletionStream(sctx, creq)
	if err != nil {
		return nil, usage, mapError(ctx, context.Cause(sctx), err, call{provider: r.p, model: req.ModelID, baseURL: r.base, idle: c.firstTimeout}, meta)
	}
	defer stream.Close()

	content, tool := fragment.NewParser(), fragment.NewParser()
	var toolBytes, contentBytes int
	var raw strings.Builder // for OutputError; bounded below
	finish, refusal := "", ""
	for {
		line, err := stream.RecvRaw()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usage, mapError(ctx, context.Cause(sctx), err, info, meta)
		}
		if ctx.Err() != nil {
			return nil, usage, apperr.Wrap(ctx.Err(), apperr.Canceled, "The answer was stopped.")
		}
		var ch streamChunk
		if err := gojson.Unmarshal(line, &ch); err != nil {
			return nil, usage, apperr.Wrap(err, apperr.Unavailable,
				fmt.Sprintf("%s sent a stream Tessera could not read. Try again.", r.p.Name))
		}
		if ch.Usage != nil && (ch.Usage.TotalTokens > 0 || ch.Usage.PromptTokens > 0 || ch.Usage.CompletionTokens > 0) {
			usage = *ch.Usage
			if usage.TotalTokens == 0 {
				usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens
			}
		}
		changed := false
		for _, choice := range ch.Choices {
			d := choice.Delta
			if d.Content != "" || d.ReasoningContent != "" || d.Reasoning != "" || len(d.ToolCalls) > 0 {
				// From now on silence is a stall, not thinking.
				started.Store(true)
			}
			if reasoning := d.ReasoningContent + d.Reasoning; reasoning != "" && onReasoning != nil {
				onReasoning(reasoning)
			}
			refusal += d.Refusal
			if d.Content != "" {
				if err := content.Write(d.Content); err != nil {
					return nil, usage, err
				}
				contentBytes += len(d.Content)
				keepRaw(&raw, d.Content)
				changed = true
			}
			for _, tc := range d.ToolCalls {
				if tc.Function.Arguments == "" {
					continue
				}
				if err := tool.Write(tc.Function.Arguments); err != nil {
					return nil, usage, err
				}
				toolBytes += len(tc.Function.Arguments)
				keepRaw(&raw, tc.Function.Arguments)
				changed = true
			}
			if choice.FinishReason != "" {
				finish = choice.FinishReason
			}
		}
		if changed && onPartial != nil {
			if toolBytes > 0 {
				onPartial(tool.Partial())
			} else {
				onPartial(content.Partial())
			}
		}
	}
	if ctx.Err() != nil {
		return nil, usage, apperr.Wrap(ctx.Err(), apperr.Canceled, "The answer was stopped.")
	}

	// A model told to call the tool may still answer in prose; use
	// whichever channel carried the answer.
	parser := content
	if toolBytes > 0 {
		parser = tool
	}
	frag, err := parser.Final()
	if err != nil && toolBytes > 0 && contentBytes > 0 {
		if f2, err2 := content.Final(); err2 == nil {
			frag, err = f2, nil
		}
	}
	if err != nil {
		return nil, usage, badOutput(err, raw.String(), finish, refusal, r.p.Name, req.Params.MaxTokens)
	}
	return frag, usage, nil
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

func badOutput(err error, raw, finish, refusal, name string, maxTokens int) error {
	oe := &OutputError{Raw: raw, Err: err}
	msg := apperr.MessageOf(err)
	switch {
	case refusal != "":
		msg = fmt.Sprintf("%s declined to answer: %s", name, providerDetail(refusal))
	case finish == "length":
		limit := "the output token limit"
		if maxTokens > 0 {
			limit = fmt.Sprintf("the output token limit (%d)", maxTokens)
		}
		msg = fmt.Sprintf("The answer from %s reached %s before the fragment was complete. Raise max tokens in the model settings, or ask for a smaller change.", name, limit)
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
