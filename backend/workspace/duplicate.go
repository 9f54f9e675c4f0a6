package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"

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
	repo, err := git.PlainOpen(dst)
	if err == nil {
		var wt *git.Worktree
		if wt, err = repo.Worktree(); err == nil {
			if _, herr := repo.Head(); errors.Is(herr, plumbing.ErrReferenceNotFound) {
				err = writeIfMissing(filepath.Join(dst, ".gitignore"), []byte(DefaultGitignore)) // no version yet
			} else if err = herr; err == nil {
				err = wt.Reset(&git.ResetOptions{Mode: git.HardReset})
			}
		}
	}
	if err != nil {
		return fail(apperr.Wrap(err, apperr.Internal, "Tessera could not check out the copied project in "+dst+"."))
	}
	w, err := m.get(folder)
	if err != nil {
		return fail(err)
	}
	return w, nil
}
