package workspace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/revlist"

	"tessera/backend/apperr"
)

// KindImport marks the first version of a project imported from files
// that carried no history.
const KindImport = "import"

// ImportLimits bound what an import may bring in: the files of the
// current version, counted after decompression.
type ImportLimits struct {
	MaxFiles int
	MaxBytes int64 // all files together
	// MaxHistory bounds a repository's whole history (every version's
	// objects, uncompressed) copied by ImportRepo; 0 = 4 × MaxBytes.
	MaxHistory int64
}

// DefaultImportLimits are generous for an app, small enough that an
// archive cannot fill the disk by surprise.
var DefaultImportLimits = ImportLimits{MaxFiles: 20000, MaxBytes: 1 << 30, MaxHistory: 4 << 30}

// TooBig is the sentence for an import over the limits.
func (l ImportLimits) TooBig() error {
	return apperr.Newf(apperr.Invalid, "That project is too large to import: Tessera imports at most %d files and %s in all. Remove build output or large data files and try again.",
		l.MaxFiles, byteSize(l.MaxBytes))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	default:
		return fmt.Sprintf("%d KiB", n>>10)
	}
}

// WritePack writes every object reachable from the current version (the
// whole history, its trees and files) as one git packfile, and returns the
// current version's id ("" and nothing written when there is no version).
func (w *Workspace) WritePack(ctx context.Context, out io.Writer) (string, error) {
	if err := w.lock(); err != nil {
		return "", err
	}
	defer w.mu.Unlock()
	head, err := w.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", w.gitErr(err)
	}
	if err := ctx.Err(); err != nil {
		return "", apperr.Wrap(err, apperr.Canceled, "The export was stopped.")
	}
	hashes, err := revlist.Objects(w.repo.Storer, []plumbing.Hash{head.Hash()}, nil)
	if err != nil {
		return "", w.gitErr(err)
	}
	if _, err := packfile.NewEncoder(out, w.repo.Storer, false).Encode(hashes, 10); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "Tessera could not write the project's history into the export.")
	}
	return head.Hash().String(), nil
}

// newRepoAt makes an empty repository at root, which must not exist yet or
// be empty: an import never mixes with files already there.
func newRepoAt(root string, opts ...Option) (*Workspace, error) {
	if ents, err := os.ReadDir(root); err == nil && len(ents) > 0 {
		return nil, apperr.Newf(apperr.Conflict, "The folder %s already has files; Tessera imports only into a new folder.", root)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read the folder "+root+".")
	}
	if err := os.MkdirAll(root, dirMode); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not create the project folder "+root+".")
	}
	if _, err := git.PlainInitWithOptions(root, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	}); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not start the project's history in "+root+".")
	}
	return Open(root, opts...)
}

// ImportPack makes a new workspace at root from a packfile (WritePack's)
// whose history ends at head: the objects are loaded, every one reachable
// from head is checked to be there, and head's files are written to the
// folder. On error the caller removes root.
func ImportPack(ctx context.Context, root string, pack io.Reader, head string, lim ImportLimits, opts ...Option) (*Workspace, error) {
	if len(head) != 40 || !plumbing.IsHash(head) {
		return nil, apperr.Newf(apperr.Invalid, "The archive names %q as its current version, which is not a git commit id.", head)
	}
	w, err := newRepoAt(root, opts...)
	if err != nil {
		return nil, err
	}
	if err := packfile.UpdateObjectStorage(w.repo.Storer, pack); err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "The project's history in the archive is damaged (its git pack could not be read). Export the project again.")
	}
	if err := w.finishImport(ctx, plumbing.NewHash(head), lim); err != nil {
		return nil, err
	}
	return w, nil
}

// ImportRepo makes a new workspace at root holding the history of the git
// repository at src (its current branch; other branches and the
// repository's settings, hooks and remotes are not copied).
func ImportRepo(ctx context.Context, root, src string, lim ImportLimits, opts ...Option) (*Workspace, error) {
	from, err := git.PlainOpenWithOptions(src, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "Tessera could not read the git repository in "+src+".")
	}
	head, err := from.Head()
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "The git repository in "+src+" has no commit yet; import the folder's files instead.")
	}
	hashes, err := revlist.Objects(from.Storer, []plumbing.Hash{head.Hash()}, nil)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "The git repository in "+src+" is incomplete (a shallow clone or a damaged one); Tessera needs its whole history.")
	}
	w, err := newRepoAt(root, opts...)
	if err != nil {
		return nil, err
	}
	maxHistory := lim.MaxHistory
	if maxHistory <= 0 {
		maxHistory = 4 * lim.MaxBytes
	}
	var total int64
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return nil, apperr.Wrap(err, apperr.Canceled, "The import was stopped.")
		}
		obj, err := from.Storer.EncodedObject(plumbing.AnyObject, h)
		if err == nil {
			if total += obj.Size(); total > maxHistory {
				return nil, apperr.Newf(apperr.Invalid, "The history of %s is too large to import (over %s). Import the folder's files without .git instead, or a smaller repository.", src, byteSize(maxHistory))
			}
			_, err = w.repo.Storer.SetEncodedObject(obj)
		}
		if err != nil {
			return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not copy the history of "+src+".")
		}
	}
	if err := copyTags(from, w, hashes); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not copy the tags of "+src+".")
	}
	if err := w.finishImport(ctx, head.Hash(), lim); err != nil {
		return nil, err
	}
	return w, nil
}

// copyTags brings the tags of from whose commit is in the imported
// history (imported: the objects copied), annotated ones with their tag
// objects; tags of other branches are left, as those branches are.
func copyTags(from *git.Repository, w *Workspace, imported []plumbing.Hash) error {
	have := make(map[plumbing.Hash]bool, len(imported))
	for _, h := range imported {
		have[h] = true
	}
	tags, err := from.Tags()
	if err != nil {
		return err
	}
	return tags.ForEach(func(ref *plumbing.Reference) error {
		h := ref.Hash()
		var chain []plumbing.EncodedObject // annotated tags, outermost first
		for range 10 {                     // a tag of a tag of ... (bounded)
			t, err := from.TagObject(h)
			if err != nil {
				break
			}
			obj, err := from.Storer.EncodedObject(plumbing.TagObject, t.Hash)
			if err != nil {
				return err
			}
			chain = append(chain, obj)
			h = t.Target
		}
		if !have[h] {
			return nil // its commit is not in the imported history
		}
		for _, obj := range chain {
			if _, err := w.repo.Storer.SetEncodedObject(obj); err != nil {
				return err
			}
		}
		return w.repo.Storer.SetReference(plumbing.NewHashReference(ref.Name(), ref.Hash()))
	})
}

// finishImport checks the history ending at head is whole, points main at
// it and writes its files: plain files, and links that stay inside the
// project as links (links pointing out are withheld, see links.go;
// submodules are left out).
func (w *Workspace) finishImport(ctx context.Context, head plumbing.Hash, lim ImportLimits) error {
	c, err := w.repo.CommitObject(head)
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The archive's current version is not in its history. Export the project again.")
	}
	if _, err := revlist.Objects(w.repo.Storer, []plumbing.Hash{head}, nil); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The project's history in the archive is incomplete. Export the project again.")
	}
	t, err := c.Tree()
	if err != nil {
		return w.gitErr(err)
	}
	var files []File
	var total int64
	walker := object.NewTreeWalker(t, true, nil)
	defer walker.Close()
	for {
		name, e, err := walker.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return w.gitErr(err)
		}
		link := e.Mode == filemode.Symlink
		if !link && e.Mode != filemode.Regular && e.Mode != filemode.Executable && e.Mode != filemode.Deprecated {
			continue
		}
		if _, err := CleanPath(name); err != nil {
			return apperr.Newf(apperr.Invalid, "The archive's history holds the file %q, which is not a path inside a project.", name)
		}
		b, err := w.repo.BlobObject(e.Hash)
		if err != nil {
			return w.gitErr(err)
		}
		total += b.Size
		if len(files) >= lim.MaxFiles || total > lim.MaxBytes {
			return lim.TooBig()
		}
		content, err := readBlob(b)
		if err != nil {
			return err
		}
		if link && !LinkInside(name, string(content)) {
			continue // withheld: in history, never made on disk (links.go)
		}
		files = append(files, File{Path: name, Content: content, Link: link, fromHistory: true})
	}
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), head)
	if err := w.repo.Storer.SetReference(ref); err != nil {
		return w.gitErr(err)
	}
	if err := w.repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, ref.Name())); err != nil {
		return w.gitErr(err)
	}
	if _, err := w.write(ctx, files); err != nil {
		return err
	}
	wt, err := w.repo.Worktree()
	if err != nil {
		return w.gitErr(err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: head, Mode: git.MixedReset}); err != nil {
		return w.gitErr(err)
	}
	return nil
}

// ImportFiles makes a new workspace at root whose first version holds
// files (an archive or a folder without history), committed with msg.
func ImportFiles(ctx context.Context, root string, files []File, msg string, opts ...Option) (*Workspace, Version, error) {
	w, err := newRepoAt(root, opts...)
	if err != nil {
		return nil, Version{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.write(ctx, files); err != nil {
		return nil, Version{}, err
	}
	if err := writeIfMissing(filepath.Join(w.root, ".gitignore"), []byte(DefaultGitignore)); err != nil {
		return nil, Version{}, apperr.Wrap(err, apperr.Internal, "Tessera could not write the project's .gitignore.")
	}
	v, err := w.commit(ctx, msg, []Trailer{{TrailerKind, KindImport}})
	if err != nil {
		return nil, Version{}, err
	}
	return w, v, nil
}

// CheckPack reads a packfile's object headers (and the start of each
// delta) without storing anything, and refuses one whose objects would
// inflate past the limits: a small pack can otherwise expand into more
// memory and disk than the machine has (a zip bomb in git form). Object
// sizes are the pack's own declarations, which go-git's reader enforces
// when the pack is loaded; a delta's is the size of the object it makes.
func CheckPack(ctx context.Context, r io.Reader, maxObject, maxTotal int64) error {
	s := packfile.NewScanner(r)
	_, n, err := s.Header()
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The project's history in the archive is damaged (its git pack could not be read). Export the project again.")
	}
	tooBig := apperr.Newf(apperr.Invalid, "The project's history in the archive is too large to import: Tessera takes histories of at most %s, with no file over %s.", byteSize(maxTotal), byteSize(maxObject))
	var total int64
	for i := uint32(0); i < n; i++ {
		if err := ctx.Err(); err != nil {
			return apperr.Wrap(err, apperr.Canceled, "The import was stopped.")
		}
		h, err := s.NextObjectHeader()
		if err != nil {
			return apperr.Wrap(err, apperr.Invalid, "The project's history in the archive is damaged. Export the project again.")
		}
		if h.Length > maxObject {
			return tooBig
		}
		size := h.Length
		if h.Type == plumbing.OFSDeltaObject || h.Type == plumbing.REFDeltaObject {
			delta := &headWriter{}
			if _, _, err := s.NextObject(delta); err != nil {
				return apperr.Wrap(err, apperr.Invalid, "The project's history in the archive is damaged. Export the project again.")
			}
			_, b := deltaSize(delta.b)
			size, _ = deltaSize(b)
		} else if _, _, err := s.NextObject(io.Discard); err != nil {
			return apperr.Wrap(err, apperr.Invalid, "The project's history in the archive is damaged. Export the project again.")
		}
		total += size
		if size > maxObject || total > maxTotal {
			return tooBig
		}
	}
	return nil
}

// headWriter keeps the first bytes written (a delta's two sizes fit in 20)
// and drops the rest.
type headWriter struct{ b []byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if room := 20 - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// deltaSize reads one size at the start of a git delta (7 bits a byte,
// least significant first) and returns it with the rest.
func deltaSize(b []byte) (int64, []byte) {
	var v int64
	for shift := uint(0); len(b) > 0 && shift < 63; shift += 7 {
		c := b[0]
		b = b[1:]
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			break
		}
	}
	return v, b
}
