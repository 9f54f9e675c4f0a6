package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
)

type staticLLM struct{ c *llm.Client }

func (s staticLLM) Client() *llm.Client { return s.c }

type mapKeys map[string]string

func (k mapKeys) Get(_ context.Context, account string) (string, error) {
	if v, ok := k[account]; ok {
		return v, nil
	}
	return "", apperr.New(apperr.NotFound, "no key")
}

func TestKeyCheck(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetKeys("sk-good")
	srv.SetModels("gpt-5", "gpt-5-mini", "gpt-4o")
	cat, err := llm.NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"openai","base_url":%q},{"id":"xai","base_url":%q}]}`, srv.URL(), srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	fake := e2btest.New(t)
	good := fake.Config("e2b-good")
	st := newStore(t)
	tests := []struct {
		name   string
		target string
		keys   mapKeys
		e2bKey string
		ok     bool
		msg    string
	}{
		{"llm key works", "llm:openai", mapKeys{"llm:openai": "sk-good"}, "", true, "Works: OpenAI lists 3 models."},
		{"llm key refused", "llm:openai", mapKeys{"llm:openai": "sk-bad"}, "", false, "OpenAI did not accept the API key (Incorrect API key provided). Paste the right key in this field and Save."},
		{"llm key missing", "llm:xai", mapKeys{}, "", false, "There is no API key for xAI. Paste the right key in this field and Save."},
		{"e2b key works", E2BCheckTarget, nil, "e2b-good", true, "Works: E2B answered (0 sandboxes on this account)."},
		{"e2b key refused", E2BCheckTarget, nil, "e2b-bad", false, "E2B did not accept the API key. Paste the right key in this field and Save."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			catalog := NewCatalogService(bg, staticLLM{llm.NewClient(cat, tt.keys, srv.Client())}, st, nil, st, quiet())
			e2bClient := func(ctx context.Context) (int, error) {
				cfg := good
				cfg.APIKey = tt.e2bKey
				c, err := e2b.New(cfg)
				if err != nil {
					return 0, err
				}
				list, err := c.List(ctx, e2b.ListOptions{})
				return len(list), err
			}
			got, err := NewKeyCheckService(bg, catalog, e2bClient, quiet()).CheckKey(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			// Shown in Settings: never "check the key in Settings" (issue 29).
			if got.OK != tt.ok || !strings.Contains(got.Message, tt.msg) || strings.Contains(got.Message, "in Settings") {
				t.Fatalf("got %+v, want ok=%v %q", got, tt.ok, tt.msg)
			}
			if !tt.ok && got.Code == "" {
				t.Error("a failure without a code")
			}
		})
	}
	catalog := NewCatalogService(bg, staticLLM{llm.NewClient(cat, nil, srv.Client())}, st, nil, st, quiet())
	for _, bad := range []string{"openai", "llm:", "llm:nope"} {
		got, err := NewKeyCheckService(bg, catalog, nil, quiet()).CheckKey(bad)
		if err == nil && got.OK {
			t.Errorf("CheckKey(%q) = %+v", bad, got)
		}
	}
	// A working check keeps the list with its fetch time.
	if l, ok, err := st.ModelList(bg(), "openai"); !ok || err != nil || len(l.Models) != 3 || time.Since(l.FetchedAt) > time.Minute {
		t.Fatalf("kept list = %+v %v %v", l, ok, err)
	}
}
