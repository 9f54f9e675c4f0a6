// Package env is the one home of a project's variables and secrets (issue
// 22): a plain variable is a row in SQLite; a secret is a row without its
// value plus an entry in the OS keychain (package secrets). Every change
// of either goes through Env, so "a row plus maybe a keychain entry" is
// written once. Env also resolves the values the sandbox needs, names the
// variables for the model's prompt (never the values), and keeps the
// Redactor (redact.go) current.
package env

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// Store is what Env needs from the database.
type Store interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	ListEnv(ctx context.Context, projectID string) ([]store.EnvVar, error)
	PutEnv(ctx context.Context, projectID string, v store.EnvVar) (store.EnvVar, error)
	DeleteEnv(ctx context.Context, projectID, name string) (bool, error)
}

// Checkpointer is the optional part of the Store that moves the WAL into
// the database file and truncates it (store.Checkpoint): after a value
// became secret, its old plain row must not stay readable in the WAL.
type Checkpointer interface {
	Checkpoint(ctx context.Context) error
}

// Keychain is the part of the OS keychain Env uses (*secrets.Store).
type Keychain interface {
	Set(ctx context.Context, account, value string) error
	Get(ctx context.Context, account string) (string, error)
	Delete(ctx context.Context, account string) error
}

// Var is a variable to save. For a secret an empty Value keeps the saved
// one.
type Var struct {
	Name   string
	Value  string
	Secret bool
}

// Env edits and reads projects' variables. Safe for concurrent use.
type Env struct {
	st   Store
	keys Keychain
	log  *slog.Logger
	// changed is told after every change of a project's variables (the
	// Redactor drops its matcher); nil is fine.
	changed func(projectID string)
}

// New builds an Env. log may be nil.
func New(st Store, keys Keychain, log *slog.Logger) *Env {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Env{st: st, keys: keys, log: log}
}

// OnChange registers what is told that a project's variables changed
// (set once, while wiring).
func (e *Env) OnChange(f func(projectID string)) { e.changed = f }

func (e *Env) touch(projectID string) {
	if e.changed != nil {
		e.changed(projectID)
	}
}

// Result says what a change did beyond saving: Warning what failed (the
// variable is saved or removed either way), Notes what the person should
// know (a value trimmed, a variable that changes how programs start).
type Result struct {
	Warning string
	Notes   []string
}

// List returns the project's variables (secrets without values).
func (e *Env) List(ctx context.Context, projectID string) ([]store.EnvVar, error) {
	if _, err := e.st.GetProject(ctx, projectID); err != nil {
		return nil, err
	}
	return e.st.ListEnv(ctx, projectID)
}

// Set adds or changes a variable.
func (e *Env) Set(ctx context.Context, projectID string, v Var) (Result, error) {
	name, err := store.ValidateEnvName(v.Name)
	if err != nil {
		return Result{}, err
	}
	if _, err := e.st.GetProject(ctx, projectID); err != nil {
		return Result{}, err
	}
	vs, err := e.st.ListEnv(ctx, projectID)
	if err != nil {
		return Result{}, err
	}
	var old *store.EnvVar
	for i := range vs {
		if vs[i].Name == name {
			old = &vs[i]
		}
	}
	var r Result
	if w := StartupWarning(name); w != "" {
		r.Notes = append(r.Notes, w)
	}
	if strings.Contains(v.Value, "${") {
		r.Notes = append(r.Notes, "Python's dotenv_values() expands ${…} in a .env whatever the quotes; the sandbox's programs get the value as written in their environment.")
	}
	value := v.Value
	account := secrets.EnvAccount(projectID, name)
	if v.Secret {
		trimmed := strings.TrimSpace(value)
		if trimmed != value && trimmed != "" {
			// Said, not silent: a key pasted with a line break around it.
			r.Notes = append(r.Notes, "Spaces and line breaks at the start and end of the secret were removed.")
		}
		if err := e.setSecret(ctx, account, trimmed, old != nil && old.Secret); err != nil {
			return Result{}, err
		}
		if trimmed != "" && len(trimmed) < MinRedactLen {
			r.Notes = append(r.Notes, fmt.Sprintf("A secret shorter than %d characters is not hidden in what the sandbox prints (it would hide every such word).", MinRedactLen))
		}
		value = ""
	} else if err := store.ValidateEnvValue(value); err != nil {
		return Result{}, err
	}
	if _, err := e.st.PutEnv(ctx, projectID, store.EnvVar{Name: name, Value: value, Secret: v.Secret}); err != nil {
		if v.Secret && (old == nil || !old.Secret) && v.Value != "" {
			_ = e.keys.Delete(context.WithoutCancel(ctx), account) // no orphan secret
		}
		return Result{}, err
	}
	e.touch(projectID)
	if v.Secret && old != nil && !old.Secret {
		// The plain value is overwritten in the row; the WAL and the freed
		// page may still hold it until a truncating checkpoint.
		e.checkpoint(ctx)
	}
	if !v.Secret && old != nil && old.Secret {
		if err := e.keys.Delete(ctx, account); err != nil {
			r.Warning = "The variable is no longer secret, but its old value could not be removed from the keychain: " + apperr.MessageOf(err)
		}
	}
	return r, nil
}

func (e *Env) setSecret(ctx context.Context, account, value string, had bool) error {
	if value == "" {
		if had {
			return nil // keep the saved value
		}
		return apperr.New(apperr.Invalid, "Give the secret a value.").InField("value")
	}
	if err := store.ValidateEnvValue(value); err != nil {
		return err
	}
	return e.keys.Set(ctx, account, value)
}

func (e *Env) checkpoint(ctx context.Context) {
	if c, ok := e.st.(Checkpointer); ok {
		if err := c.Checkpoint(ctx); err != nil {
			e.log.Warn("the database's WAL could not be truncated", "err", err)
		}
	}
}

// Delete removes a variable (and a secret's keychain entry).
func (e *Env) Delete(ctx context.Context, projectID, name string) (Result, error) {
	name = strings.TrimSpace(name)
	secret, err := e.st.DeleteEnv(ctx, projectID, name)
	if err != nil {
		return Result{}, err
	}
	e.touch(projectID)
	if secret {
		if err := e.keys.Delete(ctx, secrets.EnvAccount(projectID, name)); err != nil {
			return Result{Warning: "The variable was removed, but its value could not be removed from the keychain: " + apperr.MessageOf(err)}, nil
		}
	}
	return Result{}, nil
}

// CopyAll gives toID's secrets their values from fromID's keychain
// entries (a duplicate: its rows were copied with the project). A secret
// fromID never saved is skipped; any other failure is returned with the
// entries copied so far removed again.
func (e *Env) CopyAll(ctx context.Context, fromID, toID string) error {
	vars, err := e.st.ListEnv(ctx, toID)
	if err != nil {
		return err
	}
	var copied []string
	for _, v := range vars {
		if !v.Secret {
			continue
		}
		val, err := e.keys.Get(ctx, secrets.EnvAccount(fromID, v.Name))
		if apperr.Is(err, apperr.NotFound) {
			continue // never saved (or removed outside Tessera): nothing to copy
		}
		if err == nil {
			err = e.keys.Set(ctx, secrets.EnvAccount(toID, v.Name), val)
		}
		if err != nil {
			e.forget(context.WithoutCancel(ctx), toID, copied)
			return err
		}
		copied = append(copied, v.Name)
	}
	e.touch(toID)
	return nil
}

// DeleteAll removes a project's secrets from the keychain around remove,
// which deletes the rows (the project, by cascade): the names are read
// before, the keychain entries removed after remove succeeded, so a failed
// delete keeps every value. A keychain entry that cannot be removed is
// logged (harmless: nothing reads it). The WAL is then truncated, so the
// deleted project's output does not stay readable in it.
func (e *Env) DeleteAll(ctx context.Context, projectID string, remove func(ctx context.Context) error) error {
	vars, listErr := e.st.ListEnv(ctx, projectID)
	if err := remove(ctx); err != nil {
		return err
	}
	e.touch(projectID)
	if listErr != nil {
		e.log.Warn("a deleted project's secrets may stay in the keychain", "project", projectID, "err", listErr)
	}
	var names []string
	for _, v := range vars {
		if v.Secret {
			names = append(names, v.Name)
		}
	}
	e.forget(ctx, projectID, names)
	e.checkpoint(ctx)
	return nil
}

func (e *Env) forget(ctx context.Context, projectID string, names []string) {
	for _, n := range names {
		if err := e.keys.Delete(ctx, secrets.EnvAccount(projectID, n)); err != nil {
			e.log.Warn("a deleted project's secret stays in the keychain", "project", projectID, "name", n, "err", err)
		}
	}
}

// Resolve gives a project's variables with the secrets' values from the
// keychain, for the sandbox. A secret missing from the keychain is left
// out; a keychain that cannot be read is an error (the sandbox manager
// then runs the sandbox without variables and says so).
func (e *Env) Resolve(ctx context.Context, projectID string) (map[string]string, error) {
	all, err := e.resolve(ctx, projectID)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	out := make(map[string]string, len(all))
	for _, v := range all {
		out[v.Name] = v.Value
	}
	return out, nil
}

// resolve is Resolve keeping which variables are secret.
func (e *Env) resolve(ctx context.Context, projectID string) ([]store.EnvVar, error) {
	vs, err := e.st.ListEnv(ctx, projectID)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	out := make([]store.EnvVar, 0, len(vs))
	for _, v := range vs {
		if v.Secret {
			val, err := e.keys.Get(ctx, secrets.EnvAccount(projectID, v.Name))
			if apperr.Is(err, apperr.NotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			v.Value = val
		}
		out = append(out, v)
	}
	return out, nil
}

// Names gives the names of a project's variables for the model's prompt
// (never the values); nil when they cannot be read.
func (e *Env) Names(ctx context.Context, projectID string) []string {
	vs, err := e.st.ListEnv(ctx, projectID)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(vs))
	for _, v := range vs {
		names = append(names, v.Name)
	}
	return names
}
