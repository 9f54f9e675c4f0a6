package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"tessera/backend/apperr"
)

// Message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	// RoleTool carries a tool's result back to the model (ToolCallID
	// names the call it answers).
	RoleTool = "tool"
)

// Params are the model parameters the person can set; nil / 0 = the
// provider's default ("Auto"). The one Params type of the backend (chat
// aliases it): the provider's wire names (max_tokens or
// max_completion_tokens, top_p) are chosen per model in request.go, so the
// json names here are the page's.
type Params struct {
	Temperature      *float32 `json:"temperature,omitempty"`
	TopP             *float32 `json:"topP,omitempty"`
	MaxTokens        int      `json:"maxTokens,omitempty"`
	FrequencyPenalty *float32 `json:"frequencyPenalty,omitempty"`
	PresencePenalty  *float32 `json:"presencePenalty,omitempty"`
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
	// ToolCalls are the calls an assistant message made (Converse);
	// ToolCallID is the call a RoleTool message answers.
	ToolCalls  []ToolCall `json:"toolCalls,omitempty"`
	ToolCallID string     `json:"toolCallId,omitempty"`
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
	// CachedTokens is the part of PromptTokens served from the
	// provider's prompt cache; ReasoningTokens the part of
	// CompletionTokens spent thinking. Zero when not reported; read from
	// each provider's own fields (usage.go).
	CachedTokens    int `json:"cached_tokens,omitempty"`
	ReasoningTokens int `json:"reasoning_tokens,omitempty"`
}

// Client talks to LLM providers. It is safe for concurrent use: each call
// builds its own go-openai client (they are cheap) around one shared
// http.Client.
type Client struct {
	cat          *Catalog
	keys         KeySource
	hc           *http.Client
	modes        ModeMemory
	local        localCache // context windows local servers reported
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
