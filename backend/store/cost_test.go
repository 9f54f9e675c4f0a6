package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestUsageDaysAndBudget(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.CreateProject(ctx, NewProject{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	d1 := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	d2 := d1.Add(2 * time.Hour)
	for _, tc := range []struct {
		at time.Time
		u  UsageDay
	}{
		{d1, UsageDay{Seconds: 10, VCPUSeconds: 20, MemMiBSeconds: 5120}},
		{d2, UsageDay{Seconds: 3, VCPUSeconds: 6, MemMiBSeconds: 1536}},
		{d2, UsageDay{Seconds: 2, VCPUSeconds: 4, MemMiBSeconds: 1024}},
		{d2, UsageDay{}}, // nothing to add
	} {
		if err := s.AddUsage(ctx, p.ID, tc.at, tc.u); err != nil {
			t.Fatal(err)
		}
	}
	// AddRunningSeconds keeps working beside it (no resources known).
	if err := s.AddRunningSeconds(ctx, p.ID, d2, 1); err != nil {
		t.Fatal(err)
	}
	days, err := s.UsageDays(ctx, p.ID, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	want := []UsageDay{{"2026-11-30", 10, 20, 5120}, {"2026-12-01", 6, 10, 2560}}
	if len(days) != 2 || days[0] != want[0] || days[1] != want[1] {
		t.Fatalf("days %+v, want %+v", days, want)
	}
	if only, _ := s.UsageDays(ctx, p.ID, d2, d2); len(only) != 1 || only[0].Day != "2026-12-01" {
		t.Fatalf("one day: %+v", only)
	}
	today, total, _ := s.Usage(ctx, p.ID, d2)
	if today != 6 || total != 16 {
		t.Fatalf("usage %d %d", today, total)
	}

	for _, tc := range []struct {
		set, want float64
	}{{0, 0}, {12.5, 12.5}, {3, 3}, {-1, 0}} {
		if tc.set != 0 {
			if err := s.SetBudget(ctx, p.ID, tc.set); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.Budget(ctx, p.ID); err != nil || got != tc.want {
			t.Fatalf("after %v: budget %v %v, want %v", tc.set, got, err, tc.want)
		}
	}
	// The published link.
	if _, ok, err := s.GetPublish(ctx, p.ID); ok || err != nil {
		t.Fatalf("a link before publishing: %v %v", ok, err)
	}
	until := time.UnixMilli(time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC).UnixMilli())
	for _, pub := range []Publish{{"sb1", 3000, "https://3000-sb1.e2b.app", until}, {"sb2", 8080, "https://8080-sb2.e2b.app", until.Add(time.Hour)}} {
		if err := s.SetPublish(ctx, p.ID, pub); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.GetPublish(ctx, p.ID); !ok || err != nil || got.SandboxID != pub.SandboxID || got.Port != pub.Port || got.URL != pub.URL || !got.Until.Equal(pub.Until) {
			t.Fatalf("got %+v %v %v, want %+v", got, ok, err, pub)
		}
	}
	if err := s.ClearPublish(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.GetPublish(ctx, p.ID); ok {
		t.Fatal("link kept after ClearPublish")
	}
	// Deleting the project drops its budget and usage.
	_ = s.SetPublish(ctx, p.ID, Publish{"sb1", 3000, "u", until})
	_ = s.SetBudget(ctx, p.ID, 5)
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Budget(ctx, p.ID); got != 0 {
		t.Fatalf("budget kept after delete: %v", got)
	}
	if _, ok, _ := s.GetPublish(ctx, p.ID); ok {
		t.Fatal("link kept after delete")
	}
}
