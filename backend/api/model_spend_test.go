package api

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm"
	"tessera/backend/spend"
	"tessera/backend/store"
)

func TestSandboxServiceModelSpend(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := st.CreateProject(ctx, store.NewProject{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &spend.Recorder{Store: st, Prices: spend.Prices{"openai": {"gpt-5": {Input: 1, Output: 1}}}}
	svc := NewSandboxService(func() context.Context { return ctx }, nil, WithModelSpend(rec))
	for _, c := range []spend.Call{
		{ProjectID: p.ID, Kind: spend.KindAgent, ProviderID: "openai", ModelID: "gpt-5", Usage: llm.Usage{PromptTokens: 900_000}},
		{ProjectID: p.ID, Kind: spend.KindOneShot, ProviderID: "openai", ModelID: "gpt-9", Usage: llm.Usage{PromptTokens: 10}},
	} {
		if _, err := rec.Record(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.SetModelBudget(p.ID, -3); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a negative budget: %v", err)
	}
	if err := svc.SetModelBudget(p.ID, 1); err != nil {
		t.Fatal(err)
	}
	r, err := svc.ModelSpend(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Calls != 2 || r.Unpriced != 1 || r.USD < 0.899 || r.USD > 0.901 || r.BudgetUSD != 1 || r.Level != spend.LevelWarn ||
		!strings.Contains(r.Note, "model budget") || r.PriceDate != spend.PricesDate {
		t.Fatalf("report %+v", r)
	}
	none := NewSandboxService(func() context.Context { return ctx }, nil)
	if _, err := none.ModelSpend(p.ID); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("without spend: %v", err)
	}
}
