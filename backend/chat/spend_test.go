package chat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
	"tessera/backend/spend"
	"tessera/backend/store"
)

// Each dialect's usage shape, streamed by the fake provider, reaches
// model_calls as the provider's counts; none is an estimate, a negative
// count is unknown (never 0), and every row is priced at the table.
func TestOneShotUsageShapesReachTheStore(t *testing.T) {
	for _, tc := range []struct {
		name                           string
		raw                            string // "" = no usage chunk at all
		prompt, cached, output, reason int
		estimated, unknown             bool
	}{
		{"openai include_usage", `{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":100}}`, 1200, 1024, 300, 100, false, false},
		{"openrouter", `{"prompt_tokens":90,"completion_tokens":10,"total_tokens":100,"cost":0.0002}`, 90, 0, 10, 0, false, false},
		{"deepseek", `{"prompt_tokens":500,"completion_tokens":20,"total_tokens":520,"prompt_cache_hit_tokens":256}`, 500, 256, 20, 0, false, false},
		{"anthropic", `{"input_tokens":100,"cache_read_input_tokens":900,"output_tokens":60}`, 1000, 900, 60, 0, false, false},
		{"gemini", `{"promptTokenCount":800,"cachedContentTokenCount":512,"candidatesTokenCount":100,"thoughtsTokenCount":40,"totalTokenCount":940}`, 800, 512, 140, 40, false, false},
		{"ollama", `{"prompt_eval_count":42,"eval_count":8}`, 42, 0, 8, 0, false, false},
		{"none", "", -1, 0, -1, 0, true, false},
		{"negative", `{"prompt_tokens":-7,"completion_tokens":10,"total_tokens":3}`, 0, 0, 0, 0, false, true},
		{"only a negative count", `{"prompt_tokens":-5}`, 0, 0, 0, 0, false, true},
		{"absurd", `{"prompt_tokens":20000000000,"completion_tokens":1}`, 0, 0, 0, 0, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			rec := &spend.Recorder{Store: r.store, Prices: spend.Prices{"custom": {"m1": {Input: 1, CachedInput: 0.1, Output: 4}}}}
			r.chat.cfg.Spend = rec
			resp := llmtest.FragmentResponse(pyFragment("print(1)"), 64)
			resp.Usage = nil
			if tc.raw != "" {
				resp.UsageRaw = json.RawMessage(tc.raw)
			}
			r.llm.Push(resp)
			res, err, _ := r.send("go")
			if err != nil || res.Assistant == nil {
				t.Fatalf("send: %v %+v", err, res)
			}
			totals, err := r.store.RollUpUsage(context.Background(), store.UsageQuery{By: store.ByTurn, ProjectID: r.proj.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(totals) != 1 || totals[0].Key != res.Assistant.ID || totals[0].Calls != 1 {
				t.Fatalf("totals %+v", totals)
			}
			g := totals[0]
			if (g.Estimated == 1) != tc.estimated || (g.Unknown == 1) != tc.unknown {
				t.Fatalf("flags %+v", g)
			}
			if tc.estimated {
				if g.PromptTokens <= 0 || g.CompletionTokens <= 0 {
					t.Fatalf("an estimate of 0: %+v", g)
				}
				return
			}
			if g.PromptTokens != int64(tc.prompt) || g.CachedTokens != int64(tc.cached) || g.CompletionTokens != int64(tc.output) || g.ReasoningTokens != int64(tc.reason) {
				t.Fatalf("counts %+v", g)
			}
			if tc.unknown != (g.Unpriced == 1) {
				t.Fatalf("an unknown count priced (or a known one not): %+v", g)
			}
		})
	}
}

func TestOneShotRefusedAtTheModelBudget(t *testing.T) {
	r := newRig(t)
	rec := &spend.Recorder{Store: r.store, Prices: spend.Prices{"custom": {"m1": {Input: 1000, Output: 1000}}}}
	r.chat.cfg.Spend = rec
	ctx := context.Background()
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 64)) // 150 tokens at $1000/M = $0.15
	if _, err, _ := r.send("first"); err != nil {
		t.Fatal(err)
	}
	if err := rec.SetBudget(ctx, r.proj.ID, 0.1); err != nil {
		t.Fatal(err)
	}
	before, _ := r.store.ListMessages(ctx, r.proj.ID)
	_, err, _ := r.send("second")
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "monthly model budget") {
		t.Fatalf("send over the budget = %v", err)
	}
	after, _ := r.store.ListMessages(ctx, r.proj.ID)
	if len(after) != len(before) || r.llm.RequestCount() != 1 {
		t.Fatalf("a refused turn changed something: %d → %d messages, %d requests", len(before), len(after), r.llm.RequestCount())
	}
}
