package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
)

func open(t *testing.T) *Workspace {
	t.Helper()
	w, err := Open(filepath.Join(t.TempDir(), "ws"))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func mustCommit(t *testing.T, w *Workspace, files []File, msg string) Version {
	t.Helper()
	ctx := context.Background()
	if _, err := w.Write(ctx, files); err != nil {
		t.Fatal(err)
	}
	v, err := w.Commit(ctx, msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tree(t *testing.T, w *Workspace) map[string]string {
	t.Helper()
	fs, err := w.Files(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fs {
		out[f.Path] = string(f.Content)
	}
	return out
}

func TestCleanPath(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"app.py", "app.py", true},
		{"./src/ü/файл 1.tsx", "src/ü/файл 1.tsx", true},
		{`pages\index.js`, "pages/index.js", true},
		{"../x", "", false},
		{"a/../../x", "", false},
		{"a/../b", "", false},
		{"/etc/passwd", "", false},
		{`C:\Windows\x`, "", false},
		{"", "", false},
		{"a//b", "", false},
		{".git/config", "", false},
		{"x/.GIT/hooks/pre-commit", "", false},
		{"bad\x00name", "", false},
	} {
		got, err := CleanPath(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !apperr.Is(err, apperr.Invalid) {
			t.Errorf("CleanPath(%q) error code %v, want invalid", tc.in, apperr.CodeOf(err))
		}
	}
}

func TestVersionsTrackWritesDeletesUnicodeAndBinary(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	bin := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}
	steps := []struct {
		msg     string
		files   []File
		want    map[string]string // the tree after, .gitignore aside
		changed []string
		status  map[string]string
	}{
		{"make an app", []File{{Path: "app.py", Content: []byte("print(1)\n")}, {Path: "données/模型.json", Content: []byte(`{"a":1}`)}, {Path: "logo.png", Content: bin}},
			map[string]string{"app.py": "print(1)\n", "données/模型.json": `{"a":1}`, "logo.png": string(bin)},
			[]string{".gitignore", "app.py", "données/模型.json", "logo.png"},
			map[string]string{"app.py": Added, "logo.png": Added}},
		{"change it", []File{{Path: "app.py", Content: []byte("print(2)\n")}, {Path: "logo.png", Content: append(bin, 7)}},
			map[string]string{"app.py": "print(2)\n", "données/模型.json": `{"a":1}`, "logo.png": string(append(bin, 7))},
			[]string{"app.py", "logo.png"},
			map[string]string{"app.py": Modified, "logo.png": Modified}},
		{"drop the data", []File{{Path: "données/模型.json", Delete: true}},
			map[string]string{"app.py": "print(2)\n", "logo.png": string(append(bin, 7))},
			[]string{"données/模型.json"},
			map[string]string{"données/模型.json": Deleted}},
	}
	var ids []string
	for _, st := range steps {
		t.Run(st.msg, func(t *testing.T) {
			v := mustCommit(t, w, st.files, st.msg)
			ids = append(ids, v.ID)
			if v.Message != st.msg || strings.Join(v.FilesChanged, ",") != strings.Join(st.changed, ",") {
				t.Fatalf("version %+v; want message %q, files %v", v, st.msg, st.changed)
			}
			got := tree(t, w)
			delete(got, ".gitignore")
			if fmt.Sprint(got) != fmt.Sprint(st.want) {
				t.Fatalf("tree %v, want %v", got, st.want)
			}
			for p, c := range st.want { // the folder holds what git holds
				b, err := os.ReadFile(filepath.Join(w.Root(), filepath.FromSlash(p)))
				if err != nil || string(b) != c {
					t.Fatalf("%s on disk = %q, %v", p, b, err)
				}
			}
			diffs, err := w.Diff(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs {
				if s, ok := st.status[d.Path]; ok && s != d.Status {
					t.Errorf("%s: status %s, want %s", d.Path, d.Status, s)
				}
				if d.Path == "logo.png" && (!d.Binary || d.Before != nil || d.After != nil) {
					t.Errorf("binary file diff carries content: %+v", d)
				}
				if d.Path == "app.py" && d.Status == Modified && (string(d.Before) != "print(1)\n" || string(d.After) != "print(2)\n") {
					t.Errorf("app.py diff %q -> %q", d.Before, d.After)
				}
			}
		})
	}
	h, err := w.History(ctx, 0)
	if err != nil || len(h) != 3 || h[0].ID != ids[2] || h[2].ID != ids[0] {
		t.Fatalf("history %+v, %v", h, err)
	}
	if h2, _ := w.History(ctx, 2); len(h2) != 2 {
		t.Fatalf("limited history has %d versions", len(h2))
	}
	if _, err := w.Commit(ctx, "nothing", nil); !errors.Is(err, ErrNoChanges) {
		t.Fatalf("empty commit: %v", err)
	}
}

func TestRestoreOfRestoreLosesNothing(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	v1 := mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("one")}, {Path: "sub/dir/b.txt", Content: []byte("b")}}, "v1")
	v2 := mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("two")}, {Path: "sub/dir/b.txt", Delete: true}, {Path: "c.txt", Content: []byte("c")}}, "v2")
	// An ignored file survives every restore.
	if err := os.MkdirAll(filepath.Join(w.Root(), "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(w.Root(), "node_modules", "dep.js"), []byte("dep"), 0o644)

	r1, err := w.Restore(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, w); got["a.txt"] != "one" || got["sub/dir/b.txt"] != "b" || got["c.txt"] != "" {
		t.Fatalf("after restoring v1: %v", got)
	}
	if _, err := os.Stat(filepath.Join(w.Root(), "c.txt")); !os.IsNotExist(err) {
		t.Fatalf("c.txt still on disk after restoring v1: %v", err)
	}
	if r1.Trailers[TrailerRestored] != v1.ID || !strings.Contains(r1.Message, "v1") {
		t.Fatalf("restore version %+v", r1)
	}
	r2, err := w.Restore(ctx, v2.ID) // restore of the version before the restore
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, w); got["a.txt"] != "two" || got["c.txt"] != "c" || got["sub/dir/b.txt"] != "" {
		t.Fatalf("after restoring v2: %v", got)
	}
	if _, err := os.Stat(filepath.Join(w.Root(), "sub")); !os.IsNotExist(err) {
		t.Fatalf("emptied folder left behind: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(w.Root(), "node_modules", "dep.js")); string(b) != "dep" {
		t.Fatal("an ignored file was lost by a restore")
	}
	h, _ := w.History(ctx, 0)
	if len(h) != 4 || h[0].ID != r2.ID || h[1].ID != r1.ID {
		t.Fatalf("history after two restores: %d versions", len(h))
	}
	if _, err := w.Restore(ctx, r2.ID); !errors.Is(err, ErrNoChanges) {
		t.Fatalf("restoring the current version: %v", err)
	}
	for _, id := range []string{"nope", strings.Repeat("0", 40)} {
		if _, err := w.Restore(ctx, id); err == nil {
			t.Fatalf("restore of %q accepted", id)
		}
	}
}

func TestRecordTurnTrailersAndGitignore(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	files := []File{{Path: "index.js", Content: []byte("x")}, {Path: "node_modules/react/index.js", Content: []byte("r")}, {Path: ".env", Content: []byte("KEY=secret")}, {Path: ".env.local", Content: []byte("KEY=s")}, {Path: ".env.example", Content: []byte("KEY=")}, {Path: "debug.log", Content: []byte("l")}}
	prompt := "Make a todo app\n\nNote: keep it small"
	v, changed, err := w.RecordTurn(ctx, files, prompt, "msg-1", "openai/gpt-5")
	if err != nil || !changed {
		t.Fatalf("RecordTurn: %v %v", changed, err)
	}
	if v.Message != prompt || v.Trailers[TrailerMessage] != "msg-1" || v.Trailers[TrailerModel] != "openai/gpt-5" {
		t.Fatalf("version %+v", v)
	}
	got := tree(t, w)
	if _, ok := got["index.js"]; !ok || len(got) != 3 || got[".env.example"] != "KEY=" { // index.js, .env.example, .gitignore
		t.Fatalf("committed %v; node_modules, .env* (but .env.example) and *.log must be ignored", got)
	}
	if _, err := os.Stat(filepath.Join(w.Root(), ".env")); err != nil {
		t.Fatal("an ignored file must still be written to the folder")
	}
	if _, changed, err := w.RecordTurn(ctx, files[:1], "again", "msg-2", "m"); changed || err != nil {
		t.Fatalf("unchanged turn: changed=%v err=%v", changed, err)
	}
	// The .gitignore is written once: a person's own is kept on reopen.
	os.WriteFile(filepath.Join(w.Root(), ".gitignore"), []byte("mine\n"), 0o644)
	if _, err := Open(w.Root()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(w.Root(), ".gitignore")); string(b) != "mine\n" {
		t.Fatalf(".gitignore rewritten: %q", b)
	}
}

func TestSymlinksAndTraversalRefused(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(w.Root(), "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.WriteFile(filepath.Join(outside, "f"), []byte("keep"), 0o644)
	if err := os.Symlink(filepath.Join(outside, "f"), filepath.Join(w.Root(), "filelink")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"link/f", "link/new.txt", "filelink", "../x", "/tmp/x", ".git/HEAD"} {
		for _, del := range []bool{false, true} {
			if _, err := w.Write(ctx, []File{{Path: p, Content: []byte("evil"), Delete: del}}); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("Write(%q, delete=%v) = %v, want invalid", p, del, err)
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "f")); string(b) != "keep" {
		t.Fatal("a file outside the workspace was changed")
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 1 {
		t.Fatalf("files appeared outside: %v", ents)
	}
	// A batch with one bad path writes nothing.
	if _, err := w.Write(ctx, []File{{Path: "ok.txt", Content: []byte("x")}, {Path: "../bad"}}); err == nil {
		t.Fatal("bad batch accepted")
	}
	if _, err := os.Stat(filepath.Join(w.Root(), "ok.txt")); !os.IsNotExist(err) {
		t.Fatal("part of a refused batch was written")
	}
}

func TestConcurrentWritersShareOneWorkspace(t *testing.T) {
	ctx := context.Background()
	m := NewManager(t.TempDir())
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m.mu.Lock()
			w, err := m.get("shared")
			m.mu.Unlock()
			if err != nil {
				errs <- err
				return
			}
			_, _, err = w.RecordTurn(ctx, []File{{Path: fmt.Sprintf("f%d.txt", i), Content: []byte{byte(i)}}}, fmt.Sprint("turn ", i), fmt.Sprint(i), "m")
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	m.mu.Lock()
	w, _ := m.get("shared")
	m.mu.Unlock()
	h, err := w.History(ctx, 0)
	if err != nil || len(h) != n {
		t.Fatalf("%d versions, %v; want %d", len(h), err, n)
	}
	if got := tree(t, w); len(got) != n+1 {
		t.Fatalf("tree has %d files, want %d", len(got), n+1)
	}
}

func TestBranchCopiesAVersion(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	v1 := mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("one")}}, "first")
	mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("two")}, {Path: "b.txt", Content: []byte("b")}}, "second")
	nw, v, err := w.Branch(ctx, v1.ID, filepath.Join(t.TempDir(), "copy"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, nw); got["a.txt"] != "one" || got["b.txt"] != "" {
		t.Fatalf("branched tree %v", got)
	}
	if v.Trailers[TrailerBranched] != v1.ID {
		t.Fatalf("branch version %+v", v)
	}
	if got := tree(t, w); got["a.txt"] != "two" {
		t.Fatal("branching changed the original")
	}
	full := filepath.Join(t.TempDir(), "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "x"), nil, 0o644)
	if _, _, err := w.Branch(ctx, v1.ID, full); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("branch into a folder with files: %v", err)
	}
}

func TestMessageRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		tr   []Trailer
		want map[string]string
	}{
		{"hello", []Trailer{{TrailerMessage, "m1"}}, map[string]string{TrailerMessage: "m1"}},
		{"multi\n\nline: prompt", nil, map[string]string{}},
		{"with\r\nnewline in value", []Trailer{{TrailerModel, "a\nb"}}, map[string]string{TrailerModel: "a b"}},
		{"", []Trailer{{TrailerKind, "edit"}}, map[string]string{TrailerKind: "edit"}},
	} {
		msg, tr := ParseMessage(FormatMessage(tc.msg, tc.tr))
		wantMsg := strings.ReplaceAll(tc.msg, "\r\n", "\n")
		if wantMsg == "" {
			wantMsg = "(no message)"
		}
		if msg != wantMsg || fmt.Sprint(tr) != fmt.Sprint(tc.want) {
			t.Errorf("round trip of %q: %q %v", tc.msg, msg, tr)
		}
	}
	long := strings.Repeat("é", maxMessage)
	if m, _ := ParseMessage(FormatMessage(long, nil)); len(m) > maxMessage+8 || !bytes.HasSuffix([]byte(m), []byte("…")) {
		t.Errorf("long message not capped: %d bytes", len(m))
	}
}

func TestClockStampsVersions(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	w, err := Open(filepath.Join(t.TempDir(), "w"), WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	if v := mustCommit(t, w, []File{{Path: "a", Content: []byte("a")}}, "x"); !v.Time.Equal(at) {
		t.Fatalf("time %v", v.Time)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestGitReadsTheRepository checks the history is a plain git repository
// that the person's own git (when installed) reads: fsck clean, trailers
// where git expects them.
func TestGitReadsTheRepository(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed; the repository is checked by go-git above")
	}
	w := open(t)
	ctx := context.Background()
	if _, _, err := w.RecordTurn(ctx, []File{{Path: "ü.txt", Content: []byte("u")}}, "first prompt", "m-1", "p/model"); err != nil {
		t.Fatal(err)
	}
	v1, _ := w.History(ctx, 1)
	mustCommit(t, w, []File{{Path: "ü.txt", Content: []byte("v")}}, "second")
	if _, err := w.Restore(ctx, v1[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fsck", "--strict"}, {"status", "--porcelain"}} {
		out, err := exec.Command(gitBin, append([]string{"-C", w.Root()}, args...)...).CombinedOutput()
		if err != nil || (args[0] == "status" && len(out) != 0) {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	out, err := exec.Command(gitBin, "-C", w.Root(), "log", "--reverse", "--format=%(trailers:key=Tessera-Message,valueonly)").Output()
	if err != nil || strings.TrimSpace(string(out)) != "m-1" {
		t.Fatalf("git log trailers: %q %v", out, err)
	}
}
