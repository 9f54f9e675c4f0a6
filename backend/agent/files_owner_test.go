package agent

import (
	"context"
	"path/filepath"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// The agent's writes through the files owner: its precondition is the hash
// of what it read, and a save made in between (the editor, through the
// same owner) makes the agent's edit fail without writing.
func TestOwnerFilesEditFailsAfterASaveInBetween(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	owner := projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(filepath.Join(t.TempDir(), "Tessera")), Store: st})
	p, err := st.CreateProject(ctx, store.NewProject{Name: "App"})
	if err != nil {
		t.Fatal(err)
	}
	f := OwnerFiles{Owner: owner}
	if Hash("same") != projectfiles.Hash([]byte("same")) {
		t.Fatal("the agent's hash and the owner's differ: every precondition would fail")
	}
	if err := f.Apply(ctx, p.ID, Change{Path: "app.py", Content: "print(1)\n", Absent: true}); err != nil {
		t.Fatal(err)
	}
	read, err := f.Read(ctx, p.ID, "app.py")
	if err != nil || read != "print(1)\n" {
		t.Fatalf("read %q, %v", read, err)
	}
	// The person saves in the editor after the agent read.
	if _, err := owner.Apply(ctx, p.ID, projectfiles.Save(projectfiles.Write{Path: "app.py", Content: []byte("print('mine')\n")})); err != nil {
		t.Fatal(err)
	}
	err = f.Apply(ctx, p.ID, Change{Path: "app.py", Content: "print(2)\n", Base: Hash(read)})
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("edit after a save: %v, want a conflict", err)
	}
	if got, _ := f.Read(ctx, p.ID, "app.py"); got != "print('mine')\n" {
		t.Fatalf("the person's save was overwritten: %q", got)
	}
	files, err := f.List(ctx, p.ID)
	if err != nil || len(files) == 0 || files[len(files)-1] != "app.py" {
		t.Fatalf("list %v, %v", files, err)
	}
	if err := f.Apply(ctx, p.ID, Change{Path: "app.py", Delete: true, Base: Hash("print('mine')\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(ctx, p.ID, "app.py"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// Through the files owner (the real app's path), a turn's steps are agent
// steps: RecordTurn folds them into one version (they were "edit"
// versions before, which no squash folded: a turn in the app had no
// version of its own, and its Undo none either).
func TestOwnerFilesTurnIsOneVersion(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	owner := projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(filepath.Join(t.TempDir(), "Tessera")), Store: st})
	p, err := st.CreateProject(ctx, store.NewProject{Name: "App"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Apply(ctx, p.ID, projectfiles.Save(projectfiles.Write{Path: "mine.txt", Content: []byte("mine\n")})); err != nil {
		t.Fatal(err)
	}
	ws, err := owner.Workspace(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v := WorkspaceVersions{Open: owner.Workspace}
	since := v.Head(ctx, p.ID)
	f := OwnerFiles{Owner: owner}
	for _, c := range []Change{{Path: "a.txt", Content: "one\n", Absent: true}, {Path: "b.txt", Content: "two\n", Absent: true}} {
		if err := f.Apply(ctx, p.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	id, changed, err := v.RecordTurn(ctx, p.ID, since, "two files", "m1", "x/y", "")
	if err != nil || !changed {
		t.Fatalf("record turn: %v %v", changed, err)
	}
	vs, _ := ws.History(ctx, 3)
	if vs[0].ID != id || vs[0].Message != "two files" || vs[1].ID != since {
		t.Fatalf("the turn's steps are not one version: %q, %q", vs[0].Message, vs[1].Message)
	}
}
