package workspace

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

// historyOf lists a workspace's versions as (id, message) pairs, oldest
// last, for comparing two histories.
func historyOf(t *testing.T, w *Workspace) [][2]string {
	t.Helper()
	vs, err := w.History(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][2]string, len(vs))
	for i, v := range vs {
		out[i] = [2]string{v.ID, v.Message}
	}
	return out
}

func threeVersions(t *testing.T) *Workspace {
	t.Helper()
	w := open(t)
	mustCommit(t, w, []File{{Path: "app.py", Content: []byte("print(1)\n")}}, "first")
	mustCommit(t, w, []File{{Path: "src/ü.txt", Content: []byte("ü\n")}, {Path: "bin.dat", Content: []byte{0, 1, 2}}}, "second")
	mustCommit(t, w, []File{{Path: "app.py", Content: []byte("print(3)\n")}}, "third")
	return w
}

func TestPackRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := threeVersions(t)
	var pack bytes.Buffer
	head, err := w.WritePack(ctx, &pack)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "imported")
	nw, err := ImportPack(ctx, root, &pack, head, DefaultImportLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := historyOf(t, nw), historyOf(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	if got, want := tree(t, nw), tree(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %v, want %v", got, want)
	}
	b, err := os.ReadFile(filepath.Join(root, "src", "ü.txt"))
	if err != nil || string(b) != "ü\n" {
		t.Fatalf("file on disk = %q, %v", b, err)
	}
	// The folder is clean: the next commit has nothing to record.
	if _, err := nw.Commit(ctx, "nothing", nil); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("commit after import = %v, want nothing changed", err)
	}
	// And the history goes on from there.
	v := mustCommit(t, nw, []File{{Path: "app.py", Content: []byte("print(4)\n")}}, "fourth")
	if hs := historyOf(t, nw); len(hs) != 4 || hs[0][0] != v.ID {
		t.Fatalf("history after a new version = %v", hs)
	}
}

func TestImportPackRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	w := threeVersions(t)
	var pack bytes.Buffer
	head, err := w.WritePack(ctx, &pack)
	if err != nil {
		t.Fatal(err)
	}
	full := pack.Bytes()
	other := open(t)
	otherHead := mustCommit(t, other, []File{{Path: "x", Content: []byte("x")}}, "x").ID
	for _, tc := range []struct {
		name string
		pack []byte
		head string
		lim  ImportLimits
	}{
		{"not a commit id", full, "HEAD", DefaultImportLimits},
		{"truncated pack", full[:len(full)/2], head, DefaultImportLimits},
		{"garbage", []byte("PK\x03\x04 not a pack"), head, DefaultImportLimits},
		{"head not in pack", full, otherHead, DefaultImportLimits},
		{"too many files", full, head, ImportLimits{MaxFiles: 2, MaxBytes: 1 << 20}},
		{"too many bytes", full, head, ImportLimits{MaxFiles: 100, MaxBytes: 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "imported")
			_, err := ImportPack(ctx, root, bytes.NewReader(tc.pack), tc.head, tc.lim)
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("err = %v (%v), want invalid", err, apperr.CodeOf(err))
			}
			if apperr.MessageOf(err) == "" {
				t.Fatal("no sentence")
			}
		})
	}
	t.Run("folder not empty", func(t *testing.T) {
		root := t.TempDir()
		os.WriteFile(filepath.Join(root, "mine.txt"), []byte("keep"), 0o644)
		_, err := ImportPack(ctx, root, bytes.NewReader(full), head, DefaultImportLimits)
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("err = %v, want conflict", err)
		}
		if b, _ := os.ReadFile(filepath.Join(root, "mine.txt")); string(b) != "keep" {
			t.Fatal("the folder's file changed")
		}
		if _, err := os.Stat(filepath.Join(root, ".git")); !os.IsNotExist(err) {
			t.Fatal("a repository was made in a folder that had files")
		}
	})
}

func TestImportRepo(t *testing.T) {
	ctx := context.Background()
	w := threeVersions(t)
	root := filepath.Join(t.TempDir(), "imported")
	nw, err := ImportRepo(ctx, root, w.Root(), DefaultImportLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := historyOf(t, nw), historyOf(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	if got, want := tree(t, nw), tree(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %v, want %v", got, want)
	}
	// A history over the limit is refused (the current files are small).
	if _, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "x"), w.Root(), ImportLimits{MaxFiles: 100, MaxBytes: 1 << 20, MaxHistory: 100}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("history over the limit: %v", err)
	}
	// The source is not a repository.
	if _, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "x"), t.TempDir(), DefaultImportLimits); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("plain folder: %v, want invalid", err)
	}
	// A repository without a commit.
	empty := open(t)
	if _, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "x"), empty.Root(), DefaultImportLimits); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("empty repository: %v, want invalid", err)
	}
}

func TestImportFiles(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "imported")
	w, v, err := ImportFiles(ctx, root, []File{{Path: "a.txt", Content: []byte("a")}, {Path: "d/b.txt", Content: []byte("b")}}, "Imported from x.zip")
	if err != nil {
		t.Fatal(err)
	}
	if v.Trailers[TrailerKind] != KindImport || v.Message != "Imported from x.zip" {
		t.Fatalf("version = %+v", v)
	}
	want := map[string]string{".gitignore": DefaultGitignore, "a.txt": "a", "d/b.txt": "b"}
	if got := tree(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %v", got)
	}
	if _, _, err := ImportFiles(ctx, filepath.Join(t.TempDir(), "y"), []File{{Path: "../evil", Content: []byte("x")}}, "m"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("traversal: %v", err)
	}
}

func TestCheckPack(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB, deflates to little
	mustCommit(t, w, []File{{Path: "big.txt", Content: big}}, "one")
	mustCommit(t, w, []File{{Path: "big.txt", Content: append(big, '!')}}, "two") // a delta of big
	var pack bytes.Buffer
	if _, err := w.WritePack(ctx, &pack); err != nil {
		t.Fatal(err)
	}
	if pack.Len() > 64<<10 {
		t.Fatalf("pack is %d bytes; the test wants it far smaller than what it inflates to", pack.Len())
	}
	for _, tc := range []struct {
		name              string
		maxObject, maxAll int64
		ok                bool
	}{
		{"within", 1 << 20, 4 << 20, true},
		{"an object over", 200 << 10, 4 << 20, false},
		{"the whole over (counting the delta's result)", 1 << 20, 400 << 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPack(ctx, bytes.NewReader(pack.Bytes()), tc.maxObject, tc.maxAll)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && (!apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "too large")) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if err := CheckPack(ctx, bytes.NewReader([]byte("not a pack")), 1<<20, 1<<20); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("junk: %v", err)
	}
}
