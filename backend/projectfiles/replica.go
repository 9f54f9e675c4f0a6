package projectfiles

// The sandbox side: writing a change to the project's sandbox, or
// remembering what a paused one missed until the next Ensure (Catchup).

import (
	"context"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// SandboxReplica is the Replica of the sandbox manager.
type SandboxReplica struct{ *sandbox.Manager }

// removeWait bounds the sandbox delete of a change.
const removeWait = 30 * time.Second

// Remove deletes files (project-relative; anything outside the project
// folder is refused by h.Path) with one rm in the sandbox.
func (r SandboxReplica) Remove(ctx context.Context, h *sandbox.Handle, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	line, err := rmLine(h.Path, paths)
	if err != nil {
		return err
	}
	code, err := h.Run(ctx, sandbox.Command{Line: line, Timeout: removeWait})
	if err == nil && code != 0 {
		err = apperr.Newf(apperr.Unavailable, "Removing old files in the sandbox failed (exit %d); restart the sandbox to rebuild it from the project's files.", code)
	}
	return err
}

// rmLine builds "rm -f -- 'a' 'b'" from resolved sandbox paths, each quoted
// for the shell (a ' inside becomes '\”).
func rmLine(resolve func(string) (string, error), paths []string) (string, error) {
	var b strings.Builder
	b.WriteString("rm -f --")
	for _, p := range paths {
		full, err := resolve(p)
		if err != nil {
			return "", err
		}
		b.WriteString(" '" + strings.ReplaceAll(full, "'", `'\''`) + "'")
	}
	return b.String(), nil
}

// toSandbox writes a change to the project's sandbox. With ensure, a
// sandbox the project has is resumed (a resumed sandbox is not rebuilt,
// so it would keep the old files); without, only a running one is written
// and a paused one remembers the paths for Catchup. A project without a
// sandbox gets none made: its first run builds one from the index. A
// failure is the result's Warning (the change is kept), and the paths are
// remembered so that the next turn's Ensure catches up.
func (o *Owner) toSandbox(ctx context.Context, projectID string, res *Result, write []store.File, remove []string, ensure bool) {
	if o.cfg.Replica == nil {
		return
	}
	if ensure {
		p, err := o.cfg.Store.GetProject(ctx, projectID)
		if err != nil {
			o.failed(projectID, res, write, remove, err)
			return
		}
		if p.SandboxID == "" {
			return
		}
	} else {
		st := o.cfg.Replica.Status(projectID)
		if st.State != sandbox.StateRunning {
			if st.SandboxID != "" {
				o.remember(projectID, write, remove)
			}
			return
		}
	}
	h, err := o.cfg.Replica.Ensure(ctx, projectID, "")
	if err == nil {
		// Ensure may have rebuilt from the index (already changed above);
		// writing again is cheap and covers a resumed sandbox.
		err = o.cfg.Replica.WriteFiles(ctx, h, write)
	}
	if err == nil {
		err = o.cfg.Replica.Remove(ctx, h, remove)
	}
	if err != nil {
		o.failed(projectID, res, write, remove, err)
		return
	}
	res.Synced = true
}

func (o *Owner) failed(projectID string, res *Result, write []store.File, remove []string, err error) {
	o.cfg.Logger.Warn("file change not yet in the sandbox", "project", projectID, "err", err)
	res.Warning = apperr.MessageOf(err)
	o.remember(projectID, write, remove)
}

func (o *Owner) remember(projectID string, write []store.File, remove []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.missing[projectID]
	if m == nil {
		m = map[string]bool{}
		o.missing[projectID] = m
	}
	for _, f := range write {
		m[f.Path] = true
	}
	for _, p := range remove {
		m[p] = true
	}
}

// Pending lists the paths the project's sandbox has not had yet.
func (o *Owner) Pending(projectID string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.missing[projectID]))
	for p := range o.missing[projectID] {
		out = append(out, p)
	}
	return out
}

// Catchup is called after a turn's Ensure: it writes what the sandbox
// missed while paused (outside edits, a write that failed), from the
// index. A rebuilt sandbox has it already (it was built from the index).
func (o *Owner) Catchup(ctx context.Context, h *sandbox.Handle) error {
	if o.cfg.Replica == nil || h == nil {
		return nil
	}
	l := o.lock(h.ProjectID)
	defer l.Unlock()
	o.mu.Lock()
	miss := o.missing[h.ProjectID]
	delete(o.missing, h.ProjectID)
	o.mu.Unlock()
	if len(miss) == 0 || h.Rebuilt {
		return nil
	}
	all, err := o.cfg.Store.ListFiles(ctx, h.ProjectID)
	if err != nil {
		o.rememberSet(h.ProjectID, miss)
		return err
	}
	var files []store.File
	for _, f := range all {
		if miss[f.Path] {
			files = append(files, f)
			delete(miss, f.Path)
		}
	}
	gone := make([]string, 0, len(miss))
	for p := range miss {
		gone = append(gone, p)
	}
	err = o.cfg.Replica.WriteFiles(ctx, h, files)
	if err == nil {
		err = o.cfg.Replica.Remove(ctx, h, gone)
	}
	if err != nil {
		o.remember(h.ProjectID, files, gone)
	}
	return err
}

func (o *Owner) rememberSet(projectID string, paths map[string]bool) {
	ps := make([]string, 0, len(paths))
	for p := range paths {
		ps = append(ps, p)
	}
	o.remember(projectID, nil, ps)
}
