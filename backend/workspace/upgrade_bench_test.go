//go:build unix

package workspace

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"tessera/backend/store"
)

// BenchmarkUpgradeFolders1000 is issue 23's other one-time upgrade: 1,000
// projects from before workspaces, each with its files only in the
// database (project_files), get their folder under git with the files as
// the first version. The target is 2 s on the project's 2-core machine.
// -short: 20 projects.
func BenchmarkUpgradeFolders1000(b *testing.B) {
	ctx := context.Background()
	n := 1000
	if testing.Short() {
		n = 20
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		st, err := store.Open(ctx, filepath.Join(dir, "t.db"))
		if err != nil {
			b.Fatal(err)
		}
		tx, err := st.DB().Begin()
		if err != nil {
			b.Fatal(err)
		}
		for p := 0; p < n; p++ {
			id := fmt.Sprintf("p%04d", p)
			if _, err := tx.Exec(`INSERT INTO projects(id, name, description, created_at, updated_at, last_activity_at) VALUES (?,?,'',0,0,0)`,
				id, fmt.Sprintf("Project %d", p)); err != nil {
				b.Fatal(err)
			}
			for f, body := range []string{"print('hello')\n", "# notes\n", "numpy\npandas\n"} {
				if _, err := tx.Exec(`INSERT INTO project_files(project_id, path, content, updated_at) VALUES (?,?,?,0)`,
					id, []string{"script.py", "README.md", "requirements.txt"}[f], []byte(body)); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		m := Start(ctx, st, filepath.Join(dir, "ws"), slog.New(slog.DiscardHandler))
		b.StopTimer()
		b.ReportMetric(time.Since(t0).Seconds(), "s/upgrade")
		b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s/upgrade")
		ps, err := st.ListProjects(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			if p.Workspace == "" || !hasHistory(m.Path(p.Workspace)) {
				b.Fatalf("project %s has no folder with its first version", p.ID)
			}
		}
		st.Close()
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
