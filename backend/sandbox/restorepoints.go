package sandbox

// Runtime restore points: after a turn whose install ran, a snapshot of the
// project's sandbox is saved in the background and tied to that turn's
// version; restoring a version that has one creates the sandbox from it.
// Only the newest Keep snapshots of a project are kept; the others, those
// replaced, and those of deleted projects are deleted at E2B (rows with no
// version wait in the store until E2B confirms).

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

// RestoreStore is the part of the database restore points use.
type RestoreStore interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	ListProjects(ctx context.Context) ([]store.Project, error)
	TieSnapshot(ctx context.Context, rp store.RestorePoint) error
	RestorePointOf(ctx context.Context, projectID, version string) (store.RestorePoint, error)
	RestorePoints(ctx context.Context, projectID string) ([]store.RestorePoint, error)
	KeepSnapshots(ctx context.Context, projectID string, keep int) (int, error)
	UnneededSnapshots(ctx context.Context) ([]string, error)
	SnapshotProjects(ctx context.Context) ([]string, error)
	ForgetSnapshot(ctx context.Context, snapshotID string) error
	DropSnapshot(ctx context.Context, snapshotID string) error
}

var _ RestoreStore = (*store.Store)(nil)

// DefaultKeepSnapshots is how many restore points a project keeps.
const DefaultKeepSnapshots = 5

// RestorePoints saves, uses and tidies a manager's snapshots.
type RestorePoints struct {
	m    *Manager
	st   RestoreStore
	keep int
	log  *slog.Logger

	mu sync.Mutex // one snapshot or tidy at a time (they are rare)
	wg sync.WaitGroup

	pmu     sync.Mutex
	pending map[string]int // projectID -> snapshots being saved
}

// NewRestorePoints wires restore points to the manager; keep <= 0 means
// DefaultKeepSnapshots.
func NewRestorePoints(m *Manager, st RestoreStore, keep int, log *slog.Logger) *RestorePoints {
	if keep <= 0 {
		keep = DefaultKeepSnapshots
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &RestorePoints{m: m, st: st, keep: keep, log: log.With("component", "restorepoints"), pending: map[string]int{}}
}

// snapshotWait bounds saving one restore point (E2B pauses the sandbox
// for it; a large one takes a while).
const snapshotWait = 5 * time.Minute

// AfterInstall saves a restore point of the project's sandbox in the
// background and ties it to version (the turn's commit). It returns at
// once; a failure costs the restore point only (logged).
func (r *RestorePoints) AfterInstall(projectID, version string) {
	if projectID == "" || version == "" || !r.m.enter() {
		return
	}
	r.wg.Add(1)
	r.pendingAdd(projectID, 1)
	go func() {
		defer r.m.wg.Done()
		defer r.wg.Done()
		defer r.pendingAdd(projectID, -1)
		ctx, cancel := context.WithTimeout(r.m.root, snapshotWait)
		defer cancel()
		if err := r.take(ctx, projectID, version); err != nil {
			r.log.Warn("restore point not saved", "project", projectID, "version", version, "err", err)
		}
	}()
}

func (r *RestorePoints) take(ctx context.Context, projectID, version string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	snap, template, err := r.m.Snapshot(ctx, projectID)
	if err != nil {
		return err
	}
	if err := r.st.TieSnapshot(ctx, store.RestorePoint{ProjectID: projectID, Version: version, SnapshotID: snap.ID, Template: template}); err != nil {
		// Not tied: nothing would ever delete it, so delete it now.
		if derr := r.m.DeleteSnapshot(context.WithoutCancel(ctx), snap.ID); derr != nil {
			r.log.Warn("an untied snapshot could not be deleted", "snapshot", snap.ID, "err", derr)
		}
		return err
	}
	if _, err := r.st.KeepSnapshots(ctx, projectID, r.keep); err != nil {
		return err
	}
	return r.tidyLocked(ctx)
}

// Wait blocks until the restore points being saved are done (tests, quit).
func (r *RestorePoints) Wait() { r.wg.Wait() }

func (r *RestorePoints) pendingAdd(projectID string, n int) {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	if r.pending[projectID] += n; r.pending[projectID] <= 0 {
		delete(r.pending, projectID)
	}
}

// Saving reports whether a restore point of the project is being saved.
func (r *RestorePoints) Saving(projectID string) bool {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	return r.pending[projectID] > 0
}

// Restore gives the project a sandbox made from the restore point of
// version (the version being restored), if it has one, and ties newVersion
// (the restore's own version) to the same snapshot. used is false when
// the version has no restore point (nothing done: the caller syncs the
// files as usual) or E2B no longer had it (the sandbox was rebuilt from
// the files and recorded installs instead; that restore point is dropped).
func (r *RestorePoints) Restore(ctx context.Context, projectID, version, newVersion string) (used bool, err error) {
	rp, err := r.st.RestorePointOf(ctx, projectID, version)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fromSnap, err := r.m.RestoreSnapshot(ctx, projectID, rp.SnapshotID, rp.Template)
	if err != nil {
		return true, err
	}
	if !fromSnap {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.dropGone(ctx, projectID, rp.SnapshotID)
		return false, nil
	}
	if newVersion != "" {
		if err := r.st.TieSnapshot(ctx, store.RestorePoint{ProjectID: projectID, Version: newVersion, SnapshotID: rp.SnapshotID, Template: rp.Template}); err != nil {
			r.log.Warn("the restored version was not tied to its restore point", "project", projectID, "err", err)
		}
	}
	return true, nil
}

// dropGone forgets a snapshot E2B no longer has: every version tied to it
// loses its restore point. Caller holds r.mu.
func (r *RestorePoints) dropGone(ctx context.Context, projectID, snapshotID string) {
	if err := r.st.DropSnapshot(ctx, snapshotID); err != nil {
		r.log.Warn("forgetting a restore point E2B lost failed", "project", projectID, "snapshot", snapshotID, "err", err)
	}
}

// Versions returns the versions of the project that have a restore point
// (version -> snapshot id) and how many snapshots the project keeps.
func (r *RestorePoints) Versions(ctx context.Context, projectID string) (map[string]string, int, error) {
	rps, err := r.st.RestorePoints(ctx, projectID)
	if err != nil {
		return nil, 0, err
	}
	out := make(map[string]string, len(rps))
	distinct := map[string]bool{}
	for _, rp := range rps {
		out[rp.Version] = rp.SnapshotID
		distinct[rp.SnapshotID] = true
	}
	return out, len(distinct), nil
}

// Tidy deletes the snapshots of projects that no longer exist and every
// snapshot no version needs (at start, and after each new one).
func (r *RestorePoints) Tidy(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tidyLocked(ctx)
}

func (r *RestorePoints) tidyLocked(ctx context.Context) error {
	projects, err := r.st.ListProjects(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(projects))
	for _, p := range projects {
		known[p.ID] = true
	}
	with, err := r.st.SnapshotProjects(ctx)
	if err != nil {
		return err
	}
	for _, id := range with {
		if !known[id] {
			if _, err := r.st.KeepSnapshots(ctx, id, 0); err != nil {
				return err
			}
		}
	}
	r.deleteUnneeded(ctx)
	return nil
}

// deleteUnneeded deletes at E2B what no version needs; what fails stays
// listed for the next tidy. Caller holds r.mu.
func (r *RestorePoints) deleteUnneeded(ctx context.Context) {
	ids, err := r.st.UnneededSnapshots(ctx)
	if err != nil {
		r.log.Warn("listing unneeded snapshots failed", "err", err)
		return
	}
	for _, id := range ids {
		if err := r.m.DeleteSnapshot(ctx, id); err != nil {
			r.log.Warn("an unneeded snapshot could not be deleted yet", "snapshot", id, "err", err)
			continue
		}
		if err := r.st.ForgetSnapshot(ctx, id); err != nil {
			r.log.Warn("forgetting a deleted snapshot failed", "snapshot", id, "err", err)
		}
	}
}
