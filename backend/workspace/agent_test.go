package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"tessera/backend/apperr"
)

func TestAgentStepsSquashIntoOneVersion(t *testing.T) {
	ctx := context.Background()
	w, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.RecordEdit(ctx, []File{{Path: "a.txt", Content: []byte("1\n")}}, "start"); err != nil {
		t.Fatal(err)
	}
	since := w.Head()
	steps := []File{{Path: "a.txt", Content: []byte("2\n")}, {Path: "b.txt", Content: []byte("b\n")}, {Path: "a.txt", Content: []byte("3\n")}}
	for _, f := range steps {
		if changed, err := w.ApplyStep(ctx, f, nil, "step"); err != nil || !changed {
			t.Fatalf("step %s: %v %v", f.Path, changed, err)
		}
	}
	// A failed precondition writes nothing.
	refuse := func([]byte, bool) error { return apperr.New(apperr.Conflict, "changed") }
	if _, err := w.ApplyStep(ctx, File{Path: "a.txt", Content: []byte("X")}, refuse, "step"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := w.ReadFile(ctx, "a.txt"); string(b) != "3\n" {
		t.Fatalf("a.txt = %q", b)
	}
	hist, _ := w.History(ctx, 50)
	if len(hist) != 4 {
		t.Fatalf("%d versions during the turn, want 1 + 3 steps", len(hist))
	}
	v, changed, err := w.SquashTurn(ctx, since, "make it 3", []Trailer{{TrailerKind, "agent"}})
	if err != nil || !changed {
		t.Fatalf("squash: %v %v", changed, err)
	}
	hist, _ = w.History(ctx, 50)
	if len(hist) != 2 || hist[0].ID != v.ID || hist[0].Message != "make it 3" || hist[1].ID != since {
		t.Fatalf("history = %+v", hist)
	}
	// Nothing to squash: no version.
	if _, changed, err := w.SquashTurn(ctx, w.Head(), "again", nil); err != nil || changed {
		t.Fatalf("empty squash: %v %v", changed, err)
	}
	// An outside edit during a turn stays its own version.
	since = w.Head()
	if _, err := w.ApplyStep(ctx, File{Path: "a.txt", Content: []byte("4\n")}, nil, "step"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.RecordEdit(ctx, []File{{Path: "c.txt", Content: []byte("mine\n")}}, "Edited by hand"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ApplyStep(ctx, File{Path: "a.txt", Content: []byte("5\n")}, nil, "step"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.SquashTurn(ctx, since, "five", nil); err != nil {
		t.Fatal(err)
	}
	hist, _ = w.History(ctx, 50)
	if hist[0].Message != "five" || hist[1].Message != "Edited by hand" {
		t.Fatalf("history = %v / %v", hist[0].Message, hist[1].Message)
	}
	if errors.Is(err, ErrNoChanges) {
		t.Fatal("unexpected")
	}
}

// A step commits its own file only: an edit the person has on disk and
// not yet committed is left for the outside-edit watcher.
func TestAgentStepCommitsOnlyItsFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.RecordEdit(ctx, []File{{Path: "mine.txt", Content: []byte("1\n")}}, "start"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("my edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ApplyStep(ctx, File{Path: "agent.txt", Content: []byte("a\n")}, nil, "step"); err != nil {
		t.Fatal(err)
	}
	hist, _ := w.History(ctx, 5)
	if got := hist[0].FilesChanged; len(got) != 1 || got[0] != "agent.txt" {
		t.Fatalf("the step committed %v", got)
	}
	if _, ch, err := w.CommitOutside(ctx, "mine.txt"); err != nil || len(ch) != 1 {
		t.Fatalf("the person's edit: %v %v", ch, err)
	}
}
