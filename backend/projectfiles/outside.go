package projectfiles

// Edits the person made in the project folders with their own editor:
// each becomes a version "Edited outside Tessera" through Apply.

import (
	"context"
	"strings"
	"time"

	"tessera/backend/store"
)

// outsideWait bounds one change brought in for the watcher.
const outsideWait = 2 * time.Minute

// Changed is the watcher's callback: paths changed in a project folder.
func (o *Owner) Changed(root context.Context, folder string, paths []string) {
	ctx, cancel := context.WithTimeout(root, outsideWait)
	defer cancel()
	p, ok, err := o.projectOf(ctx, folder)
	if err != nil || !ok {
		if err != nil {
			o.cfg.Logger.Warn("outside edit: project not found", "folder", folder, "err", err)
		}
		return
	}
	res, err := o.Apply(ctx, p.ID, Outside(paths...))
	if err != nil {
		o.cfg.Logger.Warn("outside edit not brought in", "project", p.ID, "err", err)
		return
	}
	if n := len(res.Written) + len(res.Removed); n > 0 {
		o.cfg.Logger.Info("edited outside Tessera", "project", p.ID, "version", res.Version.ID, "files", n)
	}
}

// SweepAll brings in what changed in every project folder while Tessera
// was not running (at start, before the watcher's events).
func (o *Owner) SweepAll(ctx context.Context) {
	ps, err := o.cfg.Store.ListProjects(ctx)
	if err != nil {
		o.cfg.Logger.Warn("outside edits: projects not listed", "err", err)
		return
	}
	for _, p := range ps {
		if p.Workspace == "" {
			continue
		}
		if _, err := o.Apply(ctx, p.ID, Sweep()); err != nil {
			o.cfg.Logger.Warn("outside edits not brought in at start", "project", p.ID, "err", err)
		}
	}
}

// Settle is called before a turn builds its prompt: it brings in what the
// person changed in their own editor, and marks the version the turn
// starts from (so the turn's version can name the files both changed).
func (o *Owner) Settle(ctx context.Context, projectID string) error {
	w, err := o.Workspace(ctx, projectID)
	if err != nil {
		return err
	}
	l := o.lock(projectID)
	defer l.Unlock()
	if _, err := o.apply(ctx, projectID, w, Outside()); err != nil {
		return err
	}
	return w.BeginTurn(ctx)
}

func (o *Owner) projectOf(ctx context.Context, folder string) (store.Project, bool, error) {
	ps, err := o.cfg.Store.ListProjects(ctx)
	if err != nil {
		return store.Project{}, false, err
	}
	for _, p := range ps {
		if strings.EqualFold(p.Workspace, folder) {
			return p, true, nil
		}
	}
	return store.Project{}, false, nil
}
