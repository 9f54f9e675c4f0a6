package workspace

// The project folder is the person's: they run git in it, their IDE runs
// git in the background, and git runs gc by itself. go-git alone would
// read the pack index once and never again, and would rewrite the index
// and refs in place, without git's lock files. gitStore wraps go-git's
// filesystem storage so that Tessera follows git's own rules:
//
//   - the index and refs are written with git's lock-file protocol: create
//     "<file>.lock" exclusively, write it, rename it over the file. A lock
//     held by git is waited for (a little) and then reported with a
//     sentence; Tessera never removes a lock it did not create, and never
//     leaves one of its own behind.
//   - while Tessera writes the folder and commits (a turn, an edit, a
//     restore) it holds index.lock, as git itself does for checkout or
//     commit, so `git stash`/`git commit` cannot take the files in the
//     middle, and a `git add` is never overwritten by a stale index.
//   - a branch moves only from the commit Tessera built on: when git moved
//     it meanwhile, the update is refused (errRefMoved) and Tessera builds
//     its commit again on the new tip, so no commit of either side is lost.
//   - before each operation, the list of packs is compared with the one
//     the index was read for; after gc, repack or fetch the pack index is
//     read again (Reindex).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"tessera/backend/apperr"
)

// errRefMoved: git moved a branch between Tessera reading it and writing
// it; the operation is built again on the new tip.
var errRefMoved = errors.New("workspace: the branch moved while Tessera committed")

// lockHeld is a lock file another program (git) holds.
type lockHeld struct {
	path string
	wait time.Duration
}

func (e *lockHeld) Error() string {
	return "workspace: " + e.path + " exists (held by another git command)"
}

// lockWait is how long Tessera waits for a lock git holds before it
// reports it (git's own ref lock waits 100 ms, its packed-refs lock 1 s).
const lockWait = 5 * time.Second

// gitStore is go-git's storage for one repository with git's locking. Its
// fields are guarded by the workspace's mutex.
type gitStore struct {
	*filesystem.Storage
	dir string // the .git folder

	held    *os.File     // index.lock, while an operation holds it
	pending *index.Index // the index as the held operation changed it
	dirty   bool

	packs string // the pack list the object index was read for
	wait  time.Duration
	ctx   context.Context // the held operation's (go-git's calls carry none)
}

func newGitStore(s *filesystem.Storage, dir string) *gitStore {
	g := &gitStore{Storage: s, dir: dir, wait: lockWait, ctx: context.Background()}
	g.packs = g.packList()
	return g
}

// packList names the pack indexes on disk ("" when none, or unreadable).
func (g *gitStore) packList() string {
	ents, err := os.ReadDir(filepath.Join(g.dir, "objects", "pack"))
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".idx") {
			b.WriteString(e.Name())
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// refresh reads the pack index again when git added or removed packs
// (gc, repack, fetch) since it was read. Costs one ReadDir of objects/pack.
func (g *gitStore) refresh() {
	if p := g.packList(); p != g.packs {
		g.packs = p
		g.Reindex()
	}
}

// EncodedObject reads an object; one git packed (gc, repack) since the
// pack index was read is found after reading the index again: git writes
// the new pack before it deletes the loose objects or old packs.
func (g *gitStore) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := g.Storage.EncodedObject(t, h)
	if g.moved(err) {
		o, err = g.Storage.EncodedObject(t, h)
	}
	return o, err
}

// EncodedObjectSize is EncodedObject's rule for an object's size.
func (g *gitStore) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	n, err := g.Storage.EncodedObjectSize(h)
	if g.moved(err) {
		n, err = g.Storage.EncodedObjectSize(h)
	}
	return n, err
}

// HasEncodedObject is EncodedObject's rule for whether an object is there.
func (g *gitStore) HasEncodedObject(h plumbing.Hash) error {
	err := g.Storage.HasEncodedObject(h)
	if g.moved(err) {
		err = g.Storage.HasEncodedObject(h)
	}
	return err
}

// moved reports an object read that failed because git moved objects
// (not found, or a pack or loose file gone) and, if the packs on disk
// changed, reads their index again: the read is worth one more try.
func (g *gitStore) moved(err error) bool {
	if !errors.Is(err, plumbing.ErrObjectNotFound) && !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	p := g.packList()
	if p == g.packs {
		return false
	}
	g.packs = p
	g.Reindex()
	return true
}

// reindex forgets the pack index unconditionally (an object went missing:
// git may have packed it between refresh and the read).
func (g *gitStore) reindex() {
	g.packs = g.packList()
	g.Reindex()
}

// createLock makes path+".lock" exclusively, waiting up to lockWait while
// another program holds it.
func createLock(ctx context.Context, path string, wait time.Duration) (*os.File, error) {
	lock := path + ".lock"
	deadline := time.Now().Add(wait)
	delay := 2 * time.Millisecond
	for {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, &lockHeld{path: lock, wait: wait}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
}

// commitLock writes b into the held lock file f and renames it over path;
// on any failure the lock is removed, never left behind.
func commitLock(f *os.File, path string, b []byte) error {
	_, err := f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// holdIndex takes index.lock for an operation; release ends it.
func (g *gitStore) holdIndex(ctx context.Context) error {
	if g.held != nil {
		return nil
	}
	f, err := createLock(ctx, filepath.Join(g.dir, "index"), g.wait)
	if err != nil {
		return err
	}
	g.held, g.pending, g.dirty, g.ctx = f, nil, false, ctx
	return nil
}

// release writes the index the operation changed (keep) through the lock,
// or drops the lock and the changes.
func (g *gitStore) release(keep bool) error {
	f := g.held
	if f == nil {
		return nil
	}
	idx, dirty := g.pending, g.dirty
	g.held, g.pending, g.dirty, g.ctx = nil, nil, false, context.Background()
	if !keep || !dirty {
		f.Close()
		return os.Remove(f.Name())
	}
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return commitLock(f, filepath.Join(g.dir, "index"), buf.Bytes())
}

// Index is the index as the held operation left it, else as on disk.
func (g *gitStore) Index() (*index.Index, error) {
	if g.held != nil && g.pending != nil {
		return g.pending, nil
	}
	idx, err := g.Storage.Index()
	if err == nil && g.held != nil {
		g.pending = idx
	}
	return idx, err
}

// SetIndex keeps the index for the held operation, or (outside one)
// writes it at once through index.lock.
func (g *gitStore) SetIndex(idx *index.Index) error {
	if g.held != nil {
		g.pending, g.dirty = idx, true
		return nil
	}
	f, err := createLock(g.ctx, filepath.Join(g.dir, "index"), g.wait)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return commitLock(f, filepath.Join(g.dir, "index"), buf.Bytes())
}

// SetReference writes a ref through "<ref>.lock". A branch (or a detached
// HEAD) moves only from its new commit's first parent: when git moved it
// since Tessera read it, errRefMoved.
func (g *gitStore) SetReference(ref *plumbing.Reference) error {
	return g.setRef(ref, nil)
}

// CheckAndSetReference writes ref only when the ref still is old.
func (g *gitStore) CheckAndSetReference(ref, old *plumbing.Reference) error {
	return g.setRef(ref, old)
}

func (g *gitStore) setRef(ref, old *plumbing.Reference) error {
	name := ref.Name()
	if strings.Contains(name.String(), "..") || filepath.IsAbs(name.String()) {
		return fmt.Errorf("workspace: ref name %q refused", name)
	}
	var content string
	switch ref.Type() {
	case plumbing.HashReference:
		content = ref.Hash().String() + "\n"
	case plumbing.SymbolicReference:
		content = "ref: " + ref.Target().String() + "\n"
	default:
		return fmt.Errorf("workspace: ref %q has no value", name)
	}
	path := filepath.Join(g.dir, filepath.FromSlash(name.String()))
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return err
	}
	f, err := createLock(g.ctx, path, g.wait)
	if err != nil {
		return err
	}
	cur, cerr := g.Storage.Reference(name)
	if cerr != nil && !errors.Is(cerr, plumbing.ErrReferenceNotFound) {
		f.Close()
		os.Remove(f.Name())
		return cerr
	}
	if cerr == nil {
		if err := g.checkMove(cur, ref, old); err != nil {
			f.Close()
			os.Remove(f.Name())
			return err
		}
	} else if old != nil {
		f.Close()
		os.Remove(f.Name())
		return errRefMoved
	}
	return commitLock(f, path, []byte(content))
}

// checkMove refuses a ref update that would drop what the ref now holds.
func (g *gitStore) checkMove(cur, ref, old *plumbing.Reference) error {
	if old != nil {
		if cur.Type() != old.Type() || cur.Hash() != old.Hash() || cur.Target() != old.Target() {
			return errRefMoved
		}
		return nil
	}
	n := ref.Name()
	if ref.Type() != plumbing.HashReference || cur.Type() != plumbing.HashReference || (n != plumbing.HEAD && !n.IsBranch()) {
		return nil
	}
	if cur.Hash() == ref.Hash() {
		return nil
	}
	c, err := object.GetCommit(g.Storage, ref.Hash())
	if err != nil {
		return err
	}
	if len(c.ParentHashes) == 0 || c.ParentHashes[0] != cur.Hash() {
		return errRefMoved
	}
	return nil
}

// gitBusy is the sentence for a lock git kept held.
func gitBusy(err error) error {
	var lh *lockHeld
	if errors.As(err, &lh) {
		return apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("Another git command is using the project's history (%s exists). Tessera waited %s; try again in a moment. If no git command is running in that folder, delete %s.", lh.path, lh.wait, lh.path))
	}
	return nil
}

// withGitLocks opens repo again over a gitStore (git's lock files, packs
// re-read after gc).
func withGitLocks(repo *git.Repository) (*git.Repository, *gitStore, error) {
	fsst, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, nil, errors.New("workspace: the repository is not on disk")
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, nil, err
	}
	st := newGitStore(fsst, fsst.Filesystem().Root())
	// BoundOS, not go-billy's default chroot: that one rewrites an absolute
	// link target relative to the folder, so a link would be versioned
	// with a target it never had.
	r, err := git.Open(st, osfs.New(wt.Filesystem.Root(), osfs.WithBoundOS()))
	if err != nil {
		return nil, nil, err
	}
	return r, st, nil
}

// withIndex runs op holding git's index.lock (re-entrant), so no git
// command changes the index or takes the files while Tessera writes and
// commits; the index op changed is written through the lock at the end.
// Called with w.mu held.
func (w *Workspace) withIndex(ctx context.Context, op func() error) error {
	if w.st.held != nil {
		return op()
	}
	if err := w.st.holdIndex(ctx); err != nil {
		return w.gitErr(err)
	}
	done := false
	defer func() {
		if !done { // op panicked: never leave the lock behind
			w.st.release(false)
		}
	}()
	err := op()
	done = true
	if rerr := w.st.release(true); err == nil && rerr != nil {
		err = w.gitErr(rerr)
	}
	return err
}

// again reports whether an operation that failed with err is worth
// building again: git moved the branch (errRefMoved) or repacked the
// objects it read (then the pack index is read again). Called with w.mu held.
func (w *Workspace) again(err error, attempt int) bool {
	if err == nil || attempt >= 8 {
		return false
	}
	if errors.Is(err, errRefMoved) {
		w.st.refresh()
		return true
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, fs.ErrNotExist) {
		w.st.reindex()
		return true
	}
	return false
}
