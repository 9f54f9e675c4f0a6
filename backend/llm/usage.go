package llm

import (
	gojson "github.com/goccy/go-json"
)

// wireUsage is every shape of usage the providers Tessera speaks send:
//
//   - OpenAI, xAI, Groq, OpenRouter, Anthropic's and Gemini's
//     OpenAI-compatible endpoints: prompt_tokens_details.cached_tokens and
//     completion_tokens_details.reasoning_tokens;
//   - DeepSeek: prompt_cache_hit_tokens (and prompt_cache_miss_tokens);
//   - Mistral, Ollama, LM Studio: the three plain counts only.
//
// The flat cached_tokens / reasoning_tokens are Tessera's own names (what
// Usage marshals to), read back so a stored Usage round-trips.
type wireUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails *struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
	PromptCacheHitTokens int `json:"prompt_cache_hit_tokens"`
	CachedTokens         int `json:"cached_tokens"`
	ReasoningTokens      int `json:"reasoning_tokens"`
}

// UnmarshalJSON reads any provider's usage object (see wireUsage).
func (u *Usage) UnmarshalJSON(b []byte) error {
	var w wireUsage
	if err := gojson.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = Usage{PromptTokens: w.PromptTokens, CompletionTokens: w.CompletionTokens, TotalTokens: w.TotalTokens,
		CachedTokens: w.CachedTokens, ReasoningTokens: w.ReasoningTokens}
	if d := w.PromptTokensDetails; d != nil && d.CachedTokens > 0 {
		u.CachedTokens = d.CachedTokens
	}
	if w.PromptCacheHitTokens > 0 {
		u.CachedTokens = w.PromptCacheHitTokens
	}
	if d := w.CompletionTokensDetails; d != nil && d.ReasoningTokens > 0 {
		u.ReasoningTokens = d.ReasoningTokens
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	return nil
}

// Add sums two usages (the calls of one agent turn).
func (u Usage) Add(o Usage) Usage {
	return Usage{PromptTokens: u.PromptTokens + o.PromptTokens, CompletionTokens: u.CompletionTokens + o.CompletionTokens,
		TotalTokens: u.TotalTokens + o.TotalTokens, CachedTokens: u.CachedTokens + o.CachedTokens,
		ReasoningTokens: u.ReasoningTokens + o.ReasoningTokens}
}

// IsZero reports whether nothing was reported.
func (u Usage) IsZero() bool { return u == Usage{} }
