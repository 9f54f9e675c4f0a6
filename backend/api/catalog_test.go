package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/store"
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

func providerByID(t *testing.T, ps []ProviderDTO, id string) ProviderDTO {
	t.Helper()
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no provider %s", id)
	return ProviderDTO{}
}

func TestProvidersOfferWhatTheProviderLists(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetModels("gpt-4o", "gpt-5", "gpt-5.1", "gpt-brand-new")
	cat, err := llm.NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"openai","base_url":%q},{"id":"xai","base_url":%q}]}`, srv.URL(), srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	keys := hasKeys{"llm:openai": "sk"}
	s := NewCatalogService(bg, staticLLM{llm.NewClient(cat, keys, srv.Client())}, st, keys, st, quiet())
	s.retryGap = 0 // the gap between background attempts is tested below

	// Before any list: built-in knowledge, and a background fetch for the
	// usable provider only (xAI has no key).
	ps, err := s.Providers()
	if err != nil {
		t.Fatal(err)
	}
	if p := providerByID(t, ps, "openai"); p.ModelsFetchedAt != 0 || len(p.Models) == 0 || p.DefaultModel == "" {
		t.Fatalf("before a fetch: %+v", p)
	}
	s.bg.Wait()
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d background fetches, want 1", n)
	}

	// Now only what OpenAI lists, the newest preferred default, unknown
	// ids with safe defaults.
	ps, _ = s.Providers()
	p := providerByID(t, ps, "openai")
	if len(p.Models) != 4 || p.DefaultModel != "gpt-5.1" || p.ModelsFetchedAt == 0 {
		t.Fatalf("after the fetch: %+v", p)
	}
	s.bg.Wait()
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("a fresh list was fetched again (%d requests)", n)
	}

	// A model that answered 404 is not offered, and the default moves on.
	if err := st.MarkModelGone(bg(), "openai", "gpt-5.1", time.Now()); err != nil {
		t.Fatal(err)
	}
	ps, _ = s.Providers()
	if p := providerByID(t, ps, "openai"); len(p.Models) != 3 || p.DefaultModel != "gpt-5" {
		t.Fatalf("after a 404: %+v", p)
	}

	// A day later the list is fetched again; offline, the last list stays.
	old := store.ModelList{ProviderID: "openai", FetchedAt: time.Now().Add(-25 * time.Hour), Models: []string{"gpt-5", "gpt-4o"}}
	if err := st.SaveModelList(bg(), old); err != nil {
		t.Fatal(err)
	}
	srv.SetKeys("another-key") // the fetch fails: the key is refused
	ps, _ = s.Providers()
	s.bg.Wait()
	ps, _ = s.Providers()
	s.bg.Wait()
	if p := providerByID(t, ps, "openai"); len(p.Models) != 2 || p.DefaultModel != "gpt-5" {
		t.Fatalf("the last list is kept when a fetch fails: %+v", p)
	}
	srv.SetKeys()
	_, _ = s.Providers()
	s.bg.Wait()
	ps, _ = s.Providers()
	if p := providerByID(t, ps, "openai"); len(p.Models) != 4 || time.Since(time.UnixMilli(p.ModelsFetchedAt)) > time.Minute {
		t.Fatalf("a stale list is fetched again: %+v", p)
	}
	// A failing provider is not asked again on every call.
	s.retryGap = time.Hour
	s.attempted = map[string]time.Time{}
	srv.SetKeys("another-key")
	_ = st.SaveModelList(bg(), old)
	before := len(srv.Requests())
	for i := 0; i < 3; i++ {
		_, _ = s.Providers()
		s.bg.Wait()
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Fatalf("%d background attempts within the gap, want 1", n)
	}
	// gpt-5.1 is listed again, so it is no longer marked gone.
	if g, _ := st.GoneModels(bg(), "openai"); g["gpt-5.1"] {
		t.Fatal("a listed model stays gone")
	}
}
