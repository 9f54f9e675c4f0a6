//go:build unix

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkUpgradeSearchIndex is issue 23's upgrade: a database from before
// search (schema 3) with 100k messages, opened by this version, which
// builds the search index (0004) and applies every later migration. The
// target is 3 s on the project's 2-core machine. -short: 1k messages.
func BenchmarkUpgradeSearchIndex(b *testing.B) {
	ctx := context.Background()
	projects, messages := 1000, 100_000
	if testing.Short() {
		projects, messages = 10, 1_000
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "old.db")
		old, err := Open(ctx, path, func(s *Store) { s.upTo = 3 })
		if err != nil {
			b.Fatal(err)
		}
		fillOld(b, old, projects, messages)
		old.Close()
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		// Wall time, and the CPU time it took: on a shared machine the
		// second is what the code costs, the first what a person waits.
		b.ReportMetric(time.Since(t0).Seconds(), "s/upgrade")
		b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s/upgrade")
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM search_docs WHERE kind = 'message'`).Scan(&n); err != nil || n != messages {
			b.Fatalf("indexed %d messages (%v), want %d", n, err, messages)
		}
		s.Close()
	}
}

// fillOld writes projects and messages of the length people send (a few
// hundred characters; every other answer with a fragment).
func fillOld(b testing.TB, s *Store, projects, messages int) {
	b.Helper()
	tx, err := s.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	words := strings.Fields("make a small app that plots the weather of the week with a chart and a table " +
		"then add a button to export it as csv and fix the error in the date parsing please")
	text := func(seed, n int) string {
		var sb strings.Builder
		for j := 0; j < n; j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[(seed*7+j*13)%len(words)])
			if j%9 == 0 {
				fmt.Fprintf(&sb, "%d", seed%977)
			}
		}
		return sb.String()
	}
	for p := 0; p < projects; p++ {
		if _, err := tx.Exec(`INSERT INTO projects(id, name, description, created_at, updated_at, last_activity_at) VALUES (?,?,?,0,0,0)`,
			fmt.Sprintf("p%d", p), fmt.Sprintf("Project %d", p), text(p, 8)); err != nil {
			b.Fatal(err)
		}
	}
	for m := 0; m < messages; m++ {
		frag := any(nil)
		if m%2 == 1 {
			frag = fmt.Sprintf(`{"title":%q,"description":%q,"code":%q}`, text(m, 3), text(m+1, 10), text(m+2, 40))
		}
		if _, err := tx.Exec(`INSERT INTO messages(id, project_id, seq, role, content, fragment, created_at) VALUES (?,?,?,?,?,?,0)`,
			fmt.Sprintf("m%d", m), fmt.Sprintf("p%d", m%projects), m, []string{"user", "assistant"}[m%2], text(m, 30+m%50), frag); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
