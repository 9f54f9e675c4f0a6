package api

import (
	"context"
	"log/slog"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/secrets"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// pushWait bounds one push (a large first push over a slow line).
const pushWait = 10 * time.Minute

// RemoteDTO is a project's git remote as the page sees it: never the
// token, only whether one is saved.
type RemoteDTO struct {
	URL      string `json:"url"` // "" when none is set
	Username string `json:"username"`
	Branch   string `json:"branch"` // "" = the project's current branch
	HasToken bool   `json:"hasToken"`
	PushedAt string `json:"pushedAt"` // RFC 3339; "" when never pushed
}

// SetRemoteRequest sets where a project pushes to.
type SetRemoteRequest struct {
	ProjectID string `json:"projectId"`
	URL       string `json:"url"`
	Username  string `json:"username"`
	Branch    string `json:"branch"` // "" = the current branch, pushed to the same-named one
}

// PushResultDTO says what a push did.
type PushResultDTO struct {
	URL      string `json:"url"`
	Branch   string `json:"branch"` // the branch pushed (the same name there)
	Head     string `json:"head"`
	UpToDate bool   `json:"upToDate"`
	PushedAt string `json:"pushedAt"`
	Warning  string `json:"warning"` // "" or a sentence (plain http to this computer)
}

// WithRemoteTokens removes a deleted project's push token from the
// keychain (its remote row goes with the project, by cascade).
func WithRemoteTokens(keys Keychain, log *slog.Logger) ProjectOption {
	return func(s *ProjectService) {
		s.deleted = append(s.deleted, func(ctx context.Context, projectID string) {
			if err := keys.Delete(ctx, secrets.GitAccount(projectID)); err != nil {
				log.Warn("a deleted project's push token stays in the keychain", "project", projectID, "err", err)
			}
		})
	}
}

// GetRemote returns the project's remote (URL "" when it has none).
func (s *TransferService) GetRemote(projectID string) (RemoteDTO, error) {
	ctx := s.ctx()
	if _, err := s.st.GetProject(ctx, projectID); err != nil {
		return RemoteDTO{}, err
	}
	r, err := s.st.GetRemote(ctx, projectID)
	if apperr.Is(err, apperr.NotFound) {
		return RemoteDTO{}, nil
	}
	if err != nil {
		return RemoteDTO{}, err
	}
	out := RemoteDTO{URL: r.URL, Username: r.Username, Branch: r.Branch}
	if !r.PushedAt.IsZero() {
		out.PushedAt = stamp(r.PushedAt)
	}
	// A keychain that cannot be reached shows as "no token"; the push says why.
	out.HasToken, _ = s.keys.Has(ctx, secrets.GitAccount(projectID))
	return out, nil
}

// SetRemote saves the project's remote address, user name and branch.
func (s *TransferService) SetRemote(req SetRemoteRequest) (RemoteDTO, error) {
	ctx := s.ctx()
	u, err := workspace.CheckRemoteURL(req.URL)
	if err != nil {
		return RemoteDTO{}, apperr.New(apperr.CodeOf(err), apperr.MessageOf(err)).InField("url")
	}
	if len(req.Username) > 200 {
		return RemoteDTO{}, apperr.New(apperr.Invalid, "That user name is too long.").InField("username")
	}
	if err := s.st.SetRemote(ctx, store.Remote{ProjectID: req.ProjectID, URL: u, Username: req.Username, Branch: req.Branch}); err != nil {
		return RemoteDTO{}, err
	}
	return s.GetRemote(req.ProjectID)
}

// SetRemoteToken saves the project's push token in the OS keychain (never
// in the database or the log); an empty token removes it.
func (s *TransferService) SetRemoteToken(projectID, token string) error {
	ctx := s.ctx()
	if _, err := s.st.GetProject(ctx, projectID); err != nil {
		return err
	}
	if token == "" {
		return s.keys.Delete(ctx, secrets.GitAccount(projectID))
	}
	return s.keys.Set(ctx, secrets.GitAccount(projectID), token)
}

// RemoveRemote forgets the project's remote and its token.
func (s *TransferService) RemoveRemote(projectID string) error {
	ctx := s.ctx()
	if err := s.keys.Delete(ctx, secrets.GitAccount(projectID)); err != nil {
		return err
	}
	return s.st.DeleteRemote(ctx, projectID)
}

// Push sends the project's history to its remote.
func (s *TransferService) Push(projectID string) (PushResultDTO, error) {
	ctx, cancel := context.WithTimeout(s.ctx(), pushWait)
	defer cancel()
	r, err := s.st.GetRemote(ctx, projectID)
	if apperr.Is(err, apperr.NotFound) {
		return PushResultDTO{}, apperr.New(apperr.Invalid, "Set the git remote's address first.")
	}
	if err != nil {
		return PushResultDTO{}, err
	}
	token, err := s.keys.Get(ctx, secrets.GitAccount(projectID))
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return PushResultDTO{}, err
	}
	w, err := s.ws.Workspace(ctx, projectID)
	if err != nil {
		return PushResultDTO{}, err
	}
	res, err := w.Push(ctx, workspace.PushTarget{URL: r.URL, Branch: r.Branch, Username: r.Username, Token: token})
	if err != nil {
		s.log.Warn("push failed", "project", projectID, "code", apperr.CodeOf(err), "err", err)
		return PushResultDTO{}, err
	}
	now := time.Now().UTC()
	if err := s.st.MarkPushed(ctx, projectID, now); err != nil {
		return PushResultDTO{}, err
	}
	s.log.Info("project pushed", "project", projectID, "head", res.Head, "upToDate", res.UpToDate)
	return PushResultDTO{URL: r.URL, Branch: res.Branch, Head: res.Head, UpToDate: res.UpToDate, PushedAt: stamp(now), Warning: res.Warning}, nil
}
