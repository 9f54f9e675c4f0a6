package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"tessera/backend/config"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// ModelDTO is one model in the picker.
type ModelDTO struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Multimodal bool   `json:"multimodal"`
}

// ProviderDTO is one LLM provider in the picker and in settings.
type ProviderDTO struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	NeedsKey bool   `json:"needsKey"`
	Local    bool   `json:"local"`
	// HasKey is true when its key is in the keychain.
	HasKey bool `json:"hasKey"`
	// Usable is true when the picker may offer it: a key is saved, or it
	// needs none and is configured (a custom base URL) or was detected
	// (local servers).
	Usable bool       `json:"usable"`
	Models []ModelDTO `json:"models"`
	// DefaultModel is the provider's sensible default among Models (ranked
	// preference over what the provider lists now).
	DefaultModel string `json:"defaultModel"`
	// ModelsFetchedAt is when Models was fetched from the provider (unix
	// ms); 0 = never: Models is the built-in knowledge, not a live list.
	ModelsFetchedAt int64 `json:"modelsFetchedAt"`
}

// TemplateDTO is one template in the template picker.
type TemplateDTO struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	File   string `json:"file"`
	Port   int    `json:"port"`
	Custom bool   `json:"custom"`
}

// LLMClients gives the current LLM client (rebuilt when settings change).
type LLMClients interface {
	Client() *llm.Client
}

// CatalogService lists providers, models and templates. Bound.
type CatalogService struct {
	ctx   func() context.Context
	llm   LLMClients
	kv    config.KV
	keys  Keychain
	lists ModelLists
	log   *slog.Logger

	mu         sync.Mutex
	detected   map[string]detection // local provider id -> last probe
	refreshing map[string]bool      // provider id -> a background refresh runs
	attempted  map[string]time.Time // provider id -> last background refresh
	// retryGap keeps a failing provider (offline, key refused) from being
	// asked again on every Providers call.
	retryGap time.Duration
	bg       sync.WaitGroup
}

// ModelLists keeps fetched model lists and what was learned about models
// (store.Store).
type ModelLists interface {
	SaveModelList(ctx context.Context, l store.ModelList) error
	ModelList(ctx context.Context, providerID string) (store.ModelList, bool, error)
	GoneModels(ctx context.Context, providerID string) (map[string]bool, error)
	MarkModelGone(ctx context.Context, providerID, modelID string, at time.Time) error
}

// listMaxAge: a model list older than this is fetched again in the
// background (at most daily); the old one is used meanwhile and offline.
const listMaxAge = 24 * time.Hour

type detection struct {
	ok bool
	at time.Time
}

// NewCatalogService builds the service.
func NewCatalogService(ctx func() context.Context, l LLMClients, kv config.KV, keys Keychain, lists ModelLists, log *slog.Logger) *CatalogService {
	return &CatalogService{ctx: ctx, llm: l, kv: kv, keys: keys, lists: lists, log: log,
		detected: map[string]detection{}, refreshing: map[string]bool{}, attempted: map[string]time.Time{}, retryGap: 10 * time.Minute}
}

// Providers lists the LLM providers with their models and whether each is
// usable. Keychain trouble is reported (providers needing keys are then
// shown as not usable) rather than hiding the list.
func (s *CatalogService) Providers() ([]ProviderDTO, error) {
	ctx := s.ctx()
	var out []ProviderDTO
	for _, p := range s.llm.Client().Catalog().Providers() {
		d := ProviderDTO{ID: p.ID, Name: p.Name, NeedsKey: p.NeedsKey, Local: p.Local, Models: []ModelDTO{}}
		if p.NeedsKey || p.OptionalKey {
			has, err := s.keys.Has(ctx, llm.Account(p.ID))
			if err != nil {
				return nil, err
			}
			d.HasKey = has
		}
		switch {
		case p.Local:
			d.Usable = s.detect(ctx, p)
		case p.NeedsKey:
			d.Usable = d.HasKey
		default:
			d.Usable = p.BaseURL != ""
		}
		models, fetched := s.offered(ctx, p)
		if d.Usable && time.Since(fetched) > listMaxAge {
			s.refreshLater(p.ID)
		}
		if !fetched.IsZero() {
			d.ModelsFetchedAt = fetched.UnixMilli()
		}
		ids := make([]string, 0, len(models))
		for _, m := range models {
			d.Models = append(d.Models, ModelDTO{ID: m.ID, Name: m.Name, Multimodal: m.Multimodal})
			ids = append(ids, m.ID)
		}
		d.DefaultModel = llm.DefaultModel(p.ID, ids)
		out = append(out, d)
	}
	return out, nil
}

// offered is what the picker may offer for a provider: the models of its
// last fetched list (offline too), else the catalog's; never one that
// answered 404.
func (s *CatalogService) offered(ctx context.Context, p llm.Provider) ([]llm.Model, time.Time) {
	models, fetched := p.Models, time.Time{}
	if l, ok, err := s.lists.ModelList(ctx, p.ID); err == nil && ok {
		listed := make([]llm.Model, 0, len(l.Models))
		for _, id := range l.Models {
			listed = append(listed, llm.Model{ID: id, Name: id, ProviderID: p.ID})
		}
		models, fetched = llm.MergeModels(p.Models, listed), l.FetchedAt
	}
	gone, err := s.lists.GoneModels(ctx, p.ID)
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

// refreshLater fetches a provider's list in the background (one at a time
// per provider); failures (offline, key refused) keep the last list.
func (s *CatalogService) refreshLater(providerID string) {
	s.mu.Lock()
	if s.refreshing[providerID] || time.Since(s.attempted[providerID]) < s.retryGap {
		s.mu.Unlock()
		return
	}
	s.refreshing[providerID] = true
	s.attempted[providerID] = time.Now()
	s.mu.Unlock()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.refreshing, providerID)
			s.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(s.ctx(), keyCheckTimeout)
		defer cancel()
		if _, err := s.refresh(ctx, providerID); err != nil {
			s.log.Info("background model list refresh failed; keeping the last list", "provider", providerID, "err", err)
		}
	}()
}

// detect probes a local server, remembering the answer for a little while
// so that opening the model picker stays instant.
func (s *CatalogService) detect(ctx context.Context, p llm.Provider) bool {
	s.mu.Lock()
	d, ok := s.detected[p.ID]
	s.mu.Unlock()
	if ok && time.Since(d.at) < 30*time.Second {
		return d.ok
	}
	found := llm.DetectLocal(ctx, nil, p)
	s.mu.Lock()
	s.detected[p.ID] = detection{ok: found, at: time.Now()}
	s.mu.Unlock()
	return found
}

// RefreshModels asks the provider for its current model list and keeps it.
func (s *CatalogService) RefreshModels(providerID string) ([]ModelDTO, error) {
	models, err := s.refresh(s.ctx(), providerID)
	if err != nil {
		return nil, err
	}
	out := make([]ModelDTO, 0, len(models))
	for _, m := range models {
		out = append(out, ModelDTO{ID: m.ID, Name: m.Name, Multimodal: m.Multimodal})
	}
	return out, nil
}

// refresh fetches a provider's model list and keeps it with the time it
// was fetched; models it lists again are no longer marked gone.
func (s *CatalogService) refresh(ctx context.Context, providerID string) ([]llm.Model, error) {
	models, err := s.llm.Client().ListModels(ctx, providerID, "")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(models))
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	if err := s.lists.SaveModelList(ctx, store.ModelList{ProviderID: providerID, FetchedAt: time.Now(), Models: ids}); err != nil {
		return nil, err
	}
	if gone, err := s.lists.GoneModels(ctx, providerID); err == nil {
		for _, id := range ids {
			if gone[id] {
				_ = s.lists.MarkModelGone(ctx, providerID, id, time.Time{})
			}
		}
	}
	return models, nil
}

// Templates lists the Fragments templates and the custom ones from settings.
func (s *CatalogService) Templates() ([]TemplateDTO, error) {
	settings, err := config.LoadSettings(s.ctx(), s.kv)
	if err != nil {
		return nil, err
	}
	var out []TemplateDTO
	for _, t := range AllTemplates(settings) {
		out = append(out, TemplateDTO{ID: t.ID, Name: t.Name, File: t.File, Port: t.Port, Custom: t.Custom})
	}
	return out, nil
}

// AllTemplates is the built-in templates plus the custom E2B template ids
// from settings.
func AllTemplates(s config.Settings) []fragment.Template {
	out := fragment.Templates()
	for _, id := range s.CustomTemplates {
		if _, builtin := fragment.Lookup(id, nil); builtin {
			continue
		}
		out = append(out, fragment.Template{ID: id, Name: id, Custom: true,
			Instructions: "A custom E2B template (" + id + ") chosen by the person."})
	}
	return out
}
