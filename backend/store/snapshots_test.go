package store

import (
	"context"
	"reflect"
	"testing"

	"tessera/backend/apperr"
)

func TestRestorePoints(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	tie := func(v, snap string, at int64) {
		t.Helper()
		if err := s.TieSnapshot(ctx, RestorePoint{ProjectID: "p", Version: v, SnapshotID: snap, Template: "base", CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	unneeded := func(want ...string) {
		t.Helper()
		got, err := s.UnneededSnapshots(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = []string{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("unneeded = %v, want %v", got, want)
		}
	}
	if _, err := s.RestorePointOf(ctx, "p", "v1"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("no restore point yet: %v", err)
	}
	tie("v1", "s1:default", 1)
	tie("v2", "s2:default", 2)
	tie("v3", "s2:default", 3) // a restore of v2 shares its snapshot
	rp, err := s.RestorePointOf(ctx, "p", "v3")
	if err != nil || rp.SnapshotID != "s2:default" || rp.Template != "base" {
		t.Fatalf("v3 = %+v, %v", rp, err)
	}
	unneeded()
	// A newer snapshot of v2: s2 is still v3's, so nothing is unneeded.
	tie("v2", "s3:default", 4)
	unneeded()
	// v3 too: now s2 is needed by no version.
	tie("v3", "s3:default", 5)
	unneeded("s2:default")
	list, err := s.RestorePoints(ctx, "p")
	if err != nil || len(list) != 3 || list[0].Version != "v3" {
		t.Fatalf("restore points = %+v, %v", list, err)
	}
	// Keep one snapshot: s3 (newest) stays, s1 goes.
	if n, err := s.KeepSnapshots(ctx, "p", 1); err != nil || n != 1 {
		t.Fatalf("keep 1: %d, %v", n, err)
	}
	unneeded("s1:default", "s2:default")
	if _, err := s.RestorePointOf(ctx, "p", "v1"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("v1 kept its restore point: %v", err)
	}
	if err := s.ForgetSnapshot(ctx, "s1:default"); err != nil {
		t.Fatal(err)
	}
	unneeded("s2:default")
	// Tying an unneeded snapshot again takes it off the list.
	tie("v1", "s2:default", 6)
	unneeded()
	if ps, err := s.SnapshotProjects(ctx); err != nil || !reflect.DeepEqual(ps, []string{"p"}) {
		t.Fatalf("projects = %v, %v", ps, err)
	}
	// A deleted project: keep none.
	if n, err := s.KeepSnapshots(ctx, "p", 0); err != nil || n != 2 {
		t.Fatalf("keep 0: %d, %v", n, err)
	}
	unneeded("s2:default", "s3:default")
	if err := s.TieSnapshot(ctx, RestorePoint{ProjectID: "p", Version: "", SnapshotID: "x"}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a restore point without a version: %v", err)
	}
}
