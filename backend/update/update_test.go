package update

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// feed is a local release feed that counts its requests.
type feed struct {
	srv  *httptest.Server
	hits atomic.Int32
}

func newFeed(t *testing.T, h http.HandlerFunc) *feed {
	t.Helper()
	f := &feed{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		if r.Header.Get("User-Agent") == "" {
			http.Error(w, "GitHub wants a User-Agent", http.StatusForbidden)
			return
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func jsonFeed(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}
}

func rel(tag string, draft, pre bool) string {
	return fmt.Sprintf(`{"tag_name":%q,"html_url":"https://github.com/tessera-app/tessera/releases/tag/%s","published_at":"2026-11-30T10:00:00Z","draft":%t,"prerelease":%t,"body":"notes"}`,
		tag, tag, draft, pre)
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newChecker(t *testing.T, kv KV, url string, enabled bool, clk *clock) *Checker {
	t.Helper()
	return New(Config{
		Current: "1.2.0",
		Prefs:   func(context.Context) (Prefs, error) { return Prefs{Enabled: enabled, FeedURL: url}, nil },
		State:   kv,
		Now:     clk.now,
		Timeout: 300 * time.Millisecond,
	})
}

func TestCheckFeeds(t *testing.T) {
	atom := `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Release notes</title>
<entry><title>Big release</title><updated>2026-11-30T10:00:00Z</updated>
<link rel="alternate" type="text/html" href="https://github.com/tessera-app/tessera/releases/tag/v1.4.0"/></entry>
<entry><title>v2.0.0-rc.1</title><link rel="alternate" href="https://github.com/tessera-app/tessera/releases/tag/v2.0.0-rc.1"/></entry>
</feed>`
	for _, tc := range []struct {
		name      string
		handler   http.HandlerFunc
		available bool
		latest    string
		url       string
		code      apperr.Code // "" for no error
	}{
		{"newer", jsonFeed("[" + rel("v1.3.0", false, false) + "," + rel("v1.2.0", false, false) + "]"), true, "1.3.0",
			"https://github.com/tessera-app/tessera/releases/tag/v1.3.0", ""},
		{"newest is not first", jsonFeed("[" + rel("v1.2.1", false, false) + "," + rel("v1.10.0", false, false) + "]"), true, "1.10.0",
			"https://github.com/tessera-app/tessera/releases/tag/v1.10.0", ""},
		{"same", jsonFeed("[" + rel("v1.2.0", false, false) + "]"), false, "1.2.0", "https://github.com/tessera-app/tessera/releases/tag/v1.2.0", ""},
		{"older", jsonFeed("[" + rel("1.1.9", false, false) + "]"), false, "1.1.9", "https://github.com/tessera-app/tessera/releases/tag/1.1.9", ""},
		{"prerelease flag", jsonFeed("[" + rel("v1.3.0", false, true) + "]"), false, "", "", ""},
		{"prerelease suffix", jsonFeed("[" + rel("v1.3.0-rc.1", false, false) + "]"), false, "", "", ""},
		{"draft", jsonFeed("[" + rel("v9.0.0", true, false) + "," + rel("v1.2.0", false, false) + "]"), false, "1.2.0",
			"https://github.com/tessera-app/tessera/releases/tag/v1.2.0", ""},
		{"tags that are not versions", jsonFeed(`[{"tag_name":"nightly","html_url":"https://x.test/n"}]`), false, "", "", ""},
		{"empty list", jsonFeed(`[]`), false, "", "", ""},
		{"unsafe release link", jsonFeed(`[{"tag_name":"v1.5.0","html_url":"javascript:alert(1)"}]`), true, "1.5.0", "", ""},
		{"atom", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/atom+xml")
			fmt.Fprint(w, atom)
		}, true, "1.4.0", "https://github.com/tessera-app/tessera/releases/tag/v1.4.0", ""},
		{"malformed", jsonFeed(`{"message":"not a list"`), false, "", "", apperr.Unavailable},
		{"html page", jsonFeed(`<html><body>hello</body></html>`), false, "", "", apperr.Unavailable},
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, false, "", "", apperr.Unavailable},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, false, "", "", apperr.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFeed(t, tc.handler)
			clk := &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
			c := newChecker(t, openStore(t), f.srv.URL, true, clk)
			st, err := c.Check(context.Background(), false)
			if tc.code == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.code != "" {
				if !apperr.Is(err, tc.code) {
					t.Fatalf("error %v, want code %s", err, tc.code)
				}
				if st.Error == "" || !st.CheckedAt.Equal(clk.t) {
					t.Errorf("a failed check must be recorded with its sentence: %+v", st)
				}
			}
			if st.Available != tc.available || st.Latest != tc.latest || st.URL != tc.url {
				t.Errorf("got available=%v latest=%q url=%q, want %v %q %q", st.Available, st.Latest, st.URL, tc.available, tc.latest, tc.url)
			}
			if st.Current != "1.2.0" || !st.Enabled {
				t.Errorf("status %+v", st)
			}
			if f.hits.Load() != 1 {
				t.Errorf("feed asked %d times, want 1", f.hits.Load())
			}
		})
	}
}

func TestCheckAtMostDaily(t *testing.T) {
	body := "[" + rel("v1.3.0", false, false) + "]"
	f := newFeed(t, func(w http.ResponseWriter, r *http.Request) { jsonFeed(body)(w, r) })
	kv := openStore(t)
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clk := &clock{start}
	c := newChecker(t, kv, f.srv.URL, true, clk)
	steps := []struct {
		at       time.Duration // after start
		force    bool
		wantHits int32
		latest   string
	}{
		{0, false, 1, "1.3.0"},
		{time.Hour, false, 1, "1.3.0"}, // cached answer
		{23*time.Hour + 59*time.Minute, false, 1, "1.3.0"},
		{2 * time.Hour, true, 2, "1.3.0"},   // "Check now" always asks; it resets the day
		{25 * time.Hour, false, 2, "1.3.0"}, // 23 h after the forced one
		{26 * time.Hour, false, 3, "1.4.0"}, // a day after: asks again and sees the new release
		{-time.Hour, false, 4, "1.4.0"},     // the clock went back: due, not stuck
	}
	for i, s := range steps {
		if i == 5 {
			body = "[" + rel("v1.4.0", false, false) + "]"
		}
		clk.t = start.Add(s.at)
		st, err := c.Check(context.Background(), s.force)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := f.hits.Load(); got != s.wantHits || st.Latest != s.latest {
			t.Fatalf("step %d: hits %d latest %q, want %d %q", i, got, st.Latest, s.wantHits, s.latest)
		}
	}
	// A new process (a new Checker on the same database) keeps the rule.
	clk.t = start.Add(-30 * time.Minute)
	c2 := newChecker(t, kv, f.srv.URL, true, clk)
	if st, err := c2.Check(context.Background(), false); err != nil || f.hits.Load() != 4 || !st.Available {
		t.Fatalf("restart: hits %d, status %+v, err %v", f.hits.Load(), st, err)
	}
	// Another feed address is asked at once.
	f2 := newFeed(t, jsonFeed("["+rel("v1.2.0", false, false)+"]"))
	c3 := newChecker(t, kv, f2.srv.URL, true, clk)
	if st, err := c3.Check(context.Background(), false); err != nil || f2.hits.Load() != 1 || st.Available {
		t.Fatalf("new feed: hits %d, status %+v, err %v", f2.hits.Load(), st, err)
	}
}

func TestFailureWaitsADay(t *testing.T) {
	f := newFeed(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) })
	clk := &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	c := newChecker(t, openStore(t), f.srv.URL, true, clk)
	if _, err := c.Check(context.Background(), false); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("err %v", err)
	}
	clk.t = clk.t.Add(time.Hour)
	st, err := c.Check(context.Background(), false)
	if err != nil || f.hits.Load() != 1 || !strings.Contains(st.Error, "502") {
		t.Fatalf("a broken feed must not be retried within the day: hits %d, %+v, %v", f.hits.Load(), st, err)
	}
}

func TestOptOut(t *testing.T) {
	f := newFeed(t, jsonFeed("["+rel("v1.3.0", false, false)+"]"))
	clk := &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	c := newChecker(t, openStore(t), f.srv.URL, false, clk)
	for i := 0; i < 3; i++ {
		st, err := c.Check(context.Background(), false)
		if err != nil || st.Enabled || st.Available || !st.CheckedAt.IsZero() {
			t.Fatalf("opted out: %+v, %v", st, err)
		}
		clk.t = clk.t.Add(48 * time.Hour)
	}
	if f.hits.Load() != 0 {
		t.Fatalf("opted out, yet the feed was asked %d times", f.hits.Load())
	}
	// An explicit "Check now" is the person asking: it goes out.
	st, err := c.Check(context.Background(), true)
	if err != nil || f.hits.Load() != 1 || !st.Available {
		t.Fatalf("forced: hits %d, %+v, %v", f.hits.Load(), st, err)
	}
}

func TestBadFeedURL(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/x"} {
		c := newChecker(t, openStore(t), u, true, &clock{time.Now()})
		if _, err := c.Check(context.Background(), false); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("feed %q: err %v, want invalid", u, err)
		}
	}
}

// The build's feed (set at build time) is the channel; a feed the person
// named replaces it; with neither, nothing is ever asked.
func TestFeedOfTheBuild(t *testing.T) {
	build := newFeed(t, jsonFeed("["+rel("v1.3.0", false, false)+"]"))
	own := newFeed(t, jsonFeed("["+rel("v1.4.0", false, false)+"]"))
	for _, tc := range []struct {
		name, buildFeed, prefFeed string
		wantFeed, wantLatest      string
		wantBuildHits, wantOwn    int32
	}{
		{"the build's feed", build.srv.URL, "", build.srv.URL, "1.3.0", 1, 0},
		{"the person's feed wins", build.srv.URL, own.srv.URL, own.srv.URL, "1.4.0", 0, 1},
		{"the person's feed in a build without one", "", own.srv.URL, own.srv.URL, "1.4.0", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build.hits.Store(0)
			own.hits.Store(0)
			c := newChecker(t, openStore(t), tc.prefFeed, true, &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
			c.cfg.Feed = tc.buildFeed
			st, err := c.Check(context.Background(), false)
			if err != nil || st.Feed != tc.wantFeed || st.Latest != tc.wantLatest || !st.Enabled {
				t.Fatalf("%+v, %v", st, err)
			}
			if build.hits.Load() != tc.wantBuildHits || own.hits.Load() != tc.wantOwn {
				t.Fatalf("hits: build %d, own %d", build.hits.Load(), own.hits.Load())
			}
		})
	}
}

func TestNoChannel(t *testing.T) {
	kv := openStore(t)
	clk := &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	c := newChecker(t, kv, "", true, clk) // on, but neither the build nor the person has a feed
	for i := 0; i < 3; i++ {
		st, err := c.Check(context.Background(), false)
		if err != nil || st.Enabled || st.Feed != "" || st.Error != "" || !st.CheckedAt.IsZero() {
			t.Fatalf("no channel: %+v, %v", st, err)
		}
		clk.t = clk.t.Add(48 * time.Hour)
	}
	st, err := c.Check(context.Background(), true)
	if !errors.Is(err, ErrNoFeed) || !apperr.Is(err, apperr.Invalid) || st.Enabled {
		t.Fatalf("Check now without a channel: %+v, %v", st, err)
	}
	if !strings.Contains(apperr.MessageOf(err), "no update channel") {
		t.Errorf("sentence: %q", apperr.MessageOf(err))
	}
	if _, ok, _ := kv.GetSetting(context.Background(), stateKey); ok {
		t.Fatal("a build without a channel recorded a check")
	}
}

func TestCanceledIsNotRecorded(t *testing.T) {
	f := newFeed(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	kv := openStore(t)
	c := newChecker(t, kv, f.srv.URL, true, &clock{time.Now()})
	c.cfg.Timeout = 10 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := c.Check(ctx, false); !apperr.Is(err, apperr.Canceled) {
		t.Fatalf("err %v, want canceled", err)
	}
	if _, ok, _ := kv.GetSetting(context.Background(), stateKey); ok {
		t.Fatal("a canceled check was recorded as done")
	}
}

func TestConcurrentChecksAskOnce(t *testing.T) {
	f := newFeed(t, jsonFeed("["+rel("v1.3.0", false, false)+"]"))
	c := newChecker(t, openStore(t), f.srv.URL, true, &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() { _, err := c.Check(context.Background(), false); done <- err }()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if f.hits.Load() != 1 {
		t.Fatalf("feed asked %d times by concurrent checks, want 1", f.hits.Load())
	}
}

func TestWithEnv(t *testing.T) {
	base := Prefs{Enabled: true, FeedURL: "https://a.test/r"}
	for _, tc := range []struct {
		env  string
		want Prefs
	}{
		{"", base},
		{"off", Prefs{Enabled: false, FeedURL: "https://a.test/r"}},
		{"http://127.0.0.1:9/r", Prefs{Enabled: true, FeedURL: "http://127.0.0.1:9/r"}},
	} {
		if got := WithEnv(base, tc.env); got != tc.want {
			t.Errorf("WithEnv(%q) = %+v, want %+v", tc.env, got, tc.want)
		}
	}
}
