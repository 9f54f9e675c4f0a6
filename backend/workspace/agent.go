package workspace

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"tessera/backend/apperr"
)

// Agent turns (package agent) change files step by step. Each step is
// committed at once, under the workspace's lock like every Tessera write,
// so the outside-edit watcher never takes it for the person's edit; the
// step commits are the turn's restore points, and when the turn ends
// SquashTurn replaces them with the one version of the turn.

// KindAgentStep is the Tessera-Kind of one agent step's commit.
const KindAgentStep = "agent-step"

// ApplyStep checks f's path against check (given the bytes on disk and
// whether the file exists), writes or deletes it, and commits it as an
// agent step with msg. When check fails nothing is written. It reports
// whether anything changed (no commit when not).
func (w *Workspace) ApplyStep(ctx context.Context, f File, check func(current []byte, exists bool) error, msg string) (bool, error) {
	if err := w.lock(); err != nil {
		return false, err
	}
	defer w.mu.Unlock()
	rel, err := CleanPath(f.Path)
	if err != nil {
		return false, err
	}
	abs, err := w.resolve(rel)
	if err != nil {
		return false, err
	}
	cur, err := os.ReadFile(abs)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+rel+" in the project folder.")
	}
	if check != nil {
		if err := check(cur, exists); err != nil {
			return false, err
		}
	}
	f.Path = rel
	changed, err := w.write(ctx, []File{f})
	if err != nil || !changed {
		return false, err
	}
	return true, w.commitPath(rel, f.Delete, msg)
}

// commitPath commits one path only: an agent step is one file, and
// staging just it skips the walk of the whole folder (the step's own
// time, issue 25), and leaves any edit the person made elsewhere to the
// outside-edit watcher, which makes it their own version.
func (w *Workspace) commitPath(rel string, deleted bool, msg string) error {
	wt, err := w.repo.Worktree()
	if err != nil {
		return w.gitErr(err)
	}
	if deleted {
		_, err = wt.Remove(rel)
	} else {
		err = wt.AddWithOptions(&git.AddOptions{Path: rel, SkipStatus: true})
	}
	if err != nil {
		return w.gitErr(err)
	}
	sig := w.signature()
	_, err = wt.Commit(FormatMessage(msg, []Trailer{{TrailerKind, KindAgentStep}}), &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil && !errors.Is(err, git.ErrEmptyCommit) {
		return w.gitErr(err)
	}
	return nil
}

// SquashTurn replaces the agent-step commits at the tip of the history
// (back to since, or to the first commit that is not an agent step: an
// outside edit made during the turn stays its own version) with one
// version of the current files, msg and trailers. changed is false, and
// no version made, when there is no step commit to squash.
func (w *Workspace) SquashTurn(ctx context.Context, since, msg string, trailers []Trailer) (Version, bool, error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Version{}, false, apperr.Wrap(err, apperr.Canceled, "Saving the version was stopped.")
	}
	cur, err := w.currentCommit()
	if err != nil {
		return Version{}, false, nil // no history: nothing to squash
	}
	base := cur
	for base.Hash.String() != since {
		_, tr := ParseMessage(base.Message)
		if tr[TrailerKind] != KindAgentStep {
			break
		}
		p := firstParent(base)
		if p.IsZero() {
			// The turn made the first versions of the project: its
			// version becomes the first one.
			h, err := w.rootCommit(base.TreeHash, FormatMessage(msg, trailers))
			if err != nil {
				return Version{}, false, err
			}
			v, err := w.version(h)
			return v, err == nil, err
		}
		pc, err := w.repo.CommitObject(p)
		if err != nil {
			return Version{}, false, w.gitErr(err)
		}
		base = pc
	}
	if base.Hash == cur.Hash {
		return Version{}, false, nil
	}
	if base.TreeHash == cur.TreeHash {
		// The steps undid themselves: back to the version before them.
		return Version{}, false, w.moveTo(base.Hash)
	}
	h, err := w.commitTree(cur.TreeHash, FormatMessage(msg, trailers), base.Hash)
	if err != nil {
		return Version{}, false, err
	}
	v, err := w.version(h)
	return v, err == nil, err
}

// Head is the id of the current version ("" when there is none).
func (w *Workspace) Head() string {
	if err := w.lock(); err != nil {
		return ""
	}
	defer w.mu.Unlock()
	c, err := w.currentCommit()
	if err != nil {
		return ""
	}
	return c.Hash.String()
}

// moveTo points the branch and the index at h (the folder already holds
// its files).
func (w *Workspace) moveTo(h plumbing.Hash) error {
	wt, err := w.repo.Worktree()
	if err != nil {
		return w.gitErr(err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: h, Mode: git.MixedReset}); err != nil {
		return w.gitErr(err)
	}
	return nil
}

// rootCommit writes a commit of tree without parents and moves the branch
// to it.
func (w *Workspace) rootCommit(tree plumbing.Hash, msg string) (plumbing.Hash, error) {
	sig := w.signature()
	c := &object.Commit{Author: *sig, Committer: *sig, Message: msg, TreeHash: tree}
	obj := w.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, w.gitErr(err)
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, w.gitErr(err)
	}
	return h, w.moveTo(h)
}
