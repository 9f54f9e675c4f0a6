package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// Duplicate gives newProject (already in the index) a folder holding a copy
// of from's: its whole history (the .git folder) and the files of its
// current version, checked out. Untracked and ignored files (node_modules,
// a local .env) are not copied. A failure leaves no folder behind.
func (m *Manager) Duplicate(ctx context.Context, idx Index, from, newProject store.Project) (*Workspace, error) {
	src, err := m.For(ctx, idx, from)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	folder, err := m.assign(ctx, idx, newProject.ID, newProject.Name)
	if err != nil {
		return nil, err
	}
	dst := m.Path(folder)
	fail := func(err error) (*Workspace, error) {
		os.RemoveAll(dst)
		_ = idx.SetWorkspace(context.WithoutCancel(ctx), newProject.ID, "")
		return nil, err
	}
	if err := src.lock(); err != nil {
		return fail(err)
	}
	err = copyTree(filepath.Join(src.root, ".git"), filepath.Join(dst, ".git"))
	src.mu.Unlock()
	if err != nil {
		return fail(apperr.Wrap(err, apperr.Internal, "Tessera could not copy the project's history to "+dst+"."))
	}
	if err := ctx.Err(); err != nil {
		return fail(apperr.Wrap(err, apperr.Canceled, "The operation was stopped."))
	}
	w, err := m.get(folder)
	if err != nil {
		return fail(err)
	}
	if err := w.checkoutCurrent(ctx); err != nil {
		delete(m.open, strings.ToLower(folder))
		return fail(err)
	}
	return w, nil
}

// checkoutCurrent writes the current version's files into the folder
// (links as links when they stay inside the project; never go-git's
// checkout, which would make any link history holds) and points the index
// at it. A repository with no version yet gets the default .gitignore.
func (w *Workspace) checkoutCurrent(ctx context.Context) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	head, err := w.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return writeIfMissing(filepath.Join(w.root, ".gitignore"), []byte(DefaultGitignore))
	}
	if err != nil {
		return w.gitErr(err)
	}
	c, err := w.repo.CommitObject(head.Hash())
	if err != nil {
		return w.gitErr(err)
	}
	entries, err := w.treeFiles(ctx, c)
	if err != nil {
		return err
	}
	return w.withIndex(ctx, func() error {
		if _, err := w.write(ctx, historyFiles(entries)); err != nil {
			return err
		}
		wt, err := w.repo.Worktree()
		if err != nil {
			return w.gitErr(err)
		}
		if err := wt.Reset(&git.ResetOptions{Commit: head.Hash(), Mode: git.MixedReset}); err != nil {
			return w.gitErr(err)
		}
		return nil
	})
}
