package api

// A project's environment (issue 16): plain variables live in SQLite,
// secret values only in the OS keychain. Neither the page nor the model
// ever gets a secret's value back.

import (
	"context"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/env"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// Variables is the project's environment (*env.Env).
type Variables interface {
	List(ctx context.Context, projectID string) ([]store.EnvVar, error)
	Set(ctx context.Context, projectID string, v env.Var) (env.Result, error)
	Delete(ctx context.Context, projectID, name string) (env.Result, error)
}

// EnvSandboxes is what EnvService needs from the sandbox manager.
type EnvSandboxes interface {
	ApplyEnv(ctx context.Context, projectID string) (running bool, err error)
	Status(projectID string) sandbox.Status
	// StaleEnv names the variables the sandbox was created with whose
	// value changed or that were removed since.
	StaleEnv(projectID string) []string
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
	// Notes are what the person should know about the value saved (a
	// variable that changes how programs start, a trimmed secret).
	Notes []string `json:"notes,omitempty"`
}

// EnvService edits a project's variables and secrets. Bound.
type EnvService struct {
	ctx       func() context.Context
	vars      Variables
	sandboxes EnvSandboxes // nil: no sandbox to tell (tests)
	servers   ServerRestarter
	hasServer func(template string) bool
}

// NewEnvService builds the service. sandboxes and servers may be nil.
func NewEnvService(ctx func() context.Context, vars Variables, sandboxes EnvSandboxes, servers ServerRestarter, hasServer func(template string) bool) *EnvService {
	return &EnvService{ctx: ctx, vars: vars, sandboxes: sandboxes, servers: servers, hasServer: hasServer}
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
	vs, err := s.vars.List(s.ctx(), projectID)
	return toEnvVars(vs), err
}

// Set adds or changes a variable and gives it to the sandbox.
func (s *EnvService) Set(req SetEnvRequest) (EnvResult, error) {
	ctx := s.ctx()
	r, err := s.vars.Set(ctx, req.ProjectID, env.Var{Name: req.Name, Value: req.Value, Secret: req.Secret})
	if err != nil {
		return EnvResult{}, err
	}
	return s.result(ctx, req.ProjectID, r)
}

// Delete removes a variable and takes it out of the sandbox.
func (s *EnvService) Delete(projectID, name string) (EnvResult, error) {
	ctx := s.ctx()
	r, err := s.vars.Delete(ctx, projectID, name)
	if err != nil {
		return EnvResult{}, err
	}
	return s.result(ctx, projectID, r)
}

// result lists the variables and tells the sandbox: a running one gets a
// new .env and its server is restarted to read it; a paused one gets them
// when it resumes.
func (s *EnvService) result(ctx context.Context, projectID string, done env.Result) (EnvResult, error) {
	vs, err := s.vars.List(ctx, projectID)
	if err != nil {
		return EnvResult{}, err
	}
	r := EnvResult{Vars: toEnvVars(vs), Warning: done.Warning, Notes: done.Notes}
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
	if running && err == nil {
		if stale := s.sandboxes.StaleEnv(projectID); len(stale) > 0 {
			// E2B keeps create-time values for every process; Tessera
			// overrides them in each one it starts (sandbox/env.go).
			r.Notes = append(r.Notes, "The sandbox was made with earlier values of "+env.NameList(stale, 5)+
				". New commands, cells, terminals and the app's server get the current ones (a removed variable is empty); programs started before keep the old ones, so reopen a terminal opened before.")
		}
	}
	return r, nil
}
