package agent

import (
	"testing"

	"tessera/backend/llm"
)

func TestLLMSupportsTools(t *testing.T) {
	cat, err := llm.NewCatalog([]byte(`{"providers":[{"id":"vllm","name":"My vLLM","base_url":"http://gpu:8000/v1","supports_tools":true,
		"models":[{"id":"small","supports_tools":false},{"id":"big"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	l := LLM{Client: llm.NewClient(cat, nil, nil)}
	tests := []struct {
		provider, model string
		want            bool
	}{
		{"openai", "gpt-5", true},
		{"ollama", "qwen2.5-coder", true}, // local: tried, learnt on refusal
		{"vllm", "big", true},
		{"vllm", "small", false}, // the model's own flag wins
		{"nope", "x", false},
	}
	for _, tt := range tests {
		if got := l.SupportsTools(tt.provider, tt.model); got != tt.want {
			t.Errorf("SupportsTools(%s, %s) = %v, want %v", tt.provider, tt.model, got, tt.want)
		}
	}
}

func TestLimitsOf(t *testing.T) {
	d := DefaultLimits()
	tests := []struct {
		name string
		in   *Limits
		want Limits
	}{
		{"none: defaults", nil, d},
		{"steps only keeps the spend cap", &Limits{MaxSteps: 50}, Limits{MaxSteps: 50, MaxUSD: 1, MaxDuration: d.MaxDuration, MaxMistakes: 3}},
		{"no cap is chosen with a negative amount", &Limits{MaxUSD: -1}, Limits{MaxSteps: 30, MaxUSD: -1, MaxDuration: d.MaxDuration, MaxMistakes: 3}},
	}
	for _, tt := range tests {
		if got := limitsOf(tt.in); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
