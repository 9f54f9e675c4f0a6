package api

// A project's environment (issue 16): plain variables live in SQLite,
// secret values only in the OS keychain. Neither the page nor the model
// ever gets a secret's value back.

import (
	"context"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// EnvStore is what EnvService needs from the database.
type EnvStore interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	ListEnv(ctx context.Context, projectID string) ([]store.EnvVar, error)
	PutEnv(ctx context.Context, projectID string, v store.EnvVar) (store.EnvVar, error)
	DeleteEnv(ctx context.Context, projectID, name string) (bool, error)
}

// EnvSandboxes is what EnvService needs from the sandbox manager.
type EnvSandboxes interface {
	ApplyEnv(ctx context.Context, projectID string) (running bool, err error)
	Status(projectID string) sandbox.Status
}

// ServerRestarter restarts a project's web server (the terminal manager).
type ServerRestarter interface {
	RestartServer(ctx context.Context, projectID string) error
}

// EnvVar is one variable as the page sees it: a secret's value is never
// sent (Value is "").
type EnvVar struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Secret    bool   `json:"secret"`
	UpdatedAt string `json:"updatedAt"`
}

// SetEnvRequest adds or changes a variable. For a secret, an empty Value
// keeps the saved one.
type SetEnvRequest struct {
	ProjectID string `json:"projectId"`
	Name      string `json:"name"`
	Value     string `json:"value"`
	Secret    bool   `json:"secret"`
}

// EnvResult is the project's variables after a change and what happened
// to the sandbox: Note says what was done, Warning what failed (the
// variables are saved either way).
type EnvResult struct {
	Vars    []EnvVar `json:"vars"`
	Note    string   `json:"note,omitempty"`
	Warning string   `json:"warning,omitempty"`
}

// EnvService edits a project's variables and secrets. Bound.
type EnvService struct {
	ctx       func() context.Context
	st        EnvStore
	keys      SecretKeychain
	sandboxes EnvSandboxes // nil: no sandbox to tell (tests)
	servers   ServerRestarter
	hasServer func(template string) bool
}

// NewEnvService builds the service. sandboxes and servers may be nil.
func NewEnvService(ctx func() context.Context, st EnvStore, keys SecretKeychain, sandboxes EnvSandboxes, servers ServerRestarter, hasServer func(template string) bool) *EnvService {
	return &EnvService{ctx: ctx, st: st, keys: keys, sandboxes: sandboxes, servers: servers, hasServer: hasServer}
}

func toEnvVars(vs []store.EnvVar) []EnvVar {
	out := make([]EnvVar, 0, len(vs))
	for _, v := range vs {
		val := v.Value
		if v.Secret {
			val = ""
		}
		out = append(out, EnvVar{Name: v.Name, Value: val, Secret: v.Secret, UpdatedAt: stamp(v.UpdatedAt)})
	}
	return out
}

// List returns the project's variables (secrets without values).
func (s *EnvService) List(projectID string) ([]EnvVar, error) {
	ctx := s.ctx()
	if _, err := s.st.GetProject(ctx, projectID); err != nil {
		return nil, err
	}
	vs, err := s.st.ListEnv(ctx, projectID)
	return toEnvVars(vs), err
}

// Set adds or changes a variable and gives it to the sandbox.
func (s *EnvService) Set(req SetEnvRequest) (EnvResult, error) {
	ctx := s.ctx()
	name, err := store.ValidateEnvName(req.Name)
	if err != nil {
		return EnvResult{}, err
	}
	if _, err := s.st.GetProject(ctx, req.ProjectID); err != nil {
		return EnvResult{}, err
	}
	vs, err := s.st.ListEnv(ctx, req.ProjectID)
	if err != nil {
		return EnvResult{}, err
	}
	var old *store.EnvVar
	for i := range vs {
		if vs[i].Name == name {
			old = &vs[i]
		}
	}
	account := secrets.EnvAccount(req.ProjectID, name)
	if req.Secret {
		if err := s.setSecret(ctx, account, req.Value, old != nil && old.Secret); err != nil {
			return EnvResult{}, err
		}
	} else if err := store.ValidateEnvValue(req.Value); err != nil {
		return EnvResult{}, err
	}
	if _, err := s.st.PutEnv(ctx, req.ProjectID, store.EnvVar{Name: name, Value: req.Value, Secret: req.Secret}); err != nil {
		if req.Secret && (old == nil || !old.Secret) && req.Value != "" {
			_ = s.keys.Delete(context.WithoutCancel(ctx), account) // no orphan secret
		}
		return EnvResult{}, err
	}
	if !req.Secret && old != nil && old.Secret {
		if err := s.keys.Delete(ctx, account); err != nil {
			return s.result(ctx, req.ProjectID, "The variable is no longer secret, but its old value could not be removed from the keychain: "+apperr.MessageOf(err))
		}
	}
	return s.result(ctx, req.ProjectID, "")
}

func (s *EnvService) setSecret(ctx context.Context, account, value string, had bool) error {
	if value == "" {
		if had {
			return nil // keep the saved value
		}
		return apperr.New(apperr.Invalid, "Give the secret a value.").InField("value")
	}
	if err := store.ValidateEnvValue(value); err != nil {
		return err
	}
	if strings.TrimSpace(value) == "" {
		return apperr.New(apperr.Invalid, "Give the secret a value.").InField("value")
	}
	return s.keys.Set(ctx, account, value)
}

// Delete removes a variable and takes it out of the sandbox.
func (s *EnvService) Delete(projectID, name string) (EnvResult, error) {
	ctx := s.ctx()
	secret, err := s.st.DeleteEnv(ctx, projectID, name)
	if err != nil {
		return EnvResult{}, err
	}
	if secret {
		if err := s.keys.Delete(ctx, secrets.EnvAccount(projectID, strings.TrimSpace(name))); err != nil {
			return s.result(ctx, projectID, "The variable was removed, but its value could not be removed from the keychain: "+apperr.MessageOf(err))
		}
	}
	return s.result(ctx, projectID, "")
}

// result lists the variables and tells the sandbox: a running one gets a
// new .env and its server is restarted to read it; a paused one gets them
// when it resumes.
func (s *EnvService) result(ctx context.Context, projectID, warning string) (EnvResult, error) {
	vs, err := s.st.ListEnv(ctx, projectID)
	if err != nil {
		return EnvResult{}, err
	}
	r := EnvResult{Vars: toEnvVars(vs), Warning: warning}
	if s.sandboxes == nil {
		return r, nil
	}
	running, err := s.sandboxes.ApplyEnv(ctx, projectID)
	switch {
	case err != nil:
		r.Warning = strings.TrimSpace(r.Warning + " Saved, but the running sandbox could not be given the new values: " + apperr.MessageOf(err))
	case !running:
		r.Note = "Saved. The sandbox gets the new values when it next runs."
	case s.servers != nil && s.hasServer != nil && s.hasServer(s.sandboxes.Status(projectID).Template):
		if err := s.servers.RestartServer(ctx, projectID); err != nil {
			r.Warning = strings.TrimSpace(r.Warning + " Saved, but the app's server could not be restarted: " + apperr.MessageOf(err))
		} else {
			r.Note = "Saved. The app's server is restarting to read the new values."
		}
	default:
		r.Note = "Saved. The next run uses the new values."
	}
	return r, nil
}

// ProjectEnv gives the sandbox manager a project's variables with the
// secrets' values from the keychain. A secret missing from the keychain
// is left out; a keychain that cannot be read is an error (the manager
// then runs the sandbox without variables and says so).
func ProjectEnv(st EnvStore, keys SecretKeychain) func(ctx context.Context, projectID string) (map[string]string, error) {
	return func(ctx context.Context, projectID string) (map[string]string, error) {
		vs, err := st.ListEnv(ctx, projectID)
		if err != nil || len(vs) == 0 {
			return nil, err
		}
		out := make(map[string]string, len(vs))
		for _, v := range vs {
			if !v.Secret {
				out[v.Name] = v.Value
				continue
			}
			val, err := keys.Get(ctx, secrets.EnvAccount(projectID, v.Name))
			if apperr.Is(err, apperr.NotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[v.Name] = val
		}
		return out, nil
	}
}

// EnvNames gives the chat the names of a project's variables for the
// model's prompt (never the values).
func EnvNames(st EnvStore) func(ctx context.Context, projectID string) []string {
	return func(ctx context.Context, projectID string) []string {
		vs, err := st.ListEnv(ctx, projectID)
		if err != nil {
			return nil
		}
		names := make([]string, 0, len(vs))
		for _, v := range vs {
			names = append(names, v.Name)
		}
		return names
	}
}
