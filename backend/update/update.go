// Package update asks a release feed whether a newer Tessera exists. It only
// reads the feed: it never downloads or installs anything, and the page only
// offers to open the release page in the browser.
package update

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"tessera/backend/apperr"
)

// ErrNoFeed is why a check cannot run in a build without a release feed.
var ErrNoFeed = apperr.New(apperr.Invalid,
	"This build of Tessera has no update channel: no release feed was set when it was built. Name a feed in Settings → Updates, or get new versions where you got this one.")

// Interval is the least time between two automatic checks.
const Interval = 24 * time.Hour

// DefaultTimeout bounds one fetch of the feed.
const DefaultTimeout = 15 * time.Second

// maxFeedBytes caps what is read from the feed (GitHub's first page of 30
// releases with their notes is well under this).
const maxFeedBytes = 4 << 20

// stateKey is the settings-table row holding the last check.
const stateKey = "update_state"

// KV is the settings table (the store implements it).
type KV interface {
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Prefs are the person's choices, read before every check.
type Prefs struct {
	Enabled bool // automatic checks; a forced check ignores it
	// FeedURL is a feed the person chose (GitHub releases API JSON or an
	// Atom feed); "" means the build's own (Config.Feed).
	FeedURL string
}

// Config wires a Checker.
type Config struct {
	HTTP    *http.Client
	Current string // this build's version
	Prefs   func(ctx context.Context) (Prefs, error)
	State   KV
	Now     func() time.Time // nil: time.Now
	Timeout time.Duration    // 0: DefaultTimeout
	Log     *slog.Logger     // nil: discard
	// Feed is the release feed this build was made with (set at build
	// time); "" means the build has no update channel, and nothing is
	// asked unless the person names a feed themselves.
	Feed string
}

// Status is what the page is told.
type Status struct {
	Enabled bool // checks run by themselves (on, and a feed exists)
	// Feed is the feed checks ask; "" when there is none (ErrNoFeed).
	Feed        string
	Current     string
	CheckedAt   time.Time // zero: never checked
	Available   bool      // Latest is newer than Current
	Latest      string
	URL         string
	PublishedAt time.Time
	Error       string // the last check's failure, as a sentence
}

// state is the last check, kept across runs so that "at most daily" holds
// over restarts too.
type state struct {
	CheckedAt   time.Time `json:"checkedAt"`
	FeedURL     string    `json:"feedURL"`
	Latest      string    `json:"latest,omitempty"`
	URL         string    `json:"url,omitempty"`
	PublishedAt time.Time `json:"publishedAt,omitzero"`
	Error       string    `json:"error,omitempty"`
}

// Checker runs update checks. Safe for concurrent use: checks are
// serialised so that two callers never both hit the feed.
type Checker struct {
	cfg Config
	mu  sync.Mutex
}

// New returns a Checker.
func New(cfg Config) *Checker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{}
	}
	return &Checker{cfg: cfg}
}

// Check returns the update status. Unless force is set it asks the feed only
// when automatic checks are on and the last check (successful or not) of
// the same feed is at least Interval old; otherwise it answers from the last
// check. A failed fetch is recorded (so a broken feed is not retried before
// the interval) and returned as an Unavailable error.
func (c *Checker) Check(ctx context.Context, force bool) (Status, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefs, err := c.cfg.Prefs(ctx)
	if err != nil {
		return Status{}, err
	}
	if prefs.FeedURL == "" {
		prefs.FeedURL = c.cfg.Feed
	}
	if prefs.FeedURL == "" {
		// No channel: never a request to a feed that does not exist, and
		// never a daily "could not be reached".
		prefs.Enabled = false
		if force {
			return c.status(prefs, state{}), ErrNoFeed
		}
		return c.status(prefs, state{}), nil
	}
	st, err := c.load(ctx)
	if err != nil {
		return Status{}, err
	}
	if st.FeedURL != prefs.FeedURL {
		st = state{} // another feed: its answer says nothing about this one
	}
	now := c.cfg.Now()
	if !force && (!prefs.Enabled || !c.due(st, now)) {
		return c.status(prefs, st), nil
	}
	rel, found, ferr := c.fetch(ctx, prefs.FeedURL)
	if errors.Is(ferr, context.Canceled) && ctx.Err() != nil {
		// The caller gave up (the app quits): not the feed's fault, and
		// not a check to remember.
		return Status{}, apperr.Wrap(ferr, apperr.Canceled, "The update check was stopped.")
	}
	st = state{CheckedAt: now, FeedURL: prefs.FeedURL, Latest: st.Latest, URL: st.URL, PublishedAt: st.PublishedAt}
	switch {
	case ferr != nil:
		st.Error = apperr.MessageOf(ferr)
		c.cfg.Log.Info("update check failed", "feed", prefs.FeedURL, "err", ferr)
	case found:
		st.Latest, st.URL, st.PublishedAt = rel.Version.String(), rel.URL, rel.PublishedAt
	default:
		st.Latest, st.URL, st.PublishedAt = "", "", time.Time{}
	}
	if err := c.save(ctx, st); err != nil {
		return Status{}, err
	}
	return c.status(prefs, st), ferr
}

// due reports whether the interval has passed. A check time in the future
// (the clock was set back) counts as due rather than blocking for days.
func (c *Checker) due(st state, now time.Time) bool {
	return st.CheckedAt.IsZero() || now.Sub(st.CheckedAt) >= Interval || now.Before(st.CheckedAt)
}

func (c *Checker) status(p Prefs, st state) Status {
	s := Status{Enabled: p.Enabled, Feed: p.FeedURL, Current: c.cfg.Current, CheckedAt: st.CheckedAt, Latest: st.Latest,
		URL: st.URL, PublishedAt: st.PublishedAt, Error: st.Error}
	// Compared on every answer, not stored: after an upgrade the remembered
	// "latest" is no longer news.
	cur, okCur := ParseVersion(c.cfg.Current)
	latest, okLatest := ParseVersion(st.Latest)
	s.Available = okCur && okLatest && latest.Compare(cur) > 0
	return s
}

// fetch reads the feed and picks its newest release.
func (c *Checker) fetch(ctx context.Context, feedURL string) (Release, bool, error) {
	if webURL(feedURL) == "" {
		return Release{}, false, apperr.New(apperr.Invalid, "The update feed must be an http or https address; fix it in Settings.")
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feedURL, nil)
	if err != nil {
		return Release{}, false, apperr.Wrap(err, apperr.Invalid, "The update feed address is not valid; fix it in Settings.")
	}
	req.Header.Set("Accept", "application/vnd.github+json, application/json;q=0.9, application/atom+xml;q=0.8")
	// GitHub refuses API requests without a User-Agent.
	req.Header.Set("User-Agent", "Tessera/"+c.cfg.Current+" (update check)")
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return Release{}, false, apperr.Wrap(err, apperr.Unavailable, "The update feed did not answer in time; Tessera will try again tomorrow.")
		}
		return Release{}, false, apperr.Wrap(err, apperr.Unavailable, "The update feed could not be reached; Tessera will try again tomorrow.")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Release{}, false, apperr.Wrap(fmt.Errorf("feed answered %s", resp.Status), apperr.Unavailable,
			fmt.Sprintf("The update feed answered %d; check its address in Settings.", resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFeedBytes+1))
	if err != nil {
		return Release{}, false, apperr.Wrap(err, apperr.Unavailable, "The update feed could not be read; Tessera will try again tomorrow.")
	}
	if len(body) > maxFeedBytes {
		return Release{}, false, apperr.New(apperr.Unavailable, "The update feed is too large to be a release list; check its address in Settings.")
	}
	rels, err := parseFeed(body)
	if err != nil {
		return Release{}, false, apperr.Wrap(err, apperr.Unavailable, "The update feed is not a GitHub releases list or an Atom feed; check its address in Settings.")
	}
	rel, found := newest(rels)
	return rel, found, nil
}

func (c *Checker) load(ctx context.Context) (state, error) {
	raw, ok, err := c.cfg.State.GetSetting(ctx, stateKey)
	if err != nil {
		return state{}, apperr.Wrap(err, apperr.Internal, "Tessera could not read when it last checked for updates.")
	}
	var st state
	if ok && json.Unmarshal([]byte(raw), &st) != nil {
		st = state{} // a damaged row only means one extra check
	}
	return st, nil
}

func (c *Checker) save(ctx context.Context, st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not record the update check.")
	}
	if err := c.cfg.State.SetSetting(ctx, stateKey, string(b)); err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not record the update check.")
	}
	return nil
}

// WithEnv applies the TESSERA_UPDATE_FEED override (tests, packagers): ""
// leaves p alone, "off" turns the automatic check off, anything else
// replaces the feed address.
func WithEnv(p Prefs, env string) Prefs {
	switch env {
	case "":
	case "off":
		p.Enabled = false
	default:
		p.FeedURL = env
	}
	return p
}
