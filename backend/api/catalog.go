package api

import "context"

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
	// needs none and (for local servers) was detected.
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

// Catalog is what CatalogService needs from the LLM catalog.
type Catalog interface {
	Providers(ctx context.Context) ([]ProviderDTO, error)
	RefreshModels(ctx context.Context, providerID string) ([]ModelDTO, error)
	Templates(ctx context.Context) ([]TemplateDTO, error)
}

// CatalogService lists providers, models and templates. Bound.
type CatalogService struct {
	ctx func() context.Context
	cat Catalog
}

// NewCatalogService builds the service.
func NewCatalogService(ctx func() context.Context, c Catalog) *CatalogService {
	return &CatalogService{ctx: ctx, cat: c}
}

// Providers lists the LLM providers with their models and whether each is usable.
func (s *CatalogService) Providers() ([]ProviderDTO, error) { return s.cat.Providers(s.ctx()) }

// RefreshModels asks the provider for its current model list.
func (s *CatalogService) RefreshModels(providerID string) ([]ModelDTO, error) {
	return s.cat.RefreshModels(s.ctx(), providerID)
}

// Templates lists the Fragments templates and the custom ones from settings.
func (s *CatalogService) Templates() ([]TemplateDTO, error) { return s.cat.Templates(s.ctx()) }
