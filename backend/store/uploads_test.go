package store

import (
	"context"
	"testing"
)

func TestUploadsIndex(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, err := s.CreateProject(ctx, NewProject{Name: "U"})
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("a,b\n\x00binary-safe\n")
	// The files owner keeps the content first (project_files), then the upload is recorded.
	put := func(path string, b []byte) {
		t.Helper()
		if err := s.PutFiles(ctx, p.ID, []File{{Path: path, Content: string(b)}}); err != nil {
			t.Fatal(err)
		}
	}
	if ups, _ := s.ListUploads(ctx, p.ID); len(ups) != 0 {
		t.Fatalf("%+v", ups)
	}
	put("data/a.csv", content)
	u, err := s.PutUpload(ctx, p.ID, Upload{Path: "data/a.csv", Size: int64(len(content)), Kind: "csv", Summary: "CSV"})
	if err != nil || u.CreatedAt.IsZero() {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := s.PutUpload(ctx, p.ID, Upload{Path: "data/b.bin", Size: 3, Kind: "binary"}); err != nil {
		t.Fatal(err)
	}
	if ups, _ := s.ListUploads(ctx, p.ID); len(ups) != 1 {
		t.Fatalf("an upload not among the files is listed: %+v", ups)
	}
	put("data/b.bin", []byte{1, 2, 3})
	if _, err := s.PutUpload(ctx, p.ID, Upload{Path: "data/b.bin", Size: 3, Kind: "binary"}); err != nil {
		t.Fatal(err)
	}
	// Uploading the same path again replaces it.
	put("data/b.bin", []byte{9, 9})
	if _, err := s.PutUpload(ctx, p.ID, Upload{Path: "data/b.bin", Size: 2, Kind: "binary"}); err != nil {
		t.Fatal(err)
	}
	ups, err := s.ListUploads(ctx, p.ID)
	if err != nil || len(ups) != 2 || ups[0].Path != "data/a.csv" || ups[1].Size != 2 {
		t.Fatalf("%+v %v", ups, err)
	}
	fs, _ := s.ListFiles(ctx, p.ID)
	if len(fs) != 2 || fs[0].Content != string(content) || fs[1].Content != "\x09\x09" {
		t.Fatalf("project_files %+v", fs)
	}
	// A file gone from project_files (a restore) is no longer an upload.
	if err := s.DeleteFile(ctx, p.ID, "data/a.csv"); err != nil {
		t.Fatal(err)
	}
	if ups, _ := s.ListUploads(ctx, p.ID); len(ups) != 1 {
		t.Fatalf("%+v", ups)
	}
	// Deleting the project deletes its uploads.
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM project_uploads`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows left, %v", n, err)
	}
}
