package agent

import (
	"context"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
	"tessera/backend/spend"
	"tessera/backend/store"
)

// Every model call of a turn is one model_calls row under the turn, at
// the price of the table; the roll-up by turn matches the turn's own
// cost, and a reached model budget refuses the next turn with the
// budget named, before anything is stored.
func TestModelCallsRecordedAndBudgetRefuses(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		h.prices = Prices{"fake": {"m": {Input: 500, Output: 2500}}}
		h.spend = &spend.Recorder{}
	})
	h.seed(map[string]string{"a.txt": "x\n"})
	h.srv.Push(llmtest.Calls(llmtest.Call("read_file", `{"path":"a.txt"}`)), llmtest.Reply("done"))
	res := h.run(TurnRequest{})
	if h.srv.RequestCount() != 2 {
		t.Fatalf("%d calls", h.srv.RequestCount())
	}
	ctx := context.Background()
	totals, err := h.st.RollUpUsage(ctx, store.UsageQuery{By: store.ByTurn, ProjectID: h.project.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 1 || totals[0].Key != res.TurnID || totals[0].Calls != 2 || !totals[0].Exact() ||
		abs(totals[0].CostUSD-res.CostUSD) > 1e-9 || totals[0].PromptTokens != int64(res.Usage.PromptTokens) {
		t.Fatalf("roll-up %+v, turn cost %v usage %+v", totals, res.CostUSD, res.Usage)
	}
	// A budget below what was spent: the next turn is refused.
	if err := h.spend.SetBudget(ctx, h.project.ID, res.CostUSD/2); err != nil {
		t.Fatal(err)
	}
	before := h.srv.RequestCount()
	_, err = h.svc.Run(ctx, TurnRequest{RequestID: "r2", ProjectID: h.project.ID, ProviderID: "fake", ModelID: "m", Text: "again"})
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "monthly model budget") {
		t.Fatalf("Run over the budget = %v", err)
	}
	if h.srv.RequestCount() != before {
		t.Fatal("a refused turn reached the model")
	}
}
