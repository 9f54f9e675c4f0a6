package api

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/uploads"
	"tessera/backend/workspace"
)

func TestUploadService(t *testing.T) {
	st, err := store.Open(bg(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreateProject(bg(), store.NewProject{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	picked := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(picked, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var pickErr error
	var pickPaths []string
	up := uploads.New(uploads.Config{Store: st, Files: projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(t.TempDir()), Store: st})})
	rec := events.NewRecorder()
	svc := NewUploadService(bg, up, func(context.Context) ([]string, error) { return pickPaths, pickErr }, WithUploadEvents(rec))
	enc := base64.StdEncoding.EncodeToString

	res, err := svc.Upload(UploadRequest{ProjectID: p.ID, Files: []UploadFile{{Name: "a.csv", Data: enc([]byte("x,y\n1,2\n"))}}})
	if err != nil || len(res.Uploads) != 1 || res.Uploads[0].Path != "data/a.csv" || res.Uploads[0].Kind != "csv" || res.Uploads[0].CreatedAt == "" {
		t.Fatalf("%+v %v", res, err)
	}
	cases := []struct {
		name string
		f    UploadFile
		want string
	}{
		{"not base64", UploadFile{Name: "b.txt", Data: "%%%"}, "b.txt could not be read"},
		{"larger than a drop may be", UploadFile{Name: "c.bin", Data: strings.Repeat("A", int(uploads.MaxInlineBytes)/3*4+8)}, "use the Upload button"},
	}
	for _, c := range cases {
		if _, err := svc.Upload(UploadRequest{ProjectID: p.ID, Files: []UploadFile{c.f}}); !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}

	// The dialog: cancelled, failed, chosen.
	if res, err := svc.Pick(p.ID); err != nil || len(res.Uploads) != 0 {
		t.Fatalf("cancelled: %+v %v", res, err)
	}
	pickErr = errors.New("no display")
	if _, err := svc.Pick(p.ID); !apperr.Is(err, apperr.Internal) {
		t.Fatal(err)
	}
	// Neither a cancelled nor a failed dialog says files were chosen.
	if got := rec.Topic(events.UploadsChosen(p.ID)); len(got) != 0 {
		t.Fatalf("chosen said before any file was chosen: %v", got)
	}
	pickErr, pickPaths = nil, []string{picked}
	if res, err := svc.Pick(p.ID); err != nil || len(res.Uploads) != 1 || res.Uploads[0].Path != "data/big.txt" {
		t.Fatalf("%+v %v", res, err)
	}
	if got := rec.Topic(events.UploadsChosen(p.ID)); len(got) != 1 || got[0].(UploadsChosen).Count != 1 {
		t.Fatalf("chosen events %v, want one with count 1", got)
	}
	if _, err := NewUploadService(bg, up, nil).Pick(p.ID); !apperr.Is(err, apperr.Unavailable) {
		t.Fatal(err)
	}
	list, err := svc.List(p.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("%+v %v", list, err)
	}
}
