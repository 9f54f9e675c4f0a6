package api

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

type failingReplica struct{ *recordingReplica }

func (*failingReplica) Ensure(context.Context, string, string) (*sandbox.Handle, error) {
	return nil, apperr.Wrap(errors.New("503"), apperr.Unavailable, "E2B cannot be reached.")
}

func filesFixture(t *testing.T, rep projectfiles.Replica) (*FilesService, *store.Store, string) {
	t.Helper()
	st := newStore(t)
	wm := workspace.NewManager(filepath.Join(t.TempDir(), "Tessera"))
	files := projectfiles.New(projectfiles.Config{Workspaces: wm, Store: st, Replica: rep})
	ws := files
	ps := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithWorkspaces(ws))
	p, err := ps.Create(CreateProjectRequest{Name: "Files"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ws.Workspace(context.Background(), p.ID)
	if _, _, err := w.RecordTurn(context.Background(), []workspace.File{{Path: "app.py", Content: []byte("print(1)\n")}, {Path: "lib/util.py", Content: []byte("x = 1\n")}}, "make it", "m1", "p/m"); err != nil {
		t.Fatal(err)
	}
	st.PutFiles(context.Background(), p.ID, []store.File{{Path: "app.py", Content: "print(1)\n"}, {Path: "lib/util.py", Content: "x = 1\n"}})
	return NewFilesService(bg, files, quiet()), st, p.ID
}

func localCopy(t *testing.T, st *store.Store, id string) map[string]string {
	t.Helper()
	rows, err := st.ListFiles(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Path] = r.Content
	}
	return out
}

func TestFilesServiceEditsReachTheFolderTheLocalCopyAndTheSandbox(t *testing.T) {
	ctx := context.Background()
	rep := &recordingReplica{}
	fs, st, id := filesFixture(t, rep)

	tree, err := fs.Tree(id)
	if err != nil || tree.Truncated || len(tree.Entries) != 4 || tree.Entries[2] != (TreeEntryDTO{Path: "lib", Dir: true}) {
		t.Fatalf("tree %+v %v", tree, err)
	}
	got, err := fs.Read(id, "./app.py")
	if err != nil || got.Content != "print(1)\n" || got.Path != "app.py" || got.Binary {
		t.Fatalf("read %+v %v", got, err)
	}

	// No sandbox yet: the local copy changes, nothing is written to a sandbox.
	res, err := fs.Save(SaveFileRequest{ProjectID: id, Path: "app.py", Content: "print(2)\n"})
	if err != nil || res.Version == nil || res.Version.Message != "edited app.py" || res.Version.Kind != "edit" || res.Synced || res.Warning != "" {
		t.Fatalf("save %+v %v", res, err)
	}
	if localCopy(t, st, id)["app.py"] != "print(2)\n" || len(rep.calls) != 0 {
		t.Fatalf("local copy %v, sandbox writes %d", localCopy(t, st, id), len(rep.calls))
	}

	// With a sandbox: each change is written to it too.
	st.SetSandbox(ctx, id, "sbx-1", store.SandboxRunning)
	if res, err = fs.Save(SaveFileRequest{ProjectID: id, Path: "app.py", Content: "print(3)\n"}); err != nil || !res.Synced {
		t.Fatalf("save with a sandbox %+v %v", res, err)
	}
	if len(rep.calls) != 1 || rep.calls[0][0] != (store.File{Path: "app.py", Content: "print(3)\n"}) {
		t.Fatalf("sandbox writes %+v", rep.calls)
	}
	if res, err = fs.Save(SaveFileRequest{ProjectID: id, Path: "app.py", Content: "print(3)\n"}); err != nil || res.Version != nil {
		t.Fatalf("unchanged save made a version: %+v %v", res, err)
	}

	if res, err = fs.Create(CreateFileRequest{ProjectID: id, Path: "docs", Dir: true}); err != nil || res.Version != nil {
		t.Fatalf("mkdir %+v %v", res, err)
	}
	if res, err = fs.Create(CreateFileRequest{ProjectID: id, Path: "docs/notes.md"}); err != nil || res.Version == nil || res.Version.Message != "created docs/notes.md" {
		t.Fatalf("create %+v %v", res, err)
	}
	if res, err = fs.Rename(RenameFileRequest{ProjectID: id, From: "lib", To: "pkg"}); err != nil || res.Version == nil || !res.Synced {
		t.Fatalf("rename %+v %v", res, err)
	}
	if strings.Join(rep.removed, ",") != "lib/util.py" {
		t.Fatalf("sandbox removals after rename %v", rep.removed)
	}
	if res, err = fs.Delete(DeleteFileRequest{ProjectID: id, Path: "docs"}); err != nil || res.Version == nil || res.Version.Message != "deleted docs" {
		t.Fatalf("delete %+v %v", res, err)
	}
	lc := localCopy(t, st, id)
	if len(lc) != 2 || lc["pkg/util.py"] != "x = 1\n" || lc["app.py"] != "print(3)\n" {
		t.Fatalf("local copy after all %v", lc)
	}
	if strings.Join(rep.removed, ",") != "lib/util.py,docs/notes.md" {
		t.Fatalf("sandbox removals %v", rep.removed)
	}
}

func TestFilesServiceSandboxDownIsAWarningNotALoss(t *testing.T) {
	fs, st, id := filesFixture(t, &failingReplica{&recordingReplica{}})
	st.SetSandbox(context.Background(), id, "sbx-1", store.SandboxPaused)
	res, err := fs.Save(SaveFileRequest{ProjectID: id, Path: "app.py", Content: "print(9)\n"})
	if err != nil || res.Version == nil || res.Synced || !strings.Contains(res.Warning, "E2B cannot be reached") {
		t.Fatalf("save %+v %v", res, err)
	}
	if got, _ := fs.Read(id, "app.py"); got.Content != "print(9)\n" || localCopy(t, st, id)["app.py"] != "print(9)\n" {
		t.Fatal("the saved file is not in the folder and the local copy")
	}
}

func TestFilesServiceRefusesBadInput(t *testing.T) {
	rep := &recordingReplica{}
	fs, st, id := filesFixture(t, rep)
	for _, tc := range []struct {
		name string
		call func() error
		code apperr.Code
	}{
		{"read traversal", func() error { _, err := fs.Read(id, "../../x"); return err }, apperr.Invalid},
		{"save traversal", func() error {
			_, err := fs.Save(SaveFileRequest{ProjectID: id, Path: "../x.py", Content: "x"})
			return err
		}, apperr.Invalid},
		{"save in .git", func() error {
			_, err := fs.Save(SaveFileRequest{ProjectID: id, Path: ".git/hooks/pre-commit", Content: "x"})
			return err
		}, apperr.Invalid},
		{"create absolute", func() error { _, err := fs.Create(CreateFileRequest{ProjectID: id, Path: "/etc/x"}); return err }, apperr.Invalid},
		{"rename out", func() error {
			_, err := fs.Rename(RenameFileRequest{ProjectID: id, From: "app.py", To: "../app.py"})
			return err
		}, apperr.Invalid},
		{"delete missing", func() error { _, err := fs.Delete(DeleteFileRequest{ProjectID: id, Path: "nope"}); return err }, apperr.NotFound},
		{"unknown project", func() error { _, err := fs.Tree("no-such-project"); return err }, apperr.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !apperr.Is(err, tc.code) || apperr.MessageOf(err) == "" {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	if lc := localCopy(t, st, id); len(lc) != 2 || len(rep.calls) != 0 {
		t.Fatalf("refused calls changed something: %v %d", lc, len(rep.calls))
	}
}
