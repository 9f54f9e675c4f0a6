package api

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// memoryPoints is RestorePoints over a map, with the answer of Restore
// chosen by the test.
type memoryPoints struct {
	mu       sync.Mutex
	snaps    map[string]string // version -> snapshot
	restored []string
	fail     error
}

func (m *memoryPoints) Restore(_ context.Context, _, version, newVersion string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.snaps[version]
	if !ok {
		return false, nil
	}
	m.restored = append(m.restored, version)
	if m.fail != nil {
		return true, m.fail
	}
	m.snaps[newVersion] = s
	return true, nil
}

func (m *memoryPoints) Versions(context.Context, string) (map[string]string, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out, n := map[string]string{}, map[string]bool{}
	for v, s := range m.snaps {
		out[v], n[s] = s, true
	}
	return out, len(n), nil
}

func (m *memoryPoints) Saving(string) bool { return false }

// forkingReplica also copies sandboxes.
type forkingReplica struct {
	recordingReplica
	forks [][2]string
	err   error
	st    *store.Store
}

func (r *forkingReplica) Fork(ctx context.Context, from, to string) error {
	r.forks = append(r.forks, [2]string{from, to})
	if r.err != nil {
		return r.err
	}
	return r.st.SetSandbox(ctx, to, "sbxcopy", store.SandboxRunning)
}

func TestVersionsRestorePointsAndFork(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	rep := &forkingReplica{st: st}
	points := &memoryPoints{snaps: map[string]string{}}
	wm := workspace.NewManager(filepath.Join(t.TempDir(), "Tessera"))
	ws := projectfiles.New(projectfiles.Config{Workspaces: wm, Store: st, Replica: rep, Points: points})
	ps := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithWorkspaces(ws))
	vs := NewVersionsService(bg, ws, quiet(), WithRestorePoints(points))
	p, err := ps.Create(CreateProjectRequest{Name: "Data"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ws.Workspace(ctx, p.ID)
	for _, c := range []string{"v1", "v2"} {
		if _, _, err := w.RecordTurn(ctx, []workspace.File{{Path: "app.py", Content: []byte(c)}}, "turn "+c, "m", "x/y"); err != nil {
			t.Fatal(err)
		}
	}
	h, _ := vs.History(p.ID)
	points.snaps[h[1].ID] = "snap1:default"
	h, _ = vs.History(p.ID)
	if !h[1].RestorePoint || h[0].RestorePoint {
		t.Fatalf("markers %v %v", h[0].RestorePoint, h[1].RestorePoint)
	}
	if n, err := vs.RestorePoints(p.ID); err != nil || n.Count != 1 {
		t.Fatalf("count %+v %v", n, err)
	}
	st.SetSandbox(ctx, p.ID, "sbx1", store.SandboxRunning)

	// A version with a restore point: the sandbox comes from it, no file
	// sync; the new version shares it.
	res, err := vs.Restore(p.ID, h[1].ID)
	if err != nil || !res.Runtime || !res.Version.RestorePoint || res.Warning != "" || len(rep.calls) != 0 {
		t.Fatalf("restore %+v %v (writes %d)", res, err, len(rep.calls))
	}
	if rows, _ := st.ListFiles(ctx, p.ID); len(rows) != 2 || rows[1].Path != "app.py" || rows[1].Content != "v1" {
		t.Fatalf("project_files %v", rows)
	}
	// Without one: the files are synced as before.
	h, _ = vs.History(p.ID)
	res, err = vs.Restore(p.ID, h[1].ID) // v2, no restore point
	if err != nil || res.Runtime || len(rep.calls) != 1 {
		t.Fatalf("restore without a point %+v %v (writes %d)", res, err, len(rep.calls))
	}
	// A failed runtime restore is a warning, and the files still go out.
	h, _ = vs.History(p.ID)
	points.fail = apperr.New(apperr.Unavailable, "E2B is down.")
	res, err = vs.Restore(p.ID, h[1].ID)
	if err != nil || res.Runtime || res.Warning != "E2B is down." || len(rep.calls) != 2 {
		t.Fatalf("failed runtime restore %+v %v", res, err)
	}

	// Branch with the live sandbox: only the current version.
	h, _ = vs.History(p.ID)
	if _, err := vs.Branch(BranchRequest{ProjectID: p.ID, VersionID: h[1].ID, Name: "Old", WithSandbox: true}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("fork of an older version: %v", err)
	}
	if all, _ := st.ListProjects(ctx); len(all) != 1 {
		t.Fatalf("a refused branch made a project")
	}
	br, err := vs.Branch(BranchRequest{ProjectID: p.ID, VersionID: h[0].ID, Name: "Copy", WithSandbox: true})
	if err != nil || br.Warning != "" || len(rep.forks) != 1 || rep.forks[0] != [2]string{p.ID, br.Project.ID} {
		t.Fatalf("branch with sandbox %+v %v %v", br, err, rep.forks)
	}
	if cp, _ := st.GetProject(ctx, br.Project.ID); cp.SandboxID != "sbxcopy" {
		t.Fatalf("copy's sandbox %q", cp.SandboxID)
	}
	rep.err = apperr.New(apperr.NotFound, "The sandbox is gone.")
	br, err = vs.Branch(BranchRequest{ProjectID: p.ID, VersionID: h[0].ID, Name: "Copy 2", WithSandbox: true})
	if err != nil || br.Warning == "" {
		t.Fatalf("failed fork %+v %v", br, err)
	}
	if cp, _ := st.GetProject(ctx, br.Project.ID); cp.SandboxID != "" {
		t.Fatalf("failed copy has sandbox %q", cp.SandboxID)
	}
}

type tidyCalls chan struct{}

func (c tidyCalls) Tidy(context.Context) error { c <- struct{}{}; return nil }

func TestDeletingAProjectTidiesItsRestorePoints(t *testing.T) {
	st := newStore(t)
	calls := make(tidyCalls, 1)
	ps := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithSnapshotCleanup(calls, quiet()))
	p, err := ps.Create(CreateProjectRequest{Name: "Gone"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
		t.Fatal("tidied before anything was deleted")
	default:
	}
	if err := ps.Delete(p.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
	case <-time.After(10 * time.Second):
		t.Fatal("deleting the project did not tidy its restore points")
	}
}
