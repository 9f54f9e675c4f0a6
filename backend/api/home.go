package api

// The home screen's side of ProjectService (issue 16): every project with
// its sandbox's running time and cleanup date, duplicate, and "Keep".

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// ProjectVariables moves a project's variables and secrets with the
// project (*env.Env): copied by a duplicate, removed with the project.
type ProjectVariables interface {
	CopyAll(ctx context.Context, fromID, toID string) error
	DeleteAll(ctx context.Context, projectID string, remove func(ctx context.Context) error) error
}

// HomeStore is what the home screen needs beyond ProjectStore.
type HomeStore interface {
	DuplicateProject(ctx context.Context, fromID, name string) (store.Project, error)
	KeepSandbox(ctx context.Context, projectID string) error
}

// WithHome gives the service what duplicate, keep and the cleanup date
// need: the store's extra methods, the projects' variables (package env),
// and the cleanup policy's age (0 = off).
func WithHome(st HomeStore, vars ProjectVariables, cleanupAfter func(ctx context.Context) time.Duration) ProjectOption {
	return func(s *ProjectService) { s.home, s.vars, s.cleanupAfter = st, vars, cleanupAfter }
}

// dto maps a project and adds its cleanup date.
func (s *ProjectService) dto(ctx context.Context, p store.Project) Project {
	out := toProject(p)
	if s.cleanupAfter != nil {
		if due := sandbox.CleanupDue(p.IdleSince(), p.SandboxID != "", s.cleanupAfter(ctx)); !due.IsZero() {
			out.CleanupAt = stamp(due)
		}
	}
	return out
}

func (s *ProjectService) dtos(ctx context.Context, ps []store.Project) []Project {
	out := make([]Project, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.dto(ctx, p))
	}
	return out
}

// Duplicate makes a new project with a copy of the project's chat, files
// (its folder's current version), recorded installs and variables (secret
// ones too). It has no sandbox yet: the first use builds one.
func (s *ProjectService) Duplicate(id string) (Project, error) {
	ctx := s.ctx()
	if s.home == nil {
		return Project{}, apperr.New(apperr.Unavailable, "Duplicating projects is not available.")
	}
	from, err := s.store.GetProject(ctx, id)
	if err != nil {
		return Project{}, err
	}
	p, err := s.home.DuplicateProject(ctx, id, "")
	if err != nil {
		return Project{}, err
	}
	if err := s.copyVars(ctx, from.ID, p.ID); err != nil {
		// No half copy: the secrets are what the person would miss.
		_ = s.store.DeleteProject(context.WithoutCancel(ctx), p.ID)
		return Project{}, apperr.Wrap(err, apperr.CodeOf(err), apperr.MessageOf(err)+" The project was not duplicated.")
	}
	if s.ws != nil {
		p = s.ws.duplicated(ctx, from, p, s.log)
	}
	s.log.Info("project duplicated", "from", from.ID, "project", p.ID)
	return s.dto(ctx, p), nil
}

// KeepSandbox postpones the cleanup of the project's idle sandbox.
func (s *ProjectService) KeepSandbox(id string) (Project, error) {
	ctx := s.ctx()
	if s.home == nil {
		return Project{}, apperr.New(apperr.Unavailable, "Keeping sandboxes is not available.")
	}
	if err := s.home.KeepSandbox(ctx, id); err != nil {
		return Project{}, err
	}
	p, err := s.store.GetProject(ctx, id)
	return s.dto(ctx, p), err
}

// duplicated gives a duplicate its folder: a copy of the source's, whole
// history included. When that fails it starts with an empty folder (the
// files are still in the duplicate's local copy, and logged).
func (w *Workspaces) duplicated(ctx context.Context, from, p store.Project, log *slog.Logger) store.Project {
	src, err := w.st.GetProject(ctx, from.ID)
	if err == nil {
		if _, err = w.m.Duplicate(ctx, w.st, src, p); err == nil {
			if np, gerr := w.st.GetProject(ctx, p.ID); gerr == nil {
				return np
			}
			return p
		}
	}
	log.Warn("the duplicate's folder starts empty", "project", p.ID, "err", err)
	return w.created(ctx, p, log)
}

// HoldsEveryFile says whether the project's folder holds every file of
// its local copy (what a sandbox is rebuilt from), with the same content:
// the cleanup policy's check before it removes a sandbox.
func (w *Workspaces) HoldsEveryFile(ctx context.Context, projectID string, local []store.File) error {
	ws, err := w.open(ctx, projectID)
	if err != nil {
		return err
	}
	have, err := ws.Files(ctx)
	if err != nil {
		return err
	}
	byPath := make(map[string][]byte, len(have))
	for _, f := range have {
		byPath[f.Path] = f.Content
	}
	missing := 0
	for _, f := range local {
		if c, ok := byPath[f.Path]; !ok || !bytes.Equal(c, []byte(f.Content)) {
			missing++
		}
	}
	if missing > 0 {
		return apperr.New(apperr.Conflict, fmt.Sprintf("%d of the project's files are not in its folder's current version, so its sandbox is kept.", missing))
	}
	return nil
}

func (s *ProjectService) copyVars(ctx context.Context, fromID, toID string) error {
	if s.vars == nil {
		return nil
	}
	return s.vars.CopyAll(ctx, fromID, toID)
}
