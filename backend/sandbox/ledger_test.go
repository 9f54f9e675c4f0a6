package sandbox

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
	"tessera/backend/store"
)

// busyEnv is newCostEnv on a database file the test can hold busy from a
// second connection, with a short busy timeout so each refused write
// fails fast, and a log the test can wait on.
type busyEnv struct {
	*fenv
	path string
	kept chan struct{} // a "kept to write again" warning was logged
}

type keptHandler struct {
	slog.Handler
	once *sync.Once
	kept chan struct{}
}

func (h keptHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "kept to write again") {
		h.once.Do(func() { close(h.kept) })
	}
	return nil
}
func (h keptHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h keptHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h keptHandler) WithGroup(string) slog.Handler            { return h }

func newBusyEnv(t *testing.T) *busyEnv {
	t.Helper()
	clock := e2btest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	fake := e2btest.New(t, e2btest.WithClock(clock))
	ecfg := fake.Config("e2b_test_key")
	client, err := e2b.New(ecfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	st, err := store.Open(ctx, path, store.WithClock(clock.Now), store.WithBusyTimeout(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := &busyEnv{path: path, kept: make(chan struct{})}
	h := keptHandler{Handler: slog.DiscardHandler, once: &sync.Once{}, kept: b.kept}
	e := &fenv{t: t, ctx: ctx, clock: clock, fake: fake, client: client, st: st, rec: events.NewRecorder()}
	e.cfg = testConfig(LazyClient(func(context.Context) (e2b.Config, error) { return ecfg, nil }), st, e.rec, clock.Now,
		[]func(*Config){func(c *Config) { c.Logger = slog.New(h) }})
	e.m = NewManager(e.cfg)
	t.Cleanup(e.m.Close)
	b.fenv = e
	return b
}

// hold opens a second connection that takes the write lock (as the
// person's sqlite3 or another Tessera would) and returns its release.
func (b *busyEnv) hold() (release func()) {
	b.t.Helper()
	db, err := sql.Open("sqlite", "file:"+b.path+"?_pragma=busy_timeout(0)")
	if err != nil {
		b.t.Fatal(err)
	}
	conn, err := db.Conn(b.ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := conn.ExecContext(b.ctx, "BEGIN IMMEDIATE"); err != nil {
		b.t.Fatal(err)
	}
	return func() {
		if _, err := conn.ExecContext(b.ctx, "ROLLBACK"); err != nil {
			b.t.Error(err)
		}
		conn.Close()
		db.Close()
	}
}

// waitKept waits for the manager to say it kept running time it could not
// write (a bound only so that a failure ends the test).
func (b *busyEnv) waitKept() {
	b.t.Helper()
	select {
	case <-b.kept:
	case <-time.After(30 * time.Second):
		b.t.Fatal("the manager never said it kept running time for later")
	}
}

// storedToday is the day's seconds as the database has them (not the
// manager's view, which adds what it holds).
func (b *busyEnv) storedToday(projectID string) int64 {
	b.t.Helper()
	days, err := b.st.UsageDays(b.ctx, projectID, b.clock.Now(), b.clock.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	if len(days) == 0 {
		return 0
	}
	return days[0].Seconds
}

func TestRunningTimeSurvivesABusyDatabase(t *testing.T) {
	b := newBusyEnv(t)
	p := b.project("busy")
	h := b.ensure(p.ID)
	b.run(3*time.Minute, 15*time.Second, func() { b.m.Touch(p.ID) })
	before := b.storedToday(p.ID)
	if before < 120 {
		t.Fatalf("only %d s written before the database was held", before)
	}

	release := b.hold()
	b.run(5*time.Minute, 15*time.Second, func() { b.m.Touch(p.ID) })
	b.waitKept() // the manager said it kept what it could not write
	if got := b.storedToday(p.ID); got != before {
		t.Fatalf("a write went through a held database: %d → %d", before, got)
	}
	// Meanwhile the person's view counts every second.
	if st, ran := b.m.Status(p.ID), b.fake.RunningSeconds(h.SandboxID); float64(st.RunningSecondsToday) != ran {
		t.Fatalf("status says %d s while busy; E2B ran %.0f s", st.RunningSecondsToday, ran)
	}
	release()

	b.run(time.Minute, 15*time.Second, func() { b.m.Touch(p.ID) })
	if err := b.m.Pause(b.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	ran := b.fake.RunningSeconds(h.SandboxID)
	if got := b.storedToday(p.ID); float64(got) != ran {
		t.Fatalf("the day's seconds are %d; E2B ran %.0f s", got, ran)
	}
	if c, err := b.m.Cost(b.ctx, p.ID); err != nil || float64(c.Today.RunningSeconds) != ran {
		t.Fatalf("cost today %+v, %v; E2B ran %.0f s", c.Today, err, ran)
	}
}

// Closing while the database is busy: Close keeps trying, and the time
// lands once the other connection lets go.
func TestCloseWritesRunningTimeOnceTheDatabaseIsFree(t *testing.T) {
	b := newBusyEnv(t)
	p := b.project("closing")
	h := b.ensure(p.ID)
	b.run(2*time.Minute, 15*time.Second, func() { b.m.Touch(p.ID) })
	b.clock.Advance(10 * time.Second) // time Close has to write
	release := b.hold()
	closed := make(chan struct{})
	go func() {
		b.m.Close()
		close(closed)
	}()
	b.waitKept()
	release()
	<-closed
	ran := b.fake.RunningSeconds(h.SandboxID)
	if got := b.storedToday(p.ID); float64(got) != ran {
		t.Fatalf("after Close the day's seconds are %d; E2B ran %.0f s", got, ran)
	}
}
