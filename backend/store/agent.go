package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"tessera/backend/apperr"
)

// Agent turns and their steps (migration 0020; package agent owns what
// the JSON columns hold). Steps are upserted by id as they start and end.

// AgentTurn is one agent run of a chat, keyed to its assistant message.
type AgentTurn struct {
	ID         string
	ProjectID  string
	MessageID  string
	Mode       string
	Status     string
	Reason     string
	Prompt     string
	ProviderID string
	ModelID    string
	Summary    string
	Notice     string
	Transcript json.RawMessage
	Todos      json.RawMessage
	Usage      json.RawMessage
	CostUSD    float64
	Steps      int
	VersionID  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AgentStep is one step of a turn.
type AgentStep struct {
	ID        string
	TurnID    string
	Seq       int
	Tool      string
	CallID    string
	Args      string
	Title     string
	Status    string
	Result    json.RawMessage
	Undo      json.RawMessage
	Changed   json.RawMessage
	Usage     json.RawMessage
	CostUSD   float64
	StartedAt time.Time
	EndedAt   time.Time
}

const turnCols = `id, project_id, message_id, mode, status, reason, prompt, provider_id, model_id, summary, notice,
	transcript, todos, usage, cost_usd, steps, version_id, created_at, updated_at`

// msOrZero is ms, with 0 for a time not set (a step still running).
func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func rawOrNil(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// CreateTurn inserts a turn (ID generated when empty).
func (s *Store) CreateTurn(ctx context.Context, t AgentTurn) (AgentTurn, error) {
	if t.ID == "" {
		t.ID = uuid.NewString()
	}
	now := time.Now().UTC()
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	t.UpdatedAt = now
	_, err := s.db.ExecContext(ctx, `INSERT INTO agent_turns (`+turnCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		t.ID, t.ProjectID, t.MessageID, t.Mode, t.Status, t.Reason, t.Prompt, t.ProviderID, t.ModelID, t.Summary, t.Notice,
		nullJSON(t.Transcript), nullJSON(t.Todos), nullJSON(t.Usage), t.CostUSD, t.Steps, t.VersionID, ms(t.CreatedAt), ms(t.UpdatedAt))
	if err != nil {
		return AgentTurn{}, dbErr(err, "save the agent turn")
	}
	return t, nil
}

// SaveTurn writes every field of a turn but its ids and creation time.
func (s *Store) SaveTurn(ctx context.Context, t AgentTurn) error {
	res, err := s.db.ExecContext(ctx, `UPDATE agent_turns SET mode=?, status=?, reason=?, summary=?, notice=?,
		transcript=COALESCE(?, transcript), todos=?, usage=?, cost_usd=?, steps=?, version_id=?, updated_at=? WHERE id=?`,
		t.Mode, t.Status, t.Reason, t.Summary, t.Notice, nullJSON(t.Transcript), nullJSON(t.Todos), nullJSON(t.Usage),
		t.CostUSD, t.Steps, t.VersionID, time.Now().UnixMilli(), t.ID)
	if err != nil {
		return dbErr(err, "save the agent turn")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That agent turn no longer exists.")
	}
	return nil
}

func scanTurn(row interface{ Scan(...any) error }) (AgentTurn, error) {
	var t AgentTurn
	var tr, todos, usage sql.NullString
	var c, u int64
	err := row.Scan(&t.ID, &t.ProjectID, &t.MessageID, &t.Mode, &t.Status, &t.Reason, &t.Prompt, &t.ProviderID, &t.ModelID,
		&t.Summary, &t.Notice, &tr, &todos, &usage, &t.CostUSD, &t.Steps, &t.VersionID, &c, &u)
	t.Transcript, t.Todos, t.Usage = rawOrNil(tr), rawOrNil(todos), rawOrNil(usage)
	t.CreatedAt, t.UpdatedAt = fromMS(c), fromMS(u)
	return t, err
}

// GetTurn returns one turn.
func (s *Store) GetTurn(ctx context.Context, id string) (AgentTurn, error) {
	t, err := scanTurn(s.db.QueryRowContext(ctx, `SELECT `+turnCols+` FROM agent_turns WHERE id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return AgentTurn{}, apperr.New(apperr.NotFound, "That agent turn no longer exists.")
	}
	return t, dbErr(err, "read the agent turn")
}

// TurnForMessage returns the newest turn of an assistant message.
func (s *Store) TurnForMessage(ctx context.Context, messageID string) (AgentTurn, error) {
	t, err := scanTurn(s.db.QueryRowContext(ctx, `SELECT `+turnCols+` FROM agent_turns WHERE message_id=? ORDER BY created_at DESC LIMIT 1`, messageID))
	if errors.Is(err, sql.ErrNoRows) {
		return AgentTurn{}, apperr.New(apperr.NotFound, "That message has no agent turn.")
	}
	return t, dbErr(err, "read the agent turn")
}

// PutStep inserts or replaces a step (by id).
func (s *Store) PutStep(ctx context.Context, st AgentStep) error {
	if st.ID == "" {
		return apperr.New(apperr.Internal, "A step without an id cannot be saved.")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO agent_steps (id, turn_id, seq, tool, call_id, args, title, status, result, undo, changed, usage, cost_usd, started_at, ended_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET status=excluded.status, result=excluded.result, undo=excluded.undo, changed=excluded.changed,
			usage=excluded.usage, cost_usd=excluded.cost_usd, ended_at=excluded.ended_at, title=excluded.title`,
		st.ID, st.TurnID, st.Seq, st.Tool, st.CallID, st.Args, st.Title, st.Status, nullJSON(st.Result), nullJSON(st.Undo), nullJSON(st.Changed),
		nullJSON(st.Usage), st.CostUSD, ms(st.StartedAt), msOrZero(st.EndedAt))
	return dbErr(err, "save the agent step")
}

// ListSteps returns a turn's steps in order.
func (s *Store) ListSteps(ctx context.Context, turnID string) ([]AgentStep, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, turn_id, seq, tool, call_id, args, title, status, result, undo, changed, usage, cost_usd, started_at, ended_at
		FROM agent_steps WHERE turn_id=? ORDER BY seq`, turnID)
	if err != nil {
		return nil, dbErr(err, "read the agent steps")
	}
	defer rows.Close()
	var out []AgentStep
	for rows.Next() {
		var st AgentStep
		var res, undo, changed, usage sql.NullString
		var a, b int64
		if err := rows.Scan(&st.ID, &st.TurnID, &st.Seq, &st.Tool, &st.CallID, &st.Args, &st.Title, &st.Status, &res, &undo, &changed, &usage, &st.CostUSD, &a, &b); err != nil {
			return nil, dbErr(err, "read the agent steps")
		}
		st.Result, st.Undo, st.Changed, st.Usage = rawOrNil(res), rawOrNil(undo), rawOrNil(changed), rawOrNil(usage)
		st.StartedAt = fromMS(a)
		if b > 0 {
			st.EndedAt = fromMS(b)
		}
		out = append(out, st)
	}
	return out, dbErr(rows.Err(), "read the agent steps")
}

// MarkTurnsInterrupted turns every turn left running (by a crash) into a
// paused one with reason interrupted, and its running steps into
// canceled ones. Run it at start-up, before any turn can begin.
func (s *Store) MarkTurnsInterrupted(ctx context.Context) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, dbErr(err, "recover unfinished agent turns")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE agent_steps SET status='canceled' WHERE status IN ('running','awaiting_approval')
		AND turn_id IN (SELECT id FROM agent_turns WHERE status='running')`); err != nil {
		return 0, dbErr(err, "recover unfinished agent turns")
	}
	res, err := tx.ExecContext(ctx, `UPDATE agent_turns SET status='paused', reason='interrupted', updated_at=? WHERE status='running'`, time.Now().UnixMilli())
	if err != nil {
		return 0, dbErr(err, "recover unfinished agent turns")
	}
	n, _ := res.RowsAffected()
	return n, dbErr(tx.Commit(), "recover unfinished agent turns")
}

// ChatMode is the mode stored for a project's chat ("" when none).
func (s *Store) ChatMode(ctx context.Context, projectID string) (string, error) {
	var m string
	err := s.db.QueryRowContext(ctx, `SELECT mode FROM agent_modes WHERE project_id=?`, projectID).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return m, dbErr(err, "read the chat's mode")
}

// SetChatMode remembers the mode of a project's chat.
func (s *Store) SetChatMode(ctx context.Context, projectID, mode string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO agent_modes (project_id, mode) VALUES (?, ?)
		ON CONFLICT(project_id) DO UPDATE SET mode=excluded.mode`, projectID, mode)
	return dbErr(err, "save the chat's mode")
}
