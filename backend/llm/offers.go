package llm

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// ModelList is a provider's model list as last fetched.
type ModelList struct {
	ProviderID string
	FetchedAt  time.Time
	Models     []string
}

// ListStore keeps fetched model lists and the models that answered 404.
type ListStore interface {
	SaveModelList(ctx context.Context, l ModelList) error
	ModelList(ctx context.Context, providerID string) (ModelList, bool, error)
	GoneModels(ctx context.Context, providerID string) (map[string]bool, error)
	MarkModelGone(ctx context.Context, providerID, modelID string, at time.Time) error
}

// KeyLookup tells whether a provider's key is in the keychain.
type KeyLookup interface {
	Has(ctx context.Context, account string) (bool, error)
}

// Offer is one provider as the model picker and Settings show it.
type Offer struct {
	Provider Provider
	// HasKey is true when its key is in the keychain.
	HasKey bool
	// Usable: a key is saved, or it needs none and is configured (a custom
	// base URL) or was detected (local servers).
	Usable bool
	// Models: its last fetched list (offline too), else the catalog's;
	// never one that answered 404.
	Models []Model
	// DefaultModel is the sensible default among Models.
	DefaultModel string
	// FetchedAt is when Models was fetched; zero = built-in knowledge.
	FetchedAt time.Time
}

// Offers decides what the picker may offer. It remembers local-server
// probes for a little while (so opening the picker stays instant) and
// fetches a stale model list in the background (at most one fetch per
// provider at a time, and not again within RetryGap after an attempt).
// Safe for concurrent use.
type Offers struct {
	client func() *Client
	keys   KeyLookup
	lists  ListStore
	log    *slog.Logger
	// base is the context of background fetches (the app's root).
	base func() context.Context

	mu         sync.Mutex
	detected   map[string]detection // local provider id -> last probe
	refreshing map[string]bool      // provider id -> a background fetch runs
	attempted  map[string]time.Time // provider id -> last background fetch
	retryGap   time.Duration
	bg         sync.WaitGroup
}

type detection struct {
	ok bool
	at time.Time
}

// Timing of Offers.
const (
	// ListMaxAge: a list older than this is fetched again in the background.
	ListMaxAge = 24 * time.Hour
	// DefaultRetryGap keeps a failing provider (offline, key refused) from
	// being asked again on every Providers call.
	DefaultRetryGap = 10 * time.Minute
	// detectFor is how long a local-server probe is believed.
	detectFor = 30 * time.Second
	// backgroundFetchTimeout bounds one background list fetch.
	backgroundFetchTimeout = 20 * time.Second
)

// NewOffers builds the picker's bookkeeping. client returns the current
// LLM client (rebuilt when settings change); base is the context that
// background fetches derive from.
func NewOffers(base func() context.Context, client func() *Client, keys KeyLookup, lists ListStore, log *slog.Logger) *Offers {
	return &Offers{base: base, client: client, keys: keys, lists: lists, log: log, retryGap: DefaultRetryGap,
		detected: map[string]detection{}, refreshing: map[string]bool{}, attempted: map[string]time.Time{}}
}

// Providers lists every provider of the current catalog with what may be
// offered. A keychain failure is returned (with its sentence).
func (o *Offers) Providers(ctx context.Context) ([]Offer, error) {
	var out []Offer
	for _, p := range o.client().Catalog().Providers() {
		of := Offer{Provider: p}
		if p.NeedsKey || p.OptionalKey {
			has, err := o.keys.Has(ctx, Account(p.ID))
			if err != nil {
				return nil, err
			}
			of.HasKey = has
		}
		switch {
		case p.Local:
			of.Usable = o.detect(ctx, p)
		case p.NeedsKey:
			of.Usable = of.HasKey
		default:
			of.Usable = p.BaseURL != ""
		}
		of.Models, of.FetchedAt = o.offered(ctx, p)
		if of.Usable && time.Since(of.FetchedAt) > ListMaxAge {
			o.refreshLater(p.ID)
		}
		ids := make([]string, 0, len(of.Models))
		for _, m := range of.Models {
			ids = append(ids, m.ID)
		}
		of.DefaultModel = DefaultModel(p.ID, ids)
		out = append(out, of)
	}
	return out, nil
}

// offered is the models of a provider's last fetched list, else the
// catalog's, without the ones that answered 404.
func (o *Offers) offered(ctx context.Context, p Provider) ([]Model, time.Time) {
	models, fetched := p.Models, time.Time{}
	if l, ok, err := o.lists.ModelList(ctx, p.ID); err == nil && ok {
		listed := make([]Model, 0, len(l.Models))
		for _, id := range l.Models {
			listed = append(listed, Model{ID: id, Name: id, ProviderID: p.ID})
		}
		models, fetched = MergeModels(p.Models, listed), l.FetchedAt
	}
	gone, err := o.lists.GoneModels(ctx, p.ID)
	if err != nil || len(gone) == 0 {
		return models, fetched
	}
	kept := models[:0:0]
	for _, m := range models {
		if !gone[m.ID] {
			kept = append(kept, m)
		}
	}
	return kept, fetched
}

// refreshLater fetches a provider's list in the background; a failure
// keeps the last list.
func (o *Offers) refreshLater(providerID string) {
	o.mu.Lock()
	if o.refreshing[providerID] || time.Since(o.attempted[providerID]) < o.retryGap {
		o.mu.Unlock()
		return
	}
	o.refreshing[providerID] = true
	o.attempted[providerID] = time.Now()
	o.mu.Unlock()
	o.bg.Add(1)
	go func() {
		defer o.bg.Done()
		defer func() {
			o.mu.Lock()
			delete(o.refreshing, providerID)
			o.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(o.base(), backgroundFetchTimeout)
		defer cancel()
		if _, err := o.Refresh(ctx, providerID); err != nil {
			o.log.Info("background model list refresh failed; keeping the last list", "provider", providerID, "err", err)
		}
	}()
}

// detect probes a local server, believing the answer for detectFor.
func (o *Offers) detect(ctx context.Context, p Provider) bool {
	o.mu.Lock()
	d, ok := o.detected[p.ID]
	o.mu.Unlock()
	if ok && time.Since(d.at) < detectFor {
		return d.ok
	}
	found := DetectLocal(ctx, nil, p)
	o.mu.Lock()
	o.detected[p.ID] = detection{ok: found, at: time.Now()}
	o.mu.Unlock()
	return found
}

// Refresh asks the provider for its current model list and keeps it with
// the time it was fetched; models it lists again are no longer gone.
func (o *Offers) Refresh(ctx context.Context, providerID string) ([]Model, error) {
	models, err := o.client().ListModels(ctx, providerID, "")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(models))
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	if err := o.lists.SaveModelList(ctx, ModelList{ProviderID: providerID, FetchedAt: time.Now(), Models: ids}); err != nil {
		return nil, err
	}
	if gone, err := o.lists.GoneModels(ctx, providerID); err == nil {
		for _, id := range ids {
			if gone[id] {
				_ = o.lists.MarkModelGone(ctx, providerID, id, time.Time{})
			}
		}
	}
	return models, nil
}
