package uploads

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

func csvOf(size int) []byte {
	var b bytes.Buffer
	b.WriteString("date,region,sales,units\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "2024-01-%02d,region-%d,%d.50,%d\n", i%28+1, i%17, i*3, i%9)
	}
	return b.Bytes()
}

// The summary reads the head and counts the lines of the whole file.
func BenchmarkSummarize50MB(b *testing.B) {
	data := csvOf(MaxFileBytes)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if kind, _ := Summarize("big.csv", data); kind != KindCSV {
			b.Fatal(kind)
		}
	}
}

// One 10 MB CSV through the whole upload: workspace write and commit,
// project_files and the uploads index (no sandbox).
func BenchmarkUpload10MB(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "t.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreateProject(ctx, store.NewProject{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	up := New(Config{Store: st, Files: projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(b.TempDir()), Store: st})})
	data := csvOf(10 << 20)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		data[len(data)-2] = byte('0' + i%10) // a new version each time
		if _, err := up.Upload(ctx, p.ID, []File{{Name: "sales.csv", Content: data}}, MaxInlineBytes); err != nil {
			b.Fatal(err)
		}
	}
}
