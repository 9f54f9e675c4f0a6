package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"tessera/backend/apperr"
	"tessera/backend/names"
)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// KeepSandbox postpones the cleanup of the project's idle sandbox: its idle
// time counts from now.
func (s *Store) KeepSandbox(ctx context.Context, projectID string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE projects SET kept_at=? WHERE id=?`, ms(s.now()), projectID)
	if err != nil {
		return dbErr(err, "keep the sandbox")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That project no longer exists.")
	}
	return nil
}

// MarkSandboxRemoved records that the cleanup killed the project's sandbox
// (it had the id sandboxID): the project has no sandbox and says it will be
// rebuilt on next use. Nothing changes when the project meanwhile got
// another sandbox (false is returned).
func (s *Store) MarkSandboxRemoved(ctx context.Context, projectID, sandboxID string, at time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE projects SET sandbox_id='', sandbox_state=?, sandbox_removed_at=?
		WHERE id=? AND sandbox_id=?`, SandboxNone, ms(at), projectID, sandboxID)
	if err != nil {
		return false, dbErr(err, "record the removed sandbox")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// copySuffix names a duplicate.
const copySuffix = " (copy)"

// CopyName is the name of a duplicate of a project called name, within
// MaxNameLen.
func CopyName(name string) string {
	n := strings.TrimSpace(name)
	if max := MaxNameLen - names.Len(copySuffix); names.Len(n) > max {
		n = names.Prefix(n, max)
	}
	return strings.TrimSpace(n) + copySuffix
}

// DuplicateProject makes a new project with a copy of another's chat
// (messages and their attachments), recorded installs and environment
// (secret rows too: the caller copies their keychain values), in one
// transaction. It gets no sandbox (the first use builds one from the
// files) and no files nor folder yet: the caller copies the folder and
// the files owner (package projectfiles) indexes it.
func (s *Store) DuplicateProject(ctx context.Context, fromID, name string) (Project, error) {
	from, err := s.GetProject(ctx, fromID)
	if err != nil {
		return Project{}, err
	}
	if name == "" {
		name = CopyName(from.Name)
	}
	if name, err = ValidateName(name); err != nil {
		return Project{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Project{}, dbErr(err, "duplicate the project")
	}
	defer tx.Rollback()
	now := s.now()
	id := uuid.NewString()
	if _, err := tx.ExecContext(ctx, `INSERT INTO projects(`+projectCols+`) VALUES (?,?,?,?,'',?,?,?,?,'')`,
		id, name, from.Description, from.Template, SandboxNone, ms(now), ms(now), ms(now)); err != nil {
		return Project{}, dbErr(err, "duplicate the project")
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE project_id=? ORDER BY seq`, fromID)
	if err != nil {
		return Project{}, dbErr(err, "duplicate the project")
	}
	var msgIDs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return Project{}, dbErr(err, "duplicate the project")
		}
		msgIDs = append(msgIDs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Project{}, dbErr(err, "duplicate the project")
	}
	for _, old := range msgIDs {
		nm := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages(`+messageCols+`)
			SELECT ?, ?, seq, role, content, fragment, result, status, created_at FROM messages WHERE id=?`, nm, id, old); err != nil {
			return Project{}, dbErr(err, "duplicate the project's chat")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO message_attachments(message_id, position, mime, data)
			SELECT ?, position, mime, data FROM message_attachments WHERE message_id=?`, nm, old); err != nil {
			return Project{}, dbErr(err, "duplicate the project's chat")
		}
	}
	for _, q := range []string{
		`INSERT INTO project_installs(project_id, seq, command, created_at) SELECT ?, seq, command, created_at FROM project_installs WHERE project_id=?`,
		`INSERT INTO project_env(project_id, name, value, secret, updated_at) SELECT ?, name, value, secret, updated_at FROM project_env WHERE project_id=?`,
	} {
		if _, err := tx.ExecContext(ctx, q, id, fromID); err != nil {
			return Project{}, dbErr(err, "duplicate the project")
		}
	}
	if err := tx.Commit(); err != nil {
		return Project{}, dbErr(err, "duplicate the project")
	}
	return s.GetProject(ctx, id)
}
