package llm

import "testing"

func TestDefaultModel(t *testing.T) {
	tests := []struct {
		provider string
		offered  []string
		want     string
	}{
		{"openai", []string{"gpt-4o", "gpt-5", "gpt-5-mini", "gpt-5.1", "o3", "dall-e-3"}, "gpt-5.1"},
		{"openai", []string{"gpt-4o-mini", "gpt-4o", "whisper-1"}, "gpt-4o"},
		{"anthropic", []string{"claude-opus-4-1-20250805", "claude-sonnet-4-20250514", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"}, "claude-sonnet-4-5-20250929"},
		{"google", []string{"gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro", "gemini-3-flash", "embedding-001"}, "gemini-3-flash"},
		{"google", []string{"gemini-2.5-pro", "gemini-2.5-flash-preview-09-2025"}, "gemini-2.5-pro"},
		{"xai", []string{"grok-3", "grok-4", "grok-code-fast-1"}, "grok-code-fast-1"},
		{"deepseek", []string{"deepseek-reasoner", "deepseek-chat"}, "deepseek-chat"},
		{"ollama", []string{"llama3.1:8b", "qwen2.5-coder:7b"}, "qwen2.5-coder:7b"},
		{"custom", []string{"b", "a"}, "b"},
		{"openai", nil, ""},
	}
	for _, tt := range tests {
		if got := DefaultModel(tt.provider, tt.offered); got != tt.want {
			t.Errorf("DefaultModel(%s, %v) = %q, want %q", tt.provider, tt.offered, got, tt.want)
		}
	}
}

func TestFamilyOf(t *testing.T) {
	tests := []struct {
		id        string
		known     bool
		output    int
		reasoning bool
		mode      Mode
	}{
		{"gpt-5.1", true, 128000, true, ""},
		{"gpt-5-chat-latest", true, 16384, false, ""},
		{"o4-mini", true, 100000, true, ""},
		{"gpt-4o-2024-11-20", true, 16384, false, ""},
		{"claude-sonnet-4-5-20250929", true, 64000, false, ModeTool},
		{"claude-opus-4-1-20250805", true, 32000, false, ModeTool},
		{"models/gemini-2.5-flash", true, 65536, false, ""},
		{"accounts/fireworks/models/qwen3-coder-480b-a35b-instruct", true, 32768, false, ""},
		{"openai/gpt-5", true, 128000, true, ""},
		{"totally-new-model", false, 0, false, ""},
	}
	for _, tt := range tests {
		f, ok := FamilyOf(tt.id)
		if ok != tt.known || f.OutputTokens != tt.output || f.Reasoning != tt.reasoning || f.Mode != tt.mode {
			t.Errorf("FamilyOf(%s) = %+v %v", tt.id, f, ok)
		}
	}
	// The output limit: family's, capped by the person, by half a small window.
	limits := []struct {
		id             string
		person, window int
		want           int
	}{
		{"gpt-4o", 0, 128000, 16384},
		{"gpt-4o", 4000, 128000, 4000},
		{"gpt-4o", 50000, 128000, 16384},
		{"unknown", 0, 32768, DefaultOutputTokens},
		{"unknown", 20000, 131072, 20000},
		{"llama3.1", 0, 4096, 2048},
	}
	for _, l := range limits {
		if got := OutputLimit(l.id, l.person, l.window); got != l.want {
			t.Errorf("OutputLimit(%s, %d, %d) = %d, want %d", l.id, l.person, l.window, got, l.want)
		}
	}
}
