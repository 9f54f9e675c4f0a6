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

// Message statuses. An assistant message is saved as streaming from the
// first moment of a turn and kept current while the answer arrives and its
// fragment runs; only the end of the turn moves it on. A message still
// streaming when Tessera starts was cut off by a crash: it becomes
// interrupted, keeping what arrived.
const (
	MessageDone        = "done"
	MessageStreaming   = "streaming"
	MessageStopped     = "stopped"
	MessageError       = "error"
	MessageInterrupted = "interrupted"
)

// Message is one chat turn. Fragment and Result are stored as JSON so that
// the store does not depend on the fragment or execution packages. Result
// is an assistant's run result and nothing else; a user message's images
// are its Attachments (table message_attachments, see attachments.go for
// the JSON the page receives).
type Message struct {
	ID        string          `json:"id"`
	ProjectID string          `json:"projectId"`
	Seq       int64           `json:"seq"`
	Role      string          `json:"role"`
	Content   string          `json:"content"`
	Fragment  json.RawMessage `json:"fragment,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Status    string          `json:"status"`
	CreatedAt time.Time       `json:"createdAt"`
	// Attachments are loaded by GetMessage, ListMessages, ListMessagesPage
	// and LastUserMessage; RecentMessages leaves them out (see there).
	Attachments []Attachment `json:"-"`
}

const messageCols = `id, project_id, seq, role, content, fragment, result, status, created_at`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var frag, res sql.NullString
	var c int64
	err := row.Scan(&m.ID, &m.ProjectID, &m.Seq, &m.Role, &m.Content, &frag, &res, &m.Status, &c)
	if frag.Valid {
		m.Fragment = json.RawMessage(frag.String)
	}
	if res.Valid {
		m.Result = json.RawMessage(res.String)
	}
	m.CreatedAt = fromMS(c)
	return m, err
}

func nullJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// AddMessage appends a message to a project's chat, with its
// attachments, and records activity.
func (s *Store) AddMessage(ctx context.Context, m Message) (Message, error) {
	if m.ID == "" {
		m.ID = uuid.NewString()
	}
	if m.Status == "" {
		m.Status = MessageDone
	}
	now := s.now()
	m.CreatedAt = now.UTC().Truncate(time.Millisecond)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Message{}, dbErr(err, "save the message")
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO messages(`+messageCols+`)
		VALUES (?, ?, COALESCE((SELECT max(seq) FROM messages WHERE project_id=?), 0) + 1, ?, ?, ?, ?, ?, ?)
		RETURNING seq`,
		m.ID, m.ProjectID, m.ProjectID, m.Role, m.Content, nullJSON(m.Fragment), nullJSON(m.Result), m.Status, ms(now)).Scan(&m.Seq)
	if err != nil {
		var n int
		if tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE id=?`, m.ProjectID).Scan(&n) == nil && n == 0 {
			return Message{}, apperr.New(apperr.NotFound, "That project no longer exists.")
		}
		return Message{}, dbErr(err, "save the message")
	}
	if err := insertAttachments(ctx, tx, m.ID, m.Attachments); err != nil {
		return Message{}, dbErr(err, "save the message")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE projects SET last_activity_at=? WHERE id=?`, ms(now), m.ProjectID); err != nil {
		return Message{}, dbErr(err, "save the message")
	}
	return m, dbErr(tx.Commit(), "save the message")
}

// MessageUpdate changes a message's content, fragment, result or status;
// nil fields are kept. Attachments never change after AddMessage.
type MessageUpdate struct {
	Content  *string
	Fragment json.RawMessage
	Result   json.RawMessage
	Status   *string
}

// MarkInterrupted turns every message left streaming (by a crash or a
// kill: nothing else leaves one) into an interrupted one, and says how many.
// Run it at start-up, before any turn can begin.
func (s *Store) MarkInterrupted(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE messages SET status = ? WHERE status = ?`, MessageInterrupted, MessageStreaming)
	if err != nil {
		return 0, dbErr(err, "recover unfinished answers")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// UpdateMessage applies an update.
func (s *Store) UpdateMessage(ctx context.Context, id string, u MessageUpdate) error {
	res, err := s.db.ExecContext(ctx, `UPDATE messages SET
		content = COALESCE(?, content),
		fragment = COALESCE(?, fragment),
		result = COALESCE(?, result),
		status = COALESCE(?, status)
		WHERE id = ?`, u.Content, nullJSON(u.Fragment), nullJSON(u.Result), u.Status, id)
	if err != nil {
		return dbErr(err, "save the message")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That message no longer exists.")
	}
	return nil
}

// GetMessage returns one message with its attachments.
func (s *Store) GetMessage(ctx context.Context, id string) (Message, error) {
	return s.oneMessage(ctx, `SELECT `+messageCols+` FROM messages WHERE id=?`, id)
}

// LastUserMessage returns the project's newest user message with its
// attachments; NotFound when the chat has none.
func (s *Store) LastUserMessage(ctx context.Context, projectID string) (Message, error) {
	return s.oneMessage(ctx, `SELECT `+messageCols+` FROM messages WHERE project_id=? AND role='user' ORDER BY seq DESC LIMIT 1`, projectID)
}

func (s *Store) oneMessage(ctx context.Context, query string, args ...any) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, apperr.New(apperr.NotFound, "That message no longer exists.")
	}
	if err != nil {
		return Message{}, dbErr(err, "read the message")
	}
	ms := []Message{m}
	if err := withAttachments(ctx, s.db, ms); err != nil {
		return Message{}, dbErr(err, "read the message")
	}
	return ms[0], nil
}

// ListMessages returns a project's whole chat in order, with attachments.
// The chat itself never needs all of it (see ListMessagesPage and
// RecentMessages); this is for export and tests.
func (s *Store) ListMessages(ctx context.Context, projectID string) ([]Message, error) {
	out, err := s.queryMessages(ctx, `SELECT `+messageCols+` FROM messages WHERE project_id=? ORDER BY seq`, projectID)
	if err == nil {
		err = withAttachments(ctx, s.db, out)
	}
	if err != nil {
		return nil, dbErr(err, "read the chat")
	}
	return out, nil
}

func (s *Store) queryMessages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DeleteMessagesFrom removes the message with seq and everything after it
// (undo, retry).
func (s *Store) DeleteMessagesFrom(ctx context.Context, projectID string, seq int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM messages WHERE project_id=? AND seq>=?`, projectID, seq)
	return dbErr(err, "delete messages")
}

// DeleteExchange removes one message: an answer alone, or a prompt with
// the answers that follow it (up to the next prompt), so the chat never
// keeps an answer to a question that is gone. It reports how many rows
// went; 0 and NotFound when the message is not in the project.
func (s *Store) DeleteExchange(ctx context.Context, projectID, messageID string) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, dbErr(err, "delete the message")
	}
	defer tx.Rollback()
	var seq int64
	var role string
	err = tx.QueryRowContext(ctx, `SELECT seq, role FROM messages WHERE project_id=? AND id=?`, projectID, messageID).Scan(&seq, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New(apperr.NotFound, "That message no longer exists.")
	}
	if err != nil {
		return 0, dbErr(err, "delete the message")
	}
	end := seq // inclusive
	if role == "user" {
		var next sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(seq) FROM messages WHERE project_id=? AND seq>? AND role='user'`, projectID, seq).Scan(&next); err != nil {
			return 0, dbErr(err, "delete the message")
		}
		end = 1 << 62
		if next.Valid {
			end = next.Int64 - 1
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE project_id=? AND seq>=? AND seq<=?`, projectID, seq, end)
	if err != nil {
		return 0, dbErr(err, "delete the message")
	}
	n, _ := res.RowsAffected()
	return n, dbErr(tx.Commit(), "delete the message")
}

// ListMessagesPage returns up to limit messages of a project that come
// before beforeSeq (0 = the newest), oldest first, with their attachments,
// and whether older ones exist. The page opens a long chat with its newest
// page and fetches older pages as the person scrolls up, so opening costs
// the same at 50 or 50,000 messages.
func (s *Store) ListMessagesPage(ctx context.Context, projectID string, beforeSeq int64, limit int) ([]Message, bool, error) {
	out, more, err := s.page(ctx, projectID, beforeSeq, limit)
	if err == nil {
		err = withAttachments(ctx, s.db, out)
	}
	if err != nil {
		return nil, false, dbErr(err, "read the chat")
	}
	return out, more, nil
}

// RecentMessages returns the newest limit messages of a project, oldest
// first, WITHOUT attachments: a prompt is built from the recent turns
// only, and an old image (base64, megabytes) is read only when the model
// is going to see it (Attachments).
func (s *Store) RecentMessages(ctx context.Context, projectID string, limit int) ([]Message, error) {
	out, _, err := s.page(ctx, projectID, 0, limit)
	if err != nil {
		return nil, dbErr(err, "read the chat")
	}
	return out, nil
}

func (s *Store) page(ctx context.Context, projectID string, beforeSeq int64, limit int) ([]Message, bool, error) {
	if limit <= 0 {
		limit = 50
	}
	out, more, err := s.pageBySize(ctx, projectID, beforeSeq, limit)
	if err != nil {
		return nil, false, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, more, nil
}
