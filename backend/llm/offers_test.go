package llm

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"tessera/backend/llm/llmtest"
	"tessera/backend/store"
)

// keyMap is the keychain of the test: Get for the client, Has for Offers.
type keyMap map[string]string

func (k keyMap) Get(_ context.Context, a string) (string, error) { return k[a], nil }
func (k keyMap) Has(_ context.Context, a string) (bool, error) {
	_, ok := k[a]
	return ok, nil
}

// storeLists is the real store's model lists as a ListStore.
type storeLists struct{ *store.Store }

func (s storeLists) SaveModelList(ctx context.Context, l ModelList) error {
	return s.Store.SaveModelList(ctx, store.ModelList(l))
}

func (s storeLists) ModelList(ctx context.Context, id string) (ModelList, bool, error) {
	l, ok, err := s.Store.ModelList(ctx, id)
	return ModelList(l), ok, err
}

func offerOf(t *testing.T, os []Offer, id string) Offer {
	t.Helper()
	for _, o := range os {
		if o.Provider.ID == id {
			return o
		}
	}
	t.Fatalf("no provider %s", id)
	return Offer{}
}

func TestOffersOfferWhatTheProviderLists(t *testing.T) {
	bg := context.Background
	srv := llmtest.New(t)
	srv.SetModels("gpt-4o", "gpt-5", "gpt-5.1", "gpt-brand-new")
	cat, err := NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"openai","base_url":%q},{"id":"xai","base_url":%q}]}`, srv.URL(), srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(bg(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := keyMap{"llm:openai": "sk"}
	client := NewClient(cat, keys, srv.Client())
	o := NewOffers(bg, func() *Client { return client }, keys, storeLists{st}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	o.retryGap = 0 // the gap between background attempts is tested below

	// Before any list: built-in knowledge, and a background fetch for the
	// usable provider only (xAI has no key).
	os, err := o.Providers(bg())
	if err != nil {
		t.Fatal(err)
	}
	if p := offerOf(t, os, "openai"); !p.FetchedAt.IsZero() || len(p.Models) == 0 || p.DefaultModel == "" || !p.Usable || !p.HasKey {
		t.Fatalf("before a fetch: %+v", p)
	}
	if p := offerOf(t, os, "xai"); p.Usable || p.HasKey {
		t.Fatalf("xai without a key: %+v", p)
	}
	o.bg.Wait()
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d background fetches, want 1", n)
	}

	// Now only what OpenAI lists, the newest preferred default, unknown
	// ids with safe defaults.
	os, _ = o.Providers(bg())
	p := offerOf(t, os, "openai")
	if len(p.Models) != 4 || p.DefaultModel != "gpt-5.1" || p.FetchedAt.IsZero() {
		t.Fatalf("after the fetch: %+v", p)
	}
	o.bg.Wait()
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("a fresh list was fetched again (%d requests)", n)
	}

	// A model that answered 404 is not offered, and the default moves on.
	if err := st.MarkModelGone(bg(), "openai", "gpt-5.1", time.Now()); err != nil {
		t.Fatal(err)
	}
	os, _ = o.Providers(bg())
	if p := offerOf(t, os, "openai"); len(p.Models) != 3 || p.DefaultModel != "gpt-5" {
		t.Fatalf("after a 404: %+v", p)
	}

	// A day later the list is fetched again; offline, the last list stays.
	old := store.ModelList{ProviderID: "openai", FetchedAt: time.Now().Add(-25 * time.Hour), Models: []string{"gpt-5", "gpt-4o"}}
	if err := st.SaveModelList(bg(), old); err != nil {
		t.Fatal(err)
	}
	srv.SetKeys("another-key") // the fetch fails: the key is refused
	_, _ = o.Providers(bg())
	o.bg.Wait()
	os, _ = o.Providers(bg())
	o.bg.Wait()
	if p := offerOf(t, os, "openai"); len(p.Models) != 2 || p.DefaultModel != "gpt-5" {
		t.Fatalf("the last list is kept when a fetch fails: %+v", p)
	}
	srv.SetKeys()
	_, _ = o.Providers(bg())
	o.bg.Wait()
	os, _ = o.Providers(bg())
	if p := offerOf(t, os, "openai"); len(p.Models) != 4 || time.Since(p.FetchedAt) > time.Minute {
		t.Fatalf("a stale list is fetched again: %+v", p)
	}
	// A failing provider is not asked again on every call.
	o.mu.Lock()
	o.retryGap, o.attempted = time.Hour, map[string]time.Time{}
	o.mu.Unlock()
	srv.SetKeys("another-key")
	_ = st.SaveModelList(bg(), old)
	before := len(srv.Requests())
	for i := 0; i < 3; i++ {
		_, _ = o.Providers(bg())
		o.bg.Wait()
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Fatalf("%d background attempts within the gap, want 1", n)
	}
	// gpt-5.1 is listed again, so it is no longer marked gone.
	if g, _ := st.GoneModels(bg(), "openai"); g["gpt-5.1"] {
		t.Fatal("a listed model stays gone")
	}
}
