package workspace

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// stagingPrefix names the folders an import is built in, under the root
// (so the final move is a rename on one disk). The leading dot keeps them
// out of every project's name: validFolder refuses it.
const stagingPrefix = ".import-"

// Staging makes an empty folder under the root for building an import.
// The caller moves it in with Adopt or removes it.
func (m *Manager) Staging() (string, error) {
	if err := os.MkdirAll(m.root, dirMode); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not create the projects folder "+m.root+". Check that you may write there, or choose another folder in Settings.")
	}
	dir, err := os.MkdirTemp(m.root, stagingPrefix)
	if err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not make a folder for the import in "+m.root+". Check the disk has space.")
	}
	return dir, nil
}

// Adopt moves a workspace built in a staging folder to a free folder name
// for project p (already in the index), records it, and returns the
// workspace there. On error the staging folder is where it was.
func (m *Manager) Adopt(ctx context.Context, idx Index, p store.Project, staging string) (*Workspace, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	taken, err := m.takenNames(ctx, idx, p.ID)
	if err != nil {
		return nil, err
	}
	folder := uniqueName(SafeName(p.Name), func(c string) bool {
		if taken[strings.ToLower(c)] {
			return true
		}
		_, err := os.Lstat(m.Path(c))
		return !errors.Is(err, fs.ErrNotExist) || m.existsFold(c)
	})
	if err := os.Rename(staging, m.Path(folder)); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not move the imported project to "+m.Path(folder)+".")
	}
	if err := idx.SetWorkspace(ctx, p.ID, folder); err != nil {
		os.Rename(m.Path(folder), staging)
		return nil, err
	}
	w, err := m.get(folder)
	if err != nil {
		return nil, err
	}
	return w, nil
}
