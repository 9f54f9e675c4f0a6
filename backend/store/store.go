// Package store keeps everything Tessera knows in one SQLite file: projects,
// their chat messages, the local copy of each project's files, the
// dependency installs to replay on a rebuilt sandbox, sandbox usage and
// settings. Repositories take a context and return domain types.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"tessera/backend/apperr"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the database handle. It is safe for concurrent use.
type Store struct {
	db  *sql.DB
	now func() time.Time
	// upTo stops the migrations at this version (0 = all); tests use it to
	// build a database as an older Tessera left it.
	upTo int
	// busy is how long a statement waits for another writer (busy_timeout).
	busy time.Duration
}

// Option configures Open.
type Option func(*Store)

// WithClock injects the clock used for timestamps (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithBusyTimeout sets how long a write waits for another connection's
// write transaction before it fails with SQLITE_BUSY (default 5 s; tests
// that hold the database busy use less).
func WithBusyTimeout(d time.Duration) Option { return func(s *Store) { s.busy = d } }

// Open opens (creating if needed) the database at path and applies pending
// migrations in one transaction. A database written by a newer Tessera is
// refused and left untouched.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if _, err := os.Stat(path); err == nil {
		// Look before touching anything: opening with our pragmas rewrites
		// the file header (journal_mode WAL), and a database written by a
		// newer Tessera must stay exactly as it is.
		if err := checkNotNewer(ctx, path); err != nil {
			return nil, err
		}
	}
	// Create the file ourselves so it is private from the start: SQLite
	// gives the -wal and -shm files the database file's permissions.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not open its database file "+path+". Check that you may write there.")
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not protect its database file.")
	}
	s := &Store{now: time.Now, busy: 5 * time.Second}
	for _, o := range opts {
		o(s)
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.busy.Milliseconds()))
	q.Add("_pragma", "synchronous(NORMAL)")
	// Deleted rows are overwritten with zeros (issue 30): run results,
	// messages and variables can hold a secret the sandbox printed, and a
	// deleted project's must not stay readable in free pages. SQLite has
	// it per connection, not per table; the cost is the writes of the
	// freed pages, paid on deletes only.
	q.Add("_pragma", "secure_delete(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not open its database.")
	}
	s.db = db
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Checkpoint copies the WAL into the database file and truncates it to
// zero bytes, so that nothing deleted or overwritten stays readable in the
// WAL (after a value became secret, after a project was deleted). A reader
// holding an old snapshot makes SQLite leave part of the WAL; that is then
// reported as busy, and the next checkpoint (SQLite's own, or this one)
// finishes it.
func (s *Store) Checkpoint(ctx context.Context) error {
	var busy, logFrames, done int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return dbErr(err, "write its journal into the database")
	}
	if busy != 0 {
		return apperr.New(apperr.Conflict, "The database was busy; its journal is truncated at the next checkpoint.")
	}
	return nil
}

// DB exposes the handle for tests and benchmarks in other packages.
func (s *Store) DB() *sql.DB { return s.db }

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number and '_'", name)
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// LatestVersion is the schema version this build writes.
func LatestVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera's built-in database migrations are broken.")
	}
	if s.upTo > 0 {
		for len(ms) > 1 && ms[len(ms)-1].version > s.upTo {
			ms = ms[:len(ms)-1]
		}
	}
	latest := ms[len(ms)-1].version

	// Check the version before writing anything, so that a database from a
	// newer Tessera is not even given our bookkeeping table.
	current, err := s.currentVersion(ctx)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal,
			"Tessera could not read its database. The file may be damaged or not a Tessera database.")
	}
	if current > latest {
		return newerErr(current, latest)
	}
	if current == latest {
		return nil
	}
	// One connection for the whole upgrade, with a page cache large enough
	// for building an index over a big database (measured: a fifth of the
	// search index's time went to re-reading pages with the default 2 MB);
	// back to the default before the connection joins the pool.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not update its database.")
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -131072`); err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not update its database.")
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`) //nolint:errcheck // best effort: the default again
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not update its database.")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not update its database.")
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return apperr.Wrap(fmt.Errorf("migration %s: %w", m.name, err), apperr.Internal,
				upgradeFailed)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, s.now().UnixMilli()); err != nil {
			return apperr.Wrap(err, apperr.Internal, upgradeFailed)
		}
	}
	if err := tx.Commit(); err != nil {
		return apperr.Wrap(err, apperr.Internal, upgradeFailed)
	}
	return nil
}

// upgradeFailed is said when a migration fails: they run in one
// transaction, so the file is as it was, and says how to go on.
const upgradeFailed = "Tessera could not update its database; nothing was changed, and your projects are as they were. " +
	"The previous version of Tessera still opens them; the log (logs/tessera.log in the data folder) says what failed, for a report."

func newerErr(current, latest int) error {
	return apperr.Newf(apperr.Conflict,
		"This database was written by a newer version of Tessera (schema %d, this version knows up to %d). Update Tessera to open it; the file was left untouched.",
		current, latest)
}

// checkNotNewer reads the schema version through a read-only connection.
func checkNotNewer(ctx context.Context, path string) error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Set("mode", "ro")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not open its database.")
	}
	defer db.Close()
	current, err := (&Store{db: db}).currentVersion(ctx)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal,
			"Tessera could not read its database. The file may be damaged or not a Tessera database.")
	}
	if latest := LatestVersion(); current > latest {
		return newerErr(current, latest)
	}
	return nil
}

func (s *Store) currentVersion(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'`).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func dbErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return apperr.Wrap(err, apperr.Canceled, "The operation was stopped.")
	}
	if isDiskFull(err) {
		return apperr.Wrap(err, apperr.Unavailable, "The disk is full, so Tessera could not "+what+". Free some space and try again; nothing saved before was lost.")
	}
	return apperr.Wrap(err, apperr.Internal, "Tessera could not "+what+" in its database.")
}

// isDiskFull recognises SQLite's SQLITE_FULL (and the OS's ENOSPC) as the
// driver reports them.
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var se interface{ Code() int }
	if errors.As(err, &se) && se.Code()&0xff == 13 { // SQLITE_FULL, any extended code
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device")
}
