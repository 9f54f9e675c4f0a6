package sandbox

// The project's environment (issue 16): variables and secrets the person
// set for the project reach the sandbox as
//   - envVars on create (E2B makes them the default environment of every
//     process envd starts, also after a resume),
//   - the environment of every command Tessera runs (envd process env) and
//     of every Python cell (the code interpreter's env_vars), so a change
//     made while the sandbox was paused applies at once,
//   - a .env file in the project folder of the sandbox, which the web
//     templates' servers read (Next.js, Vite/Nuxt; python-dotenv apps).
// A variable deleted (or changed) after the sandbox was made is still in
// the sandbox's create-time environment, which envd merges beneath every
// process's own (measured with E2B's real envd). So every process Tessera
// starts gets such a name set to "" (or to its new value): the old value
// is unreadable to new commands, cells, terminals and the restarted
// server. Processes started before keep what they had; the dialog says so.
//
// The .env is written only into the sandbox: the workspace (git) ignores
// .env, and nothing copies sandbox files back into it.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path"
	"sort"

	"tessera/backend/apperr"
	envfile "tessera/backend/env"
	"tessera/backend/store"
)

// EnvFile is the file in the sandbox's project folder that holds the
// project's variables for the template's server.
const EnvFile = ".env"

// envWarning is shown when the variables could not be read.
const envWarning = "The project's variables could not be read (is the keychain locked?), so the sandbox runs without them. Unlock the keychain and restart the sandbox."

// dotenv renders variables as a .env file (env.Dotenv: single-quoted,
// read literally by python-dotenv, Node's dotenv and bash).
func dotenv(vars map[string]string) []byte {
	b, _ := envfile.Dotenv(vars)
	return b
}

// envHash identifies a set of variables without keeping their values.
func envHash(env map[string]string) string {
	h := sha256.Sum256(dotenv(env))
	return hex.EncodeToString(h[:])
}

// projectEnv reads the project's variables (nil when there is no source).
func (m *Manager) projectEnv(ctx context.Context, projectID string) (map[string]string, error) {
	if m.cfg.Env == nil {
		return nil, nil
	}
	return m.cfg.Env(ctx, projectID)
}

// loadEnv reads the variables into the entry; on failure the entry keeps
// none and failed is true (the sandbox still works; warnEnv says why).
func (m *Manager) loadEnv(ctx context.Context, e *entry) (env map[string]string, failed bool) {
	env, err := m.projectEnv(ctx, e.id)
	if err != nil {
		m.log.Warn("reading the project's variables failed; the sandbox runs without them", "project", e.id, "err", err)
		env = nil
	}
	m.mu.Lock()
	e.env, e.envFailed = env, err != nil
	loaded := e.ours != nil
	m.mu.Unlock()
	if !loaded {
		m.loadOurs(ctx, e)
	}
	m.mu.Lock()
	grew := false
	for n := range env {
		if !e.ours[n] {
			e.ours[n], grew = true, true
		}
	}
	ours := make([]string, 0, len(e.ours))
	for n := range e.ours {
		ours = append(ours, n)
	}
	m.mu.Unlock()
	if grew {
		m.saveOurs(ctx, e.id, ours)
	}
	return env, err != nil
}

// warnEnv shows on the badge that the variables could not be read.
func (m *Manager) warnEnv(e *entry, failed bool) {
	if failed {
		m.set(e, func(e *entry) { e.warning = envWarning })
	}
}

// writeEnvLocked writes the .env into the connected sandbox when the
// variables differ from what it was last given (once per process when
// there are any: they may have changed while Tessera was closed). The
// caller holds e.op.
func (m *Manager) writeEnvLocked(ctx context.Context, e *entry, c Control, template string, fresh bool) error {
	m.readBaked(ctx, e, c)
	m.mu.Lock()
	env, sb, written := e.env, e.sb, e.envWritten
	m.mu.Unlock()
	if sb == nil {
		return nil
	}
	h := envHash(env)
	if written == h || (len(env) == 0 && (fresh || written == "")) {
		// No file for a project without variables: not in a new sandbox,
		// nor (so that every project's sandbox does not get an empty one)
		// in one this process has not written. The one case this misses:
		// the last variable deleted while paused, then Tessera restarted
		// before the resume; the next change rewrites the file.
		m.mu.Lock()
		e.envWritten = h
		m.mu.Unlock()
		return nil
	}
	p := path.Join(m.cfg.RootFor(template), EnvFile)
	if err := c.WriteFiles(ctx, sb, []SandboxFile{{Path: p, Content: string(dotenv(env))}}); err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), sentence(err, "Tessera could not write the project's variables into the sandbox."))
	}
	m.mu.Lock()
	e.envWritten = h
	m.mu.Unlock()
	return nil
}

// ApplyEnv is told that the project's variables changed: they are read
// again and, when the sandbox runs, written into its .env. running says
// whether it runs (then the caller restarts the template's server so it
// reads them); a paused sandbox gets them on its next resume.
func (m *Manager) ApplyEnv(ctx context.Context, projectID string) (running bool, err error) {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return false, err
	}
	if err := e.op.lock(ctx); err != nil {
		return false, apperr.Wrap(err, apperr.Canceled, "The operation was stopped.")
	}
	defer e.op.unlock()
	_, failed := m.loadEnv(ctx, e)
	m.warnEnv(e, failed)
	m.mu.Lock()
	running = e.state == StateRunning && e.sb != nil
	c, template := e.ctl, e.template
	m.mu.Unlock()
	if !running || c == nil {
		return false, nil
	}
	return true, m.writeEnvLocked(ctx, e, c, template, false)
}

// processEnv is what every new process gets: the project's variables, and
// "" for each of the project's names (ours) the sandbox was created with
// that the project no longer has, which hides the create-time value. A
// name the project never had here (a template's own variable) is left
// alone. When the variables could not be read (failed), nothing is
// blanked: the sandbox keeps what it was made with rather than lose every
// value to a locked keychain.
func processEnv(vars, baked map[string]string, ours map[string]bool, failed bool) map[string]string {
	out := cloneMap(vars)
	if failed {
		return out
	}
	for n := range baked {
		if _, ok := vars[n]; !ok && ours[n] {
			if out == nil {
				out = map[string]string{}
			}
			out[n] = ""
		}
	}
	return out
}

// oursKey keeps, across runs of Tessera, the names a project's variables
// have had, so that one removed while Tessera was closed (or before a
// restart) is still overridden in a sandbox made with it.
func oursKey(projectID string) string { return "sandbox_env_names:" + projectID }

// settingsStore is the optional part of the Store that keeps those names.
type settingsStore interface {
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

func (m *Manager) loadOurs(ctx context.Context, e *entry) {
	names := []string{}
	if ss, ok := m.cfg.Store.(settingsStore); ok {
		if v, found, err := ss.GetSetting(ctx, oursKey(e.id)); err == nil && found {
			_ = json.Unmarshal([]byte(v), &names)
		}
	}
	m.mu.Lock()
	if e.ours == nil {
		e.ours = map[string]bool{}
	}
	for _, n := range names {
		e.ours[n] = true
	}
	m.mu.Unlock()
}

func (m *Manager) saveOurs(ctx context.Context, projectID string, names []string) {
	ss, ok := m.cfg.Store.(settingsStore)
	if !ok {
		return
	}
	sort.Strings(names)
	b, _ := json.Marshal(names)
	if err := ss.SetSetting(ctx, oursKey(projectID), string(b)); err != nil {
		m.log.Warn("could not remember the project's variable names", "project", projectID, "err", err)
	}
}

func (m *Manager) forgetOurs(ctx context.Context, projectID string) {
	if ds, ok := m.cfg.Store.(interface {
		DeleteSetting(ctx context.Context, key string) error
	}); ok {
		if err := ds.DeleteSetting(ctx, oursKey(projectID)); err != nil {
			m.log.Warn("could not forget the project's variable names", "project", projectID, "err", err)
		}
	}
}

// readBaked learns, once per sandbox, which variables it was created with
// (envd's GET /envs; for a sandbox made from a restore point also those of
// the sandbox it was saved from). Names envd sets itself (E2B_*) and the
// reserved ones are not a project's. A failure leaves the set as it was
// (tried again on the next connect).
func (m *Manager) readBaked(ctx context.Context, e *entry, c Control) {
	m.mu.Lock()
	sb, done := e.sb, e.bakedFor != "" && e.bakedFor == e.sandboxID
	m.mu.Unlock()
	r, ok := c.(envReader)
	if sb == nil || done || !ok {
		return
	}
	vars, err := r.Envs(ctx, sb)
	if err != nil {
		m.log.Warn("could not read the sandbox's create-time variables", "project", e.id, "err", err)
		return
	}
	baked := map[string]string{}
	for n, v := range vars {
		if _, err := store.ValidateEnvName(n); err == nil {
			baked[n] = v
		}
	}
	m.mu.Lock()
	e.baked, e.bakedFor = baked, sb.SandboxID
	m.mu.Unlock()
}

// StaleEnv names the variables the project's sandbox was created with
// whose value there is not the current one (deleted or changed since):
// new processes get them overridden, processes already running do not.
// Call after ApplyEnv.
func (m *Manager) StaleEnv(projectID string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[projectID]
	if e == nil {
		return nil
	}
	var out []string
	for n, old := range e.baked {
		if v, ok := e.env[n]; e.ours[n] && (!ok || v != old) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Env returns the variables the handle's commands and cells get.
func (h *Handle) Env() map[string]string { return cloneMap(h.env) }

// envIntoSandbox writes the .env of a sandbox just connected or made; a
// failure costs the file (commands and cells still get the variables), so
// it is a warning, not a failed operation.
func (m *Manager) envIntoSandbox(ctx context.Context, e *entry, c Control, template string, fresh bool) {
	if err := m.writeEnvLocked(ctx, e, c, template, fresh); err != nil {
		m.log.Warn("writing the project's .env failed", "project", e.id, "err", err)
		msg := apperr.MessageOf(err)
		m.set(e, func(e *entry) { e.warning = msg })
	}
}
