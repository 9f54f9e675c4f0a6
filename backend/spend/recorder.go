package spend

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// Store is what the recorder and the budget need of the store.
type Store interface {
	AddModelCall(ctx context.Context, c store.ModelCall) (store.ModelCall, error)
	RollUpUsage(ctx context.Context, q store.UsageQuery) ([]store.UsageTotal, error)
	ModelBudget(ctx context.Context, projectID string) (float64, error)
	SetModelBudget(ctx context.Context, projectID string, usd float64) error
}

// The kinds of call.
const (
	KindOneShot = "oneshot"
	KindAgent   = "agent"
)

// Call is one finished model call to record. PromptChars and ReplyChars
// are the request's and the answer's sizes, for the estimate when the
// provider reports no usage.
type Call struct {
	ProjectID   string
	TurnID      string
	Kind        string
	ProviderID  string
	ModelID     string
	Usage       llm.Usage
	PromptChars int
	ReplyChars  int
}

// Recorder writes model calls with their checked usage and the price
// they were made at. Safe for concurrent use.
type Recorder struct {
	Store  Store
	Prices Prices // nil = DefaultPrices()
	// PricesDate is the date of Prices ("" = PricesDate).
	PricesDate string
	Logger     *slog.Logger
	Now        func() time.Time
	// Location places day and month boundaries (nil = time.Local).
	Location *time.Location
}

// charsPerToken is the estimate's ratio (English and code average ~4).
const charsPerToken = 4

func estimate(chars int) int { return (max(chars, 0) + charsPerToken - 1) / charsPerToken }

// Record stores a call. A provider that sent no usage gets an estimate
// from the sizes, marked estimated; a count Check refuses is logged with
// its sentence and stored as unknown (0 tokens, unknown = 1), never as a
// silent zero. A model missing from the table is stored unpriced.
func (r *Recorder) Record(ctx context.Context, c Call) (store.ModelCall, error) {
	if c.ProjectID == "" {
		return store.ModelCall{}, apperr.New(apperr.Invalid, "A model call without a project cannot be recorded.")
	}
	u := c.Usage
	row := store.ModelCall{ProjectID: c.ProjectID, TurnID: c.TurnID, Kind: c.Kind, ProviderID: c.ProviderID, ModelID: c.ModelID, CreatedAt: r.now()}
	switch err := u.Check(); {
	case err != nil:
		r.logger().Warn("spend: usage refused", "project", c.ProjectID, "provider", c.ProviderID, "model", c.ModelID, "reason", err.Error())
		row.Unknown = true
		u = llm.Usage{}
	case u.PromptTokens == 0 && u.CompletionTokens == 0:
		u = llm.Usage{PromptTokens: estimate(c.PromptChars), CompletionTokens: estimate(c.ReplyChars)}
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
		row.Estimated = true
	}
	row.PromptTokens, row.CachedTokens, row.CompletionTokens, row.ReasoningTokens = u.PromptTokens, u.CachedTokens, u.CompletionTokens, u.ReasoningTokens
	if pr, ok := r.prices().Lookup(c.ProviderID, c.ModelID); ok && !row.Unknown {
		row.Priced, row.InputPerM, row.CachedPerM, row.OutputPerM = true, pr.Input, pr.CachedInput, pr.Output
		row.PriceDate = r.PricesDate
		if row.PriceDate == "" {
			row.PriceDate = PricesDate
		}
		row.CostUSD = pr.Cost(u)
	}
	return r.Store.AddModelCall(ctx, row)
}

func (r *Recorder) prices() Prices {
	if r.Prices == nil {
		return DefaultPrices()
	}
	return r.Prices
}

func (r *Recorder) now() time.Time {
	if r.Now == nil {
		return time.Now().UTC()
	}
	return r.Now().UTC()
}

func (r *Recorder) loc() *time.Location {
	if r.Location == nil {
		return time.Local
	}
	return r.Location
}

func (r *Recorder) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.Default()
	}
	return r.Logger
}

// Month is a project's model spend this calendar month with its budget.
type Month struct {
	ProjectID string `json:"projectId"`
	Month     string `json:"month"` // "2006-01"
	Calls     int    `json:"calls"`
	// USD sums the priced calls. Unpriced counts calls of a model without
	// a price (their cost is unknown, not in USD); Estimated and Unknown
	// the calls whose counts are an estimate or were refused.
	USD          float64 `json:"usd"`
	Unpriced     int     `json:"unpriced"`
	Estimated    int     `json:"estimated"`
	Unknown      int     `json:"unknown"`
	PromptTokens int64   `json:"promptTokens"`
	CachedTokens int64   `json:"cachedTokens"`
	OutputTokens int64   `json:"outputTokens"`
	BudgetUSD    float64 `json:"budgetUSD"`
	// Level is "" under 80 % of the budget (or without one), "warn" from
	// 80 %, "over" at 100 %; Note is the sentence for warn and over.
	Level string `json:"level"`
	Note  string `json:"note,omitempty"`
}

// The budget levels.
const (
	LevelWarn = "warn"
	LevelOver = "over"
)

// WarnShare is the share of the budget that brings the warning.
const WarnShare = 0.8

// MaxBudgetUSD bounds a monthly budget (a typo guard, not a policy).
const MaxBudgetUSD = 100000

// Month reports the project's model spend this month and where it
// stands against its budget.
func (r *Recorder) Month(ctx context.Context, projectID string) (Month, error) {
	now := r.now().In(r.loc())
	y, mo, _ := now.Date()
	start := time.Date(y, mo, 1, 0, 0, 0, 0, now.Location())
	out := Month{ProjectID: projectID, Month: start.Format("2006-01")}
	totals, err := r.Store.RollUpUsage(ctx, store.UsageQuery{ProjectID: projectID, By: store.ByProject, Since: start, Until: start.AddDate(0, 1, 0)})
	if err != nil {
		return Month{}, err
	}
	for _, t := range totals {
		out.Calls, out.USD, out.Unpriced, out.Estimated, out.Unknown = t.Calls, t.CostUSD, t.Unpriced, t.Estimated, t.Unknown
		out.PromptTokens, out.CachedTokens, out.OutputTokens = t.PromptTokens, t.CachedTokens, t.CompletionTokens
	}
	if out.BudgetUSD, err = r.Store.ModelBudget(ctx, projectID); err != nil {
		return Month{}, err
	}
	if b := out.BudgetUSD; b > 0 {
		switch {
		case out.USD >= b:
			out.Level = LevelOver
			out.Note = fmt.Sprintf("This project's monthly model budget of $%.2f is reached ($%.2f this month), so Tessera will not send another turn to the model. Raise the model budget in the cost menu to keep working.", b, out.USD)
		case out.USD >= WarnShare*b:
			out.Level = LevelWarn
			out.Note = fmt.Sprintf("This project has spent $%.2f of its monthly model budget of $%.2f (%.0f %%).", out.USD, b, 100*out.USD/b)
		}
	}
	return out, nil
}

// Allow refuses a new turn when the project's model budget is reached,
// with the sentence that names it (conflict, as the sandbox budget's).
func (r *Recorder) Allow(ctx context.Context, projectID string) error {
	m, err := r.Month(ctx, projectID)
	if err != nil {
		return err
	}
	if m.Level == LevelOver {
		return apperr.New(apperr.Conflict, m.Note)
	}
	return nil
}

// SetBudget sets the project's monthly model budget in US dollars; 0
// removes it.
func (r *Recorder) SetBudget(ctx context.Context, projectID string, usd float64) error {
	if math.IsNaN(usd) || math.IsInf(usd, 0) || usd < 0 || usd > MaxBudgetUSD {
		return apperr.Newf(apperr.Invalid, "A monthly model budget is an amount in US dollars between 0 (no budget) and %d.", MaxBudgetUSD).InField("modelBudgetUSD")
	}
	return r.Store.SetModelBudget(ctx, projectID, usd)
}
