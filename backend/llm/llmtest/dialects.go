package llmtest

import (
	"encoding/json"
)

// Dialect is how a provider shapes stream deltas.
type Dialect string

const (
	// DialectOpenAI: content is a string, reasoning in reasoning_content
	// (DeepSeek's documented field).
	DialectOpenAI Dialect = ""
	// DialectReasoningField: reasoning in "reasoning" (OpenRouter,
	// Ollama, Groq).
	DialectReasoningField Dialect = "reasoning"
	// DialectMistralParts: content is an array of typed parts, as
	// Mistral's reasoning (Magistral) models send it: thinking as
	// {"type":"thinking","thinking":[{"type":"text","text":...}]}, the
	// answer as {"type":"text","text":...}.
	DialectMistralParts Dialect = "mistral-parts"
)

type part struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	Thinking []part `json:"thinking,omitempty"`
}

func reasoningDelta(d Dialect, s string) delta {
	switch d {
	case DialectReasoningField:
		return delta{Reasoning: s}
	case DialectMistralParts:
		return delta{Content: []part{{Type: "thinking", Thinking: []part{{Type: "text", Text: s}}}}}
	}
	return delta{ReasoningContent: s}
}

func textDelta(d Dialect, s string) delta {
	if d == DialectMistralParts {
		return delta{Content: []part{{Type: "text", Text: s}}}
	}
	return delta{Content: s}
}

// XAIError is xAI's error body: {"code": "<gRPC-style text>", "error":
// "<message>"}; a bad key is a 400 with "Incorrect API key provided".
func XAIError(status int, code, message string) Response {
	b, _ := json.Marshal(map[string]string{"code": code, "error": message})
	return Response{Status: status, Body: string(b), Header: map[string]string{"Content-Type": "application/json"}}
}

// GeminiDetail is one entry of a Google error's details.
type GeminiDetail map[string]any

// GeminiRetryInfo is google.rpc.RetryInfo ("retryDelay": "53s").
func GeminiRetryInfo(delay string) GeminiDetail {
	return GeminiDetail{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}
}

// GeminiQuotaFailure is google.rpc.QuotaFailure naming one quota id (a
// "...PerDay..." id is a daily quota).
func GeminiQuotaFailure(quotaID string) GeminiDetail {
	return GeminiDetail{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
		"violations": []map[string]any{{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": quotaID}}}
}

// GeminiKeyInvalid is google.rpc.ErrorInfo with reason API_KEY_INVALID.
func GeminiKeyInvalid() GeminiDetail {
	return GeminiDetail{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}
}

// GeminiError is the body Gemini's OpenAI-compatible endpoint sends: a
// JSON array holding one {"error": {"code", "message", "status",
// "details"}}.
func GeminiError(status int, statusName, message string, details ...GeminiDetail) Response {
	e := map[string]any{"code": status, "message": message, "status": statusName}
	if len(details) > 0 {
		e["details"] = details
	}
	b, _ := json.Marshal([]any{map[string]any{"error": e}})
	return Response{Status: status, Body: string(b), Header: map[string]string{"Content-Type": "application/json"}}
}

// AnthropicError is Anthropic's body: {"type": "error", "error": {"type",
// "message"}}; 529 is overloaded_error.
func AnthropicError(status int, typ, message string) Response {
	b, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": message}})
	return Response{Status: status, Body: string(b), Header: map[string]string{"Content-Type": "application/json"}}
}

// OpenRouterError is OpenRouter's body: {"error": {"code": <status>,
// "message", "metadata"}}; raw, when set, is the upstream provider's body
// in metadata.raw.
func OpenRouterError(status int, message, raw string) Response {
	e := map[string]any{"code": status, "message": message}
	if raw != "" {
		e["metadata"] = map[string]any{"raw": raw, "provider_name": "OpenAI"}
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return Response{Status: status, Body: string(b), Header: map[string]string{"Content-Type": "application/json"}}
}
