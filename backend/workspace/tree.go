package workspace

// The file tree of a workspace and the person's own operations on it (the
// Code tab's explorer): list, read, save, create, rename, delete. Each
// change that touches a file is one commit with a sentence saying what was
// done ("edited app.py"), so an edit by hand is a version like a turn.

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"tessera/backend/apperr"
	"tessera/backend/units"
)

// Limits of the explorer.
const (
	// MaxTreeEntries caps one listing; a folder holding more (someone
	// copied a dataset in) is cut, and the listing says so.
	MaxTreeEntries = 20000
	// MaxEditBytes is the largest file the editor opens.
	MaxEditBytes = 2 << 20
)

// skippedDirs are never listed: the history, and folders of installed or
// generated files that .gitignore keeps out of the versions anyway.
var skippedDirs = map[string]bool{".git": true, "node_modules": true, ".next": true, "__pycache__": true, ".venv": true}

// TreeEntry is one file or folder of the workspace, its path relative to
// the folder in slash form.
type TreeEntry struct {
	Path string
	Dir  bool
	Size int64
	// Link: a symbolic link (listed, never followed; Target is where it
	// points, as written).
	Link   bool
	Target string
}

// Moved is one file a rename moved.
type Moved struct{ From, To string }

// Tree lists the workspace's folders and files on disk (not only what is
// committed: a new empty folder shows too), sorted by path. truncated is
// true when there were more than MaxTreeEntries.
func (w *Workspace) Tree(ctx context.Context) (entries []TreeEntry, truncated bool, err error) {
	if err := w.lock(); err != nil {
		return nil, false, err
	}
	defer w.mu.Unlock()
	return w.tree(ctx, w.root)
}

// errFull stops the walk once the listing is full.
var errFull = errors.New("workspace: listing full")

func (w *Workspace) tree(ctx context.Context, dir string) ([]TreeEntry, bool, error) {
	out := []TreeEntry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // a file that vanished or cannot be read: not listed
		}
		if p == dir {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && skippedDirs[name] {
			return filepath.SkipDir
		}
		link := d.Type()&fs.ModeSymlink != 0
		if strings.HasPrefix(name, ".tessera-") || !(link || d.IsDir() || d.Type().IsRegular()) {
			return nil
		}
		if len(out) == MaxTreeEntries {
			return errFull
		}
		rel, _ := filepath.Rel(w.root, p)
		e := TreeEntry{Path: filepath.ToSlash(rel), Dir: d.IsDir()}
		if link { // WalkDir does not follow it; neither does the listing
			e.Link, e.Dir = true, false
			e.Target, _ = os.Readlink(p)
			out = append(out, e)
			return nil
		}
		if !e.Dir {
			if fi, err := d.Info(); err == nil {
				e.Size = fi.Size()
			}
		}
		out = append(out, e)
		return nil
	})
	full := errors.Is(err, errFull)
	switch {
	case full:
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return nil, false, apperr.Wrap(err, apperr.Canceled, "Listing the project's files was stopped.")
	case err != nil:
		return nil, false, apperr.Wrap(err, apperr.Internal, "Tessera could not list the files in "+w.root+".")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, full, nil
}

// target cleans rel and resolves it; fi is nil when nothing is there.
func (w *Workspace) target(rel string) (clean, abs string, fi fs.FileInfo, err error) {
	clean, err = CleanPath(rel)
	if err != nil {
		return "", "", nil, err
	}
	for _, part := range strings.Split(clean, "/") {
		if skippedDirs[part] {
			// Listed nowhere; refused so that nothing is made where it is not shown.
			return "", "", nil, apperr.Newf(apperr.Invalid, "%q is inside a folder Tessera does not show (%s); choose another place.", rel, part)
		}
	}
	if err := w.parentsAreFolders(clean); err != nil {
		return "", "", nil, err
	}
	abs, err = w.resolve(clean)
	if err != nil {
		return "", "", nil, err
	}
	fi, err = os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return clean, abs, nil, nil
	}
	if err != nil {
		return "", "", nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+clean+" in the project folder.")
	}
	return clean, abs, fi, nil
}

// ReadFile returns a file's bytes; a folder, a missing file or one larger
// than MaxEditBytes is refused with a sentence.
func (w *Workspace) ReadFile(ctx context.Context, rel string) ([]byte, error) {
	return w.ReadLimited(ctx, rel, MaxEditBytes)
}

// ReadLimited is ReadFile with another size limit (the replicas take files
// the editor does not open).
func (w *Workspace) ReadLimited(ctx context.Context, rel string, limit int64) ([]byte, error) {
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, apperr.Wrap(err, apperr.Canceled, "Opening the file was stopped.")
	}
	clean, abs, fi, err := w.target(rel)
	switch {
	case err != nil:
		return nil, err
	case fi == nil:
		return nil, apperr.Newf(apperr.NotFound, "%s is not in the project any more.", clean)
	case fi.IsDir():
		return nil, apperr.Newf(apperr.Invalid, "%s is a folder, not a file.", clean)
	case fi.Size() > limit:
		return nil, apperr.Newf(apperr.Invalid, "%s is %s: too large to open in the editor. Open the project folder in your own editor.", clean, units.Over(fi.Size(), limit))
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+clean+".")
	}
	return b, nil
}

// IsText says whether the editor may show b: no NUL in its first 8000
// bytes (git's rule) and valid UTF-8.
func IsText(b []byte) bool {
	head := b
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) < 0 && utf8.Valid(b)
}

// SaveFile writes one file the person edited and commits it as
// "edited <path>". changed is false (no version) when the content was
// already so. A folder at that path is refused.
func (w *Workspace) SaveFile(ctx context.Context, rel string, content []byte) (Version, bool, error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	clean, _, fi, err := w.target(rel)
	if err != nil {
		return Version{}, false, err
	}
	if fi != nil && fi.IsDir() {
		return Version{}, false, apperr.Newf(apperr.Invalid, "%s is a folder; a file cannot be saved in its place.", clean)
	}
	if len(content) > MaxEditBytes {
		return Version{}, false, apperr.Newf(apperr.Invalid, "%s is %s: too large to save from the editor.", clean, units.Over(int64(len(content)), MaxEditBytes))
	}
	changed, err := w.write(ctx, []File{{Path: clean, Content: content}})
	if err != nil || !changed {
		return Version{}, false, err
	}
	return w.commitEdit(ctx, "edited "+clean)
}

// commitEdit commits as a manual edit; nothing to commit is no version.
func (w *Workspace) commitEdit(ctx context.Context, msg string) (Version, bool, error) {
	v, err := w.commit(ctx, msg, []Trailer{{TrailerKind, "edit"}})
	if errors.Is(err, ErrNoChanges) {
		return Version{}, false, nil
	}
	return v, err == nil, err
}

// Create makes an empty file (one version, "created <path>") or a folder
// (no version: git keeps no empty folders; it is on disk and listed).
// Something already at that path is refused.
func (w *Workspace) Create(ctx context.Context, rel string, dir bool) (Version, bool, error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Version{}, false, apperr.Wrap(err, apperr.Canceled, "Creating the file was stopped.")
	}
	clean, abs, fi, err := w.target(rel)
	if err != nil {
		return Version{}, false, err
	}
	if fi != nil {
		return Version{}, false, apperr.Newf(apperr.Invalid, "%s already exists; choose another name.", clean)
	}
	if dir {
		if err := os.MkdirAll(abs, dirMode); err != nil {
			return Version{}, false, apperr.Wrap(err, apperr.Internal, "Tessera could not create the folder "+clean+".")
		}
		return Version{}, false, nil
	}
	if _, err := w.write(ctx, []File{{Path: clean, Content: []byte{}}}); err != nil {
		return Version{}, false, err
	}
	return w.commitEdit(ctx, "created "+clean)
}

// parentsAreFolders refuses a path under an existing file ("a.py/b").
func (w *Workspace) parentsAreFolders(clean string) error {
	for d := path.Dir(clean); d != "."; d = path.Dir(d) {
		fi, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(d)))
		if err == nil && !fi.IsDir() {
			return apperr.Newf(apperr.Invalid, "%s is a file, so nothing can be put inside it.", d)
		}
	}
	return nil
}

// Rename moves a file or a folder (with everything in it) and commits it
// as "renamed <from> to <to>". It returns the files moved, for the
// replicas. The target must not exist (a change of case only is allowed)
// and a folder cannot move into itself.
func (w *Workspace) Rename(ctx context.Context, from, to string) ([]Moved, Version, bool, error) {
	if err := w.lock(); err != nil {
		return nil, Version{}, false, err
	}
	defer w.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, Version{}, false, apperr.Wrap(err, apperr.Canceled, "The rename was stopped.")
	}
	src, srcAbs, sfi, err := w.target(from)
	if err != nil {
		return nil, Version{}, false, err
	}
	dst, dstAbs, dfi, err := w.target(to)
	if err != nil {
		return nil, Version{}, false, err
	}
	switch {
	case sfi == nil:
		return nil, Version{}, false, apperr.Newf(apperr.NotFound, "%s is not in the project any more.", src)
	case src == dst:
		return nil, Version{}, false, apperr.Newf(apperr.Invalid, "%s already has that name.", src)
	case dfi != nil && !strings.EqualFold(src, dst):
		return nil, Version{}, false, apperr.Newf(apperr.Invalid, "%s already exists; choose another name.", dst)
	case sfi.IsDir() && strings.HasPrefix(dst, src+"/"):
		return nil, Version{}, false, apperr.Newf(apperr.Invalid, "%s cannot be moved into itself.", src)
	}
	var moved []Moved
	if sfi.IsDir() {
		files, _, err := w.tree(ctx, srcAbs)
		if err != nil {
			return nil, Version{}, false, err
		}
		for _, e := range files {
			if !e.Dir {
				moved = append(moved, Moved{From: e.Path, To: dst + strings.TrimPrefix(e.Path, src)})
			}
		}
	} else {
		moved = []Moved{{From: src, To: dst}}
	}
	if err := os.MkdirAll(filepath.Dir(dstAbs), dirMode); err != nil {
		return nil, Version{}, false, apperr.Wrap(err, apperr.Internal, "Tessera could not create the folder for "+dst+".")
	}
	if err := os.Rename(srcAbs, dstAbs); err != nil {
		return nil, Version{}, false, apperr.Wrap(err, apperr.Internal, "Tessera could not rename "+src+"; another program may have it open.")
	}
	v, changed, err := w.commitEdit(ctx, "renamed "+src+" to "+dst)
	return moved, v, changed, err
}

// Remove deletes a file or a folder with everything in it and commits it
// as "deleted <path>". It returns the files removed, for the replicas. The
// files stay in the history: restoring an earlier version brings them back.
func (w *Workspace) Remove(ctx context.Context, rel string) ([]string, Version, bool, error) {
	if err := w.lock(); err != nil {
		return nil, Version{}, false, err
	}
	defer w.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, Version{}, false, apperr.Wrap(err, apperr.Canceled, "The delete was stopped.")
	}
	clean, abs, fi, err := w.target(rel)
	if err != nil {
		return nil, Version{}, false, err
	}
	if fi == nil {
		return nil, Version{}, false, apperr.Newf(apperr.NotFound, "%s is not in the project any more.", clean)
	}
	removed := []string{clean}
	if fi.IsDir() {
		files, _, err := w.tree(ctx, abs)
		if err != nil {
			return nil, Version{}, false, err
		}
		removed = removed[:0]
		for _, e := range files {
			if !e.Dir {
				removed = append(removed, e.Path)
			}
		}
	}
	if err := os.RemoveAll(abs); err != nil {
		return nil, Version{}, false, apperr.Wrap(err, apperr.Internal, "Tessera could not delete "+clean+"; another program may have it open.")
	}
	v, changed, err := w.commitEdit(ctx, "deleted "+clean)
	return removed, v, changed, err
}
