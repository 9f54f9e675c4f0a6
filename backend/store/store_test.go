package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openTest(t *testing.T) *Store {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenAppliesMigrationsOnceAndSetsPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var fk int
	var mode string
	if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n)
	all, _ := loadMigrations() // numbers need not be contiguous (0003 and 0004 come from parallel branches)
	if n != len(all) {
		t.Fatalf("migrations recorded %d, want %d", n, len(all))
	}
}

func TestNewerDatabaseRefusedAndUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, '999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(ctx, path)
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.MessageOf(err), "newer version of Tessera") {
		t.Fatalf("want conflict about a newer Tessera, got %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("the newer database was modified")
	}
}

func TestNewerRollbackJournalDatabaseUntouched(t *testing.T) {
	// A newer database in rollback-journal mode: enabling WAL would rewrite
	// its header, so the version must be checked before any pragma.
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
		INSERT INTO schema_migrations VALUES (999, '999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	if _, err := Open(context.Background(), path); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("want conflict, got %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("the newer database was modified")
	}
}

func TestFailedMigrationLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// A table in the way makes migration 1 fail half-way through.
	if _, err := db.Exec(`CREATE TABLE settings (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), path); err == nil {
		t.Fatal("expected the migration to fail")
	}
	db, _ = sql.Open("sqlite", path)
	defer db.Close()
	var n int
	db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name IN ('projects','schema_migrations')`).Scan(&n)
	if n != 0 {
		t.Fatalf("a failed migration left %d tables behind", n)
	}
}

func TestProjectValidation(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	cases := []struct {
		name, desc string
		ok         bool
	}{
		{"My app", "", true},
		{"  padded  ", "", true},
		{"", "", false},
		{"   ", "", false},
		{strings.Repeat("é", 100), "", true},
		{strings.Repeat("a", 101), "", false},
		{"two\nlines", "", false},
		{"ok", strings.Repeat("d", 1000), true},
		{"ok", strings.Repeat("d", 1001), false},
		{strings.Repeat("👨‍👩‍👧‍👦", 20), "", true},
		{"\u202Egnp.exe", "", false},
		{"\u200B\u200C\u200D", "", false},
		{"\u0301\u0301", "", false},
	}
	for _, c := range cases {
		p, err := s.CreateProject(ctx, NewProject{Name: c.name, Description: c.desc})
		if c.ok != (err == nil) {
			t.Errorf("name %q desc %d chars: err = %v", c.name, len(c.desc), err)
		}
		if err != nil && !apperr.Is(err, apperr.Invalid) {
			t.Errorf("want invalid, got %v", err)
		}
		if err == nil && p.Name != strings.TrimSpace(c.name) {
			t.Errorf("name not trimmed: %q", p.Name)
		}
	}
	// One spelling: "é" typed as e plus an accent is stored as one character.
	if p, err := s.CreateProject(ctx, NewProject{Name: "Cafe\u0301"}); err != nil || p.Name != "Caf\u00e9" {
		t.Errorf("name not NFC: %q, %v", p.Name, err)
	}
	ps, _ := s.ListProjects(ctx)
	if len(ps) != 6 {
		t.Fatalf("invalid input changed the database: %d projects", len(ps))
	}
}

func TestProjectCRUDAndOrder(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a, _ := s.CreateProject(ctx, NewProject{Name: "A"})
	b, _ := s.CreateProject(ctx, NewProject{Name: "B", Template: "nextjs-developer"})
	ps, _ := s.ListProjects(ctx)
	if ps[0].ID != b.ID {
		t.Fatalf("newest first: %v", ps)
	}
	if err := s.TouchProject(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	ps, _ = s.ListProjects(ctx)
	if ps[0].ID != a.ID {
		t.Fatal("touched project should be first")
	}
	name := "A2"
	if p, err := s.UpdateProject(ctx, a.ID, ProjectPatch{Name: &name}); err != nil || p.Name != "A2" {
		t.Fatal(p, err)
	}
	bad := ""
	if _, err := s.UpdateProject(ctx, a.ID, ProjectPatch{Name: &bad}); !apperr.Is(err, apperr.Invalid) {
		t.Fatal(err)
	}
	if p, _ := s.GetProject(ctx, a.ID); p.Name != "A2" {
		t.Fatal("bad rename changed the name")
	}
	if err := s.SetSandbox(ctx, a.ID, "sbx1", SandboxPaused); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.GetProject(ctx, a.ID); p.SandboxID != "sbx1" || p.SandboxState != SandboxPaused {
		t.Fatal(p)
	}
	if err := s.DeleteProject(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetProject(ctx, a.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatal(err)
	}
	if err := s.DeleteProject(ctx, a.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatal(err)
	}
}

func TestDeleteCascades(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	if _, err := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: "hi"}); err != nil {
		t.Fatal(err)
	}
	s.PutFiles(ctx, p.ID, []File{{Path: "app.py", Content: "print(1)"}})
	s.AddInstall(ctx, p.ID, "pip install x")
	s.AddRunningSeconds(ctx, p.ID, time.Now(), 10)
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []string{"messages", "project_files", "project_installs", "sandbox_usage"} {
		var n int
		s.db.QueryRow(`SELECT count(*) FROM ` + tbl).Scan(&n)
		if n != 0 {
			t.Errorf("%s kept %d rows", tbl, n)
		}
	}
}

func TestMessages(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	u, err := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: "make a chart"})
	if err != nil || u.Seq != 1 {
		t.Fatal(u, err)
	}
	a, _ := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "assistant", Status: MessageStreaming})
	frag := json.RawMessage(`{"title":"Chart"}`)
	done := MessageDone
	content := "Here"
	if err := s.UpdateMessage(ctx, a.ID, MessageUpdate{Content: &content, Fragment: frag, Status: &done}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateMessage(ctx, a.ID, MessageUpdate{Result: json.RawMessage(`{"kind":"python"}`)}); err != nil {
		t.Fatal(err)
	}
	ms, _ := s.ListMessages(ctx, p.ID)
	if len(ms) != 2 || ms[1].Seq != 2 || string(ms[1].Fragment) != `{"title":"Chart"}` || string(ms[1].Result) != `{"kind":"python"}` || ms[1].Status != "done" || ms[1].Content != "Here" {
		t.Fatalf("%+v", ms)
	}
	if _, err := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "robot"}); err == nil {
		t.Fatal("bad role accepted")
	}
	if _, err := s.AddMessage(ctx, Message{ProjectID: "nope", Role: "user"}); !apperr.Is(err, apperr.NotFound) {
		t.Fatal(err)
	}
	if err := s.DeleteMessagesFrom(ctx, p.ID, 2); err != nil {
		t.Fatal(err)
	}
	ms, _ = s.ListMessages(ctx, p.ID)
	if len(ms) != 1 {
		t.Fatal(ms)
	}
}

func TestFilesInstallsUsageSettings(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	s.PutFiles(ctx, p.ID, []File{{Path: "b.py", Content: "1"}, {Path: "a.py", Content: "2"}})
	s.PutFiles(ctx, p.ID, []File{{Path: "b.py", Content: "3"}})
	fs, _ := s.ListFiles(ctx, p.ID)
	if len(fs) != 2 || fs[0].Path != "a.py" || string(fs[1].Content) != "3" {
		t.Fatal(fs)
	}
	s.AddInstall(ctx, p.ID, "pip install a")
	s.AddInstall(ctx, p.ID, "npm i b")
	s.AddInstall(ctx, p.ID, "pip install a")
	is, _ := s.ListInstalls(ctx, p.ID)
	if strings.Join(is, ";") != "pip install a;npm i b" {
		t.Fatal(is)
	}
	day1 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	s.AddRunningSeconds(ctx, p.ID, day1, 100)
	s.AddRunningSeconds(ctx, p.ID, day2, 30)
	s.AddRunningSeconds(ctx, p.ID, day2, 12)
	today, total, err := s.Usage(ctx, p.ID, day2)
	if err != nil || today != 42 || total != 142 {
		t.Fatal(today, total, err)
	}
	if _, ok, _ := s.GetSetting(ctx, "x"); ok {
		t.Fatal("unset setting found")
	}
	s.SetSetting(ctx, "x", "1")
	s.SetSetting(ctx, "x", "2")
	if v, ok, _ := s.GetSetting(ctx, "x"); !ok || v != "2" {
		t.Fatal(v)
	}
}

func TestConcurrentWrites(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: "x"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := s.ListMessages(ctx, p.ID)
	for i, m := range ms {
		if m.Seq != int64(i+1) {
			t.Fatalf("seq gap at %d: %d", i, m.Seq)
		}
	}
}

func TestFilePermissions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Fatalf("database mode %v is readable by others", st.Mode().Perm())
	}
}

func TestListMessagesPage(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	for i := 0; i < 7; i++ {
		s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: "m"})
	}
	cases := []struct {
		before int64
		limit  int
		seqs   []int64
		more   bool
	}{
		{0, 3, []int64{5, 6, 7}, true},
		{5, 3, []int64{2, 3, 4}, true},
		{2, 3, []int64{1}, false},
		{0, 50, []int64{1, 2, 3, 4, 5, 6, 7}, false},
		{0, 7, []int64{1, 2, 3, 4, 5, 6, 7}, false},
		{1, 3, nil, false},
	}
	for _, c := range cases {
		ms, more, err := s.ListMessagesPage(ctx, p.ID, c.before, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, m := range ms {
			seqs = append(seqs, m.Seq)
		}
		if fmt.Sprint(seqs) != fmt.Sprint(c.seqs) || more != c.more {
			t.Errorf("before %d limit %d: %v more=%v", c.before, c.limit, seqs, more)
		}
	}
}

// Files keep any bytes (a string holds them) and stay BLOBs in the table,
// as before File became the shared files.File with string content.
func TestFilesKeepBytesAsBlobs(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	bin := string([]byte{0, 0xff, 0xfe, '\n', 0x80})
	if err := s.PutFiles(ctx, p.ID, []File{{Path: "data.bin", Content: bin}, {Path: "empty", Content: ""}}); err != nil {
		t.Fatal(err)
	}
	fs, err := s.ListFiles(ctx, p.ID)
	if err != nil || len(fs) != 2 || fs[0].Content != bin || fs[1].Content != "" {
		t.Fatalf("%v %q", err, fs)
	}
	var kind string
	if err := s.db.QueryRowContext(ctx, `SELECT typeof(content) FROM project_files WHERE path='data.bin'`).Scan(&kind); err != nil || kind != "blob" {
		t.Fatalf("stored as %q (%v)", kind, err)
	}
}
