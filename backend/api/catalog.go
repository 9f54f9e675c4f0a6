package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/config"
	"tessera/backend/fragment"
	"tessera/backend/llm"
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
	ctx  func() context.Context
	llm  LLMClients
	kv   config.KV
	keys Keychain
	log  *slog.Logger

	mu       sync.Mutex
	detected map[string]detection // local provider id -> last probe
}

type detection struct {
	ok bool
	at time.Time
}

// refreshedModelsKey keeps model lists fetched with RefreshModels.
const refreshedModelsKey = "refreshed_models"

// NewCatalogService builds the service.
func NewCatalogService(ctx func() context.Context, l LLMClients, kv config.KV, keys Keychain, log *slog.Logger) *CatalogService {
	return &CatalogService{ctx: ctx, llm: l, kv: kv, keys: keys, log: log, detected: map[string]detection{}}
}

// Providers lists the LLM providers with their models and whether each is
// usable. Keychain trouble is reported (providers needing keys are then
// shown as not usable) rather than hiding the list.
func (s *CatalogService) Providers() ([]ProviderDTO, error) {
	ctx := s.ctx()
	refreshed := s.refreshed(ctx)
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
		models := p.Models
		if r, ok := refreshed[p.ID]; ok {
			models = llm.MergeModels(models, r)
		}
		for _, m := range models {
			d.Models = append(d.Models, ModelDTO{ID: m.ID, Name: m.Name, Multimodal: m.Multimodal})
		}
		out = append(out, d)
	}
	return out, nil
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

func (s *CatalogService) refreshed(ctx context.Context) map[string][]llm.Model {
	out := map[string][]llm.Model{}
	raw, ok, err := s.kv.GetSetting(ctx, refreshedModelsKey)
	if err == nil && ok {
		if json.Unmarshal([]byte(raw), &out) != nil {
			return map[string][]llm.Model{}
		}
	}
	return out
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

// refresh fetches a provider's model list and keeps it.
func (s *CatalogService) refresh(ctx context.Context, providerID string) ([]llm.Model, error) {
	models, err := s.llm.Client().ListModels(ctx, providerID, "")
	if err != nil {
		return nil, err
	}
	all := s.refreshed(ctx)
	all[providerID] = models
	b, err := json.Marshal(all)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not keep the model list.")
	}
	if err := s.kv.SetSetting(ctx, refreshedModelsKey, string(b)); err != nil {
		return nil, err
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
