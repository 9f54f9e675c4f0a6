package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

// dotGitSpellings: one of each kind gitname refuses (its own test holds
// every spelling).
var dotGitSpellings = []string{
	".git", ".GIT", ".git.", ".git ", ".git. .", "git~1", "GIT~1", "GI1A2B~1",
	".g\u200cit", ".git\u200d", "\ufeff.git", ".g\u202eit", ".g\u206ait", ".git::$INDEX_ALLOCATION",
}

// TestEveryWriterRefusesEverySpellingOfDotGit: the model's turn, the
// editor (save, create, rename), an upload and a plain commit each refuse
// a path through any spelling of .git with a sentence, and change nothing.
func TestEveryWriterRefusesEverySpellingOfDotGit(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	first := mustCommit(t, w, []File{{Path: "app.py", Content: []byte("print(1)\n")}}, "first")
	writers := map[string]func(p string) error{
		"model": func(p string) error {
			_, _, err := w.RecordTurn(ctx, []File{{Path: p, Content: []byte("#!/bin/sh\nrm -rf ~\n")}}, "x", "m", "model")
			return err
		},
		"editor save": func(p string) error { _, _, err := w.SaveFile(ctx, p, []byte("x")); return err },
		"editor create": func(p string) error {
			_, _, err := w.Create(ctx, p, false)
			return err
		},
		"editor rename": func(p string) error { _, _, _, err := w.Rename(ctx, "app.py", p); return err },
		"upload": func(p string) error {
			_, _, err := w.RecordUpload(ctx, []File{{Path: p, Content: []byte("x")}}, "upload")
			return err
		},
		"write": func(p string) error { _, err := w.Write(ctx, []File{{Path: p, Content: []byte("x")}}); return err },
	}
	for name, write := range writers {
		for _, s := range dotGitSpellings {
			for _, p := range []string{s + "/hooks/post-checkout", "src/" + s + "/config"} {
				err := write(p)
				if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), ".git") {
					t.Errorf("%s %q: err = %v", name, p, err)
				}
			}
		}
	}
	if h, _ := w.History(ctx, 0); len(h) != 1 || h[0].ID != first.ID {
		t.Errorf("a refused write made versions: %d", len(h))
	}
	ents, _ := os.ReadDir(w.Root())
	for _, e := range ents {
		if e.Name() != ".git" && e.Name() != ".gitignore" && e.Name() != "app.py" {
			t.Errorf("a refused write left %s on disk", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(w.Root(), ".git", "hooks", "post-checkout")); err == nil {
		t.Error("a hook was written")
	}
}
