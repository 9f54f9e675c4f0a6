package api

// The home screen's side of ProjectService (issue 16): every project with
// its sandbox's running time and cleanup date, duplicate, and "Keep".

import (
	"context"
	"log/slog"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// SecretKeychain is the part of the keychain the project services use for
// the projects' secret variables (*secrets.Store). Get is used inside the
// backend only (duplicate, the sandbox's environment); no value is ever
// returned to the page.
type SecretKeychain interface {
	Set(ctx context.Context, account, value string) error
	Get(ctx context.Context, account string) (string, error)
	Delete(ctx context.Context, account string) error
}

// HomeStore is what the home screen needs beyond ProjectStore.
type HomeStore interface {
	DuplicateProject(ctx context.Context, fromID, name string) (store.Project, error)
	KeepSandbox(ctx context.Context, projectID string) error
	ListEnv(ctx context.Context, projectID string) ([]store.EnvVar, error)
}

// WithHome gives the service what duplicate, keep and the cleanup date
// need: the store's extra methods, the keychain holding the projects'
// secrets (copied by a duplicate, removed with the project), and the
// cleanup policy's age (0 = off).
func WithHome(st HomeStore, keys SecretKeychain, cleanupAfter func(ctx context.Context) time.Duration) ProjectOption {
	return func(s *ProjectService) { s.home, s.keys, s.cleanupAfter = st, keys, cleanupAfter }
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

// keychainSecrets is the projects' secret values in the keychain, for
// the lifecycle (copied by a duplicate, removed with the project).
type keychainSecrets struct {
	home HomeStore
	keys SecretKeychain
	log  *slog.Logger
}

// CopyAll implements projects.Secrets.
func (k keychainSecrets) CopyAll(ctx context.Context, fromID, toID string) error {
	vars, err := k.home.ListEnv(ctx, toID)
	if err != nil {
		return err
	}
	for _, v := range vars {
		if !v.Secret {
			continue
		}
		val, err := k.keys.Get(ctx, secrets.EnvAccount(fromID, v.Name))
		if apperr.Is(err, apperr.NotFound) {
			continue // never saved (or removed outside Tessera): nothing to copy
		}
		if err == nil {
			err = k.keys.Set(ctx, secrets.EnvAccount(toID, v.Name), val)
		}
		if err != nil {
			return apperr.Wrap(err, apperr.CodeOf(err), apperr.MessageOf(err)+" The project was not duplicated.")
		}
	}
	return nil
}

// DeleteAll implements projects.Secrets (best effort: a leftover entry is
// harmless and logged).
func (k keychainSecrets) DeleteAll(ctx context.Context, projectID string) {
	vars, err := k.home.ListEnv(ctx, projectID)
	if err != nil {
		return
	}
	for _, v := range vars {
		if v.Secret {
			if err := k.keys.Delete(ctx, secrets.EnvAccount(projectID, v.Name)); err != nil {
				k.log.Warn("a deleted project's secret stays in the keychain", "project", projectID, "name", v.Name, "err", err)
			}
		}
	}
}
