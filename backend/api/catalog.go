package api

import (
	"context"
	"log/slog"
	"time"

	"tessera/backend/config"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// Model is one model in the picker.
type Model struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Multimodal bool   `json:"multimodal"`
	// Tools: the model takes native tool calls (its own setting, else its
	// provider's); Agent is then a chat's default mode.
	Tools bool `json:"tools,omitempty"`
}

// Provider is one LLM provider in the picker and in settings.
type Provider struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	NeedsKey bool   `json:"needsKey"`
	Local    bool   `json:"local"`
	// HasKey is true when its key is in the keychain.
	HasKey bool `json:"hasKey"`
	// Usable is true when the picker may offer it (see llm.Offer).
	Usable bool `json:"usable"`
	// Tools is true when the provider's models take native tool calls
	// (the catalog's supports_tools): Agent is then a chat's default mode.
	Tools  bool    `json:"tools,omitempty"`
	Models []Model `json:"models"`
	// DefaultModel is the provider's sensible default among Models.
	DefaultModel string `json:"defaultModel"`
	// ModelsFetchedAt is when Models was fetched from the provider (unix
	// ms); 0 = never: Models is the built-in knowledge, not a live list.
	ModelsFetchedAt int64 `json:"modelsFetchedAt"`
}

// Template is one template in the template picker.
type Template struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	File   string `json:"file"`
	Port   int    `json:"port"`
	Custom bool   `json:"custom"`
}

func toModels(ms []llm.Model, providerTools bool) []Model {
	out := make([]Model, 0, len(ms))
	for _, m := range ms {
		tools := providerTools
		if m.SupportsTools != nil {
			tools = *m.SupportsTools
		}
		out = append(out, Model{ID: m.ID, Name: m.Name, Multimodal: m.Multimodal, Tools: tools})
	}
	return out
}

func toProvider(o llm.Offer) Provider {
	p := Provider{ID: o.Provider.ID, Name: o.Provider.Name, NeedsKey: o.Provider.NeedsKey, Local: o.Provider.Local,
		HasKey: o.HasKey, Usable: o.Usable, Tools: o.Provider.SupportsTools, Models: toModels(o.Models, o.Provider.SupportsTools), DefaultModel: o.DefaultModel}
	if !o.FetchedAt.IsZero() {
		p.ModelsFetchedAt = o.FetchedAt.UnixMilli()
	}
	return p
}

// LLMClients gives the current LLM client (rebuilt when settings change).
type LLMClients interface {
	Client() *llm.Client
}

// ModelLists keeps fetched model lists and what was learned about models
// (store.Store).
type ModelLists interface {
	SaveModelList(ctx context.Context, l store.ModelList) error
	ModelList(ctx context.Context, providerID string) (store.ModelList, bool, error)
	GoneModels(ctx context.Context, providerID string) (map[string]bool, error)
	MarkModelGone(ctx context.Context, providerID, modelID string, at time.Time) error
}

// storeLists is the store's model lists as llm.Offers wants them.
type storeLists struct{ ModelLists }

func (s storeLists) SaveModelList(ctx context.Context, l llm.ModelList) error {
	return s.ModelLists.SaveModelList(ctx, store.ModelList(l))
}

func (s storeLists) ModelList(ctx context.Context, providerID string) (llm.ModelList, bool, error) {
	l, ok, err := s.ModelLists.ModelList(ctx, providerID)
	return llm.ModelList(l), ok, err
}

// CatalogService lists providers, models and templates. Bound. What is
// offered is decided by llm.Offers, the templates by fragment.WithCustom.
type CatalogService struct {
	ctx    func() context.Context
	llm    LLMClients
	kv     config.KV
	offers *llm.Offers
}

// NewCatalogService builds the service.
func NewCatalogService(ctx func() context.Context, l LLMClients, kv config.KV, keys Keychain, lists ModelLists, log *slog.Logger) *CatalogService {
	return &CatalogService{ctx: ctx, llm: l, kv: kv,
		offers: llm.NewOffers(ctx, l.Client, keys, storeLists{lists}, log)}
}

// Providers lists the LLM providers with their models and whether each is
// usable. Keychain trouble is reported (providers needing keys are then
// shown as not usable) rather than hiding the list.
func (s *CatalogService) Providers() ([]Provider, error) {
	offers, err := s.offers.Providers(s.ctx())
	if err != nil {
		return nil, err
	}
	out := make([]Provider, 0, len(offers))
	for _, o := range offers {
		out = append(out, toProvider(o))
	}
	return out, nil
}

// RefreshModels asks the provider for its current model list and keeps it.
func (s *CatalogService) RefreshModels(providerID string) ([]Model, error) {
	models, err := s.offers.Refresh(s.ctx(), providerID)
	if err != nil {
		return nil, err
	}
	p, _ := s.llm.Client().Catalog().Provider(providerID)
	return toModels(models, p.SupportsTools), nil
}

// Templates lists the Fragments templates and the custom ones from settings.
func (s *CatalogService) Templates() ([]Template, error) {
	settings, err := config.LoadSettings(s.ctx(), s.kv)
	if err != nil {
		return nil, err
	}
	var out []Template
	for _, t := range fragment.WithCustom(settings.CustomTemplates) {
		out = append(out, Template{ID: t.ID, Name: t.Name, File: t.File, Port: t.Port, Custom: t.Custom})
	}
	return out, nil
}
