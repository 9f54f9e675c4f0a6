// Package workspace keeps each project's files in a folder on disk under
// git: the folder is the source of truth for the files (the sandbox is a
// replica, SQLite keeps an index), and every turn, manual edit and restore
// is a commit, so nothing the person made is ever lost.
//
// It uses go-git (pure Go) rather than the git program: people using
// Tessera need not have git installed, and every call takes a context and
// returns typed errors instead of parsing a tool's output.
package workspace

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"tessera/backend/apperr"
	"tessera/backend/workspace/gitname"
)

// DefaultGitignore is written once, when the workspace is created: what a
// person would not want versioned (dependencies, build output, secrets).
const DefaultGitignore = `node_modules/
.next/
dist/
build/
__pycache__/
.venv/
.env
.env.*
!.env.example
*.log
*.swp
*.swo
*~
.#*
.DS_Store
Thumbs.db
`

const (
	dirMode  = 0o755
	fileMode = 0o644
	// maxMessage caps a commit message (a pasted prompt can be huge).
	maxMessage = 16 << 10
)

// Trailer keys Tessera writes on its commits.
const (
	TrailerMessage  = "Tessera-Message"
	TrailerModel    = "Tessera-Model"
	TrailerRestored = "Tessera-Restored-From"
	TrailerBranched = "Tessera-Branched-From"
	TrailerKind     = "Tessera-Kind"
)

// ErrNoChanges is returned (wrapped, code invalid) by Commit when the
// files are exactly those of the current version.
var ErrNoChanges = errors.New("workspace: nothing changed")

// File is one file to write; Delete removes it instead.
type File struct {
	Path    string
	Content []byte
	Delete  bool
	// Link makes Path a symbolic link whose target is Content (as history
	// holds it). A target out of the project is refused (LinkInside).
	Link bool
	// fromHistory: a restore or checkout writes it, so whatever is at
	// Path itself (a link included) is replaced or removed, never followed.
	fromHistory bool
}

// Version is one commit of a workspace.
type Version struct {
	ID           string            `json:"id"`
	Time         time.Time         `json:"time"`
	Message      string            `json:"message"`
	Trailers     map[string]string `json:"trailers"`
	FilesChanged []string          `json:"filesChanged"`
}

// Trailer is one "Key: value" line at the end of a commit message.
type Trailer struct{ Key, Value string }

// Workspace is one project's folder and its repository. Its methods are
// safe for concurrent use: one mutex serialises every call, because the
// git index and the folder are shared state that two writers would tear.
type Workspace struct {
	root string // absolute, symlinks resolved
	now  func() time.Time

	mu        sync.Mutex
	repo      *git.Repository
	st        *gitStore                   // repo's storage, with git's locks (gitstore.go)
	described map[plumbing.Hash]described // by commit; commits never change
	gone      bool                        // the folder went to the trash
	// turnBase is the version a running turn started from (BeginTurn).
	turnBase    plumbing.Hash
	turnStarted bool

	// noted are paths the watcher saw change, not yet compared (Note).
	noteMu sync.Mutex
	noted  map[string]bool
	// unsynced are outside edits RecordTurn committed that the next
	// CommitOutside or Sweep hands on (to project_files and the sandbox).
	unsynced map[string]bool
}

// lock takes the workspace's mutex. A workspace whose folder went to the
// trash (its project was deleted) refuses every call, so a caller holding
// it from before cannot recreate the folder.
func (w *Workspace) lock() error {
	w.mu.Lock()
	if w.gone {
		w.mu.Unlock()
		return apperr.New(apperr.NotFound, "That project was deleted; its folder is in the trash.")
	}
	if w.st != nil {
		w.st.refresh() // git may have repacked since the last call
	}
	return nil
}

// withIndex runs op holding git's index.lock (re-entrant), so no git
// command changes the index or takes the files while Tessera writes and
// commits; the index op changed is written through the lock at the end.
// Called with w.mu held.
func (w *Workspace) withIndex(ctx context.Context, op func() error) error {
	if w.st.held != nil {
		return op()
	}
	if err := w.st.holdIndex(ctx); err != nil {
		return w.gitErr(err)
	}
	done := false
	defer func() {
		if !done { // op panicked: never leave the lock behind
			w.st.release(false)
		}
	}()
	err := op()
	done = true
	if rerr := w.st.release(true); err == nil && rerr != nil {
		err = w.gitErr(rerr)
	}
	return err
}

// again reports whether an operation that failed with err is worth
// building again: git moved the branch (errRefMoved) or repacked the
// objects it read (then the pack index is read again). Called with w.mu held.
func (w *Workspace) again(err error, attempt int) bool {
	if err == nil || attempt >= 8 {
		return false
	}
	if errors.Is(err, errRefMoved) {
		w.st.refresh()
		return true
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, fs.ErrNotExist) {
		w.st.reindex()
		return true
	}
	return false
}

// Option configures Open.
type Option func(*Workspace)

// WithClock injects the clock used for commit times (tests).
func WithClock(now func() time.Time) Option { return func(w *Workspace) { w.now = now } }

// Open opens the workspace at root, creating the folder, the repository and
// the default .gitignore when they do not exist yet.
func Open(root string, opts ...Option) (*Workspace, error) {
	if err := os.MkdirAll(root, dirMode); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not create the project folder "+root+". Check that you may write there.")
	}
	abs, err := filepath.Abs(root)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not find the project folder "+root+".")
	}
	w := &Workspace{root: abs, now: time.Now}
	for _, o := range opts {
		o(w)
	}
	repo, err := git.PlainOpen(abs)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInitWithOptions(abs, &git.PlainInitOptions{
			InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
		})
		if err == nil {
			err = writeIfMissing(filepath.Join(abs, ".gitignore"), []byte(DefaultGitignore))
		}
	}
	if err == nil {
		repo, w.st, err = withGitLocks(repo)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not open the project's history in "+abs+".")
	}
	w.repo = repo
	return w, nil
}

// withGitLocks opens repo again over a gitStore (git's lock files, packs
// re-read after gc).
func withGitLocks(repo *git.Repository) (*git.Repository, *gitStore, error) {
	fsst, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, nil, errors.New("workspace: the repository is not on disk")
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, nil, err
	}
	st := newGitStore(fsst, fsst.Filesystem().Root())
	// BoundOS, not go-billy's default chroot: that one rewrites an absolute
	// link target relative to the folder, so a link would be versioned
	// with a target it never had.
	r, err := git.Open(st, osfs.New(wt.Filesystem.Root(), osfs.WithBoundOS()))
	if err != nil {
		return nil, nil, err
	}
	return r, st, nil
}

// moved points the workspace at its folder's new place (called with w.mu
// held, after the folder was renamed).
func (w *Workspace) moved(root string) error {
	abs, err := filepath.EvalSymlinks(root)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not find the renamed project folder "+root+".")
	}
	repo, err := git.PlainOpen(abs)
	var st *gitStore
	if err == nil {
		repo, st, err = withGitLocks(repo)
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not open the project's history in "+abs+".")
	}
	w.root, w.repo, w.st = abs, repo, st
	return nil
}

// Root is the workspace's folder (it follows a rename).
func (w *Workspace) Root() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.root
}

func writeIfMissing(p string, b []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

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

// Commit records the folder as a new version. It returns an error wrapping
// ErrNoChanges (code invalid) when nothing differs from the current one.
func (w *Workspace) Commit(ctx context.Context, msg string, trailers []Trailer) (Version, error) {
	if err := w.lock(); err != nil {
		return Version{}, err
	}
	defer w.mu.Unlock()
	return w.commit(ctx, msg, trailers)
}

func (w *Workspace) commit(ctx context.Context, msg string, trailers []Trailer) (Version, error) {
	if err := ctx.Err(); err != nil {
		return Version{}, apperr.Wrap(err, apperr.Canceled, "Saving the version was stopped.")
	}
	wt, err := w.repo.Worktree()
	if err != nil {
		return Version{}, w.gitErr(err)
	}
	var h plumbing.Hash
	err = w.withIndex(ctx, func() error {
		for attempt := 0; ; attempt++ {
			err := w.prepareIndex()
			if err == nil {
				err = wt.AddWithOptions(&git.AddOptions{All: true})
			}
			if err == nil {
				err = w.keepWithheld()
			}
			if err == nil {
				err = w.cleanIndex(w.eolRules())
			}
			if err == nil {
				sig := w.signature()
				h, err = wt.Commit(FormatMessage(msg, trailers), &git.CommitOptions{Author: sig, Committer: sig})
			}
			if !w.again(err, attempt) {
				return err
			}
		}
	})
	if errors.Is(err, git.ErrEmptyCommit) {
		return Version{}, apperr.Wrap(ErrNoChanges, apperr.Invalid, "Nothing changed since the last version.")
	}
	if err != nil {
		return Version{}, w.gitErr(err)
	}
	return w.version(h)
}

// RecordTurn is what the chat calls after a turn wrote files: it writes
// them and, when anything changed, commits with the person's prompt as the
// message and the answer's id and model as trailers. changed is false (and
// no version made) when the files were already exactly so; the version is
// then the current one (none when there is no version yet).
func (w *Workspace) RecordTurn(ctx context.Context, files []File, prompt, messageID, model string) (v Version, changed bool, err error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	// index.lock is held from the first file written to the commit, as git
	// does for checkout: no git command takes the files in between.
	err = w.withIndex(ctx, func() error {
		var err error
		v, changed, err = w.recordTurn(ctx, files, prompt, messageID, model)
		return err
	})
	return v, changed, err
}

func (w *Workspace) recordTurn(ctx context.Context, files []File, prompt, messageID, model string) (Version, bool, error) {
	// Edits made outside Tessera that are not committed yet become their
	// own version first, so the turn's version never swallows them and a
	// file both changed keeps the person's text in history (conflicts).
	paths := make([]string, 0, len(files))
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	_, outside, err := w.commitOutside(ctx, append(w.takeNoted(), paths...))
	if err != nil {
		return Version{}, false, err
	}
	edited := w.outsideSinceTurn()
	mine := map[string]bool{}
	for _, p := range paths {
		if c, err := CleanPath(p); err == nil {
			mine[c] = true
		}
	}
	for _, c := range outside {
		edited[c.Path] = true
		if !mine[c.Path] { // the turn's own files reach the sandbox with the turn
			if w.unsynced == nil {
				w.unsynced = map[string]bool{}
			}
			w.unsynced[c.Path] = true
		}
	}
	w.turnStarted = false
	clash := w.conflicts(files, edited)
	if _, err := w.write(ctx, files); err != nil {
		return Version{}, false, err
	}
	tr := []Trailer{{TrailerMessage, messageID}, {TrailerModel, model}}
	if c := clash; c != "" {
		tr = append(tr, Trailer{TrailerConflict, c})
	}
	v, err := w.commit(ctx, prompt, tr)
	if errors.Is(err, ErrNoChanges) {
		// The files already are the current version: that one, unchanged
		// (a turn that only reinstalled ties its restore point to it).
		cur, err := w.currentCommit()
		if err != nil {
			return Version{}, false, nil // no version yet either
		}
		v, err := w.version(cur.Hash)
		if err != nil {
			return Version{}, false, nil
		}
		return v, false, nil
	}
	return v, err == nil, err
}

// RecordEdit writes files the person changed by hand and commits them.
func (w *Workspace) RecordEdit(ctx context.Context, files []File, msg string) (v Version, changed bool, err error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	// index.lock is held from the first file written to the commit, as git
	// does for checkout: no git command takes the files in between.
	err = w.withIndex(ctx, func() error {
		var err error
		v, changed, err = w.recordEdit(ctx, files, msg)
		return err
	})
	return v, changed, err
}

func (w *Workspace) recordEdit(ctx context.Context, files []File, msg string) (Version, bool, error) {
	if _, err := w.write(ctx, files); err != nil {
		return Version{}, false, err
	}
	if strings.TrimSpace(msg) == "" {
		msg = "Edited by hand"
	}
	v, err := w.commit(ctx, msg, []Trailer{{TrailerKind, "edit"}})
	if errors.Is(err, ErrNoChanges) {
		return Version{}, false, nil
	}
	return v, err == nil, err
}

// RecordUpload writes files the person uploaded and commits them (one
// version, kind "upload").
func (w *Workspace) RecordUpload(ctx context.Context, files []File, msg string) (v Version, changed bool, err error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	// index.lock is held from the first file written to the commit, as git
	// does for checkout: no git command takes the files in between.
	err = w.withIndex(ctx, func() error {
		var err error
		v, changed, err = w.recordUpload(ctx, files, msg)
		return err
	})
	return v, changed, err
}

func (w *Workspace) recordUpload(ctx context.Context, files []File, msg string) (Version, bool, error) {
	if _, err := w.write(ctx, files); err != nil {
		return Version{}, false, err
	}
	v, err := w.commit(ctx, msg, []Trailer{{TrailerKind, "upload"}})
	if errors.Is(err, ErrNoChanges) {
		return Version{}, false, nil
	}
	return v, err == nil, err
}

func (w *Workspace) signature() *object.Signature {
	return &object.Signature{Name: "Tessera", Email: "tessera@localhost", When: w.now()}
}

func (w *Workspace) gitErr(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	if busy := gitBusy(err); busy != nil {
		return busy
	}
	if errors.Is(err, errRefMoved) {
		return apperr.Wrap(err, apperr.Conflict, "Git kept moving the project's branch while Tessera saved a version; try again in a moment.")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return apperr.Wrap(err, apperr.Canceled, "The operation was stopped.")
	}
	return apperr.Wrap(err, apperr.Internal, "Tessera could not update the project's history in "+w.root+".")
}

// FormatMessage builds a commit message: the text, a blank line, then one
// "Key: value" line per trailer (values kept on one line).
func FormatMessage(msg string, trailers []Trailer) string {
	msg = strings.TrimSpace(strings.ReplaceAll(msg, "\r\n", "\n"))
	if len(msg) > maxMessage {
		msg = strings.ToValidUTF8(msg[:maxMessage], "") + "…"
	}
	if msg == "" {
		msg = "(no message)"
	}
	var b strings.Builder
	b.WriteString(msg)
	sep := "\n\n"
	for _, t := range trailers {
		v := strings.Join(strings.Fields(t.Value), " ")
		if t.Key == "" || v == "" {
			continue
		}
		b.WriteString(sep)
		sep = "\n"
		b.WriteString(t.Key + ": " + v)
	}
	b.WriteString("\n")
	return b.String()
}

// ParseMessage splits a commit message into its text and trailers (the
// last paragraph, when every line of it is "Tessera-Key: value"; a prompt
// that merely ends in "Note: x" stays whole).
func ParseMessage(full string) (string, map[string]string) {
	full = strings.TrimRight(full, "\n")
	tr := map[string]string{}
	i := strings.LastIndex(full, "\n\n")
	if i < 0 {
		return full, tr
	}
	for _, line := range strings.Split(full[i+2:], "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok || !strings.HasPrefix(k, "Tessera-") || strings.ContainsAny(k, " \t") {
			return full, map[string]string{}
		}
		tr[k] = v
	}
	return full[:i], tr
}
