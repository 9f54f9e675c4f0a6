package store

import (
	"context"
	"time"

	"tessera/backend/files"
)

// File is one file of a project's local copy, its path relative to the
// project root (the type every layer shares, see package files).
type File = files.File

// PutFiles upserts files of a project in one transaction. Callers have
// already validated the paths (see fragment and e2b path checks).
func (s *Store) PutFiles(ctx context.Context, projectID string, files []File) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(err, "save the project's files")
	}
	defer tx.Rollback()
	now := ms(s.now())
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_files(project_id, path, content, updated_at) VALUES (?,?,?,?)
			ON CONFLICT(project_id, path) DO UPDATE SET content=excluded.content, updated_at=excluded.updated_at`,
			projectID, f.Path, []byte(f.Content), now); err != nil { // a BLOB, as ever
			return dbErr(err, "save the project's files")
		}
	}
	return dbErr(tx.Commit(), "save the project's files")
}

// ProjectsWithFiles returns the ids of the projects that have files kept.
func (s *Store) ProjectsWithFiles(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT project_id FROM project_files`)
	if err != nil {
		return nil, dbErr(err, "read which projects have files")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr(err, "read which projects have files")
		}
		out[id] = true
	}
	return out, dbErr(rows.Err(), "read which projects have files")
}

// ListFiles returns the project's local copy, ordered by path.
func (s *Store) ListFiles(ctx context.Context, projectID string) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path, content FROM project_files WHERE project_id=? ORDER BY path`, projectID)
	if err != nil {
		return nil, dbErr(err, "read the project's files")
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.Path, &f.Content); err != nil {
			return nil, dbErr(err, "read the project's files")
		}
		out = append(out, f)
	}
	return out, dbErr(rows.Err(), "read the project's files")
}

// DeleteFile removes one file from the local copy.
func (s *Store) DeleteFile(ctx context.Context, projectID, path string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM project_files WHERE project_id=? AND path=?`, projectID, path)
	return dbErr(err, "delete the file")
}

// AddInstall records a dependency install command to replay on a rebuilt
// sandbox. Repeating the last recorded command is a no-op.
func (s *Store) AddInstall(ctx context.Context, projectID, command string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(err, "record the install")
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM project_installs WHERE project_id=? AND command=?`, projectID, command).Scan(&exists); err != nil {
		return dbErr(err, "record the install")
	}
	if exists > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO project_installs(project_id, seq, command, created_at)
		VALUES (?, COALESCE((SELECT max(seq) FROM project_installs WHERE project_id=?), 0) + 1, ?, ?)`,
		projectID, projectID, command, ms(s.now())); err != nil {
		return dbErr(err, "record the install")
	}
	return dbErr(tx.Commit(), "record the install")
}

// ListInstalls returns the recorded install commands in order.
func (s *Store) ListInstalls(ctx context.Context, projectID string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT command FROM project_installs WHERE project_id=? ORDER BY seq`, projectID)
	if err != nil {
		return nil, dbErr(err, "read the installs")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, dbErr(err, "read the installs")
		}
		out = append(out, c)
	}
	return out, dbErr(rows.Err(), "read the installs")
}

// AddRunningSeconds adds sandbox running time to the project's day total
// (day in the local calendar of t).
func (s *Store) AddRunningSeconds(ctx context.Context, projectID string, t time.Time, seconds int64) error {
	if seconds <= 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sandbox_usage(project_id, day, seconds) VALUES (?,?,?)
		ON CONFLICT(project_id, day) DO UPDATE SET seconds = seconds + excluded.seconds`,
		projectID, t.Format("2006-01-02"), seconds)
	return dbErr(err, "record sandbox usage")
}

// Usage returns the project's sandbox running seconds on the day of now and
// in total.
func (s *Store) Usage(ctx context.Context, projectID string, now time.Time) (today, total int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN day = ? THEN seconds END), 0), COALESCE(SUM(seconds), 0)
		FROM sandbox_usage WHERE project_id=?`, now.Format("2006-01-02"), projectID).Scan(&today, &total)
	return today, total, dbErr(err, "read sandbox usage")
}
