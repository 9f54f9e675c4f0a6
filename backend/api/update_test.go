package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/update"
)

func TestAboutService(t *testing.T) {
	in := BuildInfo{Version: "1.2.3", BuildDate: "2026-12-02T00:00:00Z", GoVersion: "go1.26.8", WailsVersion: "v2.16.0"}
	got := NewAboutService(in).About()
	if got != in {
		t.Fatalf("About() = %+v", got)
	}
	b, _ := json.Marshal(got)
	if string(b) != `{"version":"1.2.3","buildDate":"2026-12-02T00:00:00Z","goVersion":"go1.26.8","wailsVersion":"v2.16.0","releaseFeed":""}` {
		t.Fatalf("wire form %s", b)
	}
}

func TestUpdateService(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, `[{"tag_name":"v0.2.0","html_url":"https://github.com/tessera-app/tessera/releases/tag/v0.2.0","published_at":"2026-11-30T10:00:00Z"}]`)
	}))
	defer srv.Close()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	svc := NewUpdateService(bg, update.New(update.Config{
		Current: "0.1.0",
		Prefs:   func(context.Context) (update.Prefs, error) { return update.Prefs{Enabled: true, FeedURL: srv.URL}, nil },
		State:   newStore(t),
		Now:     func() time.Time { return now },
	}))
	got, err := svc.Check()
	want := UpdateStatus{Enabled: true, Feed: srv.URL, Current: "0.1.0", CheckedAt: "2026-12-01T08:00:00Z", Available: true, Latest: "0.2.0",
		URL: "https://github.com/tessera-app/tessera/releases/tag/v0.2.0", PublishedAt: "2026-11-30T10:00:00Z"}
	if err != nil || got != want {
		t.Fatalf("Check() = %+v, %v\nwant %+v", got, err, want)
	}
	// CheckNow goes to the feed even within the day, and reports its failure.
	status = http.StatusNotFound
	got, err = svc.CheckNow()
	if !apperr.Is(err, apperr.Unavailable) || got.Error == "" {
		t.Fatalf("CheckNow() = %+v, %v", got, err)
	}
	// The automatic check tells a broken feed in the status, not as a failed call.
	now = now.Add(25 * time.Hour)
	got, err = svc.Check()
	if err != nil || got.Error == "" || got.CheckedAt != "2026-12-02T09:00:00Z" {
		t.Fatalf("Check() on a 404 feed = %+v, %v", got, err)
	}
}
