package e2b_test

import (
	"context"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

// A snapshot is a template: a sandbox created from it starts with the
// files the snapshotted sandbox had, which has since changed; it outlives
// its sandbox and goes with DeleteSnapshot.
func TestSnapshotLifecycle(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Minute, Metadata: map[string]string{"projectID": "p1"}, Secure: true})
	env := c.Envd(sb)
	if err := env.WriteFiles(ctx, []e2b.File{{Path: "/home/user/lib/pkg.txt", Content: "installed v1"}}); err != nil {
		t.Fatal(err)
	}
	snap, err := c.CreateSnapshot(ctx, sb.SandboxID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e2b.ValidateSnapshotID(snap.ID); err != nil || len(snap.Names) == 0 {
		t.Fatalf("snapshot = %+v (%v)", snap, err)
	}
	if err := env.WriteFiles(ctx, []e2b.File{{Path: "/home/user/lib/pkg.txt", Content: "installed v2"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}

	list, err := c.ListSnapshots(ctx, sb.SandboxID)
	if err != nil || len(list) != 1 || list[0].ID != snap.ID {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if other, err := c.ListSnapshots(ctx, "inotasandbox00000000"); err != nil || len(other) != 0 {
		t.Fatalf("list of another sandbox = %+v, %v", other, err)
	}

	from := create(t, c, e2b.CreateOptions{TemplateID: snap.ID, Timeout: time.Minute, Metadata: map[string]string{"projectID": "p1"}, Secure: true})
	got, err := c.Envd(from).ReadFile(ctx, "/home/user/lib/pkg.txt")
	if err != nil || string(got) != "installed v1" {
		t.Fatalf("file in the sandbox made from the snapshot = %q, %v", got, err)
	}
	if n := f.Counts(); n.Snapshots != 1 || n.SnapshotStarts != 1 || n.Creates != 2 {
		t.Fatalf("counts = %+v", n)
	}

	found, err := c.DeleteSnapshot(ctx, snap.ID)
	if err != nil || !found {
		t.Fatalf("delete: found=%v err=%v", found, err)
	}
	if found, err := c.DeleteSnapshot(ctx, snap.ID); err != nil || found {
		t.Fatalf("second delete: found=%v err=%v", found, err)
	}
	_, err = c.Create(ctx, e2b.CreateOptions{TemplateID: snap.ID, Timeout: time.Minute})
	wantCode(t, err, apperr.NotFound)
	if list, err := c.ListSnapshots(ctx, ""); err != nil || len(list) != 0 {
		t.Fatalf("list after delete = %+v, %v", list, err)
	}
}

func TestSnapshotErrors(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	_, err := c.CreateSnapshot(ctx, "inotthere0000000000000")
	wantCode(t, err, apperr.NotFound)
	for _, bad := range []string{"", "../x", "a b", "x\x00"} {
		_, err := c.DeleteSnapshot(ctx, bad)
		wantCode(t, err, apperr.Invalid)
	}
	_, err = c.CreateSnapshot(ctx, "Bad-ID")
	wantCode(t, err, apperr.Invalid)
	if n := f.Calls(e2btest.EndpointDeleteSnapshot); n != 0 {
		t.Fatalf("bad ids reached the fake %d times", n)
	}

	// Creating a snapshot is sent once: a 503 may hide one that was made.
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Minute})
	f.FailNext(e2btest.EndpointSnapshot, e2btest.Fault5xx)
	calls := f.Calls(e2btest.EndpointSnapshot)
	_, err = c.CreateSnapshot(ctx, sb.SandboxID)
	wantCode(t, err, apperr.Unavailable)
	if n := f.Calls(e2btest.EndpointSnapshot) - calls; n != 1 {
		t.Fatalf("create snapshot sent %d times", n)
	}
	// Listing and deleting are retried.
	snap, err := c.CreateSnapshot(ctx, sb.SandboxID)
	if err != nil {
		t.Fatal(err)
	}
	f.FailNext(e2btest.EndpointSnapshots, e2btest.Fault5xx)
	if list, err := c.ListSnapshots(ctx, ""); err != nil || len(list) != 1 {
		t.Fatalf("list after a 503 = %+v, %v", list, err)
	}
	f.FailNext(e2btest.EndpointDeleteSnapshot, e2btest.FaultLostResponse)
	if found, err := c.DeleteSnapshot(ctx, snap.ID); err != nil || !found {
		t.Fatalf("delete after a lost answer: found=%v err=%v", found, err)
	}
}

func TestListSnapshotsPaginates(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Minute})
	want := 103
	for i := 0; i < want; i++ {
		if _, err := c.CreateSnapshot(ctx, sb.SandboxID); err != nil {
			t.Fatal(err)
		}
	}
	list, err := c.ListSnapshots(ctx, sb.SandboxID)
	if err != nil || len(list) != want {
		t.Fatalf("listed %d, %v; want %d", len(list), err, want)
	}
	if n := f.Calls(e2btest.EndpointSnapshots); n != 2 {
		t.Fatalf("%d pages, want 2", n)
	}
}

// A fork copies a running sandbox's files and settings into a new one; the
// source keeps running, unchanged.
func TestFork(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	md := map[string]string{"projectID": "p1", "app": "tessera"}
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Minute, Metadata: md, EnvVars: map[string]string{"A": "1"}, AutoPause: true, Secure: true})
	if err := c.Envd(sb).WriteFiles(ctx, []e2b.File{{Path: "/home/user/data.csv", Content: "a,b\n1,2\n"}}); err != nil {
		t.Fatal(err)
	}
	before, _ := f.Info(sb.SandboxID)
	fk, err := c.Fork(ctx, sb.SandboxID, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if fk.SandboxID == sb.SandboxID || fk.EnvdAccessToken == "" || fk.State != e2b.StateRunning {
		t.Fatalf("fork = %+v", fk)
	}
	got, err := c.Envd(fk).ReadFile(ctx, "/home/user/data.csv")
	if err != nil || string(got) != "a,b\n1,2\n" {
		t.Fatalf("forked file = %q, %v", got, err)
	}
	info, _ := f.Info(fk.SandboxID)
	if info.Metadata["projectID"] != "p1" || info.EnvVars["A"] != "1" || !info.AutoPause || info.EndAt.Sub(info.StartedAt) != 2*time.Minute {
		t.Fatalf("fork's settings = %+v", info)
	}
	after, _ := f.Info(sb.SandboxID)
	if after.State != "running" || after.EndAt != before.EndAt {
		t.Fatalf("source after fork = %+v", after)
	}
	if n := f.Counts(); n.Forks != 1 || n.Creates != 1 {
		t.Fatalf("counts = %+v", n)
	}

	// A paused sandbox cannot be forked; an unknown one is not found; a
	// failed fork entry is an error with E2B's code.
	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Fork(ctx, sb.SandboxID, time.Minute)
	wantCode(t, err, apperr.Conflict)
	_, err = c.Fork(ctx, "inotthere0000000000000", time.Minute)
	wantCode(t, err, apperr.NotFound)
	_, err = c.Fork(ctx, sb.SandboxID, 48*time.Hour)
	wantCode(t, err, apperr.Invalid)
}

func TestForkLimit(t *testing.T) {
	f := e2btest.New(t, e2btest.WithMaxRunning(1))
	c := newClient(t, f)
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Minute})
	_, err := c.Fork(context.Background(), sb.SandboxID, time.Minute)
	wantCode(t, err, apperr.RateLimited)
	if n := f.Calls(e2btest.EndpointFork); n != 1 {
		t.Fatalf("fork sent %d times", n)
	}
}
