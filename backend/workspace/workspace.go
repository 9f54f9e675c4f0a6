// Package workspace keeps each project's files in a folder on disk under
// git: the folder is the source of truth for the files (the sandbox is a
// replica, SQLite keeps an index derived from it; package projectfiles is
// the one writer that keeps the three in step), and every turn, manual
// edit and restore is a commit, so nothing the person made is ever lost.
//
// It uses go-git (pure Go) rather than the git program: people using
// Tessera need not have git installed, and every call takes a context and
// returns typed errors instead of parsing a tool's output.
package workspace

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"tessera/backend/apperr"
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
		v, changed, err = w.recordEdit(ctx, files, msg, "edit")
		return err
	})
	return v, changed, err
}

// RecordAgentStep is RecordEdit for one step of an agent turn through the
// files owner: its commit is an agent step, which the turn's SquashTurn
// folds into the turn's one version.
func (w *Workspace) RecordAgentStep(ctx context.Context, files []File, msg string) (v Version, changed bool, err error) {
	if err := w.lock(); err != nil {
		return Version{}, false, err
	}
	defer w.mu.Unlock()
	err = w.withIndex(ctx, func() error {
		var err error
		v, changed, err = w.recordEdit(ctx, files, msg, KindAgentStep)
		return err
	})
	return v, changed, err
}

func (w *Workspace) recordEdit(ctx context.Context, files []File, msg, kind string) (Version, bool, error) {
	if _, err := w.write(ctx, files); err != nil {
		return Version{}, false, err
	}
	if strings.TrimSpace(msg) == "" {
		msg = "Edited by hand"
	}
	v, err := w.commit(ctx, msg, []Trailer{{TrailerKind, kind}})
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
