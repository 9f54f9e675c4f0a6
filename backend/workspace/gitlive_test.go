package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"tessera/backend/apperr"
)

// realGit runs the git program in dir with a clean configuration (no
// person's settings, gc in the foreground so it never outlives the test).
func realGit(dir string, args ...string) (string, error) {
	full := append([]string{"-c", "user.name=Person", "-c", "user.email=person@example.com", "-c", "gc.autoDetach=false", "-c", "core.autocrlf=false"}, args...)
	cmd := exec.Command("git", full...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// lockBusy is git's own report of a lock Tessera held at that moment.
func lockBusy(out string) bool {
	return strings.Contains(out, ".lock") || strings.Contains(out, "Another git process") || strings.Contains(out, "cannot lock ref")
}

// personGit runs a git command as a person would: again while a lock
// Tessera holds refuses it (git does not wait for index.lock), otherwise
// once.
func personGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	for range 2000 {
		out, err := realGit(dir, args...)
		if err == nil {
			return out
		}
		// `git stash` refreshes the index quietly first and exits 1 with no
		// word when index.lock is held (git's REFRESH_QUIET).
		quiet := args[0] == "stash" && (strings.TrimSpace(out) == "" || strings.TrimSpace(out) == "The stash entry is kept in case you need it again.")
		if !lockBusy(out) && !quiet {
			t.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
			return out
		}
	}
	t.Errorf("git %s: the lock stayed held", strings.Join(args, " "))
	return ""
}

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the git program is not installed")
	}
}

// TestRealGitBesideTessera runs the person's git (commit, status, stash,
// checkout, gc) in a loop beside Tessera's turns, outside edits and undos,
// then asserts git's own view: fsck clean, every version of either side
// reachable, no lock left behind.
func TestRealGitBesideTessera(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := open(t)
	dir := w.Root()
	first := mustCommit(t, w, []File{{Path: "stash.txt", Content: []byte("orig\n")}, {Path: "app.py", Content: []byte("print(1)\n")}}, "first")

	// As an IDE or a large repository sets it: index version 4 and git's
	// untracked cache, both of which Tessera's index writes must keep readable.
	if out, err := realGit(dir, "config", "feature.manyFiles", "true"); err != nil {
		t.Fatal(err, out)
	}
	const rounds = 24
	var wg sync.WaitGroup
	var tessera []string // version ids Tessera made
	wg.Add(2)
	go func() { // Tessera
		defer wg.Done()
		for i := range rounds {
			v, changed, err := w.RecordTurn(ctx, []File{{Path: fmt.Sprintf("turn/%d.txt", i), Content: []byte(fmt.Sprint("turn ", i))}}, fmt.Sprint("turn ", i), fmt.Sprint("m", i), "model")
			if err != nil || !changed {
				t.Errorf("turn %d: changed=%v err=%v", i, changed, err)
				continue
			}
			tessera = append(tessera, v.ID)
			if err := os.WriteFile(filepath.Join(dir, "outside", fmt.Sprintf("%d.txt", i)), []byte("edited"), 0o644); errors.Is(err, fs.ErrNotExist) {
				os.MkdirAll(filepath.Join(dir, "outside"), 0o755)
				err = os.WriteFile(filepath.Join(dir, "outside", fmt.Sprintf("%d.txt", i)), []byte("edited"), 0o644)
			}
			ov, ch, err := w.CommitOutside(ctx, fmt.Sprintf("outside/%d.txt", i))
			switch {
			case err != nil:
				t.Errorf("outside edit %d: %v", i, err)
			case len(ch) == 0: // the person's `git add -A` committed it first
			default:
				tessera = append(tessera, ov.ID)
			}
			if i%7 == 6 { // back to the first version (a restore)
				r, err := w.Restore(ctx, first.ID)
				if err != nil && !errors.Is(err, ErrNoChanges) {
					t.Errorf("restore %d: %v", i, err)
				} else if err == nil {
					tessera = append(tessera, r.ID)
				}
			}
			if i%5 == 4 { // undo this turn (a restore)
				u, err := w.RestoreBefore(ctx, v.ID)
				if err != nil {
					t.Errorf("undo %d: %v", i, err)
				} else {
					tessera = append(tessera, u.ID)
				}
			}
		}
	}()
	go func() { // the person
		defer wg.Done()
		for i := range rounds {
			p := filepath.Join(dir, "person", fmt.Sprintf("%d.txt", i))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(fmt.Sprint("person ", i)), 0o644)
			personGit(t, dir, "add", "-A")
			personGit(t, dir, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("person-", i))
			personGit(t, dir, "status", "--porcelain")
			if i%3 == 0 { // stash a change and bring it back
				os.WriteFile(filepath.Join(dir, "stash.txt"), []byte("stashed\n"), 0o644)
				personGit(t, dir, "stash")
				if strings.TrimSpace(personGit(t, dir, "stash", "list")) != "" {
					personGit(t, dir, "stash", "pop")
				}
				os.WriteFile(filepath.Join(dir, "stash.txt"), []byte("orig\n"), 0o644)
			}
			if i%4 == 1 {
				personGit(t, dir, "checkout", "-q", "-b", fmt.Sprint("side-", i))
				personGit(t, dir, "checkout", "-q", "main")
			}
			if i%4 == 3 {
				personGit(t, dir, "gc", "-q")
			}
		}
	}()
	wg.Wait()
	// After the last gc Tessera still reads its history.
	if _, err := w.History(ctx, 0); err != nil {
		t.Fatalf("history after gc: %v", err)
	}
	if _, _, err := w.RecordTurn(ctx, []File{{Path: "after-gc.txt", Content: []byte("x")}}, "after", "m-last", "model"); err != nil {
		t.Fatalf("a turn after gc: %v", err)
	}

	if out, err := realGit(dir, "fsck", "--full", "--no-progress"); err != nil {
		t.Fatalf("git fsck --full: %v\n%s", err, out)
	}
	all, err := realGit(dir, "rev-list", "--all")
	if err != nil {
		t.Fatal(err)
	}
	reach := map[string]bool{}
	for _, h := range strings.Fields(all) {
		reach[h] = true
	}
	for _, id := range tessera {
		if !reach[id] {
			t.Errorf("Tessera's version %s is not reachable from any ref", id)
		}
	}
	subjects, _ := realGit(dir, "log", "--all", "--format=%s")
	for i := range rounds {
		if !strings.Contains(subjects+"\n", fmt.Sprintf("person-%d\n", i)) {
			t.Errorf("the person's commit person-%d is not reachable", i)
		}
	}
	filepath.WalkDir(filepath.Join(dir, ".git"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".lock") {
			t.Errorf("lock left behind: %s", p)
		}
		return nil
	})
	if len(tessera) < 2*rounds {
		t.Errorf("Tessera made %d versions, want at least %d", len(tessera), 2*rounds)
	}
}

// TestHeldLockIsWaitedForAndReported: a lock git holds makes Tessera wait,
// then refuse with a sentence naming the file, changing nothing; the lock
// is git's, so Tessera leaves it; once git is done the same call works.
func TestHeldLockIsWaitedForAndReported(t *testing.T) {
	ctx := context.Background()
	for _, lock := range []string{"index.lock", "refs/heads/main.lock"} {
		t.Run(lock, func(t *testing.T) {
			w := open(t)
			mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("a")}}, "first")
			w.st.wait = 30 * time.Millisecond
			p := filepath.Join(w.Root(), ".git", filepath.FromSlash(lock))
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := w.History(ctx, 0)
			_, _, err := w.RecordEdit(ctx, []File{{Path: "a.txt", Content: []byte("b")}}, "")
			if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(apperr.MessageOf(err), lock) {
				t.Fatalf("err = %v (%s)", err, apperr.CodeOf(err))
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("git's lock was removed: %v", err)
			}
			after, _ := w.History(ctx, 0)
			if len(after) != len(before) {
				t.Errorf("a version was made under git's lock")
			}
			if lock == "index.lock" {
				if b, _ := os.ReadFile(filepath.Join(w.Root(), "a.txt")); string(b) != "a" {
					t.Errorf("the file changed under git's lock: %q", b)
				}
			}
			os.Remove(p)
			if _, changed, err := w.RecordEdit(ctx, []File{{Path: "a.txt", Content: []byte("b")}}, ""); err != nil || !changed {
				t.Fatalf("after git let go: %v %v", changed, err)
			}
			matches, _ := filepath.Glob(filepath.Join(w.Root(), ".git", "*.lock"))
			heads, _ := filepath.Glob(filepath.Join(w.Root(), ".git", "refs", "heads", "*.lock"))
			if len(matches)+len(heads) != 0 {
				t.Errorf("locks left: %v %v", matches, heads)
			}
		})
	}
}

// TestBranchMovedByGitIsNotLost: git commits between Tessera reading the
// branch and moving it; Tessera's version lands on top of git's.
func TestBranchMovedByGitIsNotLost(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := open(t)
	mustCommit(t, w, []File{{Path: "a.txt", Content: []byte("a")}}, "first")
	dir := w.Root()
	w.mu.Lock()
	head, _ := w.repo.Head()
	w.mu.Unlock()
	// The person commits with plumbing (no index.lock), as an IDE might.
	if out, err := realGit(dir, "commit", "-q", "--allow-empty", "-m", "person"); err != nil {
		t.Fatal(err, out)
	}
	personHead, _ := realGit(dir, "rev-parse", "HEAD")
	// A commit built on the old tip is refused by the ref update...
	w.mu.Lock()
	err := w.st.SetReference(plumbing.NewHashReference("refs/heads/main", mustCommitObject(t, w, head.Hash())))
	w.mu.Unlock()
	if !errors.Is(err, errRefMoved) {
		t.Fatalf("moving the branch from a stale tip: %v", err)
	}
	// ...and a version is built on the person's commit.
	v, _, err := w.RecordEdit(ctx, []File{{Path: "a.txt", Content: []byte("b")}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if parent, _ := realGit(dir, "rev-parse", v.ID+"^"); parent != personHead {
		t.Errorf("Tessera's version sits on %s, want the person's %s", parent, personHead)
	}
}

// mustCommitObject stores a commit of an empty tree on parent.
func mustCommitObject(t *testing.T, w *Workspace, parent plumbing.Hash) plumbing.Hash {
	t.Helper()
	sig := w.signature()
	c := &object.Commit{Author: *sig, Committer: *sig, Message: "stale", TreeHash: plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904"), ParentHashes: []plumbing.Hash{parent}}
	obj := w.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// BenchmarkRefreshPerOperation: what checking the pack list costs each
// call (the price of seeing gc at once).
func BenchmarkRefreshPerOperation(b *testing.B) {
	w, err := Open(filepath.Join(b.TempDir(), "ws"))
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5 {
		if _, err := w.Write(context.Background(), []File{{Path: fmt.Sprint(i), Content: []byte{byte(i)}}}); err != nil {
			b.Fatal(err)
		}
		w.Commit(context.Background(), "v", nil)
	}
	if out, err := realGit(w.Root(), "gc", "-q"); err != nil {
		b.Fatal(err, out)
	}
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			w.st.refresh()
		}
	})
	b.Run("reindex", func(b *testing.B) {
		for b.Loop() {
			w.st.reindex()
			if _, err := w.History(context.Background(), 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestEverythingWorksAfterGitGC: after the person's `git gc` (which packs
// every loose object and deletes it), the open workspace reads its files,
// diffs, restores, exports and pushes without a restart.
func TestEverythingWorksAfterGitGC(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := threeVersions(t)
	hist, err := w.History(ctx, 0) // read once before: go-git's pack index is cached
	if err != nil || len(hist) != 3 {
		t.Fatal(hist, err)
	}
	for _, args := range [][]string{{"gc", "-q"}, {"repack", "-a", "-d", "-q"}, {"pack-refs", "--all"}} {
		if out, err := realGit(w.Root(), args...); err != nil {
			t.Fatal(args, err, out)
		}
	}
	if loose, _ := filepath.Glob(filepath.Join(w.Root(), ".git", "objects", "??", "*")); len(loose) != 0 {
		t.Fatalf("gc left %d loose objects", len(loose))
	}
	if _, err := w.Files(ctx); err != nil {
		t.Fatalf("files: %v", err)
	}
	if _, err := w.Diff(ctx, hist[0].ID); err != nil {
		t.Fatalf("diff: %v", err)
	}
	if _, err := w.Restore(ctx, hist[2].ID); err != nil {
		t.Fatalf("restore: %v", err)
	}
	var pack strings.Builder
	if _, err := w.WritePack(ctx, &pack); err != nil {
		t.Fatalf("export: %v", err)
	}
	if _, err := w.Push(ctx, PushTarget{URL: realBare(t)}); err != nil {
		t.Fatalf("push: %v", err)
	}
	if out, err := realGit(w.Root(), "fsck", "--full"); err != nil {
		t.Fatalf("fsck: %v\n%s", err, out)
	}
}

// TestGitSeesTesserasIndexClean: after Tessera's turns, edits, outside
// edits and restores, git's own status is clean and its index reads.
func TestGitSeesTesserasIndexClean(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := open(t)
	first := mustCommit(t, w, []File{{Path: "app.py", Content: []byte("1")}, {Path: "src/a.ts", Content: []byte("a")}}, "first")
	clean := func(step string) {
		t.Helper()
		if out, err := realGit(w.Root(), "status", "--porcelain"); err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("after %s git status: %v %q", step, err, out)
		}
	}
	clean("a commit")
	if _, _, err := w.RecordTurn(ctx, []File{{Path: "src/b.ts", Content: []byte("b")}}, "turn", "m", "model"); err != nil {
		t.Fatal(err)
	}
	clean("a turn")
	os.WriteFile(filepath.Join(w.Root(), "app.py"), []byte("2"), 0o644)
	if _, _, err := w.CommitOutside(ctx, "app.py"); err != nil {
		t.Fatal(err)
	}
	clean("an outside edit")
	if _, err := w.Restore(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	clean("a restore")
	if _, _, _, err := w.Rename(ctx, "src/a.ts", "lib/a.ts"); err != nil {
		t.Fatal(err)
	}
	clean("a rename")
}
