package workspace

// Symbolic links in the project folder. Tessera never follows one: no
// reader or writer of project files goes through a link (a linked folder
// could be anywhere), links are versioned as links (git's mode 120000, the
// target as the blob) and restored as links, and Tessera never creates one
// that points out of the project. Such a link in history (imported, or
// made by the person and then removed) is withheld: not made on disk, but
// kept in the index, so its absence is no change anybody made.

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"tessera/backend/workspace/gitname"
)

// LinkInside reports whether a link at rel (slash path in the project)
// with this target stays inside the project: relative, not through
// ".." past the folder, not into any spelling of .git.
func LinkInside(rel, target string) bool {
	if target == "" || strings.ContainsRune(target, 0) || strings.Contains(target, "\\") {
		return false
	}
	if path.IsAbs(target) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" || (len(target) > 1 && target[1] == ':') {
		return false
	}
	joined := path.Join(path.Dir(rel), target)
	if joined == "." || joined == ".." || strings.HasPrefix(joined, "../") {
		return false
	}
	_, dotgit := gitname.InPath(joined)
	return !dotgit
}

// throughLink reports whether a folder above rel (slash path) is not a
// plain folder on disk: a link, or a file. Reading rel would follow it.
func (w *Workspace) throughLink(rel string) bool {
	cur := w.root
	parts := strings.Split(rel, "/")
	for _, part := range parts[:len(parts)-1] {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return false // nothing there: nothing to follow
		}
		if err != nil || !fi.IsDir() {
			return true
		}
	}
	return false
}

// lstatInside is os.Lstat of rel that never goes through a link: a path
// under a link (or under a file) does not exist, as far as the project is
// concerned.
func (w *Workspace) lstatInside(rel string) (fs.FileInfo, error) {
	if w.throughLink(rel) {
		return nil, fs.ErrNotExist
	}
	return os.Lstat(filepath.Join(w.root, filepath.FromSlash(rel)))
}

// readInside reads a regular file at rel without following any link (on
// the way or at the end); a link, folder or anything else reads as absent.
func (w *Workspace) readInside(rel string) ([]byte, error) {
	fi, err := w.lstatInside(rel)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(filepath.Join(w.root, filepath.FromSlash(rel)))
}

// prepareIndex is what commit does before adding the whole folder (w.mu
// and index.lock held): entries under a folder that became a link are
// dropped (git reads them as deleted; go-git would refuse the whole
// add), so a versioned folder turned into a link never stops the turns;
// so are files that became folders (go-git would try to read the folder).
func (w *Workspace) prepareIndex() error {
	idx, err := w.repo.Storer.Index()
	if err != nil {
		return err
	}
	kept := idx.Entries[:0]
	dropped := false
	plain := map[string]bool{} // folders seen to be plain folders
	for _, e := range idx.Entries {
		if fi, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(e.Name))); err == nil && fi.IsDir() {
			dropped = true // a file that became a folder
			continue
		}
		dir := path.Dir(e.Name)
		if plain[dir] {
			kept = append(kept, e)
			continue
		}
		if w.throughLink(e.Name) {
			dropped = true
			continue
		}
		plain[dir] = true
		kept = append(kept, e)
	}
	if !dropped {
		return nil
	}
	idx.Entries = kept
	return w.repo.Storer.SetIndex(idx)
}

// keepWithheld puts back into the index the links of the current version
// Tessera withheld (pointing out of the project, so never made on disk):
// adding the whole folder took their absence for a deletion.
func (w *Workspace) keepWithheld() error {
	head, err := w.headTree()
	if err != nil || head == nil {
		return err
	}
	// Walk the tree without reading blobs: only a link's target is read.
	withheld := map[string]object.TreeEntry{}
	walker := object.NewTreeWalker(head, true, nil)
	defer walker.Close()
	for {
		name, e, err := walker.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if e.Mode != filemode.Symlink {
			continue
		}
		if _, err := w.lstatInside(name); !errors.Is(err, fs.ErrNotExist) {
			continue // on disk (or something else is there): the add saw it
		}
		b, err := w.repo.BlobObject(e.Hash)
		if err != nil {
			return err
		}
		target, err := readBlob(b)
		if err != nil {
			return err
		}
		if !LinkInside(name, string(target)) {
			withheld[name] = e
		}
	}
	if len(withheld) == 0 {
		return nil
	}
	idx, err := w.repo.Storer.Index()
	if err != nil {
		return err
	}
	for _, e := range idx.Entries {
		delete(withheld, e.Name)
	}
	if len(withheld) == 0 {
		return nil
	}
	for name, e := range withheld {
		idx.Entries = append(idx.Entries, &index.Entry{Name: name, Hash: e.Hash, Mode: filemode.Symlink})
	}
	sortEntries(idx.Entries)
	return w.repo.Storer.SetIndex(idx)
}

func sortEntries(es []*index.Entry) {
	// git's index order: by name, bytewise.
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j-1].Name > es[j].Name; j-- {
			es[j-1], es[j] = es[j], es[j-1]
		}
	}
}

// applyLink makes abs a link to target (replacing whatever file or link
// is there, never following it) and reports whether anything changed.
func applyLink(abs string, f File) (bool, error) {
	target := string(f.Content)
	if old, err := os.Readlink(abs); err == nil && old == target {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(abs), dirMode); err != nil {
		return false, err
	}
	tmp := filepath.Join(filepath.Dir(abs), ".tessera-link-"+filepath.Base(abs))
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return false, err
	}
	if fi, err := os.Lstat(abs); err == nil && fi.IsDir() {
		os.Remove(tmp)
		return false, errors.New("a folder is in the link's place")
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return false, err
	}
	return true, nil
}

// historyFiles turns a version's entries into files to write: plain files
// as they are, links as links when they stay inside the project; links
// pointing out are left out (withheld).
func historyFiles(entries []FileEntry) []File {
	out := make([]File, 0, len(entries))
	for _, e := range entries {
		if e.Link && !LinkInside(e.Path, string(e.Content)) {
			continue
		}
		out = append(out, File{Path: e.Path, Content: e.Content, Link: e.Link, fromHistory: true})
	}
	return out
}
