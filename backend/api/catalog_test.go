package api

import (
	"context"
	"fmt"
	"testing"

	"tessera/backend/config"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
)

// hasKeys is a Keychain that only answers Has.
type hasKeys map[string]string

func (k hasKeys) Set(context.Context, string, string) error { return nil }
func (k hasKeys) Delete(context.Context, string) error      { return nil }
func (k hasKeys) Has(_ context.Context, a string) (bool, error) {
	_, ok := k[a]
	return ok, nil
}
func (k hasKeys) Get(ctx context.Context, a string) (string, error) { return mapKeys(k).Get(ctx, a) }

// The service maps what llm.Offers decided (tested in llm) onto the page's
// types, and the templates of fragment.WithCustom.
func TestCatalogServiceMapsOffersAndTemplates(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetModels("gpt-4o", "gpt-5")
	cat, err := llm.NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"openai","base_url":%q}]}`, srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	keys := hasKeys{"llm:openai": "sk"}
	s := NewCatalogService(bg, staticLLM{llm.NewClient(cat, keys, srv.Client())}, st, keys, st, quiet())
	ms, err := s.RefreshModels("openai")
	if err != nil || len(ms) != 2 {
		t.Fatalf("refresh: %v %+v", err, ms)
	}
	ps, err := s.Providers()
	if err != nil {
		t.Fatal(err)
	}
	var p *Provider
	for i := range ps {
		if ps[i].ID == "openai" {
			p = &ps[i]
		}
	}
	if p == nil || !p.Usable || !p.HasKey || !p.NeedsKey || len(p.Models) != 2 || p.ModelsFetchedAt == 0 || p.DefaultModel != "gpt-5" {
		t.Fatalf("openai: %+v", p)
	}

	set := config.DefaultSettings()
	set.CustomTemplates = []string{"my-team-env", "nextjs-developer"}
	if _, err := config.SaveSettings(bg(), st, set); err != nil {
		t.Fatal(err)
	}
	ts, err := s.Templates()
	if err != nil {
		t.Fatal(err)
	}
	last := ts[len(ts)-1]
	if len(ts) != 6 || last.ID != "my-team-env" || !last.Custom || ts[0].Custom || ts[0].File == "" {
		t.Fatalf("templates: %+v", ts)
	}
}
