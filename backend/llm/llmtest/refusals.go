package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Refusals are how a model refuses requests, applied to every chat
// request until changed (a property of the model, not of one answer).
type Refusals struct {
	// Stream: a streaming request gets OpenAI's 400 for unverified
	// organisations (param "stream", code "unsupported_value"); a
	// non-streaming one is answered whole.
	Stream bool
	// Formats lists response_format types refused with a 400 naming
	// response_format ("json_schema", "json_object").
	Formats []string
	// Tools refuses any request with tools (Ollama: "does not support
	// tools").
	Tools bool
	// Sampling refuses temperature and top_p, as OpenAI's reasoning
	// models do.
	Sampling bool
	// MaxTokens > 0 refuses a larger max_tokens / max_completion_tokens
	// with OpenAI's "supports at most N completion tokens".
	MaxTokens int
	// MaxTokensParam refuses the deprecated max_tokens parameter, as
	// OpenAI's reasoning models do ("Use 'max_completion_tokens' instead").
	MaxTokensParam bool
}

type chatRequest struct {
	Stream         bool `json:"stream"`
	ResponseFormat *struct {
		Type string `json:"type"`
	} `json:"response_format"`
	Tools               []json.RawMessage `json:"tools"`
	Temperature         *float64          `json:"temperature"`
	TopP                *float64          `json:"top_p"`
	MaxTokens           int               `json:"max_tokens"`
	MaxCompletionTokens int               `json:"max_completion_tokens"`
}

// check returns the 400 the model answers a request with, in the words
// its provider uses.
func (r Refusals) check(c chatRequest) (Response, bool) {
	if c.ResponseFormat != nil {
		for _, f := range r.Formats {
			if f == c.ResponseFormat.Type {
				return Response{Status: 400, ErrorMessage: fmt.Sprintf("Invalid parameter: 'response_format' of type '%s' is not supported with this model.", f),
					ErrorType: "invalid_request_error", ErrorCode: "unsupported_parameter", param: "response_format"}, true
			}
		}
	}
	if r.Tools && len(c.Tools) > 0 {
		return Response{Status: 400, ErrorMessage: "registry.ollama.ai/library/fake-model:latest does not support tools"}, true
	}
	if r.Sampling && c.Temperature != nil {
		return Response{Status: 400, ErrorMessage: fmt.Sprintf("Unsupported value: 'temperature' does not support %v with this model. Only the default (1) value is supported.", *c.Temperature),
			ErrorCode: "unsupported_value", param: "temperature"}, true
	}
	if r.MaxTokensParam && c.MaxTokens > 0 {
		return Response{Status: 400, ErrorMessage: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
			ErrorType: "invalid_request_error", ErrorCode: "unsupported_parameter", param: "max_tokens"}, true
	}
	if n := max(c.MaxTokens, c.MaxCompletionTokens); r.MaxTokens > 0 && n > r.MaxTokens {
		return Response{Status: 400, ErrorMessage: fmt.Sprintf("max_tokens is too large: %d. This model supports at most %d completion tokens, whereas you provided %d.", n, r.MaxTokens, n),
			ErrorCode: "invalid_value", param: "max_tokens"}, true
	}
	if r.Stream && c.Stream {
		return Response{Status: 400, ErrorMessage: "Your organization must be verified to stream this model. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.",
			ErrorCode: "unsupported_value", param: "stream"}, true
	}
	return Response{}, false
}

// whole answers a non-streaming request: one chat.completion object.
func whole(w http.ResponseWriter, resp Response) {
	msg := map[string]any{"role": "assistant", "content": resp.Text}
	if len(resp.Reasoning) > 0 {
		msg["reasoning_content"] = strings.Join(resp.Reasoning, "")
	}
	finish := resp.FinishReason
	if finish == "" {
		finish = "stop"
	}
	if resp.ToolCall {
		msg["content"] = nil
		msg["tool_calls"] = []map[string]any{{"id": "call_fake", "type": "function",
			"function": map[string]any{"name": "write_fragment", "arguments": resp.Text}}}
		if resp.FinishReason == "" {
			finish = "tool_calls"
		}
	}
	if len(resp.ToolCalls) > 0 {
		if resp.Text == "" {
			msg["content"] = nil
		}
		msg["tool_calls"] = wholeToolCalls(resp)
		if resp.FinishReason == "" {
			finish = "tool_calls"
		}
	}
	out := map[string]any{"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": "fake-model",
		"choices": []map[string]any{{"index": 0, "message": msg, "finish_reason": finish}}}
	if resp.Usage != nil {
		out["usage"] = resp.Usage
	}
	if len(resp.UsageRaw) > 0 {
		out["usage"] = resp.UsageRaw
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
