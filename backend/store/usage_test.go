package store

import (
	"context"
	"testing"
	"time"

	"tessera/backend/apperr"
)

func TestRollUpUsage(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	a, err := st.CreateProject(ctx, NewProject{Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateProject(ctx, NewProject{Name: "B"})
	if err != nil {
		t.Fatal(err)
	}
	nov30 := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	dec1 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	dec2 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	calls := []ModelCall{
		{ProjectID: a.ID, TurnID: "t1", Kind: "agent", PromptTokens: 1000, CachedTokens: 400, CompletionTokens: 100, ReasoningTokens: 20, Priced: true, CostUSD: 0.01, CreatedAt: nov30},
		{ProjectID: a.ID, TurnID: "t1", Kind: "agent", PromptTokens: 2000, CompletionTokens: 200, Priced: true, CostUSD: 0.02, CreatedAt: dec1},
		{ProjectID: a.ID, TurnID: "m2", Kind: "oneshot", PromptTokens: 300, CompletionTokens: 30, Estimated: true, Priced: true, CostUSD: 0.003, CreatedAt: dec2},
		{ProjectID: b.ID, TurnID: "t3", Kind: "agent", Unknown: true, CreatedAt: dec2},
		{ProjectID: b.ID, TurnID: "t3", Kind: "agent", PromptTokens: 50, CompletionTokens: 5, CreatedAt: dec2}, // no price
	}
	for _, c := range calls {
		c.ProviderID, c.ModelID = "openai", "gpt-5"
		if _, err := st.AddModelCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		q    UsageQuery
		want []UsageTotal
	}{
		{"by turn", UsageQuery{By: ByTurn}, []UsageTotal{
			{Key: "t1", Calls: 2, PromptTokens: 3000, CachedTokens: 400, CompletionTokens: 300, ReasoningTokens: 20, CostUSD: 0.03},
			{Key: "m2", Calls: 1, PromptTokens: 300, CompletionTokens: 30, CostUSD: 0.003, Estimated: 1},
			{Key: "t3", Calls: 2, PromptTokens: 50, CompletionTokens: 5, Unpriced: 2, Unknown: 1},
		}},
		{"by project", UsageQuery{By: ByProject}, []UsageTotal{
			{Key: a.ID, Calls: 3, PromptTokens: 3300, CachedTokens: 400, CompletionTokens: 330, ReasoningTokens: 20, CostUSD: 0.033, Estimated: 1},
			{Key: b.ID, Calls: 2, PromptTokens: 50, CompletionTokens: 5, Unpriced: 2, Unknown: 1},
		}},
		{"by day, one project", UsageQuery{By: ByDay, ProjectID: a.ID}, []UsageTotal{
			{Key: "2026-11-30", Calls: 1, PromptTokens: 1000, CachedTokens: 400, CompletionTokens: 100, ReasoningTokens: 20, CostUSD: 0.01},
			{Key: "2026-12-01", Calls: 1, PromptTokens: 2000, CompletionTokens: 200, CostUSD: 0.02},
			{Key: "2026-12-02", Calls: 1, PromptTokens: 300, CompletionTokens: 30, CostUSD: 0.003, Estimated: 1},
		}},
		{"by month", UsageQuery{By: ByMonth, ProjectID: a.ID}, []UsageTotal{
			{Key: "2026-11", Calls: 1, PromptTokens: 1000, CachedTokens: 400, CompletionTokens: 100, ReasoningTokens: 20, CostUSD: 0.01},
			{Key: "2026-12", Calls: 2, PromptTokens: 2300, CompletionTokens: 230, CostUSD: 0.023, Estimated: 1},
		}},
		{"by month, an hour east of UTC", UsageQuery{By: ByMonth, ProjectID: a.ID, Offset: time.Hour}, []UsageTotal{
			{Key: "2026-12", Calls: 3, PromptTokens: 3300, CachedTokens: 400, CompletionTokens: 330, ReasoningTokens: 20, CostUSD: 0.033, Estimated: 1},
		}},
		{"this month only", UsageQuery{By: ByProject, Since: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, []UsageTotal{
			{Key: a.ID, Calls: 2, PromptTokens: 2300, CompletionTokens: 230, CostUSD: 0.023, Estimated: 1},
			{Key: b.ID, Calls: 2, PromptTokens: 50, CompletionTokens: 5, Unpriced: 2, Unknown: 1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.RollUpUsage(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d groups %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if d := g.CostUSD - w.CostUSD; d > 1e-9 || d < -1e-9 {
					t.Errorf("group %d cost %v, want %v", i, g.CostUSD, w.CostUSD)
				}
				g.CostUSD = w.CostUSD
				if g != w {
					t.Errorf("group %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	if _, err := st.RollUpUsage(ctx, UsageQuery{By: "week"}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a group by week: %v, want invalid", err)
	}
	// A deleted project takes its calls with it.
	if err := st.DeleteProject(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := st.RollUpUsage(ctx, UsageQuery{By: ByProject})
	if len(got) != 1 || got[0].Key != a.ID {
		t.Fatalf("after deleting B: %+v", got)
	}
}
