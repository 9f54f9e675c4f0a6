package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The budgets: a commit of a 500-file project ≤ 50 ms, the history
// of 1,000 versions ≤ 20 ms.

func project(n int) []File {
	files := make([]File, n)
	for i := range files {
		files[i] = File{Path: fmt.Sprintf("src/dir%02d/file%03d.ts", i%20, i), Content: []byte(fmt.Sprintf("export const v%d = %d\n", i, i))}
	}
	return files
}

// BenchmarkCommitTurn500 is one turn that changes 3 files of a 500-file project.
func BenchmarkCommitTurn500(b *testing.B) {
	ctx := context.Background()
	w, err := Open(filepath.Join(b.TempDir(), "w"))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := w.RecordTurn(ctx, project(500), "init", "m", "p/m"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		files := []File{{Path: "src/dir00/file000.ts", Content: []byte(fmt.Sprint(i))}, {Path: "src/dir01/file001.ts", Content: []byte(fmt.Sprint(i))}, {Path: fmt.Sprintf("new/%d.ts", i), Content: []byte("x")}}
		if _, changed, err := w.RecordTurn(ctx, files, "turn", "m", "p/m"); err != nil || !changed {
			b.Fatal(changed, err)
		}
	}
}

func BenchmarkHistory1000(b *testing.B) {
	ctx := context.Background()
	w, err := Open(filepath.Join(b.TempDir(), "w"))
	if err != nil {
		b.Fatal(err)
	}
	w.RecordTurn(ctx, project(50), "init", "m", "p/m")
	for i := 1; i < 1000; i++ {
		if _, _, err := w.RecordTurn(ctx, []File{{Path: fmt.Sprintf("src/dir%02d/file%03d.ts", i%20, i%50), Content: []byte(fmt.Sprint(i))}}, fmt.Sprint("turn ", i), "m", "p/m"); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, err := w.History(ctx, 0)
		if err != nil || len(h) != 1000 {
			b.Fatal(len(h), err)
		}
	}
}

// BenchmarkOutsideEdit500 is one file saved in the person's editor in a
// 500-file project: compared and committed as an outside version.
func BenchmarkOutsideEdit500(b *testing.B) {
	ctx := context.Background()
	w, err := Open(filepath.Join(b.TempDir(), "w"))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := w.RecordTurn(ctx, project(500), "init", "m", "p/m"); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(w.Root(), "src", "dir00", "file000.ts")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := os.WriteFile(p, []byte(fmt.Sprint("edited ", i)), 0o644); err != nil {
			b.Fatal(err)
		}
		if v, _, err := w.CommitOutside(ctx, "src/dir00/file000.ts"); err != nil || v.ID == "" {
			b.Fatal(v, err)
		}
	}
}

// BenchmarkOwnWriteCheck500 is what each event of Tessera's own writes
// costs: 3 paths compared with the current version, nothing committed.
func BenchmarkOwnWriteCheck500(b *testing.B) {
	ctx := context.Background()
	w, err := Open(filepath.Join(b.TempDir(), "w"))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := w.RecordTurn(ctx, project(500), "init", "m", "p/m"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v, _, err := w.CommitOutside(ctx, "src/dir00/file000.ts", "src/dir01/file001.ts", "src/dir02/file002.ts"); err != nil || v.ID != "" {
			b.Fatal(v, err)
		}
	}
}

// BenchmarkTree500 lists a 500-file project in 20 folders: what opening
// the Code tab's explorer costs on the Go side (issue 15: ≤ 50 ms).
func BenchmarkTree500(b *testing.B) {
	ctx := context.Background()
	w, err := Open(filepath.Join(b.TempDir(), "w"))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := w.RecordTurn(ctx, project(500), "init", "m", "p/m"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		es, _, err := w.Tree(ctx)
		if err != nil || len(es) != 500+1+1+20 { // files, .gitignore, src/, src/dirNN/
			b.Fatal(len(es), err)
		}
	}
}
