package sandbox

import (
	"reflect"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/store"
)

// countInstalls is an install that counts its own runs in the sandbox.
const countInstalls = "mkdir -p .deps && echo x >> .deps/runs && echo lib > .deps/lib.txt"

// installed makes a project with a file, a sandbox and an install.
func (e *fenv) installed(name string) (store.Project, *Handle) {
	e.t.Helper()
	p := e.project(name)
	h := e.ensure(p.ID)
	if err := keepFiles(e.ctx, e.st, e.m, h, []store.File{{Path: "app.py", Content: "v1"}}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.m.Install(e.ctx, h, countInstalls, nil); err != nil {
		e.t.Fatal(err)
	}
	return p, h
}

func TestRestorePointRestoresWithoutReinstalling(t *testing.T) {
	e := newFEnv(t)
	rp := NewRestorePoints(e.m, e.st, 0, nil)
	p, h := e.installed("data app")
	rp.AfterInstall(p.ID, "v1")
	rp.Wait()
	versions, count, err := rp.Versions(e.ctx, p.ID)
	if err != nil || count != 1 || versions["v1"] == "" {
		t.Fatalf("restore points = %v, %d, %v", versions, count, err)
	}
	// The project moves on: another file, and the sandbox loses the data.
	if err := keepFiles(e.ctx, e.st, e.m, h, []store.File{{Path: "app.py", Content: "v2"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.PutFiles(e.ctx, p.ID, []store.File{{Path: "app.py", Content: "v1"}}); err != nil { // the restore put v1 back
		t.Fatal(err)
	}
	before := e.fake.Counts()
	used, err := rp.Restore(e.ctx, p.ID, "v1", "v3")
	if err != nil || !used {
		t.Fatalf("restore: used=%v err=%v", used, err)
	}
	after := e.fake.Counts()
	if after.SnapshotStarts-before.SnapshotStarts != 1 || after.ProcessStarts != before.ProcessStarts {
		t.Fatalf("restore started %d from a snapshot and ran %d processes; want 1 and 0",
			after.SnapshotStarts-before.SnapshotStarts, after.ProcessStarts-before.ProcessStarts)
	}
	np, _ := e.st.GetProject(e.ctx, p.ID)
	if np.SandboxID == h.SandboxID || np.SandboxID == "" {
		t.Fatalf("sandbox after restore = %q (was %q)", np.SandboxID, h.SandboxID)
	}
	if e.state(h.SandboxID) != "killed" {
		t.Fatalf("the old sandbox is %s", e.state(h.SandboxID))
	}
	files := e.projectFiles(np.SandboxID)
	if files[DefaultRoot+"/app.py"] != "v1" || files[DefaultRoot+"/.deps/runs"] != "x\n" || files[DefaultRoot+"/.deps/lib.txt"] != "lib\n" {
		t.Fatalf("restored sandbox files = %v", files)
	}
	// The restore's own version shares the snapshot; a second one is not made.
	versions, count, _ = rp.Versions(e.ctx, p.ID)
	if count != 1 || versions["v3"] != versions["v1"] {
		t.Fatalf("after restore: %v, %d", versions, count)
	}
	h2 := e.ensure(p.ID)
	if h2.SandboxID != np.SandboxID || h2.Template != DefaultTemplate {
		t.Fatalf("ensure after restore = %+v", h2)
	}
}

func TestRestorePointGoneRebuildsFromFiles(t *testing.T) {
	e := newFEnv(t)
	rp := NewRestorePoints(e.m, e.st, 0, nil)
	p, h := e.installed("lost")
	rp.AfterInstall(p.ID, "v1")
	rp.Wait()
	versions, _, _ := rp.Versions(e.ctx, p.ID)
	e.fake.DropSnapshot(versions["v1"])
	before := e.fake.Counts()
	used, err := rp.Restore(e.ctx, p.ID, "v1", "v2")
	if err != nil || used {
		t.Fatalf("restore of a lost snapshot: used=%v err=%v", used, err)
	}
	after := e.fake.Counts()
	if after.SnapshotStarts != before.SnapshotStarts || after.Creates-before.Creates != 1 || after.ProcessStarts-before.ProcessStarts != 1 {
		t.Fatalf("fallback: %+v -> %+v (want one plain create and the install replayed)", before, after)
	}
	np, _ := e.st.GetProject(e.ctx, p.ID)
	files := e.projectFiles(np.SandboxID)
	if np.SandboxID == h.SandboxID || files[DefaultRoot+"/app.py"] != "v1" || files[DefaultRoot+"/.deps/runs"] != "x\n" {
		t.Fatalf("rebuilt sandbox %q files = %v", np.SandboxID, files)
	}
	if _, count, _ := rp.Versions(e.ctx, p.ID); count != 0 {
		t.Fatalf("the lost restore point is still listed (%d)", count)
	}
	// A version without a restore point: nothing done.
	if used, err := rp.Restore(e.ctx, p.ID, "v9", "v10"); used || err != nil {
		t.Fatalf("no restore point: used=%v err=%v", used, err)
	}
}

func TestRestorePointsAreTidied(t *testing.T) {
	e := newFEnv(t)
	rp := NewRestorePoints(e.m, e.st, 2, nil)
	p, _ := e.installed("many")
	for _, v := range []string{"v1", "v2", "v3"} {
		rp.AfterInstall(p.ID, v)
		rp.Wait()
		e.clock.Advance(time.Millisecond) // distinct creation times
	}
	versions, count, err := rp.Versions(e.ctx, p.ID)
	if err != nil || count != 2 || versions["v1"] != "" || versions["v3"] == "" {
		t.Fatalf("kept %v (%d), %v", versions, count, err)
	}
	if got := e.fake.Snapshots(); len(got) != 2 || e.fake.Counts().SnapshotDeletes != 1 {
		t.Fatalf("fake keeps %v, deleted %d", got, e.fake.Counts().SnapshotDeletes)
	}
	// A new snapshot of the same version replaces the old one.
	old := versions["v3"]
	rp.AfterInstall(p.ID, "v3")
	rp.Wait()
	versions, count, _ = rp.Versions(e.ctx, p.ID)
	if count != 2 || versions["v3"] == old {
		t.Fatalf("after re-snapshot %v (%d)", versions, count)
	}
	// A deleted project's snapshots go at the next tidy, also when E2B
	// was down the first time.
	if err := e.m.Kill(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteProject(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	e.failNext(e2btest.EndpointDeleteSnapshot, 6, e2btest.FaultReset)
	if err := rp.Tidy(e.ctx); err != nil {
		t.Fatal(err)
	}
	if left, _ := e.st.UnneededSnapshots(e.ctx); len(left) != 2 {
		t.Fatalf("unneeded after a failed delete = %v", left)
	}
	e.fake.ClearFaults(e2btest.EndpointDeleteSnapshot)
	if err := rp.Tidy(e.ctx); err != nil {
		t.Fatal(err)
	}
	if left, _ := e.st.UnneededSnapshots(e.ctx); len(left) != 0 || len(e.fake.Snapshots()) != 0 {
		t.Fatalf("left %v at the store, %v at the fake", left, e.fake.Snapshots())
	}
}

func TestSnapshotWithoutSandbox(t *testing.T) {
	e := newFEnv(t)
	p := e.project("empty")
	if _, _, err := e.m.Snapshot(e.ctx, p.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("snapshot of no sandbox: %v", err)
	}
	rp := NewRestorePoints(e.m, e.st, 0, nil)
	rp.AfterInstall(p.ID, "v1")
	rp.Wait()
	if _, count, _ := rp.Versions(e.ctx, p.ID); count != 0 || len(e.fake.Snapshots()) != 0 {
		t.Fatal("a restore point of nothing was saved")
	}
}

// A fork gives the new project a copy of the live sandbox: files and
// installed packages, no reinstall; Reconcile keeps both sandboxes
// although the copy carries the source's metadata.
func TestForkCopiesTheLiveSandbox(t *testing.T) {
	e := newFEnv(t)
	p, h := e.installed("source")
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	q := e.project("copy")
	before := e.fake.Counts()
	if err := e.m.Fork(e.ctx, p.ID, q.ID); err != nil {
		t.Fatal(err)
	}
	after := e.fake.Counts()
	if after.Forks-before.Forks != 1 || after.ProcessStarts != before.ProcessStarts || after.Creates != before.Creates {
		t.Fatalf("fork counts %+v -> %+v", before, after)
	}
	if st := e.m.Status(p.ID).State; st != StateRunning || e.state(h.SandboxID) != "running" {
		t.Fatalf("the paused source was resumed for the fork but is %s (E2B: %s)", st, e.state(h.SandboxID))
	}
	if err := e.m.Fork(e.ctx, p.ID, p.ID); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("fork onto itself: %v", err)
	}
	nq, _ := e.st.GetProject(e.ctx, q.ID)
	if nq.SandboxID == "" || nq.SandboxID == h.SandboxID || nq.SandboxState != store.SandboxRunning {
		t.Fatalf("copy's sandbox = %q %s", nq.SandboxID, nq.SandboxState)
	}
	want := e.projectFiles(h.SandboxID)
	got := e.projectFiles(nq.SandboxID)
	if !reflect.DeepEqual(got, want) || got[DefaultRoot+"/.deps/lib.txt"] != "lib\n" {
		t.Fatalf("copy files = %v, want %v", got, want)
	}
	hq := e.ensure(q.ID)
	if hq.SandboxID != nq.SandboxID {
		t.Fatalf("ensure of the copy made another sandbox %s", hq.SandboxID)
	}
	e.restart()
	if err := e.m.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	if e.state(h.SandboxID) == "killed" || e.state(nq.SandboxID) == "killed" {
		t.Fatalf("reconcile killed a sandbox: source %s, copy %s", e.state(h.SandboxID), e.state(nq.SandboxID))
	}
	// No sandbox to copy: an error, the copy keeps none.
	r := e.project("nothing")
	s := e.project("copy of nothing")
	if err := e.m.Fork(e.ctx, r.ID, s.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("fork of no sandbox: %v", err)
	}
	if ns, _ := e.st.GetProject(e.ctx, s.ID); ns.SandboxID != "" {
		t.Fatalf("the failed copy has sandbox %q", ns.SandboxID)
	}
}
