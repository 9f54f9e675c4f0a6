package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// UsageDay is one project's sandbox use on one calendar day: running
// seconds and what the sandbox had meanwhile (vCPU-seconds, MiB-seconds).
type UsageDay struct {
	Day           string // YYYY-MM-DD
	Seconds       int64
	VCPUSeconds   int64
	MemMiBSeconds int64
}

// AddUsage adds running time with the resources the sandbox had to the day
// of t. Seconds count towards Usage as AddRunningSeconds' do.
func (s *Store) AddUsage(ctx context.Context, projectID string, t time.Time, u UsageDay) error {
	if u.Seconds <= 0 && u.VCPUSeconds <= 0 && u.MemMiBSeconds <= 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sandbox_usage(project_id, day, seconds, vcpu_seconds, mem_mib_seconds) VALUES (?,?,?,?,?)
		ON CONFLICT(project_id, day) DO UPDATE SET seconds = seconds + excluded.seconds,
			vcpu_seconds = vcpu_seconds + excluded.vcpu_seconds, mem_mib_seconds = mem_mib_seconds + excluded.mem_mib_seconds`,
		projectID, t.Format("2006-01-02"), max(u.Seconds, 0), max(u.VCPUSeconds, 0), max(u.MemMiBSeconds, 0))
	return dbErr(err, "record sandbox usage")
}

// UsageDays returns the project's days from from to to (inclusive, by
// calendar day of each), oldest first; days without use are left out.
func (s *Store) UsageDays(ctx context.Context, projectID string, from, to time.Time) ([]UsageDay, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, seconds, vcpu_seconds, mem_mib_seconds FROM sandbox_usage
		WHERE project_id=? AND day >= ? AND day <= ? ORDER BY day`,
		projectID, from.Format("2006-01-02"), to.Format("2006-01-02"))
	if err != nil {
		return nil, dbErr(err, "read sandbox usage")
	}
	defer rows.Close()
	var out []UsageDay
	for rows.Next() {
		var d UsageDay
		if err := rows.Scan(&d.Day, &d.Seconds, &d.VCPUSeconds, &d.MemMiBSeconds); err != nil {
			return nil, dbErr(err, "read sandbox usage")
		}
		out = append(out, d)
	}
	return out, dbErr(rows.Err(), "read sandbox usage")
}

// Budget returns the project's monthly sandbox budget in US dollars; 0 when
// none is set.
func (s *Store) Budget(ctx context.Context, projectID string) (float64, error) {
	var v float64
	err := s.db.QueryRowContext(ctx, `SELECT monthly_usd FROM sandbox_budgets WHERE project_id=?`, projectID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, dbErr(err, "read the sandbox budget")
}

// SetBudget sets the project's monthly budget; usd <= 0 removes it.
func (s *Store) SetBudget(ctx context.Context, projectID string, usd float64) error {
	var err error
	if usd <= 0 {
		_, err = s.db.ExecContext(ctx, `DELETE FROM sandbox_budgets WHERE project_id=?`, projectID)
	} else {
		_, err = s.db.ExecContext(ctx, `INSERT INTO sandbox_budgets(project_id, monthly_usd) VALUES (?,?)
			ON CONFLICT(project_id) DO UPDATE SET monthly_usd=excluded.monthly_usd`, projectID, usd)
	}
	return dbErr(err, "save the sandbox budget")
}

// Publish is a published preview link.
type Publish struct {
	SandboxID string
	Port      int
	URL       string
	Until     time.Time
}

// SetPublish records the project's published link (replacing any).
func (s *Store) SetPublish(ctx context.Context, projectID string, p Publish) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sandbox_publish(project_id, sandbox_id, port, url, until) VALUES (?,?,?,?,?)
		ON CONFLICT(project_id) DO UPDATE SET sandbox_id=excluded.sandbox_id, port=excluded.port, url=excluded.url, until=excluded.until`,
		projectID, p.SandboxID, p.Port, p.URL, p.Until.UnixMilli())
	return dbErr(err, "save the published link")
}

// GetPublish returns the project's published link; ok is false when none.
func (s *Store) GetPublish(ctx context.Context, projectID string) (p Publish, ok bool, err error) {
	var until int64
	err = s.db.QueryRowContext(ctx, `SELECT sandbox_id, port, url, until FROM sandbox_publish WHERE project_id=?`, projectID).
		Scan(&p.SandboxID, &p.Port, &p.URL, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return Publish{}, false, nil
	}
	if err != nil {
		return Publish{}, false, dbErr(err, "read the published link")
	}
	p.Until = time.UnixMilli(until)
	return p, true, nil
}

// ClearPublish forgets the project's published link.
func (s *Store) ClearPublish(ctx context.Context, projectID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sandbox_publish WHERE project_id=?`, projectID)
	return dbErr(err, "forget the published link")
}
