package llm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
)

// Each provider's stream shapes, replayed through the real StreamFragment.
func TestStreamDialects(t *testing.T) {
	text := llmtest.FragmentText(sampleFragment())
	tests := []struct {
		name      string
		provider  string
		resp      llmtest.Response
		reasoning string
	}{
		{"openai plain", "openai", llmtest.Response{Text: text, ChunkSize: 7}, ""},
		{"deepseek reasoning_content", "deepseek", llmtest.Response{Text: text, Reasoning: []string{"think ", "hard"}}, "think hard"},
		{"openrouter reasoning field", "openrouter", llmtest.Response{Text: text, Reasoning: []string{"plan"}, Dialect: llmtest.DialectReasoningField}, "plan"},
		{"mistral typed parts", "mistral", llmtest.Response{Text: text, Reasoning: []string{"a ", "b"}, Dialect: llmtest.DialectMistralParts, ChunkSize: 5}, "a b"},
		{"openrouter processing comments", "openrouter", llmtest.Response{Text: text, Comments: true, Comment: ": OPENROUTER PROCESSING"}, ""},
		{"tool call", "anthropic", llmtest.Response{Text: text, ToolCall: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Push(tt.resp)
			c := testClient(t, srv, keys{"llm:" + tt.provider: "k"})
			var reasoning strings.Builder
			partials := 0
			frag, _, err := c.StreamFragment(context.Background(), userReq(tt.provider, "m1"),
				func(p fragment.Partial) { partials++ }, func(s string) { reasoning.WriteString(s) })
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if frag.Code != sampleFragment().Code || reasoning.String() != tt.reasoning || partials == 0 {
				t.Fatalf("code %q reasoning %q partials %d", frag.Code, reasoning.String(), partials)
			}
		})
	}
}

// Each provider's error shapes: the sentence names the provider and says
// what to do.
func TestErrorDialects(t *testing.T) {
	text := llmtest.FragmentText(sampleFragment())
	rawOpenAI := `{"error":{"message":"Invalid schema for response_format 'fragment'","type":"invalid_request_error","param":"response_format","code":null}}`
	tests := []struct {
		name     string
		provider string
		resp     llmtest.Response
		code     apperr.Code
		msg      string
		retry    time.Duration
		is       error
	}{
		{"xai bad key 400", "xai", llmtest.XAIError(400, "Client specified an invalid argument", "Incorrect API key provided: xa***yz. You can obtain an API key from https://console.x.ai."),
			apperr.Unauthorized, "xAI did not accept the API key (Incorrect API key provided", 0, nil},
		{"xai url-encoded", "xai", llmtest.XAIError(400, "Client specified an invalid argument", "Incorrect%20API%20key%20provided"),
			apperr.Unauthorized, "(Incorrect API key provided). Check the xAI key in Settings.", 0, nil},
		{"xai model", "xai", llmtest.XAIError(404, "Some requested entity was not found", "The model grok-9 does not exist or your team does not have access to it."),
			apperr.NotFound, `xAI does not offer the model "m1" any more`, 0, ErrModelGone},
		{"gemini bad key", "google", llmtest.GeminiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", llmtest.GeminiKeyInvalid()),
			apperr.Unauthorized, "Google Gemini did not accept the API key (API key not valid", 0, nil},
		{"gemini rate limit retryDelay", "google", llmtest.GeminiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.",
			llmtest.GeminiQuotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), llmtest.GeminiRetryInfo("53.016342224s")),
			apperr.RateLimited, "Google Gemini is limiting requests. Wait 54 seconds and try again.", 53016342224 * time.Nanosecond, nil},
		{"gemini daily quota", "google", llmtest.GeminiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
			llmtest.GeminiQuotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), llmtest.GeminiRetryInfo("20s")),
			apperr.RateLimited, "Google Gemini's quota for m1 is used up for today", 0, nil},
		{"openai quota", "openai", llmtest.Response{Status: 429, ErrorMessage: "You exceeded your current quota, please check your plan and billing details.", ErrorCode: "insufficient_quota"},
			apperr.RateLimited, "OpenAI says the account has no credit or quota left", 0, nil},
		{"openai rate limit header", "openai", llmtest.Response{Status: 429, ErrorMessage: "Rate limit reached for requests", ErrorCode: "rate_limit_exceeded", Header: map[string]string{"Retry-After": "12"}},
			apperr.RateLimited, "OpenAI is limiting requests. Wait 12 seconds", 12 * time.Second, nil},
		{"openrouter credits 402", "openrouter", llmtest.OpenRouterError(402, "Insufficient credits. Add more using https://openrouter.ai/credits", ""),
			apperr.RateLimited, "OpenRouter says the account has no credit or quota left", 0, nil},
		{"anthropic 529", "anthropic", llmtest.AnthropicError(529, "overloaded_error", "Overloaded"),
			apperr.Unavailable, "Anthropic is overloaded right now. Try again in a minute", 0, nil},
		{"anthropic bad key", "anthropic", llmtest.AnthropicError(401, "authentication_error", "invalid x-api-key"),
			apperr.Unauthorized, "Anthropic did not accept the API key (invalid x-api-key)", 0, nil},
		{"plain string body", "togetherai", llmtest.Response{Status: 400, Body: `"Input validation error: inputs tokens + max_new_tokens must be <= 8192"`},
			apperr.Invalid, "Together AI refused the request (Input validation error", 0, nil},
		{"openrouter comments then error event", "openrouter", llmtest.Response{Text: text[:40], Comments: true, Comment: ": OPENROUTER PROCESSING", StreamError: "Provider returned error"},
			apperr.Unavailable, "OpenRouter stopped the answer with an error (Provider returned error). Try again, or pick another model.", 0, nil},
		{"openrouter error chunk finish error", "openrouter", llmtest.Response{Text: text[:40], ErrorChunk: "Provider disconnected"},
			apperr.Unavailable, "OpenRouter stopped the answer with an error (Provider disconnected)", 0, nil},
		{"openrouter wrapped upstream", "openrouter", llmtest.OpenRouterError(401, "Provider returned error", `{"error":{"message":"invalid_api_key"}}`),
			apperr.Unauthorized, "OpenRouter did not accept the API key", 0, nil},
		{"length finish", "deepseek", llmtest.Response{Text: text[:60], FinishReason: "length"},
			apperr.Invalid, "cut off at the output limit of 8192 tokens before the fragment was complete. Press Retry", 0, ErrOutputLimit},
		{"context error naming tools is not a mode refusal", "openai", llmtest.Response{Status: 400, ErrorMessage: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens (including 900 in the tools).", ErrorCode: "context_length_exceeded"},
			apperr.Invalid, "The conversation is too long for m1 on OpenAI", 0, ErrContextTooLong},
		{"mode refusal at the end of the chain", "custom", llmtest.OpenRouterError(400, "Provider returned error", rawOpenAI),
			apperr.Invalid, "refused the request (Provider returned error: Invalid schema for response_format", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Push(tt.resp)
			c := testClient(t, srv, keys{"llm:" + tt.provider: "k"})
			_, _, err := c.StreamFragment(context.Background(), userReq(tt.provider, "m1"), nil, nil)
			if apperr.CodeOf(err) != tt.code || !strings.Contains(apperr.MessageOf(err), tt.msg) {
				t.Fatalf("err = %v\ncode %s msg %q\nwant %s %q", err, apperr.CodeOf(err), apperr.MessageOf(err), tt.code, tt.msg)
			}
			var ae *apperr.Error
			if errors.As(err, &ae); ae.RetryAfter != tt.retry {
				t.Errorf("RetryAfter = %v, want %v", ae.RetryAfter, tt.retry)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v) false", tt.is)
			}
		})
	}
}

type memModes struct {
	mu sync.Mutex
	m  map[string]Mode
}

func (m *memModes) Mode(_ context.Context, p, id string) (Mode, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[p+"/"+id]
	return v, ok
}

func (m *memModes) RememberMode(_ context.Context, p, id string, mode Mode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[p+"/"+id] = mode
	return nil
}

// A model's refusals are learned in one answer and remembered.
func TestRefusalFallbacks(t *testing.T) {
	frag := sampleFragment()
	tests := []struct {
		name     string
		provider string
		model    string
		refusals llmtest.Refusals
		// wantSent lists what each request carried: response_format type,
		// "tools", or "text"; "!stream" for a non-streaming call.
		wantSent []string
		wantMode Mode
	}{
		{"json_schema refused", "openai", "gpt-4o", llmtest.Refusals{Formats: []string{"json_schema"}}, []string{"json_schema", "json_object"}, ModeJSONObject},
		{"schema and json mode refused", "openai", "gpt-4o", llmtest.Refusals{Formats: []string{"json_schema", "json_object"}}, []string{"json_schema", "json_object", "tools"}, ModeTool},
		{"everything refused", "openai", "gpt-4o", llmtest.Refusals{Formats: []string{"json_schema", "json_object"}, Tools: true}, []string{"json_schema", "json_object", "tools", "text"}, ModeText},
		{"unverified organisation", "openai", "o3", llmtest.Refusals{Stream: true}, []string{"json_schema", "json_schema !stream"}, ""},
		{"max tokens ceiling", "openai", "gpt-4o", llmtest.Refusals{MaxTokens: 4096}, []string{"json_schema", "json_schema"}, ""},
		{"sampling refused", "custom", "some-reasoner", llmtest.Refusals{Sampling: true}, []string{"text", "text"}, ""},
		{"max_tokens refused for max_completion_tokens", "openrouter", "openai/o3", llmtest.Refusals{MaxTokensParam: true}, []string{"json_schema", "json_schema"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.SetRefusals(tt.refusals)
			r := llmtest.FragmentResponse(frag, 32)
			if strings.Contains(strings.Join(tt.wantSent, " "), "tools") && tt.wantMode == ModeTool {
				r.ToolCall = true
			}
			srv.SetCycle(r)
			modes := &memModes{m: map[string]Mode{}}
			c := testClient(t, srv, allKeys, WithModeMemory(modes))
			req := userReq(tt.provider, tt.model)
			temp := float32(0.2)
			req.Params.Temperature = &temp
			partials := 0
			got, _, err := c.StreamFragment(context.Background(), req, func(fragment.Partial) { partials++ }, nil)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got.Code != frag.Code || partials == 0 {
				t.Fatalf("code %q partials %d", got.Code, partials)
			}
			var sent []string
			for _, rec := range srv.Requests() {
				var body struct {
					Stream         bool `json:"stream"`
					ResponseFormat *struct {
						Type string `json:"type"`
					} `json:"response_format"`
					Tools       []json.RawMessage `json:"tools"`
					MaxTokens   int               `json:"max_tokens"`
					MaxComplete int               `json:"max_completion_tokens"`
				}
				_ = json.Unmarshal(rec.Body, &body)
				s := "text"
				switch {
				case body.ResponseFormat != nil:
					s = body.ResponseFormat.Type
				case len(body.Tools) > 0:
					s = "tools"
				}
				if !body.Stream {
					s += " !stream"
				}
				if body.MaxTokens == 0 && body.MaxComplete == 0 {
					t.Errorf("request %d sent no max tokens", len(sent))
				}
				sent = append(sent, s)
			}
			if strings.Join(sent, ",") != strings.Join(tt.wantSent, ",") {
				t.Fatalf("sent %v, want %v", sent, tt.wantSent)
			}
			if m, _ := modes.Mode(context.Background(), tt.provider, tt.model); m != tt.wantMode {
				t.Fatalf("remembered %q, want %q", m, tt.wantMode)
			}
			if tt.wantMode != "" {
				// The next answer starts with the remembered mode.
				n := len(srv.Requests())
				if _, _, err := c.StreamFragment(context.Background(), req, nil, nil); err != nil {
					t.Fatal(err)
				}
				if len(srv.Requests()) != n+1 {
					t.Fatalf("second answer took %d requests", len(srv.Requests())-n)
				}
			}
		})
	}
}
