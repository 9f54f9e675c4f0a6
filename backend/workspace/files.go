package workspace

// Writing project files: the one path rule (CleanPath) and the writes.

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"tessera/backend/apperr"
	"tessera/backend/workspace/gitname"
)

// CleanPath checks a path relative to the workspace and returns it in
// slash form. Absolute paths, "..", empty parts and anything inside .git
// in any spelling git, Windows or macOS would take for it (gitname) are
// refused: the model and the page name files, never places. Every writer
// of project files (model, editor, upload, import) comes through here.
func CleanPath(p string) (string, error) {
	orig := p
	p = strings.ReplaceAll(p, "\\", "/")
	p = strings.TrimPrefix(p, "./")
	bad := func(why string) (string, error) {
		return "", apperr.Newf(apperr.Invalid, "%q is not a file path inside the project (%s).", orig, why)
	}
	switch {
	case p == "":
		return bad("empty")
	case !utf8.ValidString(p) || strings.ContainsRune(p, 0):
		return bad("invalid characters")
	case strings.HasPrefix(p, "/") || filepath.IsAbs(orig) || filepath.VolumeName(orig) != "" || (len(p) > 1 && p[1] == ':'):
		return bad("absolute")
	case len(p) > 4096:
		return bad("too long")
	}
	for _, part := range strings.Split(p, "/") {
		switch {
		case part == "" || part == ".":
			return bad("empty part")
		case part == "..":
			return bad("it leaves the project")
		case gitname.IsDotGit(part):
			return "", apperr.Newf(apperr.Invalid, "%q cannot be a file of the project: git, Windows or macOS would take %q for the history folder .git. Choose another name.", orig, part)
		}
	}
	return path.Clean(p), nil
}

// resolve turns a clean relative path into an absolute one, refusing any
// symlink on the way: a link could point out of the folder, and following
// it would write where the person never agreed to.
func (w *Workspace) resolve(rel string) (string, error) {
	return w.resolveFor(rel, false)
}

// resolveFor is resolve; ownLink lets the last part be a link (replaced
// or removed itself by a restore, never followed).
func (w *Workspace) resolveFor(rel string, ownLink bool) (string, error) {
	cur := w.root
	parts := strings.Split(rel, "/")
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		if ownLink && i == len(parts)-1 {
			return cur, nil
		}
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(w.root, filepath.FromSlash(rel)), nil
		}
		if err != nil {
			return "", apperr.Wrap(err, apperr.Internal, "Tessera could not read "+rel+" in the project folder.")
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", apperr.Newf(apperr.Invalid, "%q is or goes through a symbolic link; Tessera never follows links in the project folder (the link stays in the history as a link).", rel)
		}
	}
	return cur, nil
}

// Write puts files on disk (or deletes them) and reports whether anything
// differs from what was there. Nothing is committed: call Commit.
func (w *Workspace) Write(ctx context.Context, files []File) (changed bool, err error) {
	if err := w.lock(); err != nil {
		return false, err
	}
	defer w.mu.Unlock()
	return w.write(ctx, files)
}

func (w *Workspace) write(ctx context.Context, files []File) (bool, error) {
	type op struct {
		abs string
		f   File
	}
	ops := make([]op, 0, len(files))
	for _, f := range files {
		rel, err := CleanPath(f.Path)
		if err != nil {
			return false, err
		}
		if f.Link && !f.Delete && !LinkInside(rel, string(f.Content)) {
			return false, apperr.Newf(apperr.Invalid, "%q would be a link to %q, outside the project; Tessera makes links only to files inside it.", rel, f.Content)
		}
		if f.fromHistory && f.Delete && w.throughLink(rel) {
			continue // not in the project any more: its folder became a link
		}
		abs, err := w.resolveFor(rel, f.fromHistory)
		if err != nil {
			return false, err
		}
		f.Path = rel
		ops = append(ops, op{abs, f})
	}
	changed := false
	for _, o := range ops {
		if err := ctx.Err(); err != nil {
			return changed, apperr.Wrap(err, apperr.Canceled, "Writing the files was stopped.")
		}
		c, err := applyFile(o.abs, o.f)
		if err != nil {
			return changed, err
		}
		changed = changed || c
	}
	return changed, nil
}

func applyFile(abs string, f File) (bool, error) {
	// Lstat first: a link at abs is the link itself, never its target.
	fi, err := os.Lstat(abs)
	isLink := err == nil && fi.Mode()&fs.ModeSymlink != 0
	switch {
	case f.Link && !f.Delete:
		c, err := applyLink(abs, f)
		if err != nil {
			return false, apperr.Wrap(err, apperr.Internal, "Tessera could not make the link "+f.Path+".")
		}
		return c, nil
	case isLink && f.Delete:
		if err := os.Remove(abs); err != nil {
			return false, apperr.Wrap(err, apperr.Internal, "Tessera could not delete "+f.Path+".")
		}
		return true, nil
	}
	var old []byte
	exists := false
	if err == nil && !isLink {
		old, err = os.ReadFile(abs)
		exists = err == nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+f.Path+" in the project folder.")
	}
	if f.Delete {
		if !exists {
			return false, nil
		}
		if err := os.Remove(abs); err != nil {
			return false, apperr.Wrap(err, apperr.Internal, "Tessera could not delete "+f.Path+".")
		}
		return true, nil
	}
	if exists && bytes.Equal(old, f.Content) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(abs), dirMode); err != nil {
		return false, apperr.Wrap(err, apperr.Internal, "Tessera could not create the folder for "+f.Path+".")
	}
	// Write beside and rename, so an editor or a crash never sees half a file.
	tmp, err := os.CreateTemp(filepath.Dir(abs), ".tessera-*")
	if err != nil {
		return false, apperr.Wrap(err, apperr.Internal, "Tessera could not write "+f.Path+". Check the disk has space.")
	}
	_, werr := tmp.Write(f.Content)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), fileMode)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), abs)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return false, apperr.Wrap(werr, apperr.Internal, "Tessera could not write "+f.Path+". Check the disk has space.")
	}
	return true, nil
}
