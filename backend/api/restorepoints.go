package api

// Runtime restore points in the Versions panel: which versions have one
// and how many the project keeps (restoring from one, and branching with a
// copy of the live sandbox, are package projectfiles').

import (
	"context"
	"log/slog"
	"time"
)

// RestorePoints is what the Versions panel shows of the runtime restore
// points (sandbox.RestorePoints; restoring from one is the files owner's).
type RestorePoints interface {
	// Versions maps the versions that have a restore point to their
	// snapshot and counts the project's snapshots.
	Versions(ctx context.Context, projectID string) (map[string]string, int, error)
	// Saving reports a restore point being saved for the project.
	Saving(projectID string) bool
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
	if _, err := s.ws.Workspace(ctx, projectID); err != nil {
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
