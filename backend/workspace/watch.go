package workspace

// Watching the workspaces for edits made outside Tessera. One fsnotify
// watcher covers the whole root (every project folder, recursively, minus
// ignored folders such as .git and node_modules); events are grouped per
// project folder and handed on once the folder has been quiet for a
// moment (debounce), so an editor's save (write, rename, chmod) or a
// `git checkout` of many files is one change, not dozens.

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"tessera/backend/apperr"
)

// Debounce defaults: a folder is handed on after Quiet without events, or
// MaxWait after its first pending event when events never stop.
const (
	DefaultQuiet   = 300 * time.Millisecond
	DefaultMaxWait = 3 * time.Second
)

// Timer is what the debouncer needs of a timer (time.AfterFunc's).
type Timer interface{ Stop() bool }

// AfterFunc schedules f (time.AfterFunc; tests pass their own).
type AfterFunc func(d time.Duration, f func()) Timer

func realAfter(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// debouncer groups paths per folder and calls fire once per quiet period.
type debouncer struct {
	quiet, maxWait time.Duration
	after          AfterFunc
	now            func() time.Time
	fire           func(folder string, paths []string)

	mu      sync.Mutex
	pending map[string]*batch
}

type batch struct {
	paths map[string]bool
	first time.Time
	timer Timer
	gen   int
}

func newDebouncer(quiet, maxWait time.Duration, after AfterFunc, now func() time.Time, fire func(string, []string)) *debouncer {
	return &debouncer{quiet: quiet, maxWait: maxWait, after: after, now: now, fire: fire, pending: map[string]*batch{}}
}

// add notes a changed path of a folder and (re)arms the folder's timer.
func (d *debouncer) add(folder, rel string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.pending[folder]
	if b == nil {
		b = &batch{paths: map[string]bool{}, first: d.now()}
		d.pending[folder] = b
	}
	b.paths[rel] = true
	wait := d.quiet
	if left := d.maxWait - d.now().Sub(b.first); left < wait {
		wait = max(left, 0)
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	b.gen++
	gen := b.gen
	b.timer = d.after(wait, func() { d.flush(folder, gen) })
}

// flush hands on a folder's batch, unless a later event re-armed it.
func (d *debouncer) flush(folder string, gen int) {
	d.mu.Lock()
	b := d.pending[folder]
	if b == nil || b.gen != gen {
		d.mu.Unlock()
		return
	}
	delete(d.pending, folder)
	d.mu.Unlock()
	paths := make([]string, 0, len(b.paths))
	for p := range b.paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	d.fire(folder, paths)
}

// stop drops every pending batch.
func (d *debouncer) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for f, b := range d.pending {
		if b.timer != nil {
			b.timer.Stop()
		}
		delete(d.pending, f)
	}
}

// WatchConfig configures Watch.
type WatchConfig struct {
	// OnChange is called (from the watcher's goroutine, one folder at a
	// time) with a project folder's name and the paths that changed in it,
	// relative and slash-separated ("" for the whole folder).
	OnChange func(folder string, paths []string)
	// OnEvent, when set, is called for every path as its event arrives,
	// before the debounce (the manager notes it on an open workspace).
	OnEvent func(folder, rel string)
	Quiet   time.Duration // DefaultQuiet when zero
	MaxWait time.Duration // DefaultMaxWait when zero
	After   AfterFunc     // time.AfterFunc when nil
	Logger  *slog.Logger
}

// Watcher watches a root of project folders. Close stops it.
type Watcher struct {
	root string
	fw   *fsnotify.Watcher
	deb  *debouncer
	cfg  WatchConfig
	done chan struct{}

	fireMu  sync.Mutex // one OnChange at a time
	mu      sync.Mutex
	ignores map[string]gitignore.Matcher // by folder; reset on a .gitignore event
}

// Watch starts watching root (which must exist) and every project folder
// in it. Folders made later (a new project, a rename) are picked up.
func Watch(root string, cfg WatchConfig) (*Watcher, error) {
	if cfg.Quiet <= 0 {
		cfg.Quiet = DefaultQuiet
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.After == nil {
		cfg.After = realAfter
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not watch the projects folder for edits made in other programs.")
	}
	w := &Watcher{root: filepath.Clean(root), fw: fw, cfg: cfg, done: make(chan struct{}), ignores: map[string]gitignore.Matcher{}}
	w.deb = newDebouncer(cfg.Quiet, cfg.MaxWait, cfg.After, time.Now, w.fire)
	if err := fw.Add(w.root); err != nil {
		fw.Close()
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not watch the projects folder "+root+".")
	}
	ents, _ := os.ReadDir(w.root)
	for _, e := range ents {
		if e.IsDir() && w.projectFolder(e.Name()) {
			w.addTree(filepath.Join(w.root, e.Name()))
		}
	}
	go w.loop()
	return w, nil
}

// Close stops watching; pending changes are dropped (the next start's
// sweep finds them).
func (w *Watcher) Close() error {
	err := w.fw.Close()
	<-w.done
	w.deb.stop()
	return err
}

func (w *Watcher) projectFolder(name string) bool {
	return name != "" && !strings.HasPrefix(name, ".") && validFolder(name)
}

// fire serialises OnChange: one folder at a time.
func (w *Watcher) fire(folder string, paths []string) {
	w.fireMu.Lock()
	defer w.fireMu.Unlock()
	if w.cfg.OnChange != nil {
		w.cfg.OnChange(folder, paths)
	}
}

func (w *Watcher) loop() {
	defer close(w.done)
	for {
		select {
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			// An overflow loses events: sweep every folder to catch up.
			w.cfg.Logger.Warn("watching the project folders", "err", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				ents, _ := os.ReadDir(w.root)
				for _, e := range ents {
					if e.IsDir() && w.projectFolder(e.Name()) {
						w.deb.add(e.Name(), "")
					}
				}
			}
		}
	}
}

// split turns an event's absolute path into its project folder and the
// path inside it ("" for the folder itself).
func (w *Watcher) split(name string) (folder, rel string, ok bool) {
	r, err := filepath.Rel(w.root, name)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", "", false
	}
	r = filepath.ToSlash(r)
	folder, rel, _ = strings.Cut(r, "/")
	return folder, rel, w.projectFolder(folder)
}

func (w *Watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return
	}
	if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
		// A folder moved away keeps its watches under its old name (they
		// follow the inode): drop them; its new name arrives as a Create
		// and is watched afresh.
		w.unwatch(ev.Name)
	}
	folder, rel, ok := w.split(ev.Name)
	if !ok {
		return
	}
	isDir := false
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			isDir = true
		}
	}
	if rel == ".gitignore" {
		w.mu.Lock()
		delete(w.ignores, folder)
		w.mu.Unlock()
	}
	if rel != "" && w.ignored(folder, rel, isDir) {
		return
	}
	if isDir {
		w.addTree(ev.Name)
	}
	if w.cfg.OnEvent != nil {
		w.cfg.OnEvent(folder, rel)
	}
	w.deb.add(folder, rel)
}

// unwatch drops the watches of a folder and the folders under it.
func (w *Watcher) unwatch(dir string) {
	for _, p := range w.fw.WatchList() {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			_ = w.fw.Remove(p) // gone with the folder already: nothing to drop
		}
	}
}

// addTree watches a folder and the folders under it, minus ignored ones.
func (w *Watcher) addTree(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if folder, rel, ok := w.split(p); !ok || (rel != "" && w.ignored(folder, rel, true)) {
			return filepath.SkipDir
		}
		if err := w.fw.Add(p); err != nil {
			w.cfg.Logger.Warn("could not watch a folder for outside edits", "folder", p, "err", err)
		}
		return nil
	})
}

// ignored applies the workspace's rules (alwaysIgnored and its .gitignore).
func (w *Watcher) ignored(folder, rel string, isDir bool) bool {
	w.mu.Lock()
	m, ok := w.ignores[folder]
	w.mu.Unlock()
	if !ok {
		ps := append([]gitignore.Pattern{}, alwaysIgnored...)
		gi := filepath.Join(w.root, folder, ".gitignore")
		if fi, err := os.Lstat(gi); err != nil || !fi.Mode().IsRegular() {
			gi = "" // a link is never followed (links.go)
		}
		if b, err := os.ReadFile(gi); gi != "" && err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#") {
					ps = append(ps, gitignore.ParsePattern(l, nil))
				}
			}
		}
		m = gitignore.NewMatcher(ps)
		w.mu.Lock()
		w.ignores[folder] = m
		w.mu.Unlock()
	}
	return ignoredBy(m, rel, isDir)
}

// Watch starts watching the manager's root; onChange receives each project
// folder's changes after the debounce. Paths are also noted on the open
// workspace at once, so a turn that records meanwhile sees them.
func (m *Manager) Watch(ctx context.Context, onChange func(folder string, paths []string), opts ...func(*WatchConfig)) (*Watcher, error) {
	if err := os.MkdirAll(m.root, dirMode); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not create the projects folder "+m.root+".")
	}
	cfg := WatchConfig{OnChange: onChange, OnEvent: m.note}
	for _, o := range opts {
		o(&cfg)
	}
	w, err := Watch(m.root, cfg)
	if err != nil {
		return nil, err
	}
	go func() { <-ctx.Done(); w.Close() }()
	return w, nil
}

// note records a changed path on the folder's workspace when it is open.
func (m *Manager) note(folder, rel string) {
	m.mu.Lock()
	w := m.open[strings.ToLower(folder)]
	m.mu.Unlock()
	if w != nil {
		w.Note(rel)
	}
}
