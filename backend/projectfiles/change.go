package projectfiles

import (
	"context"
	"errors"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Write is one file a change writes (or deletes, with Delete). IfMatch,
// when set, is the Hash of the content the writer last read (or Absent):
// the change is refused when the file is not so any more.
type Write struct {
	Path    string
	Content []byte
	Delete  bool
	IfMatch string
}

// op is what a change does to the folder.
type op int

const (
	opSave op = iota + 1
	opEdit
	opCreate
	opRename
	opDelete
	opUpload
	opTurn
	opOutside
	opSweep
	opRestore
	opUndo
)

// syncMode is how a change reaches the sandbox.
type syncMode int

const (
	// syncEnsure: a sandbox the project has is resumed if paused and
	// written (the person's own changes; they look at the preview next).
	syncEnsure syncMode = iota
	// syncRunning: written when running, remembered for Catchup when
	// paused (edits made outside Tessera: never wake a sandbox for them).
	syncRunning
	// syncCaller: the caller writes the sandbox itself (a turn's run).
	syncCaller
	// syncPoints: a restore: the runtime restore point when there is one,
	// else as syncEnsure.
	syncPoints
)

// Change is one change to a project's files, made by the constructors
// below (its fields are the owner's).
type Change struct {
	op      op
	sync    syncMode
	Writes  []Write
	path    string // create, rename (from), delete
	to      string // rename
	dir     bool   // create a folder
	message string // edit, upload; the prompt of a turn
	msgID   string // turn
	model   string // turn
	version string // restore, undo
	paths   []string
	step    bool // edit: an agent step's version (AgentStep)
}

// Save is the editor's save of one file ("edited <path>").
func Save(w Write) Change { return Change{op: opSave, Writes: []Write{w}} }

// Edit writes several files by hand as one version with msg (the agent's
// edits, with IfMatch preconditions).
func Edit(msg string, writes ...Write) Change {
	return Change{op: opEdit, message: msg, Writes: writes}
}

// AgentStep is one step of an agent turn: an Edit whose version is an
// agent step, folded into the turn's one version when the turn ends
// (workspace.SquashTurn).
func AgentStep(msg string, writes ...Write) Change {
	c := Edit(msg, writes...)
	c.step = true
	return c
}

// Create makes an empty file, or a folder when dir (no version).
func Create(path string, dir bool) Change { return Change{op: opCreate, path: path, dir: dir} }

// Rename moves a file or a folder.
func Rename(from, to string) Change { return Change{op: opRename, path: from, to: to} }

// Delete removes a file or a folder with everything in it.
func Delete(path string) Change { return Change{op: opDelete, path: path} }

// Upload keeps files the person brought (one version, kind upload).
func Upload(msg string, writes ...Write) Change {
	return Change{op: opUpload, message: msg, Writes: writes}
}

// Turn records the files an answer wrote: only those files are in its
// version (edits made outside Tessera meanwhile become their own version
// first). The turn's run writes them to the sandbox.
func Turn(prompt, messageID, model string, writes ...Write) Change {
	return Change{op: opTurn, sync: syncCaller, message: prompt, msgID: messageID, model: model, Writes: writes}
}

// Outside brings in edits made in the folder by other programs, among
// paths (and what the watcher noted).
func Outside(paths ...string) Change { return Change{op: opOutside, sync: syncRunning, paths: paths} }

// Sweep brings in every outside edit (at start).
func Sweep() Change { return Change{op: opSweep, sync: syncRunning} }

// RestoreTo brings a version's files back as a new version; with restore
// points, the sandbox is made from the version's snapshot when it has one.
func RestoreTo(versionID string) Change {
	return Change{op: opRestore, sync: syncPoints, version: versionID}
}

// Redo brings a version's files back (Redo after an Undo): files only.
func Redo(versionID string) Change { return Change{op: opRestore, version: versionID} }

// UndoTo brings back the files of the version before versionID.
func UndoTo(versionID string) Change { return Change{op: opUndo, version: versionID} }

// clean checks the change and puts its paths in the folder's form.
func (c Change) clean() (Change, error) {
	if c.op == 0 {
		return c, apperr.New(apperr.Invalid, "The change to the project's files is empty.")
	}
	ws := make([]Write, len(c.Writes))
	seen := make(map[string]bool, len(c.Writes))
	for i, w := range c.Writes {
		p, err := workspace.CleanPath(w.Path)
		if err != nil {
			return c, err
		}
		if seen[p] {
			return c, apperr.Newf(apperr.Invalid, "%s is written twice in one change; write it once.", p)
		}
		seen[p] = true
		w.Path = p
		ws[i] = w
	}
	c.Writes = ws
	return c, nil
}

// done is what a change did to the folder.
type done struct {
	version workspace.Version
	changed bool
	write   []store.File
	remove  []string
}

// commit makes the change in the folder and says what the index and the
// sandbox must follow.
func (c Change) commit(ctx context.Context, w *workspace.Workspace, log func(msg string, args ...any)) (done, error) {
	var d done
	var err error
	switch c.op {
	case opSave:
		f := c.Writes[0]
		if f.Delete {
			return c.deletePath(ctx, w, f.Path)
		}
		d.version, d.changed, err = w.SaveFile(ctx, f.Path, f.Content)
		d.write = []store.File{{Path: f.Path, Content: string(f.Content)}}
	case opEdit, opUpload, opTurn:
		files := toFolder(c.Writes)
		switch c.op {
		case opEdit:
			record := w.RecordEdit
			if c.step {
				record = w.RecordAgentStep
			}
			d.version, d.changed, err = record(ctx, files, c.message)
		case opUpload:
			d.version, d.changed, err = w.RecordUpload(ctx, files, c.message)
		default:
			d.version, d.changed, err = w.RecordTurn(ctx, files, c.message, c.msgID, c.model)
		}
		for _, f := range c.Writes {
			if f.Delete {
				d.remove = append(d.remove, f.Path)
			} else {
				d.write = append(d.write, store.File{Path: f.Path, Content: string(f.Content)})
			}
		}
	case opCreate:
		d.version, d.changed, err = w.Create(ctx, c.path, c.dir)
		if !c.dir && err == nil {
			clean, _ := workspace.CleanPath(c.path)
			d.write = []store.File{{Path: clean, Content: ""}}
		}
	case opRename:
		var moved []workspace.Moved
		moved, d.version, d.changed, err = w.Rename(ctx, c.path, c.to)
		for _, m := range moved {
			b, rerr := w.ReadLimited(ctx, m.To, maxSyncBytes)
			if rerr != nil {
				log("moved file not read back for the index and the sandbox", "path", m.To, "err", rerr)
				continue
			}
			d.write = append(d.write, store.File{Path: m.To, Content: string(b)})
			d.remove = append(d.remove, m.From)
		}
	case opDelete:
		return c.deletePath(ctx, w, c.path)
	case opOutside, opSweep:
		var changes []workspace.Change
		if c.op == opOutside {
			d.version, changes, err = w.CommitOutside(ctx, c.paths...)
		} else {
			d.version, changes, err = w.Sweep(ctx)
		}
		d.changed = len(changes) > 0 && d.version.ID != ""
		for _, ch := range changes {
			switch {
			case ch.Deleted:
				d.remove = append(d.remove, ch.Path)
			case ch.Content != nil:
				d.write = append(d.write, store.File{Path: ch.Path, Content: string(ch.Content)})
			default:
				log("outside edit is binary or very large: versioned, kept out of the prompt and the sandbox copy", "path", ch.Path)
			}
		}
	case opRestore, opUndo:
		return c.restore(ctx, w)
	}
	return d, err
}

func (c Change) deletePath(ctx context.Context, w *workspace.Workspace, path string) (done, error) {
	var d done
	var err error
	d.remove, d.version, d.changed, err = w.Remove(ctx, path)
	return d, err
}

// restore rewrites the folder to a version's files: the index and the
// sandbox get every file of it, and lose the ones it lacks.
func (c Change) restore(ctx context.Context, w *workspace.Workspace) (done, error) {
	var d done
	before, err := w.Files(ctx)
	if err != nil {
		return d, err
	}
	if c.op == opUndo {
		d.version, err = w.RestoreBefore(ctx, c.version)
	} else {
		d.version, err = w.Restore(ctx, c.version)
	}
	if err != nil {
		return d, err
	}
	d.changed = true
	now, err := w.Files(ctx)
	if err != nil {
		return d, err
	}
	d.write = FromEntries(now)
	keep := make(map[string]bool, len(d.write))
	for _, f := range d.write {
		keep[f.Path] = true
	}
	for _, f := range before {
		if !keep[f.Path] {
			d.remove = append(d.remove, f.Path)
		}
	}
	return d, nil
}

// NoChanges says err is a restore or undo that found the files already so.
func NoChanges(err error) bool { return errors.Is(err, workspace.ErrNoChanges) }
