package llm

import (
	"regexp"
	"strings"
)

// Family is what Tessera knows about a group of models, matched by id
// pattern, so that a model the provider lists tomorrow is handled like
// its siblings and an unknown one gets safe defaults.
type Family struct {
	// Pattern matches the model id (lowercased, without a "models/"
	// prefix; for routers like OpenRouter the part after the vendor's
	// slash is matched too).
	Pattern *regexp.Regexp
	// ContextTokens and OutputTokens are the family's published limits (0
	// = unknown).
	ContextTokens int
	OutputTokens  int
	Multimodal    bool
	// Reasoning models (OpenAI's o-series and GPT-5) take
	// max_completion_tokens and refuse temperature and top_p.
	Reasoning bool
	// Mode overrides the provider's best structured-output mode.
	Mode Mode
}

// DefaultOutputTokens is sent when neither the family nor the person says:
// large enough for a fragment with a few files, small enough for any
// hosted model to accept.
const DefaultOutputTokens = 8192

// families, most specific first. Figures are the providers' published
// model limits.
var families = []Family{
	// OpenAI
	{Pattern: re(`^gpt-5(\.\d+)?-chat`), ContextTokens: 128000, OutputTokens: 16384, Multimodal: true},
	{Pattern: re(`^gpt-5`), ContextTokens: 400000, OutputTokens: 128000, Multimodal: true, Reasoning: true},
	{Pattern: re(`^o1-mini`), ContextTokens: 128000, OutputTokens: 65536, Reasoning: true},
	{Pattern: re(`^o3-mini`), ContextTokens: 200000, OutputTokens: 100000, Reasoning: true},
	{Pattern: re(`^o[134]`), ContextTokens: 200000, OutputTokens: 100000, Multimodal: true, Reasoning: true},
	{Pattern: re(`^gpt-4\.1`), ContextTokens: 1047576, OutputTokens: 32768, Multimodal: true},
	{Pattern: re(`^gpt-4o`), ContextTokens: 128000, OutputTokens: 16384, Multimodal: true},
	{Pattern: re(`^gpt-4-turbo`), ContextTokens: 128000, OutputTokens: 4096, Multimodal: true},
	{Pattern: re(`^gpt-oss`), ContextTokens: 131072, OutputTokens: 32768},
	// Anthropic (its OpenAI-compatible endpoint ignores response_format;
	// a forced tool call is how it gives structured output).
	{Pattern: re(`^claude-(opus|sonnet|haiku)-4-5|^claude-(sonnet|haiku)-4\.5`), ContextTokens: 200000, OutputTokens: 64000, Multimodal: true, Mode: ModeTool},
	{Pattern: re(`^claude-opus-4`), ContextTokens: 200000, OutputTokens: 32000, Multimodal: true, Mode: ModeTool},
	{Pattern: re(`^claude-sonnet-4|^claude-3-7-sonnet`), ContextTokens: 200000, OutputTokens: 64000, Multimodal: true, Mode: ModeTool},
	{Pattern: re(`^claude-3-5-haiku`), ContextTokens: 200000, OutputTokens: 8192, Multimodal: true, Mode: ModeTool},
	{Pattern: re(`^claude-`), ContextTokens: 200000, OutputTokens: 4096, Multimodal: true, Mode: ModeTool},
	// Google
	{Pattern: re(`^gemini-(2\.5|3)`), ContextTokens: 1048576, OutputTokens: 65536, Multimodal: true},
	{Pattern: re(`^gemini-2\.0`), ContextTokens: 1048576, OutputTokens: 8192, Multimodal: true},
	{Pattern: re(`^gemini-`), ContextTokens: 1048576, OutputTokens: 8192, Multimodal: true},
	{Pattern: re(`^gemma-3`), ContextTokens: 131072, OutputTokens: 8192, Multimodal: true},
	// DeepSeek
	{Pattern: re(`^deepseek-reasoner|^deepseek-r1`), ContextTokens: 131072, OutputTokens: 32768},
	{Pattern: re(`^deepseek-chat|^deepseek-v3`), ContextTokens: 131072, OutputTokens: 8192},
	// Mistral
	{Pattern: re(`^magistral`), ContextTokens: 131072, OutputTokens: 32768},
	{Pattern: re(`^(pixtral|mistral-medium|mistral-small-(2503|2506|latest)|mistral-large-2411)`), ContextTokens: 131072, OutputTokens: 16384, Multimodal: true},
	{Pattern: re(`^codestral|^devstral`), ContextTokens: 262144, OutputTokens: 16384},
	{Pattern: re(`^(mistral|ministral|open-mistral)`), ContextTokens: 131072, OutputTokens: 16384},
	// xAI
	{Pattern: re(`^grok-code`), ContextTokens: 256000, OutputTokens: 32768},
	{Pattern: re(`^grok-4`), ContextTokens: 256000, OutputTokens: 32768, Multimodal: true},
	{Pattern: re(`^grok-`), ContextTokens: 131072, OutputTokens: 16384},
	// Open-weight families served by many hosts.
	{Pattern: re(`^qwen3-coder|qwen3-coder`), ContextTokens: 262144, OutputTokens: 32768},
	{Pattern: re(`^qwen3|qwen3-`), ContextTokens: 131072, OutputTokens: 32768},
	{Pattern: re(`^kimi-k2|kimi-k2`), ContextTokens: 131072, OutputTokens: 16384},
	{Pattern: re(`^glm-4`), ContextTokens: 131072, OutputTokens: 16384},
	{Pattern: re(`llama-3|llama3`), ContextTokens: 131072, OutputTokens: 8192},
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// FamilyOf returns the family of a model id, and false for an unknown one.
func FamilyOf(modelID string) (Family, bool) {
	id := strings.ToLower(strings.TrimSpace(modelID))
	id = strings.TrimPrefix(id, "models/")
	candidates := []string{id}
	// "openai/gpt-5", "accounts/fireworks/models/qwen3-coder-480b",
	// "meta-llama/Llama-3.3-70B": the last path element names the model.
	if i := strings.LastIndex(id, "/"); i >= 0 {
		candidates = append(candidates, id[i+1:])
	}
	for _, c := range candidates {
		for _, f := range families {
			if f.Pattern.MatchString(c) {
				return f, true
			}
		}
	}
	return Family{}, false
}

// OutputLimit is the max tokens to send: the family's output limit, capped
// by what the person set (for an unknown family, what the person set),
// and by half the context window (the other half is for the prompt) when
// the window is small, as on local servers.
func OutputLimit(modelID string, personMax, window int) int {
	limit := DefaultOutputTokens
	f, known := FamilyOf(modelID)
	if known && f.OutputTokens > 0 {
		limit = f.OutputTokens
	} else {
		known = false
	}
	if personMax > 0 && (personMax < limit || !known) {
		limit = personMax
	}
	if window > 0 && limit > window/2 {
		limit = max(window/2, 256)
	}
	return limit
}
