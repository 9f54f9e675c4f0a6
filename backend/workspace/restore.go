package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"tessera/backend/apperr"
)

// Restore makes a new version whose files are exactly those of versionID:
// the folder is rewritten (files the current version tracks but that one
// lacks are deleted; ignored files such as node_modules are left alone)
// and the new commit points at that version's tree, so history only grows.
func (w *Workspace) Restore(ctx context.Context, versionID string) (Version, error) {
	if err := w.lock(); err != nil {
		return Version{}, err
	}
	defer w.mu.Unlock()
	return w.heldRetry(ctx, func() (Version, error) { return w.restore(ctx, versionID) })
}

// heldRetry runs op holding index.lock, again when git moved the branch
// or repacked meanwhile (op reads the current version anew each time).
// Called with w.mu held.
func (w *Workspace) heldRetry(ctx context.Context, op func() (Version, error)) (v Version, err error) {
	err = w.withIndex(ctx, func() error {
		for attempt := 0; ; attempt++ {
			v, err = op()
			if !w.again(err, attempt) {
				return err
			}
		}
	})
	return v, err
}

func (w *Workspace) restore(ctx context.Context, versionID string) (Version, error) {
	target, err := w.commitByID(versionID)
	if err != nil {
		return Version{}, err
	}
	cur, err := w.currentCommit()
	if err != nil {
		return Version{}, err
	}
	if cur.TreeHash == target.TreeHash {
		return Version{}, apperr.Wrap(ErrNoChanges, apperr.Invalid, "The project's files are already those of that version.")
	}
	subject, _ := ParseMessage(target.Message)
	first, _, _ := strings.Cut(subject, "\n")
	msg := fmt.Sprintf("Restored the version of %s: %s", target.Committer.When.UTC().Format("2006-01-02 15:04"), first)
	return w.restoreTree(ctx, cur, target.TreeHash, msg, []Trailer{{TrailerRestored, target.Hash.String()}, {TrailerKind, "restore"}})
}

// restoreTree rewrites the folder to hold exactly the files of tree and
// commits it on cur. Called with w.mu held.
func (w *Workspace) restoreTree(ctx context.Context, cur *object.Commit, tree plumbing.Hash, msg string, trailers []Trailer) (Version, error) {
	t, err := w.repo.TreeObject(tree)
	if err != nil {
		return Version{}, w.gitErr(err)
	}
	want, err := w.filesOf(ctx, t)
	if err != nil {
		return Version{}, err
	}
	have, err := w.treeFiles(ctx, cur)
	if err != nil {
		return Version{}, err
	}
	keep := make(map[string]bool, len(want))
	for _, f := range want {
		keep[f.Path] = true
	}
	var deletes []File
	for _, f := range have {
		if !keep[f.Path] {
			deletes = append(deletes, File{Path: f.Path, Delete: true, fromHistory: true})
		}
	}
	// Deletes first: a file that later became a folder (or the other way
	// round) must be out of the way before the version's one is written.
	if _, err := w.write(ctx, deletes); err != nil {
		return Version{}, err
	}
	removeEmptyDirs(w.root, deletes)
	if _, err := w.write(ctx, historyFiles(want)); err != nil {
		return Version{}, err
	}
	h, err := w.commitTree(tree, FormatMessage(msg, trailers), cur.Hash)
	if err != nil {
		return Version{}, err
	}
	return w.version(h)
}

// RestoreBefore makes a new version whose files are those of the version
// before versionID (what Undo of a turn brings back). For the first
// version, that is no files but its .gitignore (so what must never be
// versioned stays out).
func (w *Workspace) RestoreBefore(ctx context.Context, versionID string) (Version, error) {
	if err := w.lock(); err != nil {
		return Version{}, err
	}
	defer w.mu.Unlock()
	return w.heldRetry(ctx, func() (Version, error) { return w.restoreBefore(ctx, versionID) })
}

func (w *Workspace) restoreBefore(ctx context.Context, versionID string) (Version, error) {
	c, err := w.commitByID(versionID)
	if err != nil {
		return Version{}, err
	}
	cur, err := w.currentCommit()
	if err != nil {
		return Version{}, err
	}
	subject, _ := ParseMessage(c.Message)
	first, _, _ := strings.Cut(subject, "\n")
	msg := "Undid: " + first
	var tree plumbing.Hash
	if p := firstParent(c); !p.IsZero() {
		pc, err := w.repo.CommitObject(p)
		if err != nil {
			return Version{}, w.gitErr(err)
		}
		tree = pc.TreeHash
		msg = fmt.Sprintf("%s (back to the version of %s)", msg, pc.Committer.When.UTC().Format("2006-01-02 15:04"))
	} else if tree, err = w.gitignoreOnly(c); err != nil {
		return Version{}, err
	}
	if cur.TreeHash == tree {
		return Version{}, apperr.Wrap(ErrNoChanges, apperr.Invalid, "The project's files are already those of the version before.")
	}
	from := ""
	if p := firstParent(c); !p.IsZero() {
		from = p.String()
	}
	return w.restoreTree(ctx, cur, tree, msg, []Trailer{{TrailerRestored, from}, {TrailerKind, "undo"}})
}

// gitignoreOnly stores a tree holding only c's .gitignore (empty if none).
func (w *Workspace) gitignoreOnly(c *object.Commit) (plumbing.Hash, error) {
	t := &object.Tree{}
	if ct, err := c.Tree(); err == nil {
		if e, err := ct.FindEntry(".gitignore"); err == nil {
			t.Entries = []object.TreeEntry{*e}
		}
	}
	obj := w.repo.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, w.gitErr(err)
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, w.gitErr(err)
	}
	return h, nil
}

// commitTree writes a commit of tree on parent and moves the branch and
// the index to it (a mixed reset: the folder was already written).
func (w *Workspace) commitTree(tree plumbing.Hash, msg string, parent plumbing.Hash) (plumbing.Hash, error) {
	h, err := w.writeCommit(tree, msg, parent)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	wt, err := w.repo.Worktree()
	if err != nil {
		return plumbing.ZeroHash, w.gitErr(err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: h, Mode: git.MixedReset}); err != nil {
		return plumbing.ZeroHash, w.gitErr(err)
	}
	return h, nil
}

// removeEmptyDirs drops the folders of deleted files that the restore left
// empty (git tracks no folders, so the restored tree has none of them),
// walking up to the root. Best effort; other folders are never touched.
func removeEmptyDirs(root string, files []File) {
	for _, f := range files {
		if !f.Delete {
			continue
		}
		for d := filepath.Dir(filepath.Join(root, filepath.FromSlash(f.Path))); d != root && strings.HasPrefix(d, root); d = filepath.Dir(d) {
			if os.Remove(d) != nil { // not empty (or gone): stop here
				break
			}
		}
	}
}

// Branch copies versionID's files into a new workspace at newRoot (which
// must not exist or be empty) as its first version, for a new project.
func (w *Workspace) Branch(ctx context.Context, versionID, newRoot string) (*Workspace, Version, error) {
	if err := w.lock(); err != nil {
		return nil, Version{}, err
	}
	target, err := w.commitByID(versionID)
	var files []FileEntry
	if err == nil {
		files, err = w.treeFiles(ctx, target)
	}
	w.mu.Unlock()
	if err != nil {
		return nil, Version{}, err
	}
	if ents, err := os.ReadDir(newRoot); err == nil && len(ents) > 0 {
		return nil, Version{}, apperr.Newf(apperr.Conflict, "The folder %s already has files; Tessera branches only into a new folder.", newRoot)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, Version{}, apperr.Wrap(err, apperr.Internal, "Tessera could not read the folder "+newRoot+".")
	}
	nw, err := Open(newRoot, WithClock(w.now))
	if err != nil {
		return nil, Version{}, err
	}
	wf := historyFiles(files)
	subject, _ := ParseMessage(target.Message)
	first, _, _ := strings.Cut(subject, "\n")
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if _, err := nw.write(ctx, wf); err != nil {
		return nil, Version{}, err
	}
	v, err := nw.commit(ctx, "Branched from: "+first, []Trailer{{TrailerBranched, target.Hash.String()}, {TrailerKind, "branch"}})
	if err != nil {
		return nil, Version{}, err
	}
	return nw, v, nil
}

// currentCommit is the commit HEAD names (an error when there is none
// yet: nothing to restore over).
func (w *Workspace) currentCommit() (*object.Commit, error) {
	head, err := w.repo.Head()
	if err != nil {
		return nil, w.gitErr(err)
	}
	c, err := w.repo.CommitObject(head.Hash())
	if err != nil {
		return nil, w.gitErr(err)
	}
	return c, nil
}
