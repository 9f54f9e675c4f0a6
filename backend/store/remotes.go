package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tessera/backend/apperr"
)

// Remote is a project's git remote: where Push sends its history. The
// token is not here: it lives in the keychain.
type Remote struct {
	ProjectID string
	URL       string
	Username  string
	Branch    string
	PushedAt  time.Time // zero: never pushed
}

// GetRemote returns the project's remote, or a not_found error when it has
// none.
func (s *Store) GetRemote(ctx context.Context, projectID string) (Remote, error) {
	r := Remote{ProjectID: projectID}
	var pushed int64
	err := s.db.QueryRowContext(ctx, `SELECT url, username, branch, pushed_at FROM project_remotes WHERE project_id=?`, projectID).
		Scan(&r.URL, &r.Username, &r.Branch, &pushed)
	if errors.Is(err, sql.ErrNoRows) {
		return Remote{}, apperr.New(apperr.NotFound, "This project has no git remote yet.")
	}
	if err != nil {
		return Remote{}, dbErr(err, "read the project's git remote")
	}
	if pushed != 0 {
		r.PushedAt = fromMS(pushed)
	}
	return r, nil
}

// SetRemote saves the project's remote (its push time is kept when only
// the user name changes, cleared when the address does).
func (s *Store) SetRemote(ctx context.Context, r Remote) error {
	// Branch "" is the project's current branch at the time of each push.
	res, err := s.db.ExecContext(ctx, `INSERT INTO project_remotes(project_id, url, username, branch, updated_at)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM projects WHERE id=?)
		ON CONFLICT(project_id) DO UPDATE SET
			pushed_at = CASE WHEN url = excluded.url AND branch = excluded.branch THEN pushed_at ELSE 0 END,
			url=excluded.url, username=excluded.username, branch=excluded.branch, updated_at=excluded.updated_at`,
		r.ProjectID, r.URL, r.Username, r.Branch, ms(s.now()), r.ProjectID)
	if err != nil {
		return dbErr(err, "save the project's git remote")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That project no longer exists.")
	}
	return nil
}

// DeleteRemote forgets the project's remote (no error when it had none).
func (s *Store) DeleteRemote(ctx context.Context, projectID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM project_remotes WHERE project_id=?`, projectID)
	return dbErr(err, "remove the project's git remote")
}

// MarkPushed records a successful push.
func (s *Store) MarkPushed(ctx context.Context, projectID string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE project_remotes SET pushed_at=? WHERE project_id=?`, ms(at), projectID)
	return dbErr(err, "save the push time")
}
