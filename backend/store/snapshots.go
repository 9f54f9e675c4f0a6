package store

import (
	"context"
	"database/sql"
	"errors"

	"tessera/backend/apperr"
)

// RestorePoint is an E2B snapshot tied to a version (workspace commit) of
// a project: restoring that version creates the sandbox from it.
type RestorePoint struct {
	ProjectID  string
	Version    string // commit hash
	SnapshotID string
	Template   string // the template the snapshotted sandbox was made from
	CreatedAt  int64  // unix ms
}

// TieSnapshot makes snapshotID the restore point of the project's version.
// A snapshot the version had before that no other version shares becomes
// unneeded (see UnneededSnapshots).
func (s *Store) TieSnapshot(ctx context.Context, rp RestorePoint) error {
	if rp.ProjectID == "" || rp.Version == "" || rp.SnapshotID == "" {
		return apperr.New(apperr.Invalid, "A restore point needs a project, a version and a snapshot.")
	}
	const what = "save the restore point"
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(err, what)
	}
	defer tx.Rollback()
	var old string
	err = tx.QueryRowContext(ctx, `SELECT snapshot_id FROM snapshots WHERE project_id=? AND version=?`, rp.ProjectID, rp.Version).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbErr(err, what)
	}
	if old == rp.SnapshotID {
		return nil
	}
	if old != "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM snapshots WHERE project_id=? AND version=?`, rp.ProjectID, rp.Version); err != nil {
			return dbErr(err, what)
		}
		if err := orphanIfUnused(ctx, tx, rp.ProjectID, old, ms(s.now())); err != nil {
			return dbErr(err, what)
		}
	}
	created := rp.CreatedAt
	if created == 0 {
		created = ms(s.now())
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO snapshots(project_id, version, snapshot_id, template, created_at) VALUES (?,?,?,?,?)`,
		rp.ProjectID, rp.Version, rp.SnapshotID, rp.Template, created); err != nil {
		return dbErr(err, what)
	}
	// A snapshot waiting for deletion that is needed again stays.
	if _, err := tx.ExecContext(ctx, `DELETE FROM snapshots WHERE version='' AND snapshot_id=?`, rp.SnapshotID); err != nil {
		return dbErr(err, what)
	}
	return dbErr(tx.Commit(), what)
}

// orphanIfUnused marks snapshotID unneeded when no version refers to it.
func orphanIfUnused(ctx context.Context, tx *sql.Tx, projectID, snapshotID string, now int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM snapshots WHERE snapshot_id=? AND version!=''`, snapshotID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO snapshots(project_id, version, snapshot_id, created_at) VALUES (?, '', ?, ?)`, projectID, snapshotID, now)
	return err
}

// RestorePointOf returns the restore point of a version; NotFound when the
// version has none.
func (s *Store) RestorePointOf(ctx context.Context, projectID, version string) (RestorePoint, error) {
	rp := RestorePoint{ProjectID: projectID, Version: version}
	err := s.db.QueryRowContext(ctx, `SELECT snapshot_id, template, created_at FROM snapshots WHERE project_id=? AND version=? AND version!=''`,
		projectID, version).Scan(&rp.SnapshotID, &rp.Template, &rp.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return RestorePoint{}, apperr.New(apperr.NotFound, "That version has no restore point.")
	}
	return rp, dbErr(err, "read the restore point")
}

// RestorePoints returns the project's restore points (one per version that
// has one), newest first.
func (s *Store) RestorePoints(ctx context.Context, projectID string) ([]RestorePoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, snapshot_id, template, created_at FROM snapshots
		WHERE project_id=? AND version!='' ORDER BY created_at DESC, version`, projectID)
	if err != nil {
		return nil, dbErr(err, "read the restore points")
	}
	defer rows.Close()
	out := []RestorePoint{}
	for rows.Next() {
		rp := RestorePoint{ProjectID: projectID}
		if err := rows.Scan(&rp.Version, &rp.SnapshotID, &rp.Template, &rp.CreatedAt); err != nil {
			return nil, dbErr(err, "read the restore points")
		}
		out = append(out, rp)
	}
	return out, dbErr(rows.Err(), "read the restore points")
}

// KeepSnapshots keeps the project's keep newest snapshots (by when one was
// last tied to a version); the versions of older ones lose their restore
// point and those snapshots become unneeded. keep <= 0 drops them all
// (a deleted project). It returns how many snapshots became unneeded.
func (s *Store) KeepSnapshots(ctx context.Context, projectID string, keep int) (int, error) {
	const what = "tidy the restore points"
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, dbErr(err, what)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT snapshot_id FROM snapshots WHERE project_id=? AND version!=''
		GROUP BY snapshot_id ORDER BY MAX(created_at) DESC, snapshot_id`, projectID)
	if err != nil {
		return 0, dbErr(err, what)
	}
	var drop []string
	for i := 0; rows.Next(); i++ {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, dbErr(err, what)
		}
		if i >= keep {
			drop = append(drop, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbErr(err, what)
	}
	now := ms(s.now())
	for _, id := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM snapshots WHERE project_id=? AND snapshot_id=? AND version!=''`, projectID, id); err != nil {
			return 0, dbErr(err, what)
		}
		if err := orphanIfUnused(ctx, tx, projectID, id, now); err != nil {
			return 0, dbErr(err, what)
		}
	}
	return len(drop), dbErr(tx.Commit(), what)
}

// UnneededSnapshots returns the snapshots no version needs, which Tessera
// deletes at E2B (then ForgetSnapshot).
func (s *Store) UnneededSnapshots(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT snapshot_id FROM snapshots WHERE version='' ORDER BY snapshot_id`)
	if err != nil {
		return nil, dbErr(err, "read the restore points")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr(err, "read the restore points")
		}
		out = append(out, id)
	}
	return out, dbErr(rows.Err(), "read the restore points")
}

// SnapshotProjects returns the ids of the projects that have snapshot rows
// (needed or not), for tidying those of deleted projects.
func (s *Store) SnapshotProjects(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT project_id FROM snapshots WHERE version!='' ORDER BY project_id`)
	if err != nil {
		return nil, dbErr(err, "read the restore points")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr(err, "read the restore points")
		}
		out = append(out, id)
	}
	return out, dbErr(rows.Err(), "read the restore points")
}

// ForgetSnapshot removes an unneeded snapshot once E2B deleted it.
func (s *Store) ForgetSnapshot(ctx context.Context, snapshotID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM snapshots WHERE snapshot_id=? AND version=''`, snapshotID)
	return dbErr(err, "forget the restore point")
}

// DropSnapshot forgets a snapshot E2B no longer has: the versions tied to
// it lose their restore point.
func (s *Store) DropSnapshot(ctx context.Context, snapshotID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM snapshots WHERE snapshot_id=?`, snapshotID)
	return dbErr(err, "forget the restore point")
}
