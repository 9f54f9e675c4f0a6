package llm

import (
	"encoding/json"
	"testing"
)

func TestUsageShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		wire string
		want Usage
	}{
		{"openai streamed include_usage", `{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":128}}`,
			Usage{PromptTokens: 1200, CompletionTokens: 300, TotalTokens: 1500, CachedTokens: 1024, ReasoningTokens: 128}},
		{"openrouter", `{"prompt_tokens":90,"completion_tokens":10,"total_tokens":100,"cost":0.0001,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`,
			Usage{PromptTokens: 90, CompletionTokens: 10, TotalTokens: 100}},
		{"deepseek cache hit", `{"prompt_tokens":500,"completion_tokens":20,"total_tokens":520,"prompt_cache_hit_tokens":256,"prompt_cache_miss_tokens":244}`,
			Usage{PromptTokens: 500, CompletionTokens: 20, TotalTokens: 520, CachedTokens: 256}},
		{"plain counts (mistral, lm studio)", `{"prompt_tokens":7,"completion_tokens":3}`,
			Usage{PromptTokens: 7, CompletionTokens: 3, TotalTokens: 10}},
		{"ollama native", `{"prompt_eval_count":42,"eval_count":8}`,
			Usage{PromptTokens: 42, CompletionTokens: 8, TotalTokens: 50}},
		{"anthropic native", `{"input_tokens":100,"cache_read_input_tokens":900,"cache_creation_input_tokens":50,"output_tokens":60}`,
			Usage{PromptTokens: 1050, CompletionTokens: 60, TotalTokens: 1110, CachedTokens: 900}},
		{"gemini native", `{"promptTokenCount":800,"cachedContentTokenCount":512,"candidatesTokenCount":100,"thoughtsTokenCount":40,"totalTokenCount":940}`,
			Usage{PromptTokens: 800, CompletionTokens: 140, TotalTokens: 940, CachedTokens: 512, ReasoningTokens: 40}},
		{"tessera's own stored form", `{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"cached_tokens":4,"reasoning_tokens":1}`,
			Usage{PromptTokens: 5, CompletionTokens: 2, TotalTokens: 7, CachedTokens: 4, ReasoningTokens: 1}},
		{"none", `{}`, Usage{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var u Usage
			if err := json.Unmarshal([]byte(tc.wire), &u); err != nil {
				t.Fatal(err)
			}
			if u != tc.want {
				t.Fatalf("got %+v, want %+v", u, tc.want)
			}
			if err := u.Check(); err != nil {
				t.Fatalf("a real shape refused: %v", err)
			}
		})
	}
}

func TestUsageCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		u    Usage
		ok   bool
	}{
		{"ordinary", Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15, CachedTokens: 10, ReasoningTokens: 5}, true},
		{"zero", Usage{}, true},
		{"negative prompt", Usage{PromptTokens: -1, CompletionTokens: 5}, false},
		{"negative cached", Usage{PromptTokens: 10, CachedTokens: -3}, false},
		{"absurd completion", Usage{PromptTokens: 10, CompletionTokens: MaxCallTokens + 1}, false},
		{"at the bound", Usage{PromptTokens: MaxCallTokens}, true},
		{"cached above prompt", Usage{PromptTokens: 10, CachedTokens: 11}, false},
		{"reasoning above completion", Usage{CompletionTokens: 1, ReasoningTokens: 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.u.Check()
			if (err == nil) != tc.ok {
				t.Fatalf("Check(%+v) = %v, want ok=%v", tc.u, err, tc.ok)
			}
		})
	}
}
