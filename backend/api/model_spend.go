package api

import (
	"context"

	"tessera/backend/apperr"
	"tessera/backend/spend"
)

// ModelSpend is what the cost menu needs of the spend package.
type ModelSpend interface {
	Month(ctx context.Context, projectID string) (spend.Month, error)
	SetBudget(ctx context.Context, projectID string, usd float64) error
}

// ModelSpendReport is a project's model spend this month
// (SandboxService.ModelSpend). USD sums the priced calls; Unpriced,
// Estimated and Unknown count the calls whose price or counts are not
// known, so the page never shows an inexact total as exact.
type ModelSpendReport struct {
	ProjectID    string  `json:"projectId"`
	Month        string  `json:"month"`
	Calls        int     `json:"calls"`
	USD          float64 `json:"usd"`
	Unpriced     int     `json:"unpriced"`
	Estimated    int     `json:"estimated"`
	Unknown      int     `json:"unknown"`
	PromptTokens int64   `json:"promptTokens"`
	CachedTokens int64   `json:"cachedTokens"`
	OutputTokens int64   `json:"outputTokens"`
	BudgetUSD    float64 `json:"budgetUSD"`
	// Level is "", "warn" (80 %) or "over" (100 %); Note says it.
	Level     string `json:"level"`
	Note      string `json:"note"`
	PriceDate string `json:"priceDate"`
}

func (s *SandboxService) modelSpend() (ModelSpend, error) {
	if s.spend == nil {
		return nil, apperr.New(apperr.Unavailable, "Model spend is not tracked in this build.")
	}
	return s.spend, nil
}

// ModelSpend returns the project's model spend this month and its budget.
func (s *SandboxService) ModelSpend(projectID string) (ModelSpendReport, error) {
	ms, err := s.modelSpend()
	if err != nil {
		return ModelSpendReport{}, err
	}
	m, err := ms.Month(s.ctx(), projectID)
	if err != nil {
		return ModelSpendReport{}, err
	}
	return ModelSpendReport{ProjectID: m.ProjectID, Month: m.Month, Calls: m.Calls, USD: m.USD, Unpriced: m.Unpriced,
		Estimated: m.Estimated, Unknown: m.Unknown, PromptTokens: m.PromptTokens, CachedTokens: m.CachedTokens,
		OutputTokens: m.OutputTokens, BudgetUSD: m.BudgetUSD, Level: m.Level, Note: m.Note, PriceDate: spend.PricesDate}, nil
}

// SetModelBudget sets the project's monthly model budget in US dollars (0 = none).
func (s *SandboxService) SetModelBudget(projectID string, usd float64) error {
	ms, err := s.modelSpend()
	if err != nil {
		return err
	}
	return ms.SetBudget(s.ctx(), projectID, usd)
}
