package spend

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/llm"
	"tessera/backend/store"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestLookup(t *testing.T) {
	p := DefaultPrices()
	for _, tc := range []struct {
		provider, model string
		ok              bool
		want            Price
	}{
		{"openai", "gpt-5", true, Price{1.25, 0.125, 10}},
		{"openai", "gpt-5-mini", true, Price{0.25, 0.025, 2}},
		{"anthropic", "claude-sonnet-4-5-20250929", true, Price{3, 0.3, 15}},      // dated snapshot by prefix
		{"google", "gemini-2.5-flash-lite-preview", true, Price{0.1, 0.025, 0.4}}, // longest prefix wins over gemini-2.5-flash*
		{"google", "gemini-2.5-flash-001", true, Price{0.3, 0.075, 2.5}},
		{"ollama", "qwen2.5-coder:7b", true, Price{}}, // a local server costs 0, and that is known
		{"openai", "gpt-9-imaginary", false, Price{}}, // not in the table: unknown
		{"nobody", "gpt-5", false, Price{}},
	} {
		t.Run(tc.provider+"/"+tc.model, func(t *testing.T) {
			got, ok := p.Lookup(tc.provider, tc.model)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("Lookup = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCost(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Price
		u    llm.Usage
		want float64
	}{
		{"input and output", Price{2, 0.5, 8}, llm.Usage{PromptTokens: 1_000_000, CompletionTokens: 500_000}, 2 + 4},
		{"cached at the cached price", Price{2, 0.5, 8}, llm.Usage{PromptTokens: 1_000_000, CachedTokens: 600_000}, 0.8 + 0.3},
		{"no cached price: cached at input", Price{2, 0, 6}, llm.Usage{PromptTokens: 1_000_000, CachedTokens: 1_000_000}, 2},
		{"reasoning is output", Price{1, 0, 10}, llm.Usage{CompletionTokens: 100_000, ReasoningTokens: 90_000}, 1},
		{"local", Price{}, llm.Usage{PromptTokens: 5000, CompletionTokens: 5000}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Cost(tc.u); !near(got, tc.want) {
				t.Fatalf("Cost = %v, want %v", got, tc.want)
			}
		})
	}
}

type fixture struct {
	st  *store.Store
	rec *Recorder
	log *bytes.Buffer
	pid string
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
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
	f := &fixture{st: st, log: &bytes.Buffer{}, pid: p.ID, now: time.Date(2026, 12, 8, 5, 0, 0, 0, time.UTC)}
	f.rec = &Recorder{Store: st, Logger: slog.New(slog.NewTextHandler(f.log, nil)), Location: time.UTC,
		Now:    func() time.Time { return f.now },
		Prices: Prices{"openai": {"gpt-5": {1.25, 0.125, 10}}, "ollama": {"*": {}}}, PricesDate: "2026-11-01"}
	return f
}

func TestRecord(t *testing.T) {
	for _, tc := range []struct {
		name     string
		call     Call
		want     store.ModelCall // counts and flags only
		logged   string
		wantCost float64
	}{
		{"reported, priced", Call{ProviderID: "openai", ModelID: "gpt-5", Usage: llm.Usage{PromptTokens: 10_000, CachedTokens: 8_000, CompletionTokens: 1_000, ReasoningTokens: 400, TotalTokens: 11_000}},
			store.ModelCall{PromptTokens: 10_000, CachedTokens: 8_000, CompletionTokens: 1_000, ReasoningTokens: 400, Priced: true, InputPerM: 1.25, CachedPerM: 0.125, OutputPerM: 10, PriceDate: "2026-11-01"},
			"", (2000*1.25 + 8000*0.125 + 1000*10) / 1e6},
		{"none reported: estimated from the sizes", Call{ProviderID: "openai", ModelID: "gpt-5", PromptChars: 4001, ReplyChars: 400},
			store.ModelCall{PromptTokens: 1001, CompletionTokens: 100, Estimated: true, Priced: true, InputPerM: 1.25, CachedPerM: 0.125, OutputPerM: 10, PriceDate: "2026-11-01"},
			"", (1001*1.25 + 100*10) / 1e6},
		{"negative count: unknown, not zero", Call{ProviderID: "openai", ModelID: "gpt-5", Usage: llm.Usage{PromptTokens: -5, CompletionTokens: 10}, PromptChars: 400},
			store.ModelCall{Unknown: true}, "negative count", 0},
		{"absurd count: unknown", Call{ProviderID: "openai", ModelID: "gpt-5", Usage: llm.Usage{PromptTokens: 2_000_000_000}},
			store.ModelCall{Unknown: true}, "more than any call can use", 0},
		{"model missing from the table: unpriced", Call{ProviderID: "openai", ModelID: "gpt-9", Usage: llm.Usage{PromptTokens: 100, CompletionTokens: 10}},
			store.ModelCall{PromptTokens: 100, CompletionTokens: 10}, "", 0},
		{"local server: priced at 0", Call{ProviderID: "ollama", ModelID: "llama3", Usage: llm.Usage{PromptTokens: 100, CompletionTokens: 10}},
			store.ModelCall{PromptTokens: 100, CompletionTokens: 10, Priced: true, PriceDate: "2026-11-01"}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.call.ProjectID, tc.call.TurnID, tc.call.Kind = f.pid, "turn", KindAgent
			got, err := f.rec.Record(context.Background(), tc.call)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.CostUSD, tc.wantCost) {
				t.Errorf("cost %v, want %v", got.CostUSD, tc.wantCost)
			}
			w := tc.want
			w.ID, w.ProjectID, w.TurnID, w.Kind, w.ProviderID, w.ModelID, w.CreatedAt, w.CostUSD = got.ID, f.pid, "turn", KindAgent, tc.call.ProviderID, tc.call.ModelID, f.now, got.CostUSD
			if got != w {
				t.Errorf("row %+v\nwant %+v", got, w)
			}
			if tc.logged != "" && !strings.Contains(f.log.String(), tc.logged) {
				t.Errorf("log %q lacks %q", f.log.String(), tc.logged)
			}
			if tc.logged == "" && f.log.Len() > 0 {
				t.Errorf("unexpected log %q", f.log.String())
			}
			// The store sums what was recorded, flags included.
			m, err := f.rec.Month(context.Background(), f.pid)
			if err != nil {
				t.Fatal(err)
			}
			if m.Calls != 1 || !near(m.USD, tc.wantCost) || (m.Unpriced == 1) != !w.Priced || (m.Estimated == 1) != w.Estimated || (m.Unknown == 1) != w.Unknown {
				t.Errorf("month %+v for row %+v", m, w)
			}
		})
	}
}

func TestPastCallKeepsItsPrice(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := llm.Usage{PromptTokens: 1_000_000}
	if _, err := f.rec.Record(ctx, Call{ProjectID: f.pid, Kind: KindOneShot, ProviderID: "openai", ModelID: "gpt-5", Usage: u}); err != nil {
		t.Fatal(err)
	}
	// The price doubles in a newer table.
	f.rec.Prices, f.rec.PricesDate = Prices{"openai": {"gpt-5": {2.5, 0.25, 20}}}, "2027-01-01"
	second, err := f.rec.Record(ctx, Call{ProjectID: f.pid, Kind: KindOneShot, ProviderID: "openai", ModelID: "gpt-5", Usage: u})
	if err != nil {
		t.Fatal(err)
	}
	if second.PriceDate != "2027-01-01" || second.InputPerM != 2.5 {
		t.Fatalf("second call %+v", second)
	}
	m, err := f.rec.Month(ctx, f.pid)
	if err != nil {
		t.Fatal(err)
	}
	if !near(m.USD, 1.25+2.5) {
		t.Fatalf("month $%v, want 3.75 (the first call at its own price)", m.USD)
	}
}

func TestBudget(t *testing.T) {
	for _, tc := range []struct {
		name    string
		budget  float64
		spendM  int // millions of gpt-5 input tokens at $1.25
		level   string
		allowed bool
	}{
		{"no budget", 0, 8, "", true},
		{"under 80 percent", 10, 6, "", true},     // $7.50
		{"at 80 percent", 10, 7, LevelWarn, true}, // $8.75
		{"at 100 percent", 10, 8, LevelOver, false},
		{"past 100 percent", 1, 8, LevelOver, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			if err := f.rec.SetBudget(ctx, f.pid, tc.budget); err != nil {
				t.Fatal(err)
			}
			for range tc.spendM {
				if _, err := f.rec.Record(ctx, Call{ProjectID: f.pid, Kind: KindAgent, ProviderID: "openai", ModelID: "gpt-5", Usage: llm.Usage{PromptTokens: 1_000_000}}); err != nil {
					t.Fatal(err)
				}
			}
			m, err := f.rec.Month(ctx, f.pid)
			if err != nil {
				t.Fatal(err)
			}
			if m.Level != tc.level || m.BudgetUSD != tc.budget {
				t.Fatalf("month %+v, want level %q", m, tc.level)
			}
			if tc.level != "" && !strings.Contains(m.Note, "model budget") {
				t.Fatalf("note %q does not name the model budget", m.Note)
			}
			err = f.rec.Allow(ctx, f.pid)
			if tc.allowed != (err == nil) {
				t.Fatalf("Allow = %v, want allowed=%v", err, tc.allowed)
			}
			if !tc.allowed && (!apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "monthly model budget")) {
				t.Fatalf("refusal %v does not say which budget", err)
			}
		})
	}
}

func TestBudgetMonthBoundary(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_ = f.rec.SetBudget(ctx, f.pid, 1)
	f.now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if _, err := f.rec.Record(ctx, Call{ProjectID: f.pid, Kind: KindAgent, ProviderID: "openai", ModelID: "gpt-5", Usage: llm.Usage{PromptTokens: 1_000_000}}); err != nil {
		t.Fatal(err)
	}
	if err := f.rec.Allow(ctx, f.pid); err == nil {
		t.Fatal("November's spend of $1.25 passed November's budget of $1")
	}
	f.now = time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)
	if err := f.rec.Allow(ctx, f.pid); err != nil {
		t.Fatalf("December starts afresh: %v", err)
	}
}

func TestSetBudgetRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_ = f.rec.SetBudget(ctx, f.pid, 5)
	for _, v := range []float64{-1, math.NaN(), math.Inf(1), MaxBudgetUSD + 1} {
		if err := f.rec.SetBudget(ctx, f.pid, v); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("SetBudget(%v) = %v, want invalid", v, err)
		}
	}
	if b, _ := f.st.ModelBudget(ctx, f.pid); b != 5 {
		t.Fatalf("a refused budget changed it to %v", b)
	}
	if err := f.rec.SetBudget(ctx, f.pid, 0); err != nil {
		t.Fatal(err)
	}
	if b, _ := f.st.ModelBudget(ctx, f.pid); b != 0 {
		t.Fatalf("0 should remove the budget, got %v", b)
	}
}
