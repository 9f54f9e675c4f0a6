package api

// Runtime restore points in the Versions panel: which versions have one,
// how many the project keeps, restoring a version from its snapshot, and
// branching with a copy (fork) of the live sandbox.

import (
	"context"
	"log/slog"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// RestorePoints is the runtime side of versions (sandbox.RestorePoints).
type RestorePoints interface {
	// Restore makes the sandbox from version's restore point and ties
	// newVersion to it; used is false when there is none to use.
	Restore(ctx context.Context, projectID, version, newVersion string) (used bool, err error)
	// Versions maps the versions that have a restore point to their
	// snapshot and counts the project's snapshots.
	Versions(ctx context.Context, projectID string) (map[string]string, int, error)
	// Saving reports a restore point being saved for the project.
	Saving(projectID string) bool
}

// Forker copies a project's live sandbox to another project.
type Forker interface {
	Fork(ctx context.Context, from, to string) error
}

// VersionsOption configures NewVersionsService.
type VersionsOption func(*VersionsService)

// WithRestorePoints turns on runtime restore points.
func WithRestorePoints(rp RestorePoints) VersionsOption {
	return func(s *VersionsService) { s.points = rp }
}

// RestorePointsDTO is what the panel shows about restore points.
type RestorePointsDTO struct {
	// Count is how many snapshots the project keeps at E2B.
	Count int `json:"count"`
	// Saving: one is being saved now (after a turn that installed).
	Saving bool `json:"saving"`
}

// RestorePoints says how many restore points the project has.
func (s *VersionsService) RestorePoints(projectID string) (RestorePointsDTO, error) {
	if s.points == nil {
		return RestorePointsDTO{}, nil
	}
	ctx := s.ctx()
	if _, err := s.ws.st.GetProject(ctx, projectID); err != nil {
		return RestorePointsDTO{}, err
	}
	_, n, err := s.points.Versions(ctx, projectID)
	if err != nil {
		return RestorePointsDTO{}, err
	}
	return RestorePointsDTO{Count: n, Saving: s.points.Saving(projectID)}, nil
}

// restorePoints maps versions to snapshots; empty when unknown (the
// markers are a hint, the history must show regardless).
func (s *VersionsService) restorePoints(ctx context.Context, projectID string) map[string]string {
	if s.points == nil {
		return nil
	}
	m, _, err := s.points.Versions(ctx, projectID)
	if err != nil {
		s.log.Warn("restore points not listed", "project", projectID, "err", err)
		return nil
	}
	return m
}

// restoreRuntime finishes a restore when restore points are on: the files
// go to project_files, then the sandbox is made from the version's
// snapshot, or (no snapshot, or E2B lost it) gets the files as usual.
func (s *VersionsService) restoreRuntime(ctx context.Context, projectID, versionID string, w *workspace.Workspace, before []workspace.FileEntry, res RestoreResult) (RestoreResult, error) {
	files, removed, err := s.syncLocal(ctx, projectID, w, before)
	if err != nil {
		s.log.Warn("restored version not yet in the project's files", "project", projectID, "err", err)
		res.Warning = apperr.MessageOf(err)
		return res, nil
	}
	used, err := s.points.Restore(ctx, projectID, versionID, res.Version.ID)
	switch {
	case used && err == nil:
		res.Runtime = true
		res.Version.RestorePoint = true
		s.log.Info("version restored with its runtime", "project", projectID, "version", versionID)
		return res, nil
	case used:
		// Failed before the old sandbox went (no key, E2B down): it still
		// needs the files; failed after: there is none, its next run
		// builds one from them.
		s.log.Warn("restoring the sandbox from the restore point failed", "project", projectID, "err", err)
		res.Warning = apperr.MessageOf(err)
		if serr := s.syncSandbox(ctx, projectID, files, removed); serr != nil {
			s.log.Warn("restored version not yet in the sandbox", "project", projectID, "err", serr)
		}
		return res, nil
	case err != nil:
		s.log.Warn("restore point not read", "project", projectID, "err", err)
	}
	if p, perr := s.ws.st.GetProject(ctx, projectID); perr == nil && p.SandboxID != "" {
		// No restore point: the sandbox only needs the files. (One E2B
		// lost was replaced by a rebuild from them: writing is harmless.)
		if err := s.syncSandbox(ctx, projectID, files, removed); err != nil {
			s.log.Warn("restored version not yet in the sandbox", "project", projectID, "err", err)
			res.Warning = apperr.MessageOf(err)
		}
	}
	return res, nil
}

// canFork refuses a copy of the live sandbox that could not be right:
// the sandbox holds the current version's files, not an older one's.
func (s *VersionsService) canFork(ctx context.Context, from store.Project, versionID string) error {
	if _, ok := s.replica.(Forker); !ok {
		return apperr.New(apperr.Invalid, "Copying the sandbox is not available here. Branch without it.")
	}
	if from.SandboxID == "" {
		return apperr.New(apperr.Invalid, "This project has no sandbox yet, so there is none to copy. Branch without it: the new project builds its own on its first run.")
	}
	w, err := s.ws.open(ctx, from.ID)
	if err != nil {
		return err
	}
	vs, err := w.History(ctx, 1)
	if err != nil {
		return err
	}
	if len(vs) == 0 || vs[0].ID != versionID {
		return apperr.New(apperr.Invalid, "Only the current version can take the sandbox along (it holds the current files). Branch this version without it.")
	}
	return nil
}

// fork copies from's live sandbox to the new project; a failure is a
// warning (the new project builds its sandbox from the files).
func (s *VersionsService) fork(ctx context.Context, from, to string) string {
	f, _ := s.replica.(Forker)
	if f == nil {
		return ""
	}
	if err := f.Fork(ctx, from, to); err != nil {
		s.log.Warn("sandbox not copied to the branch", "from", from, "project", to, "err", err)
		return "The sandbox could not be copied (" + apperr.MessageOf(err) + "). The new project builds its own from the files on its first run."
	}
	return ""
}

// SnapshotTidier deletes the snapshots no project version needs
// (sandbox.RestorePoints).
type SnapshotTidier interface {
	Tidy(ctx context.Context) error
}

// snapshotTidyWait bounds the background tidy after a project is deleted.
const snapshotTidyWait = 2 * time.Minute

// WithSnapshotCleanup deletes a deleted project's restore points at E2B
// (snapshots cost storage there). It runs in the background, as E2B may
// be slow or away; what fails stays listed and the next tidy (each start,
// each new restore point) tries again.
func WithSnapshotCleanup(t SnapshotTidier, log *slog.Logger) ProjectOption {
	return func(s *ProjectService) {
		s.deleted = append(s.deleted, func(ctx context.Context, projectID string) {
			go func() {
				tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotTidyWait)
				defer cancel()
				if err := t.Tidy(tctx); err != nil {
					log.Warn("a deleted project's restore points are deleted later", "project", projectID, "err", err)
				}
			}()
		})
	}
}
