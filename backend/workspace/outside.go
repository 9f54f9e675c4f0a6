package workspace

// Edits made outside Tessera (the person's own editor): the watcher
// (watch.go) notes the paths that changed; CommitOutside compares exactly
// those paths with the current version and commits what really differs as
// its own version, "Edited outside Tessera". Tessera's own writes are
// committed while they hold the workspace's mutex, so by the time a noted
// path is compared it equals the current version again: they are never
// taken for outside edits, without any bookkeeping of who wrote what.

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"tessera/backend/apperr"
	"tessera/backend/workspace/gitname"
)

// OutsideMessage is the message of a version made from outside edits.
const OutsideMessage = "Edited outside Tessera"

// KindOutside is the Tessera-Kind of such a version.
const KindOutside = "outside"

// TrailerConflict lists (separated by "; ") the files a turn wrote that
// the person had also edited outside Tessera while the turn ran: the
// turn's version holds the model's text, the version before it the
// person's.
const TrailerConflict = "Tessera-Conflict"

// Change is one file an outside edit changed, as it is now.
type Change struct {
	Path string
	// Content is nil when Deleted, and for a binary or very large file
	// (isBinary): it is versioned, but kept out of project_files, and so
	// out of the model's prompt and the sandbox copy.
	Content []byte
	Deleted bool
}

// alwaysIgnored are never versioned nor watched, whatever the project's
// own .gitignore says (the person may replace it): the history folder,
// dependencies, build output, secrets, and Tessera's own temporary files.
var alwaysIgnored = func() []gitignore.Pattern {
	lines := append(strings.Split(strings.TrimSpace(DefaultGitignore), "\n"), ".git/", ".tessera-*", ".trash/")
	out := make([]gitignore.Pattern, 0, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, gitignore.ParsePattern(l, nil))
		}
	}
	return out
}()

// ignoreMatcher is the rule set of the workspace: alwaysIgnored plus the
// patterns of its .gitignore files. Called with w.mu held.
func (w *Workspace) ignoreMatcher() gitignore.Matcher {
	ps := append([]gitignore.Pattern{}, alwaysIgnored...)
	if wt, err := w.repo.Worktree(); err == nil {
		if own, err := gitignore.ReadPatterns(wt.Filesystem, nil); err == nil {
			ps = append(ps, own...)
		}
	}
	return gitignore.NewMatcher(ps)
}

func ignoredBy(m gitignore.Matcher, rel string, isDir bool) bool {
	parts := strings.Split(rel, "/")
	// A path is ignored when it or any folder above it is.
	for i := 1; i <= len(parts); i++ {
		if m.Match(parts[:i], i < len(parts) || isDir) {
			return true
		}
	}
	return false
}

// Note records paths (relative, slash form) that changed on disk, for the
// next CommitOutside. Safe to call from the watcher at any time.
func (w *Workspace) Note(paths ...string) {
	w.noteMu.Lock()
	defer w.noteMu.Unlock()
	if w.noted == nil {
		w.noted = map[string]bool{}
	}
	for _, p := range paths {
		w.noted[p] = true
	}
}

func (w *Workspace) takeNoted() []string {
	w.noteMu.Lock()
	defer w.noteMu.Unlock()
	out := make([]string, 0, len(w.noted))
	for p := range w.noted {
		out = append(out, p)
	}
	w.noted = nil
	return out
}

// CommitOutside commits what differs from the current version among the
// noted paths (see Note) and the extra ones given, as one version
// "Edited outside Tessera". It returns the changes (empty, and no version,
// when nothing really differs: Tessera's own writes end here).
func (w *Workspace) CommitOutside(ctx context.Context, extra ...string) (Version, []Change, error) {
	if err := w.lock(); err != nil {
		return Version{}, nil, err
	}
	defer w.mu.Unlock()
	v, ch, err := w.commitOutside(ctx, append(w.takeNoted(), extra...))
	if err != nil {
		return v, ch, err
	}
	ch, err = w.withUnsynced(ch)
	return v, ch, err
}

// Sweep compares every file of the folder with the current version (what
// changed while Tessera was not running) and commits the differences as
// CommitOutside does.
func (w *Workspace) Sweep(ctx context.Context) (Version, []Change, error) {
	if err := w.lock(); err != nil {
		return Version{}, nil, err
	}
	defer w.mu.Unlock()
	v, ch, err := w.commitOutside(ctx, append(w.takeNoted(), ""))
	if err != nil {
		return v, ch, err
	}
	ch, err = w.withUnsynced(ch)
	return v, ch, err
}

// withUnsynced adds to changes the outside edits a turn committed before
// its own version (RecordTurn) that were not handed on yet, as the current
// version has them. Called with w.mu held.
func (w *Workspace) withUnsynced(changes []Change) ([]Change, error) {
	if len(w.unsynced) == 0 {
		return changes, nil
	}
	have := map[string]bool{}
	for _, c := range changes {
		have[c.Path] = true
	}
	head, err := w.headTree()
	if err != nil {
		return changes, err
	}
	paths := make([]string, 0, len(w.unsynced))
	for p := range w.unsynced {
		if !have[p] {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		c := Change{Path: p, Deleted: true}
		if head != nil {
			if f, err := head.File(p); err == nil {
				b, err := readBlob(&f.Blob)
				if err != nil {
					return changes, err
				}
				c = Change{Path: p, Content: b}
				if isBinary(b) {
					c.Content = nil
				}
			}
		}
		changes = append(changes, c)
	}
	w.unsynced = nil
	return changes, nil
}

// commitOutside: candidates are paths or folders ("" is the whole
// folder). Called with w.mu held.
func (w *Workspace) commitOutside(ctx context.Context, candidates []string) (v Version, ch []Change, err error) {
	if len(candidates) == 0 {
		return Version{}, nil, nil
	}
	err = w.withIndex(ctx, func() error {
		var err error
		v, ch, err = w.commitOutsideHeld(ctx, candidates)
		return err
	})
	return v, ch, err
}

func (w *Workspace) commitOutsideHeld(ctx context.Context, candidates []string) (Version, []Change, error) {
	head, err := w.headTree()
	if err != nil {
		return Version{}, nil, err
	}
	m := w.ignoreMatcher()
	paths := map[string]bool{}
	for _, c := range candidates {
		if err := ctx.Err(); err != nil {
			return Version{}, nil, apperr.Wrap(err, apperr.Canceled, "Reading the edits was stopped.")
		}
		w.expand(c, head, m, paths)
	}
	changes, err := w.diffDisk(head, paths)
	if err != nil || len(changes) == 0 {
		return Version{}, nil, err
	}
	wt, err := w.repo.Worktree()
	if err != nil {
		return Version{}, nil, w.gitErr(err)
	}
	var h plumbing.Hash
	for attempt := 0; ; attempt++ {
		err = nil
		for _, c := range changes {
			if c.Deleted {
				err = w.unstage(c.Path)
			} else {
				err = wt.AddWithOptions(&git.AddOptions{Path: c.Path, SkipStatus: true})
			}
			if err != nil {
				break
			}
		}
		if err == nil {
			err = w.cleanIndex(w.eolRules())
		}
		if err == nil {
			sig := w.signature()
			h, err = wt.Commit(FormatMessage(OutsideMessage, []Trailer{{TrailerKind, KindOutside}}), &git.CommitOptions{Author: sig, Committer: sig})
		}
		if !w.again(err, attempt) {
			break
		}
	}
	if errors.Is(err, git.ErrEmptyCommit) {
		return Version{}, nil, nil
	}
	if err != nil {
		return Version{}, nil, w.gitErr(err)
	}
	v, err := w.version(h)
	return v, changes, err
}

// headTree is the current version's tree (nil before the first version).
func (w *Workspace) headTree() (*object.Tree, error) {
	ref, err := w.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, w.gitErr(err)
	}
	c, err := w.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, w.gitErr(err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, w.gitErr(err)
	}
	return t, nil
}

// expand adds to out the files a candidate stands for: itself, the files
// under it on disk (a folder made or moved in), and the versioned files
// under it (a folder deleted or moved away). Ignored paths never.
func (w *Workspace) expand(c string, head *object.Tree, m gitignore.Matcher, out map[string]bool) {
	if c != "" {
		clean, err := CleanPath(c)
		if err != nil {
			return
		}
		c = clean
	}
	abs := filepath.Join(w.root, filepath.FromSlash(c))
	if fi, err := w.lstatInside(c); err == nil && fi.IsDir() {
		filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			rel, rerr := filepath.Rel(w.root, p)
			if rerr != nil || rel == "." {
				return nil
			}
			rel = filepath.ToSlash(rel)
			if ignoredBy(m, rel, d.IsDir()) || gitname.IsDotGit(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				out[rel] = true
			}
			return nil
		})
	} else if c != "" && !ignoredBy(m, c, false) {
		out[c] = true
	}
	if head == nil {
		return
	}
	if c == "" {
		head.Files().ForEach(func(f *object.File) error { out[f.Name] = true; return nil })
		return
	}
	if sub, err := head.Tree(c); err == nil {
		sub.Files().ForEach(func(f *object.File) error {
			if p := path.Join(c, f.Name); !ignoredBy(m, p, false) {
				out[p] = true
			}
			return nil
		})
	}
}

// diffDisk returns the paths whose file on disk differs from the version's
// (added, changed, or deleted), ordered by path. Symbolic links and other
// non-regular files are left out: Tessera writes only plain files.
func (w *Workspace) diffDisk(head *object.Tree, paths map[string]bool) ([]Change, error) {
	eol := w.eolRules()
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	var out []Change
	for _, p := range sorted {
		var was []byte
		versioned := false
		if head != nil {
			if f, err := head.File(p); err == nil {
				if f.Mode == filemode.Symlink {
					continue // a link: versioned with the next commit of the folder
				}
				b, err := readBlob(&f.Blob)
				if err != nil {
					return nil, err
				}
				was, versioned = b, true
			}
		}
		fi, err := w.lstatInside(p) // a file under a linked folder is not in the project
		switch {
		case errors.Is(err, fs.ErrNotExist) || (err == nil && fi.IsDir()):
			if versioned {
				out = append(out, Change{Path: p, Deleted: true})
			}
			continue
		case err != nil:
			return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+p+" in the project folder.")
		case !fi.Mode().IsRegular():
			continue
		}
		now, err := w.readInside(p)
		if errors.Is(err, fs.ErrNotExist) {
			if versioned {
				out = append(out, Change{Path: p, Deleted: true})
			}
			continue
		}
		if err != nil {
			return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+p+" in the project folder.")
		}
		if wantsCRLF(eol, p) {
			now = cleanEOL(now) // git's clean: history keeps LF (eol.go)
		}
		if versioned && bytes.Equal(was, now) {
			continue
		}
		if head == nil && p == ".gitignore" && string(now) == DefaultGitignore {
			// Open wrote it into a repository with no version yet: Tessera's
			// own file, committed with the first version.
			continue
		}
		c := Change{Path: p, Content: now}
		if isBinary(now) {
			c.Content = nil
		}
		out = append(out, c)
	}
	return out, nil
}

// unstage removes path from the index only (the file is gone from the
// project, or under a folder that became a link: never deleted through it).
func (w *Workspace) unstage(p string) error {
	idx, err := w.repo.Storer.Index()
	if err != nil {
		return err
	}
	if _, err := idx.Remove(p); err != nil && !errors.Is(err, index.ErrEntryNotFound) {
		return err
	}
	return w.repo.Storer.SetIndex(idx)
}

// BeginTurn marks the current version as the one a turn starts from, so
// RecordTurn can tell which of the files it writes were edited outside
// Tessera meanwhile.
func (w *Workspace) BeginTurn(ctx context.Context) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	ref, err := w.repo.Head()
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		w.turnBase = plumbing.ZeroHash
	case err != nil:
		return w.gitErr(err)
	default:
		w.turnBase = ref.Hash()
	}
	w.turnStarted = true
	return nil
}

// outsideSinceTurn lists the paths that versions made from outside edits
// changed since BeginTurn (none when no turn began). Called with w.mu held.
func (w *Workspace) outsideSinceTurn() map[string]bool {
	out := map[string]bool{}
	if !w.turnStarted {
		return out
	}
	ref, err := w.repo.Head()
	if err != nil {
		return out
	}
	for h := ref.Hash(); !h.IsZero() && h != w.turnBase; {
		c, err := w.repo.CommitObject(h)
		if err != nil {
			return out
		}
		v, err := w.describe(c)
		if err != nil {
			return out
		}
		if v.Trailers[TrailerKind] == KindOutside {
			for _, p := range v.FilesChanged {
				out[p] = true
			}
		}
		h = firstParent(c)
	}
	return out
}

// conflicts lists, "; "-separated, the files of a turn that were also
// edited outside Tessera (edited, by clean path) and that the turn now
// writes differently. Called with w.mu held, before the turn's write.
func (w *Workspace) conflicts(files []File, edited map[string]bool) string {
	var out []string
	for _, f := range files {
		p, err := CleanPath(f.Path)
		if err != nil || !edited[p] {
			continue
		}
		if now, err := w.readInside(p); err != nil || !bytes.Equal(now, f.Content) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
