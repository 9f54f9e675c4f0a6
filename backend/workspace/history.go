package workspace

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"

	"tessera/backend/apperr"
)

// Change statuses in a FileDiff.
const (
	Added    = "added"
	Modified = "modified"
	Deleted  = "deleted"
)

// FileDiff is one file changed by a version: its content before (in the
// parent version) and after. Binary files carry no content.
type FileDiff struct {
	Path   string `json:"path"`
	Status string `json:"status"`
	Before []byte `json:"before"`
	After  []byte `json:"after"`
	Binary bool   `json:"binary"`
}

// FileEntry is one file of a version's tree.
type FileEntry struct {
	Path    string
	Content []byte
	// Link: a symbolic link, Content its target.
	Link bool
}

// maxDiffBytes caps a side of a diff shown to the page.
const maxDiffBytes = 1 << 20

// History returns up to limit versions, newest first (limit <= 0: all).
func (w *Workspace) History(ctx context.Context, limit int) ([]Version, error) {
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	head, err := w.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return []Version{}, nil
	}
	if err != nil {
		return nil, w.gitErr(err)
	}
	out := []Version{}
	// Follow first parents: Tessera's history is a line (restores are new
	// commits, not merges).
	h := head.Hash()
	for !h.IsZero() && (limit <= 0 || len(out) < limit) {
		if err := ctx.Err(); err != nil {
			return nil, apperr.Wrap(err, apperr.Canceled, "Reading the history was stopped.")
		}
		if d, ok := w.described[h]; ok {
			out = append(out, d.v)
			h = d.parent
			continue
		}
		c, err := w.repo.CommitObject(h)
		if err != nil {
			return nil, w.gitErr(err)
		}
		v, err := w.describe(c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		h = plumbing.ZeroHash
		if len(c.ParentHashes) > 0 {
			h = c.ParentHashes[0]
		}
	}
	return out, nil
}

func (w *Workspace) version(h plumbing.Hash) (Version, error) {
	c, err := w.repo.CommitObject(h)
	if err != nil {
		return Version{}, w.gitErr(err)
	}
	return w.describe(c)
}

// described is a version as History lists it, with its first parent so a
// listed history is walked again without reading a commit.
type described struct {
	v      Version
	parent plumbing.Hash
}

func firstParent(c *object.Commit) plumbing.Hash {
	if len(c.ParentHashes) == 0 {
		return plumbing.ZeroHash
	}
	return c.ParentHashes[0]
}

func (w *Workspace) describe(c *object.Commit) (Version, error) {
	// A commit never changes, so neither does its description: keep it.
	if d, ok := w.described[c.Hash]; ok {
		return d.v, nil
	}
	msg, tr := ParseMessage(c.Message)
	parent := plumbing.ZeroHash
	if len(c.ParentHashes) > 0 {
		p, err := w.repo.CommitObject(c.ParentHashes[0])
		if err != nil {
			return Version{}, w.gitErr(err)
		}
		parent = p.TreeHash
	}
	paths := []string{}
	if err := w.changedPaths(parent, c.TreeHash, "", &paths); err != nil {
		return Version{}, err
	}
	sort.Strings(paths)
	v := Version{ID: c.Hash.String(), Time: c.Committer.When.UTC(), Message: msg, Trailers: tr, FilesChanged: paths}
	if w.described == nil {
		w.described = map[plumbing.Hash]described{}
	}
	w.described[c.Hash] = described{v: v, parent: firstParent(c)}
	return v, nil
}

// changedPaths lists the files that differ between two trees, descending
// only into folders whose hashes differ: it costs what changed, not the
// project's size (go-git's DiffTree is ~100x slower for a history list).
func (w *Workspace) changedPaths(from, to plumbing.Hash, prefix string, out *[]string) error {
	if from == to {
		return nil
	}
	a, err := w.entries(from)
	if err != nil {
		return err
	}
	b, err := w.entries(to)
	if err != nil {
		return err
	}
	for name, eb := range b {
		ea, ok := a[name]
		switch {
		case !ok:
			err = w.allPaths(eb, prefix+name, out)
		case ea.Hash == eb.Hash && ea.Mode == eb.Mode:
		case ea.Mode == filemode.Dir && eb.Mode == filemode.Dir:
			err = w.changedPaths(ea.Hash, eb.Hash, prefix+name+"/", out)
		case ea.Mode == filemode.Dir || eb.Mode == filemode.Dir:
			if err = w.allPaths(ea, prefix+name, out); err == nil {
				err = w.allPaths(eb, prefix+name, out)
			}
		default:
			*out = append(*out, prefix+name)
		}
		if err != nil {
			return err
		}
	}
	for name, ea := range a {
		if _, ok := b[name]; !ok {
			if err := w.allPaths(ea, prefix+name, out); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *Workspace) entries(h plumbing.Hash) (map[string]object.TreeEntry, error) {
	out := map[string]object.TreeEntry{}
	if h.IsZero() {
		return out, nil
	}
	t, err := w.repo.TreeObject(h)
	if err != nil {
		return nil, w.gitErr(err)
	}
	for _, e := range t.Entries {
		out[e.Name] = e
	}
	return out, nil
}

func (w *Workspace) allPaths(e object.TreeEntry, p string, out *[]string) error {
	if e.Mode != filemode.Dir {
		*out = append(*out, p)
		return nil
	}
	return w.changedPaths(plumbing.ZeroHash, e.Hash, p+"/", out)
}

// changes compares a commit's tree with its first parent's (an empty tree
// for the first commit). Trees of equal hash are skipped without reading,
// so this costs what changed, not the project's size.
func (w *Workspace) changes(c *object.Commit) (object.Changes, error) {
	to, err := c.Tree()
	if err != nil {
		return nil, w.gitErr(err)
	}
	var from *object.Tree
	if len(c.ParentHashes) > 0 {
		p, err := w.repo.CommitObject(c.ParentHashes[0])
		if err != nil {
			return nil, w.gitErr(err)
		}
		if from, err = p.Tree(); err != nil {
			return nil, w.gitErr(err)
		}
	}
	ch, err := object.DiffTree(from, to)
	if err != nil {
		return nil, w.gitErr(err)
	}
	return ch, nil
}

func changePath(ch *object.Change) string {
	if ch.To.Name != "" {
		return ch.To.Name
	}
	return ch.From.Name
}

func (w *Workspace) commitByID(id string) (*object.Commit, error) {
	if len(id) != 40 || !plumbing.IsHash(id) {
		return nil, apperr.Newf(apperr.Invalid, "%q is not a version of this project.", id)
	}
	c, err := w.repo.CommitObject(plumbing.NewHash(id))
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, apperr.New(apperr.NotFound, "That version is not in this project's history.")
	}
	if err != nil {
		return nil, w.gitErr(err)
	}
	return c, nil
}

// Diff returns the files a version changed, with their content before and
// after, ordered by path.
func (w *Workspace) Diff(ctx context.Context, versionID string) ([]FileDiff, error) {
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	c, err := w.commitByID(versionID)
	if err != nil {
		return nil, err
	}
	changes, err := w.changes(c)
	if err != nil {
		return nil, err
	}
	out := make([]FileDiff, 0, len(changes))
	for _, ch := range changes {
		if err := ctx.Err(); err != nil {
			return nil, apperr.Wrap(err, apperr.Canceled, "Reading the changes was stopped.")
		}
		action, err := ch.Action()
		if err != nil {
			return nil, w.gitErr(err)
		}
		d := FileDiff{Path: changePath(ch)}
		switch action {
		case merkletrie.Insert:
			d.Status = Added
		case merkletrie.Delete:
			d.Status = Deleted
		default:
			d.Status = Modified
		}
		if d.Before, err = w.blob(ch.From); err == nil {
			d.After, err = w.blob(ch.To)
		}
		if err != nil {
			return nil, err
		}
		if isBinary(d.Before) || isBinary(d.After) {
			d.Before, d.After, d.Binary = nil, nil, true
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (w *Workspace) blob(e object.ChangeEntry) ([]byte, error) {
	if e.Name == "" || e.TreeEntry.Mode == filemode.Submodule {
		return nil, nil
	}
	b, err := w.repo.BlobObject(e.TreeEntry.Hash)
	if err != nil {
		return nil, w.gitErr(err)
	}
	return readBlob(b)
}

func readBlob(b *object.Blob) ([]byte, error) {
	r, err := b.Reader()
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read a file of the project's history.")
	}
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read a file of the project's history.")
	}
	return out, nil
}

// isBinary is git's rule (a NUL in the first 8000 bytes), plus invalid
// UTF-8 and size, since the page shows text in an editor.
func isBinary(b []byte) bool {
	head := b
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0 || len(b) > maxDiffBytes || !utf8.Valid(b)
}

// Files returns the current version's files (what HEAD holds), by path.
func (w *Workspace) Files(ctx context.Context) ([]FileEntry, error) {
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	head, err := w.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return []FileEntry{}, nil
	}
	if err != nil {
		return nil, w.gitErr(err)
	}
	c, err := w.repo.CommitObject(head.Hash())
	if err != nil {
		return nil, w.gitErr(err)
	}
	return w.treeFiles(ctx, c)
}

func (w *Workspace) treeFiles(ctx context.Context, c *object.Commit) ([]FileEntry, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, w.gitErr(err)
	}
	return w.filesOf(ctx, t)
}

func (w *Workspace) filesOf(ctx context.Context, t *object.Tree) ([]FileEntry, error) {
	out := []FileEntry{}
	err := t.Files().ForEach(func(f *object.File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := readBlob(&f.Blob)
		if err != nil {
			return err
		}
		out = append(out, FileEntry{Path: f.Name, Content: b, Link: f.Mode == filemode.Symlink})
		return nil
	})
	if err != nil {
		return nil, w.gitErr(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
