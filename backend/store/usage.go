package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"tessera/backend/apperr"
)

// Usage per model call (migration 0027; package spend decides what goes
// in a row: the checked counts, the estimate, the price at the time).

// ModelCall is one call to a model.
type ModelCall struct {
	ID               string
	ProjectID        string
	TurnID           string // agent turn id, or the one-shot answer's message id
	Kind             string // "oneshot" or "agent"
	ProviderID       string
	ModelID          string
	PromptTokens     int
	CachedTokens     int
	CompletionTokens int
	ReasoningTokens  int
	// Estimated: the provider sent no usage and the counts are Tessera's
	// estimate. Unknown: what it sent was refused; the counts are 0 and
	// mean nothing.
	Estimated bool
	Unknown   bool
	// Priced is false for a model without a price (its cost is unknown,
	// not 0). The per-million prices are the ones the call was made at.
	Priced     bool
	InputPerM  float64
	CachedPerM float64
	OutputPerM float64
	PriceDate  string
	CostUSD    float64
	CreatedAt  time.Time
}

// AddModelCall inserts a call (ID generated when empty, CreatedAt now
// when zero).
func (s *Store) AddModelCall(ctx context.Context, c ModelCall) (ModelCall, error) {
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO model_calls (id, project_id, turn_id, kind, provider_id, model_id,
		prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, estimated, unknown, priced,
		input_per_m, cached_per_m, output_per_m, price_date, cost_usd, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.ID, c.ProjectID, c.TurnID, c.Kind, c.ProviderID, c.ModelID, c.PromptTokens, c.CachedTokens, c.CompletionTokens,
		c.ReasoningTokens, c.Estimated, c.Unknown, c.Priced, c.InputPerM, c.CachedPerM, c.OutputPerM, c.PriceDate, c.CostUSD, ms(c.CreatedAt))
	if err != nil {
		return ModelCall{}, dbErr(err, "save the model call's usage")
	}
	return c, nil
}

// UsageGroup is what a roll-up groups by.
type UsageGroup string

// The roll-ups.
const (
	ByTurn    UsageGroup = "turn"
	ByProject UsageGroup = "project"
	ByDay     UsageGroup = "day"
	ByMonth   UsageGroup = "month"
)

// UsageQuery selects calls to roll up: one project ("" = all), a time
// range [Since, Until) (zero = open), and the group. Offset shifts the
// day and month boundaries from UTC to the person's zone.
type UsageQuery struct {
	ProjectID string
	Since     time.Time
	Until     time.Time
	By        UsageGroup
	Offset    time.Duration
}

// UsageTotal is one group's sums. Key is the turn id, project id,
// "2006-01-02" or "2006-01". CostUSD sums the priced calls only;
// Unpriced, Estimated and Unknown count the calls whose cost or counts
// are not the provider's, so a total is never shown as exact when it is
// not.
type UsageTotal struct {
	Key              string
	Calls            int
	PromptTokens     int64
	CachedTokens     int64
	CompletionTokens int64
	ReasoningTokens  int64
	CostUSD          float64
	Unpriced         int
	Estimated        int
	Unknown          int
}

// Exact reports whether every call's counts and price were known.
func (t UsageTotal) Exact() bool { return t.Unpriced == 0 && t.Estimated == 0 && t.Unknown == 0 }

// RollUpUsage sums model calls by turn, project, day or month, oldest
// key first.
func (s *Store) RollUpUsage(ctx context.Context, q UsageQuery) ([]UsageTotal, error) {
	var key string
	switch q.By {
	case ByTurn:
		key = "turn_id"
	case ByProject:
		key = "project_id"
	case ByDay:
		key = "strftime('%Y-%m-%d', (created_at + ?) / 1000, 'unixepoch')"
	case ByMonth:
		key = "strftime('%Y-%m', (created_at + ?) / 1000, 'unixepoch')"
	default:
		return nil, apperr.Newf(apperr.Invalid, "Usage can be summed by turn, project, day or month, not %q.", q.By)
	}
	var args []any
	if q.By == ByDay || q.By == ByMonth {
		args = append(args, q.Offset.Milliseconds())
	}
	where := "1=1"
	if q.ProjectID != "" {
		where += " AND project_id = ?"
		args = append(args, q.ProjectID)
	}
	if !q.Since.IsZero() {
		where += " AND created_at >= ?"
		args = append(args, ms(q.Since))
	}
	if !q.Until.IsZero() {
		where += " AND created_at < ?"
		args = append(args, ms(q.Until))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+key+` AS k, count(*), sum(prompt_tokens), sum(cached_tokens),
		sum(completion_tokens), sum(reasoning_tokens), sum(CASE WHEN priced THEN cost_usd ELSE 0 END),
		sum(1 - priced), sum(estimated), sum(unknown), min(created_at)
		FROM model_calls WHERE `+where+` GROUP BY k ORDER BY min(created_at), k`, args...)
	if err != nil {
		return nil, dbErr(err, "sum the model usage")
	}
	defer rows.Close()
	var out []UsageTotal
	for rows.Next() {
		var t UsageTotal
		var first int64
		if err := rows.Scan(&t.Key, &t.Calls, &t.PromptTokens, &t.CachedTokens, &t.CompletionTokens, &t.ReasoningTokens,
			&t.CostUSD, &t.Unpriced, &t.Estimated, &t.Unknown, &first); err != nil {
			return nil, dbErr(err, "sum the model usage")
		}
		out = append(out, t)
	}
	return out, dbErr(rows.Err(), "sum the model usage")
}

// ModelBudget returns the project's monthly model budget in US dollars;
// 0 when it has none.
func (s *Store) ModelBudget(ctx context.Context, projectID string) (float64, error) {
	var v float64
	err := s.db.QueryRowContext(ctx, `SELECT monthly_usd FROM model_budgets WHERE project_id=?`, projectID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, dbErr(err, "read the model budget")
}

// SetModelBudget sets the project's monthly model budget; usd <= 0
// removes it.
func (s *Store) SetModelBudget(ctx context.Context, projectID string, usd float64) error {
	var err error
	if usd <= 0 {
		_, err = s.db.ExecContext(ctx, `DELETE FROM model_budgets WHERE project_id=?`, projectID)
	} else {
		_, err = s.db.ExecContext(ctx, `INSERT INTO model_budgets(project_id, monthly_usd) VALUES (?,?)
			ON CONFLICT(project_id) DO UPDATE SET monthly_usd=excluded.monthly_usd`, projectID, usd)
	}
	return dbErr(err, "save the model budget")
}
