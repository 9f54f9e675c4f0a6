package api

// The home screen's side of ProjectService (issue 16): every project with
// its sandbox's running time and cleanup date, duplicate, and "Keep".

import (
	"context"
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
// (its folder, history included), recorded installs and variables (secret
// ones too). It has no sandbox yet: the first use builds one.
func (s *ProjectService) Duplicate(id string) (Project, error) {
	ctx := s.ctx()
	p, err := s.life.Duplicate(ctx, id)
	if err != nil {
		return Project{}, err
	}
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
