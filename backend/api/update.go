package api

import (
	"context"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/update"
)

// UpdateStatus tells the page whether a newer Tessera is published.
type UpdateStatus struct {
	Enabled     bool   `json:"enabled"`
	Feed        string `json:"feed"` // the feed checks ask; "" when this build has no update channel
	Current     string `json:"current"`
	CheckedAt   string `json:"checkedAt"` // RFC 3339; "" when never checked
	Available   bool   `json:"available"`
	Latest      string `json:"latest"`
	URL         string `json:"url"` // the release page (http/https only), "" if none
	PublishedAt string `json:"publishedAt"`
	Error       string `json:"error"` // the last check's failure, a sentence
}

// UpdateChecker is what UpdateService needs from backend/update.
type UpdateChecker interface {
	Check(ctx context.Context, force bool) (update.Status, error)
}

// UpdateService runs the update check. It never installs anything. Bound.
type UpdateService struct {
	ctx     func() context.Context
	checker UpdateChecker
}

// NewUpdateService builds the service.
func NewUpdateService(ctx func() context.Context, checker UpdateChecker) *UpdateService {
	return &UpdateService{ctx: ctx, checker: checker}
}

// Check asks the feed at most once a day (and only when the person left the
// check on); otherwise it answers from the last check.
// A feed that cannot be read is not an error here: the status says so
// (Error) and the checker logged it; failing the call would log an error
// every day Tessera runs offline.
func (s *UpdateService) Check() (UpdateStatus, error) {
	st, err := s.checker.Check(s.ctx(), false)
	if apperr.Is(err, apperr.Unavailable) || apperr.Is(err, apperr.Invalid) {
		err = nil
	}
	return updateDTO(st), err
}

// CheckNow asks the feed now (the "Check now" button).
func (s *UpdateService) CheckNow() (UpdateStatus, error) {
	st, err := s.checker.Check(s.ctx(), true)
	return updateDTO(st), err
}

func updateDTO(st update.Status) UpdateStatus {
	return UpdateStatus{Enabled: st.Enabled, Feed: st.Feed, Current: st.Current, CheckedAt: rfc3339(st.CheckedAt), Available: st.Available,
		Latest: st.Latest, URL: st.URL, PublishedAt: rfc3339(st.PublishedAt), Error: st.Error}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
