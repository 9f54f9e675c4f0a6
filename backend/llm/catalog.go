// Package llm reaches every LLM provider through its OpenAI-compatible
// endpoint (sashabaranov/go-openai): the provider catalog, model lists,
// local server detection, and StreamFragment, which streams an answer and
// turns it into a fragment while it arrives.
package llm

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"tessera/backend/apperr"
)

// KeySource gives the API key of a provider. Keys live in the OS keychain;
// the llm package only sees this interface (secrets.Store satisfies it).
// account is "llm:<providerID>"; when there is no key the error wraps an
// apperr.NotFound.
type KeySource interface {
	Get(ctx context.Context, account string) (string, error)
}

// Account is the keychain account of a provider's key.
func Account(providerID string) string { return "llm:" + providerID }

// Provider is an LLM service reached through its OpenAI-compatible API.
type Provider struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	BaseURL string `json:"base_url"`
	// NeedsKey: requests fail without a key. OptionalKey: a key is sent
	// when the keychain has one (custom OpenAI-compatible servers).
	NeedsKey    bool `json:"needs_key"`
	OptionalKey bool `json:"optional_key,omitempty"`
	// Local servers (Ollama, LM Studio) run on this machine; they need no
	// key and are found by DetectLocal.
	Local bool `json:"local"`
	// How structured output can be requested; StreamFragment picks the
	// best: JSON schema, then a forced tool call, then JSON mode, then
	// tolerant extraction from free text.
	SupportsJSONSchema bool `json:"supports_json_schema"`
	SupportsJSONMode   bool `json:"supports_json_mode"`
	SupportsTools      bool `json:"supports_tools"`
	// StreamUsage: the provider accepts stream_options.include_usage.
	StreamUsage bool `json:"stream_usage,omitempty"`
	// MaxCompletionTokens: send max_completion_tokens instead of the
	// deprecated max_tokens (OpenAI's reasoning models refuse the latter).
	MaxCompletionTokens bool `json:"max_completion_tokens,omitempty"`
	// DefaultContextTokens applies to models without their own figure.
	DefaultContextTokens int     `json:"default_context_tokens,omitempty"`
	Models               []Model `json:"models"`
	// Custom is true for providers added in settings.
	Custom bool `json:"custom,omitempty"`
}

// Model is one model of a provider.
type Model struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ProviderID string `json:"provider_id"`
	// Multimodal models accept image attachments.
	Multimodal bool `json:"multimodal"`
	// ContextTokens is the context window; 0 = the provider's default.
	ContextTokens int `json:"context_tokens,omitempty"`
	// Mode overrides how structured output is requested for this model
	// ("" = decided from the provider's capabilities).
	Mode Mode `json:"mode,omitempty"`
	// SupportsTools overrides the provider's supports_tools for this
	// model (agent mode: native tool calls or the text protocol).
	SupportsTools *bool `json:"supports_tools,omitempty"`
}

// Mode is how StreamFragment asks for structured output.
type Mode string

const (
	ModeAuto       Mode = ""
	ModeJSONSchema Mode = "json_schema" // response_format json_schema
	ModeTool       Mode = "tool"        // a forced function call whose arguments are the fragment
	ModeJSONObject Mode = "json_object" // response_format json_object ("JSON mode")
	ModeText       Mode = "text"        // no constraint; tolerant extraction
)

func (m Mode) valid() bool {
	switch m {
	case ModeAuto, ModeJSONSchema, ModeTool, ModeJSONObject, ModeText:
		return true
	}
	return false
}

// DefaultContextTokens is assumed when neither model nor provider says.
const DefaultContextTokens = 32768

//go:embed catalog.json
var embeddedCatalog []byte

// Catalog is the list of providers: the embedded defaults merged with the
// person's extensions from settings. It is immutable after NewCatalog, so
// it is safe for concurrent use; settings changes build a new one.
type Catalog struct {
	providers []Provider
	index     map[string]int
}

// Extensions is the settings JSON that extends the catalog:
//
//	{"providers": [{"id": "vllm", "name": "My vLLM", "base_url": "http://gpu:8000/v1",
//	                "supports_json_schema": true, "models": [{"id": "qwen3-coder"}]}],
//	 "models": [{"provider_id": "openai", "id": "gpt-5.1", "name": "GPT-5.1", "multimodal": true}]}
//
// A provider whose id is already in the catalog updates it: the fields it
// sets replace the defaults (so a remote Ollama is {"id": "ollama",
// "base_url": "http://nas:11434/v1"}) and its models are added.
type Extensions struct {
	Providers []ProviderExtension `json:"providers"`
	Models    []Model             `json:"models"`
}

// ProviderExtension is a provider in Extensions. Pointer fields tell "not
// set" from false.
type ProviderExtension struct {
	ID                   string  `json:"id"`
	Name                 string  `json:"name"`
	BaseURL              string  `json:"base_url"`
	NeedsKey             *bool   `json:"needs_key"`
	OptionalKey          *bool   `json:"optional_key"`
	Local                *bool   `json:"local"`
	SupportsJSONSchema   *bool   `json:"supports_json_schema"`
	SupportsJSONMode     *bool   `json:"supports_json_mode"`
	SupportsTools        *bool   `json:"supports_tools"`
	StreamUsage          *bool   `json:"stream_usage"`
	MaxCompletionTokens  *bool   `json:"max_completion_tokens"`
	DefaultContextTokens int     `json:"default_context_tokens"`
	Models               []Model `json:"models"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// NewCatalog returns the embedded providers extended by extensions (the
// settings JSON; nil or empty for none). Invalid extensions give an
// apperr.Invalid naming the entry.
func NewCatalog(extensions []byte) (*Catalog, error) {
	var base struct {
		Providers []Provider `json:"providers"`
	}
	if err := json.Unmarshal(embeddedCatalog, &base); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "The built-in provider list is damaged.")
	}
	c := &Catalog{index: map[string]int{}}
	for _, p := range base.Providers {
		c.add(p)
	}
	if len(strings.TrimSpace(string(extensions))) == 0 {
		return c, nil
	}
	var ext Extensions
	if err := json.Unmarshal(extensions, &ext); err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "The custom providers in Settings are not valid JSON. Fix them and try again.")
	}
	for _, pe := range ext.Providers {
		if err := c.extend(pe); err != nil {
			return nil, err
		}
	}
	for _, m := range ext.Models {
		i, ok := c.index[m.ProviderID]
		if !ok {
			return nil, apperr.Newf(apperr.Invalid, "The custom model %q names the provider %q, which does not exist. Fix it in Settings.", m.ID, m.ProviderID)
		}
		if err := c.addModel(i, m); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// DefaultCatalog is the embedded catalog without extensions.
func DefaultCatalog() *Catalog {
	c, err := NewCatalog(nil)
	if err != nil {
		panic(err) // embedded data; covered by tests
	}
	return c
}

func (c *Catalog) add(p Provider) {
	models := p.Models
	p.Models = nil
	c.index[p.ID] = len(c.providers)
	c.providers = append(c.providers, p)
	for _, m := range models {
		_ = c.addModel(len(c.providers)-1, m)
	}
}

func (c *Catalog) addModel(i int, m Model) error {
	p := &c.providers[i]
	m.ID = strings.TrimSpace(m.ID)
	if m.ID == "" {
		return apperr.Newf(apperr.Invalid, "A custom model of %s has no id. Fix it in Settings.", p.Name)
	}
	if !m.Mode.valid() {
		return apperr.Newf(apperr.Invalid, "The custom model %q has an unknown mode %q (use json_schema, tool, json_object or text).", m.ID, m.Mode)
	}
	m.ProviderID = p.ID
	if m.Name == "" {
		m.Name = m.ID
	}
	for j := range p.Models {
		if p.Models[j].ID == m.ID {
			p.Models[j] = m
			return nil
		}
	}
	p.Models = append(p.Models, m)
	return nil
}

func (c *Catalog) extend(pe ProviderExtension) error {
	if !idPattern.MatchString(pe.ID) {
		return apperr.Newf(apperr.Invalid, "The custom provider id %q is not valid: use lowercase letters, digits, '.', '_' or '-'. Fix it in Settings.", pe.ID)
	}
	if pe.BaseURL != "" {
		if err := checkBaseURL(pe.BaseURL); err != nil {
			return apperr.Newf(apperr.Invalid, "The base URL of the provider %q is not valid (%v). Use something like http://localhost:8000/v1.", pe.ID, err)
		}
	}
	i, exists := c.index[pe.ID]
	if !exists {
		if pe.BaseURL == "" {
			return apperr.Newf(apperr.Invalid, "The custom provider %q has no base URL. Add one in Settings.", pe.ID)
		}
		name := pe.Name
		if name == "" {
			name = pe.ID
		}
		// A new provider is an OpenAI-compatible server: a key is sent if
		// the keychain has one, structured output off unless declared.
		c.add(Provider{ID: pe.ID, Name: name, OptionalKey: true, Custom: true})
		i = c.index[pe.ID]
	}
	p := &c.providers[i]
	if pe.Name != "" {
		p.Name = pe.Name
	}
	if pe.BaseURL != "" {
		p.BaseURL = strings.TrimRight(pe.BaseURL, "/")
	}
	for _, f := range []struct {
		src *bool
		dst *bool
	}{
		{pe.NeedsKey, &p.NeedsKey}, {pe.OptionalKey, &p.OptionalKey}, {pe.Local, &p.Local},
		{pe.SupportsJSONSchema, &p.SupportsJSONSchema}, {pe.SupportsJSONMode, &p.SupportsJSONMode},
		{pe.SupportsTools, &p.SupportsTools}, {pe.StreamUsage, &p.StreamUsage},
		{pe.MaxCompletionTokens, &p.MaxCompletionTokens},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if pe.DefaultContextTokens > 0 {
		p.DefaultContextTokens = pe.DefaultContextTokens
	}
	for _, m := range pe.Models {
		if err := c.addModel(i, m); err != nil {
			return err
		}
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme must be http or https")
	}
	if u.Host == "" {
		return fmt.Errorf("no host")
	}
	return nil
}

// Providers returns every provider, built-in ones first in catalog order,
// each with its models. The result is a copy.
func (c *Catalog) Providers() []Provider {
	out := make([]Provider, len(c.providers))
	for i, p := range c.providers {
		out[i] = clone(p)
	}
	return out
}

// Provider returns the provider with this id.
func (c *Catalog) Provider(id string) (Provider, bool) {
	i, ok := c.index[id]
	if !ok {
		return Provider{}, false
	}
	return clone(c.providers[i]), true
}

// Model returns a model of a provider.
func (c *Catalog) Model(providerID, modelID string) (Model, bool) {
	i, ok := c.index[providerID]
	if !ok {
		return Model{}, false
	}
	for _, m := range c.providers[i].Models {
		if m.ID == modelID {
			return m, true
		}
	}
	return Model{}, false
}

// ContextTokens is the context window to plan for: the model's, else the
// provider's default, else DefaultContextTokens.
func (c *Catalog) ContextTokens(providerID, modelID string) int {
	if m, ok := c.Model(providerID, modelID); ok && m.ContextTokens > 0 {
		return m.ContextTokens
	}
	if p, ok := c.Provider(providerID); ok && p.DefaultContextTokens > 0 {
		return p.DefaultContextTokens
	}
	return DefaultContextTokens
}

func clone(p Provider) Provider {
	p.Models = append([]Model(nil), p.Models...)
	return p
}

// MergeModels is what the picker offers once the provider's list is
// known: only the models the provider lists (a model it does not list
// would answer 404), with the catalog's name, flags and context for ids it
// knows and the family's knowledge for the rest. Sorted by name.
func MergeModels(known, refreshed []Model) []Model {
	byID := map[string]Model{}
	for _, m := range known {
		byID[m.ID] = m
	}
	seen := map[string]bool{}
	var out []Model
	for _, m := range refreshed {
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		if k, ok := byID[m.ID]; ok {
			m = k
		} else if f, ok := FamilyOf(m.ID); ok {
			m.Multimodal = m.Multimodal || f.Multimodal
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
