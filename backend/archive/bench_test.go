package archive

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"tessera/backend/store"
	"tessera/backend/workspace"
)

// BenchmarkExportImport500 exports a 500-file project with 100 versions and
// 200 messages to a zip, then reads it back and rebuilds its workspace from
// the history: a project moving between computers.
func BenchmarkExportImport500(b *testing.B) {
	ctx := context.Background()
	w, err := workspace.Open(filepath.Join(b.TempDir(), "w"))
	if err != nil {
		b.Fatal(err)
	}
	files := make([]workspace.File, 500)
	for i := range files {
		files[i] = workspace.File{Path: fmt.Sprintf("src/dir%02d/file%03d.ts", i%20, i), Content: []byte(fmt.Sprintf("export const v%d = %d\n", i, i))}
	}
	if _, _, err := w.RecordTurn(ctx, files, "init", "m", "p/m"); err != nil {
		b.Fatal(err)
	}
	for v := 1; v < 100; v++ {
		if _, _, err := w.RecordTurn(ctx, []workspace.File{{Path: fmt.Sprintf("src/dir00/file%03d.ts", v%500), Content: []byte(fmt.Sprint(v))}}, "turn", "m", "p/m"); err != nil {
			b.Fatal(err)
		}
	}
	msgs := make([]store.Message, 200)
	for i := range msgs {
		msgs[i] = store.Message{ID: fmt.Sprint(i), Role: []string{"user", "assistant"}[i%2], Content: "some text of a message", Status: "done"}
	}
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%d.zip", i))
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(ctx, f, Source{Manifest: Manifest{Project: ProjectInfo{Name: "bench"}}, Workspace: w, Messages: msgs}); err != nil {
			b.Fatal(err)
		}
		f.Close()
		a, err := Open(ctx, p, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		pack, err := a.Pack()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := workspace.ImportPack(ctx, filepath.Join(dir, fmt.Sprintf("ws%d", i)), pack, a.Manifest.Head, DefaultLimits.Workspace()); err != nil {
			b.Fatal(err)
		}
		pack.Close()
		a.Close()
	}
}
