package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// ModelList is a provider's model list as last fetched.
type ModelList struct {
	ProviderID string
	FetchedAt  time.Time
	Models     []string
}

// SaveModelList replaces a provider's fetched model list.
func (s *Store) SaveModelList(ctx context.Context, l ModelList) error {
	b, err := json.Marshal(l.Models)
	if err != nil {
		return dbErr(err, "save a model list")
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO llm_model_lists(provider_id, fetched_at, models_json) VALUES (?,?,?)
		ON CONFLICT(provider_id) DO UPDATE SET fetched_at=excluded.fetched_at, models_json=excluded.models_json`,
		l.ProviderID, l.FetchedAt.UnixMilli(), string(b))
	return dbErr(err, "save a model list")
}

// ModelList returns a provider's last fetched model list; ok is false
// when it was never fetched.
func (s *Store) ModelList(ctx context.Context, providerID string) (ModelList, bool, error) {
	var at int64
	var js string
	err := s.db.QueryRowContext(ctx, `SELECT fetched_at, models_json FROM llm_model_lists WHERE provider_id=?`, providerID).Scan(&at, &js)
	if errors.Is(err, sql.ErrNoRows) {
		return ModelList{}, false, nil
	}
	if err != nil {
		return ModelList{}, false, dbErr(err, "read a model list")
	}
	l := ModelList{ProviderID: providerID, FetchedAt: time.UnixMilli(at)}
	if err := json.Unmarshal([]byte(js), &l.Models); err != nil {
		return ModelList{}, false, dbErr(err, "read a model list")
	}
	return l, true, nil
}

// ModelMode returns the structured-output mode remembered for a model.
func (s *Store) ModelMode(ctx context.Context, providerID, modelID string) (string, bool, error) {
	var m string
	err := s.db.QueryRowContext(ctx, `SELECT output_mode FROM llm_models WHERE provider_id=? AND model_id=?`, providerID, modelID).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) || err == nil && m == "" {
		return "", false, nil
	}
	if err != nil {
		return "", false, dbErr(err, "read a model's output mode")
	}
	return m, true, nil
}

// SetModelMode remembers the structured-output mode that works for a model.
func (s *Store) SetModelMode(ctx context.Context, providerID, modelID, mode string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO llm_models(provider_id, model_id, output_mode, updated_at) VALUES (?,?,?,?)
		ON CONFLICT(provider_id, model_id) DO UPDATE SET output_mode=excluded.output_mode, updated_at=excluded.updated_at`,
		providerID, modelID, mode, time.Now().UnixMilli())
	return dbErr(err, "remember a model's output mode")
}

// MarkModelGone records that the provider answered 404 for the model (at
// is zero to clear it, e.g. when a fresh list names it again).
func (s *Store) MarkModelGone(ctx context.Context, providerID, modelID string, at time.Time) error {
	var ms int64
	if !at.IsZero() {
		ms = at.UnixMilli()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO llm_models(provider_id, model_id, gone_at, updated_at) VALUES (?,?,?,?)
		ON CONFLICT(provider_id, model_id) DO UPDATE SET gone_at=excluded.gone_at, updated_at=excluded.updated_at`,
		providerID, modelID, ms, time.Now().UnixMilli())
	return dbErr(err, "mark a model as gone")
}

// GoneModels lists the models of a provider that answered 404.
func (s *Store) GoneModels(ctx context.Context, providerID string) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT model_id FROM llm_models WHERE provider_id=? AND gone_at > 0`, providerID)
	if err != nil {
		return nil, dbErr(err, "read gone models")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr(err, "read gone models")
		}
		out[id] = true
	}
	return out, dbErr(rows.Err(), "read gone models")
}
