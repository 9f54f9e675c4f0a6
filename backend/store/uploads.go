package store

import (
	"context"
	"time"
)

// Upload is one file the person uploaded into a project: its path (also
// in project_files and the workspace), size, kind (csv, text, binary) and
// the summary the model is told instead of the whole file.
type Upload struct {
	Path      string    `json:"path"`
	Size      int64     `json:"size"`
	Kind      string    `json:"kind"`
	Summary   string    `json:"summary"`
	CreatedAt time.Time `json:"createdAt"`
}

// PutUpload records an uploaded file (replacing an earlier upload of the
// same path). Its content is the project's files' (package projectfiles
// keeps it in the folder and in project_files, before this is recorded):
// ListUploads lists only uploads still among the project's files.
func (s *Store) PutUpload(ctx context.Context, projectID string, u Upload) (Upload, error) {
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO project_uploads(project_id, path, size, kind, summary, created_at) VALUES (?,?,?,?,?,?)
		ON CONFLICT(project_id, path) DO UPDATE SET size=excluded.size, kind=excluded.kind, summary=excluded.summary, created_at=excluded.created_at`,
		projectID, u.Path, u.Size, u.Kind, u.Summary, ms(now)); err != nil {
		return Upload{}, dbErr(err, "save the uploaded file")
	}
	u.CreatedAt = time.UnixMilli(ms(now)).UTC()
	return u, nil
}

// ListUploads returns the project's uploaded files that are still among
// its files (a restore to an older version may have removed one), by path.
func (s *Store) ListUploads(ctx context.Context, projectID string) ([]Upload, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.path, u.size, u.kind, u.summary, u.created_at FROM project_uploads u
		JOIN project_files f ON f.project_id = u.project_id AND f.path = u.path
		WHERE u.project_id=? ORDER BY u.path`, projectID)
	if err != nil {
		return nil, dbErr(err, "read the uploaded files")
	}
	defer rows.Close()
	out := []Upload{}
	for rows.Next() {
		var u Upload
		var created int64
		if err := rows.Scan(&u.Path, &u.Size, &u.Kind, &u.Summary, &created); err != nil {
			return nil, dbErr(err, "read the uploaded files")
		}
		u.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, u)
	}
	return out, dbErr(rows.Err(), "read the uploaded files")
}
