package store

import (
	"context"
	"database/sql"
	"strings"
)

// Attachment is one file a person attached to their message (today an
// image for a multimodal model). Kept in message_attachments, in order.
type Attachment struct {
	MIME string `json:"mime"`
	Data string `json:"data"` // base64, no data: prefix
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func insertAttachments(ctx context.Context, tx execer, messageID string, atts []Attachment) error {
	for i, a := range atts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO message_attachments(message_id, position, mime, data) VALUES (?, ?, ?, ?)`,
			messageID, i, a.MIME, a.Data); err != nil {
			return err
		}
	}
	return nil
}

// Attachments returns the attachments of the given messages, by message
// id, in order. Messages without attachments are absent from the map.
func (s *Store) Attachments(ctx context.Context, messageIDs []string) (map[string][]Attachment, error) {
	out, err := loadAttachments(ctx, s.db, messageIDs)
	return out, dbErr(err, "read the attachments")
}

// maxIDsPerQuery keeps the IN list well under SQLite's variable limit.
const maxIDsPerQuery = 500

func loadAttachments(ctx context.Context, q querier, ids []string) (map[string][]Attachment, error) {
	out := map[string][]Attachment{}
	for len(ids) > 0 {
		n := min(len(ids), maxIDsPerQuery)
		chunk := ids[:n]
		ids = ids[n:]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT message_id, mime, data FROM message_attachments
			WHERE message_id IN (?`+strings.Repeat(",?", len(chunk)-1)+`) ORDER BY message_id, position`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			var a Attachment
			if err := rows.Scan(&id, &a.MIME, &a.Data); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = append(out[id], a)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// withAttachments fills the Attachments of the user messages in ms.
func withAttachments(ctx context.Context, q querier, ms []Message) error {
	var ids []string
	for _, m := range ms {
		if m.Role == "user" {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	atts, err := loadAttachments(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i].Attachments = atts[ms[i].ID]
	}
	return nil
}
