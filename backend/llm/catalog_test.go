package llm

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
)

func TestDefaultCatalog(t *testing.T) {
	cat := DefaultCatalog()
	want := []string{"openai", "anthropic", "google", "mistral", "groq", "fireworks", "togetherai", "xai", "deepseek", "openrouter", "ollama", "lmstudio", "custom"}
	ps := cat.Providers()
	if len(ps) != len(want) {
		t.Fatalf("%d providers", len(ps))
	}
	for i, p := range ps {
		if p.ID != want[i] || p.Name == "" {
			t.Errorf("provider %d = %s %q", i, p.ID, p.Name)
		}
		if p.ID != "custom" && !strings.HasPrefix(p.BaseURL, "http") {
			t.Errorf("%s base URL %q", p.ID, p.BaseURL)
		}
		if p.Local == p.NeedsKey && p.ID != "custom" {
			t.Errorf("%s: local=%v needsKey=%v", p.ID, p.Local, p.NeedsKey)
		}
		for _, m := range p.Models {
			if m.ProviderID != p.ID || m.ID == "" || m.Name == "" {
				t.Errorf("model %+v", m)
			}
		}
	}
	if m, ok := cat.Model("anthropic", "claude-sonnet-4-20250514"); !ok || !m.Multimodal {
		t.Errorf("claude sonnet 4 = %+v, %v", m, ok)
	}
	if m, ok := cat.Model("openai", "o3-mini"); !ok || m.Multimodal {
		t.Errorf("o3-mini = %+v", m)
	}
	if p, _ := cat.Provider("ollama"); p.BaseURL != "http://localhost:11434/v1" || !p.Local {
		t.Errorf("ollama = %+v", p)
	}
	if p, _ := cat.Provider("lmstudio"); p.BaseURL != "http://localhost:1234/v1" {
		t.Errorf("lmstudio = %+v", p)
	}
	if n := cat.ContextTokens("openai", "gpt-4o"); n != 128000 {
		t.Errorf("gpt-4o context %d", n)
	}
	if n := cat.ContextTokens("anthropic", "unknown"); n != 200000 {
		t.Errorf("anthropic default context %d", n)
	}
	if n := cat.ContextTokens("nope", "x"); n != DefaultContextTokens {
		t.Errorf("fallback context %d", n)
	}
	// Copies: callers cannot change the catalog.
	ps[0].Models[0].ID = "mutated"
	if m, _ := cat.Provider("openai"); m.Models[0].ID == "mutated" {
		t.Error("Providers shares model slices")
	}
}

func TestCatalogExtensions(t *testing.T) {
	tests := []struct {
		name  string
		ext   string
		check func(t *testing.T, c *Catalog)
		err   string
	}{
		{name: "empty", ext: "  ", check: func(t *testing.T, c *Catalog) {
			if len(c.Providers()) != 13 {
				t.Error("providers changed")
			}
		}},
		{name: "new provider and models", ext: `{"providers":[{"id":"vllm","name":"My vLLM","base_url":"http://gpu:8000/v1/","supports_json_schema":true,
			"models":[{"id":"qwen3-coder","context_tokens":65536}]}],
			"models":[{"provider_id":"openai","id":"gpt-5.1","name":"GPT-5.1","multimodal":true},{"provider_id":"openai","id":"gpt-4o","name":"Renamed"}]}`,
			check: func(t *testing.T, c *Catalog) {
				p, ok := c.Provider("vllm")
				if !ok || p.BaseURL != "http://gpu:8000/v1" || !p.SupportsJSONSchema || !p.OptionalKey || p.NeedsKey || !p.Custom {
					t.Errorf("vllm = %+v", p)
				}
				if m, ok := c.Model("vllm", "qwen3-coder"); !ok || m.Name != "qwen3-coder" || c.ContextTokens("vllm", "qwen3-coder") != 65536 {
					t.Errorf("qwen = %+v", m)
				}
				if m, ok := c.Model("openai", "gpt-5.1"); !ok || !m.Multimodal {
					t.Errorf("gpt-5.1 = %+v", m)
				}
				if m, _ := c.Model("openai", "gpt-4o"); m.Name != "Renamed" {
					t.Errorf("gpt-4o = %+v", m)
				}
			}},
		{name: "override built-in", ext: `{"providers":[{"id":"ollama","base_url":"http://nas:11434/v1","supports_tools":true,"supports_json_schema":false}]}`,
			check: func(t *testing.T, c *Catalog) {
				p, _ := c.Provider("ollama")
				if p.BaseURL != "http://nas:11434/v1" || !p.SupportsTools || p.SupportsJSONSchema || !p.SupportsJSONMode || len(p.Models) != 3 || p.Custom {
					t.Errorf("ollama = %+v", p)
				}
			}},
		{name: "bad json", ext: `{"providers":`, err: "not valid JSON"},
		{name: "bad id", ext: `{"providers":[{"id":"My Server","base_url":"http://x"}]}`, err: "is not valid"},
		{name: "no base url", ext: `{"providers":[{"id":"x"}]}`, err: "has no base URL"},
		{name: "bad base url", ext: `{"providers":[{"id":"x","base_url":"localhost:8000"}]}`, err: "base URL"},
		{name: "model of unknown provider", ext: `{"models":[{"provider_id":"zzz","id":"m"}]}`, err: "does not exist"},
		{name: "model without id", ext: `{"models":[{"provider_id":"openai"}]}`, err: "has no id"},
		{name: "bad mode", ext: `{"models":[{"provider_id":"openai","id":"m","mode":"xml"}]}`, err: "unknown mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCatalog([]byte(tt.ext))
			if tt.err != "" {
				if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), tt.err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestRefreshModels(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetModels("gpt-4o", "gpt-new", "gpt-4o")
	cat := DefaultCatalog()
	p, _ := cat.Provider("openai")
	p.BaseURL = srv.URL()
	got, err := RefreshModels(context.Background(), srv.Client(), p, "sk")
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ID != "gpt-4o" || got[0].Name != "GPT-4o" || !got[0].Multimodal || got[1].ID != "gpt-new" || got[1].ProviderID != "openai" {
		t.Errorf("refreshed = %+v", got[:2])
	}
	if len(got) != 2 {
		t.Errorf("%d models, want only the 2 listed", len(got))
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "Bearer sk" {
		t.Errorf("auth %q", h)
	}

	// Through the client: key from the keychain, errors mapped.
	c := testClient(t, srv, keys{"llm:openai": "k2"})
	if _, err := c.ListModels(context.Background(), "openai", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListModels(context.Background(), "anthropic", ""); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("no key: %v", err)
	}
	p.BaseURL = srv.URL() + "/nope"
	if _, err := RefreshModels(context.Background(), srv.Client(), p, "k"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("404: %v", err)
	}
}

func TestDetectLocal(t *testing.T) {
	srv := llmtest.New(t)
	tests := []struct {
		name string
		base string
		want bool
	}{
		{"running", srv.URL(), true},
		{"wrong path", srv.URL() + "/x", false},
		{"no base", "", false},
		{"nothing listening", "http://127.0.0.1:1/v1", false},
	}
	for _, tt := range tests {
		if got := DetectLocal(context.Background(), http.DefaultClient, Provider{ID: "ollama", BaseURL: tt.base}); got != tt.want {
			t.Errorf("%s: DetectLocal = %v", tt.name, got)
		}
	}
	c := testClient(t, srv, nil)
	if got := c.LocalProviders(context.Background()); len(got) != 2 || got[0].ID != "ollama" || got[1].ID != "lmstudio" {
		t.Errorf("LocalProviders = %d", len(got))
	}
}
