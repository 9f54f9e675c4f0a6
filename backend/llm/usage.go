package llm

import (
	gojson "github.com/goccy/go-json"

	"tessera/backend/apperr"
)

// wireUsage is every shape of usage the providers Tessera speaks send:
//
//   - OpenAI, xAI, Groq, OpenRouter, Anthropic's and Gemini's
//     OpenAI-compatible endpoints: prompt_tokens_details.cached_tokens and
//     completion_tokens_details.reasoning_tokens;
//   - DeepSeek: prompt_cache_hit_tokens (and prompt_cache_miss_tokens);
//   - Mistral, Ollama, LM Studio: the three plain counts only;
//   - Ollama's native counts: prompt_eval_count and eval_count;
//   - Anthropic's native shape: input_tokens (without the cache),
//     cache_read_input_tokens, cache_creation_input_tokens, output_tokens;
//   - Gemini's native usageMetadata: promptTokenCount (with the cache),
//     cachedContentTokenCount, candidatesTokenCount (without thoughts),
//     thoughtsTokenCount.
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

	PromptEvalCount int `json:"prompt_eval_count"`
	EvalCount       int `json:"eval_count"`

	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`

	PromptTokenCount        int `json:"promptTokenCount"`
	CandidatesTokenCount    int `json:"candidatesTokenCount"`
	CachedContentTokenCount int `json:"cachedContentTokenCount"`
	ThoughtsTokenCount      int `json:"thoughtsTokenCount"`
	TotalTokenCount         int `json:"totalTokenCount"`
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
	switch {
	case u.PromptTokens != 0 || u.CompletionTokens != 0:
	case w.PromptEvalCount != 0 || w.EvalCount != 0:
		u.PromptTokens, u.CompletionTokens = w.PromptEvalCount, w.EvalCount
	case w.InputTokens != 0 || w.OutputTokens != 0 || w.CacheReadInputTokens != 0:
		// Anthropic counts cache reads and writes apart from input_tokens.
		u.PromptTokens = w.InputTokens + w.CacheReadInputTokens + w.CacheCreationInputTokens
		u.CompletionTokens, u.CachedTokens = w.OutputTokens, w.CacheReadInputTokens
	case w.PromptTokenCount != 0 || w.CandidatesTokenCount != 0:
		// Gemini counts thoughts apart from the candidates; Tessera's
		// completion includes them, as OpenAI's does.
		u.PromptTokens, u.CachedTokens = w.PromptTokenCount, w.CachedContentTokenCount
		u.CompletionTokens, u.ReasoningTokens = w.CandidatesTokenCount+w.ThoughtsTokenCount, w.ThoughtsTokenCount
		u.TotalTokens = w.TotalTokenCount
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	return nil
}

// MaxCallTokens bounds one call's count: no model reads or writes ten
// million tokens in one call, so a larger count is a provider's bug.
const MaxCallTokens = 10_000_000

// Check refuses a count no call can have: negative, above MaxCallTokens,
// or a part larger than its whole. The sentence says which; the caller
// logs it and counts the call's usage as unknown, never as zero.
func (u Usage) Check() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"prompt", u.PromptTokens}, {"completion", u.CompletionTokens}, {"total", u.TotalTokens}, {"cached", u.CachedTokens}, {"reasoning", u.ReasoningTokens}} {
		if f.v < 0 {
			return apperr.Newf(apperr.Invalid, "The provider reported %d %s tokens, a negative count; the call's usage is unknown.", f.v, f.name)
		}
		if f.v > MaxCallTokens {
			return apperr.Newf(apperr.Invalid, "The provider reported %d %s tokens, more than any call can use (%d); the call's usage is unknown.", f.v, f.name, MaxCallTokens)
		}
	}
	if u.CachedTokens > u.PromptTokens {
		return apperr.Newf(apperr.Invalid, "The provider reported %d cached tokens out of %d prompt tokens; the call's usage is unknown.", u.CachedTokens, u.PromptTokens)
	}
	if u.ReasoningTokens > u.CompletionTokens {
		return apperr.Newf(apperr.Invalid, "The provider reported %d reasoning tokens out of %d completion tokens; the call's usage is unknown.", u.ReasoningTokens, u.CompletionTokens)
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
