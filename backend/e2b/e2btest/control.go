package e2btest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fsb is one fake sandbox.
type fsb struct {
	id, templateID, alias string
	metadata, envVars     map[string]string
	state                 string
	autoPause, secure     bool
	token                 string
	seq                   int
	startedAt, endAt      time.Time
	runSince              time.Time
	runSecs               float64
	root                  string // host folder for the sandbox's "/"
	cpus, memMB           int    // resources, as the template gives them

	// metrics (metrics.go), guarded by Fake.mu
	samples    []sample
	lastSample time.Time
	lastCPU    float64

	pmu      sync.Mutex
	procs    map[uint32]*fproc
	ended    map[uint32]map[string]any // end events of ended processes, for Connect (pty.go)
	started  bool                      // a process was ever started (its children may live on)
	contexts map[string]*pyctx
	defaults map[string]string // language -> default context id
}

// hostPath maps a sandbox path to the host; relative paths are relative to
// the user's home. Cleaning first means no path can leave root.
func (sb *fsb) hostPath(p, user string) string {
	if !strings.HasPrefix(p, "/") {
		home := "/home/" + user
		if user == "root" {
			home = "/root"
		}
		p = strings.TrimPrefix(p, "~/")
		p = home + "/" + p
	}
	return filepath.Join(sb.root, filepath.FromSlash(path.Clean(p)))
}

// sandboxPath is the inverse of hostPath.
func (sb *fsb) sandboxPath(hp string) string {
	rel, err := filepath.Rel(sb.root, hp)
	if err != nil {
		return hp
	}
	return path.Clean("/" + filepath.ToSlash(rel))
}

func (sb *fsb) home() string { return filepath.Join(sb.root, "home", "user") }

// userHome is a user's home folder on the host.
func (sb *fsb) userHome(user string) string {
	if user == "root" {
		return filepath.Join(sb.root, "root")
	}
	return filepath.Join(sb.root, "home", user)
}

// markerEnv is set in every command's environment so the sandbox's
// processes (and what they started) can be found on the host.
const markerEnv = "E2BTEST_SANDBOX"

func (sb *fsb) hadProcs() bool {
	sb.pmu.Lock()
	defer sb.pmu.Unlock()
	return sb.started
}

// signalAll stops or continues the sandbox's processes (pause/resume).
func (sb *fsb) signalAll(stop bool) {
	sb.suspendSandbox(stop)
	sb.pmu.Lock()
	defer sb.pmu.Unlock()
	for _, c := range sb.contexts {
		c.suspend(stop)
	}
}

// stopAll kills every process and Python helper of the sandbox.
func (sb *fsb) stopAll() {
	sb.pmu.Lock()
	ctxs := make([]*pyctx, 0, len(sb.contexts))
	for _, c := range sb.contexts {
		ctxs = append(ctxs, c)
	}
	sb.contexts = map[string]*pyctx{}
	sb.defaults = map[string]string{}
	sb.pmu.Unlock()
	sb.killSandbox()
	for _, c := range ctxs {
		c.close()
	}
}

// sweep expires sandboxes whose end time passed on the fake clock.
func (f *Fake) sweep() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
}

func (f *Fake) sweepLocked() {
	now := f.clock.Now()
	for _, sb := range f.sandboxes {
		if sb.state != stateRunning {
			continue
		}
		if sb.endAt.After(now) {
			f.sampleLocked(sb, now)
			continue
		}
		f.sampleLocked(sb, sb.endAt)
		f.counts.Expiries++
		// Running time stops at the end time, not at the clock's new now.
		if sb.autoPause {
			f.counts.AutoPauses++
			f.pauseLocked(sb, sb.endAt)
		} else {
			f.leaveRunning(sb, sb.endAt)
			f.killLocked(sb)
		}
	}
}

func (f *Fake) leaveRunning(sb *fsb, at time.Time) {
	if sb.state == stateRunning {
		if d := at.Sub(sb.runSince).Seconds(); d > 0 {
			sb.runSecs += d
		}
		sb.runSince = at
	}
}

func (f *Fake) pauseLocked(sb *fsb, at time.Time) {
	f.sampleLocked(sb, at)
	f.leaveRunning(sb, at)
	sb.state = statePaused
	f.counts.Pauses++
	sb.signalAll(true)
}

func (f *Fake) resumeLocked(sb *fsb, timeout time.Duration) {
	now := f.clock.Now()
	sb.state = stateRunning
	sb.runSince = now
	sb.startedAt = now
	sb.endAt = now.Add(timeout)
	f.counts.Resumes++
	sb.signalAll(false)
}

func (f *Fake) killLocked(sb *fsb) {
	f.leaveRunning(sb, f.clock.Now())
	sb.state = stateKilled
	f.counts.Kills++
	go sb.stopAll() // may wait on helpers; never under f.mu
}

// control serves api.<domain>: validate against openapi.yml, check the
// key, apply faults, handle, validate the answer.
func (f *Fake) control(w http.ResponseWriter, r *http.Request) {
	// E2B checks the key before routing: a bad key is 401 on any path.
	f.mu.Lock()
	keyOK := f.keys[r.Header.Get("X-API-Key")]
	f.mu.Unlock()
	in, rerr, verr := f.val.request(r)
	if !keyOK && (rerr != nil || verr != nil) {
		writeErr(w, http.StatusUnauthorized, "Invalid API key, please visit https://e2b.dev/docs/api-key to get a valid key.")
		return
	}
	if rerr != nil {
		f.t.Errorf("e2btest: %s %s is not an operation of openapi.yml: %v", r.Method, r.URL.Path, rerr)
		writeErr(w, http.StatusNotFound, "Not found")
		return
	}
	if verr != nil {
		f.t.Errorf("e2btest: request %s %s does not match openapi.yml: %v", r.Method, r.URL.RequestURI(), verr)
		writeErr(w, http.StatusBadRequest, "request does not match openapi.yml: "+verr.Error())
		return
	}
	endpoint := endpointOf(r.Method, in.Route.Path)
	rec := httptest.NewRecorder()
	if !keyOK {
		writeErr(rec, http.StatusUnauthorized, "Invalid API key, please visit https://e2b.dev/docs/api-key to get a valid key.")
	} else {
		done, lost := f.fault(w, r, endpoint)
		if done {
			return
		}
		f.handleControl(rec, r, endpoint, in.PathParams)
		if lost {
			resetConn(w)
			return
		}
	}
	res := rec.Result()
	body := rec.Body.Bytes()
	if err := f.val.response(in, res.StatusCode, res.Header, body); err != nil {
		f.t.Errorf("e2btest: response %d to %s %s does not match openapi.yml: %v\nbody: %s", res.StatusCode, r.Method, r.URL.Path, err, body)
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(body)
}

func endpointOf(method, route string) string {
	switch {
	case method == http.MethodPost && (route == "/sandboxes" || route == "/v2/sandboxes"):
		return EndpointCreate
	case method == http.MethodGet && (route == "/sandboxes" || route == "/v2/sandboxes"):
		return EndpointList
	case method == http.MethodGet && route == "/sandboxes/{sandboxID}":
		return EndpointGet
	case method == http.MethodDelete && route == "/sandboxes/{sandboxID}":
		return EndpointKill
	case strings.HasSuffix(route, "/pause"):
		return EndpointPause
	case strings.HasSuffix(route, "/resume"):
		return EndpointResume
	case strings.HasSuffix(route, "/connect"):
		return EndpointConnect
	case strings.HasSuffix(route, "/timeout"):
		return EndpointTimeout
	case strings.HasSuffix(route, "/refreshes"):
		return EndpointRefresh
	case method == http.MethodPost && route == "/sandboxes/{sandboxID}/snapshots":
		return EndpointSnapshot
	case method == http.MethodGet && route == "/snapshots":
		return EndpointSnapshots
	case method == http.MethodDelete && route == "/templates/{templateID}":
		return EndpointDeleteSnapshot
	case strings.HasSuffix(route, "/fork"):
		return EndpointFork
	case method == http.MethodGet && route == "/sandboxes/{sandboxID}/metrics":
		return EndpointMetrics
	}
	return method + " " + route
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return io.EOF
	}
	return json.Unmarshal(b, v)
}

func (f *Fake) handleControl(w http.ResponseWriter, r *http.Request, endpoint string, params map[string]string) {
	id := params["sandboxID"]
	if id != "" && !validID(id) {
		writeErr(w, http.StatusBadRequest, "Invalid sandbox ID")
		return
	}
	switch endpoint {
	case EndpointCreate:
		f.create(w, r)
	case EndpointList:
		f.list(w, r)
	case EndpointSnapshot:
		f.createSnapshot(w, r, id)
	case EndpointSnapshots:
		f.listSnapshots(w, r)
	case EndpointDeleteSnapshot:
		f.deleteTemplate(w, params["templateID"])
	case EndpointFork:
		f.fork(w, r, id)
	default:
		f.sandboxOp(w, r, endpoint, id)
	}
}

func (f *Fake) notFound(w http.ResponseWriter, id string) {
	writeErr(w, http.StatusNotFound, fmt.Sprintf("Sandbox %q doesn't exist or you don't have access to it", id))
}

func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TemplateID string            `json:"templateID"`
		Timeout    *int              `json:"timeout"`
		AutoPause  bool              `json:"autoPause"`
		Secure     bool              `json:"secure"`
		Metadata   map[string]string `json:"metadata"`
		EnvVars    map[string]string `json:"envVars"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErr(w, http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	// v2 is always secure and defaults to 300 s (e2b 2.51.0's schema).
	v2 := strings.HasPrefix(r.URL.Path, "/v2/")
	timeout := 15
	if v2 {
		timeout, req.Secure = 300, true
	}
	if req.Timeout != nil {
		timeout = *req.Timeout
	}
	if timeout <= 0 {
		writeErr(w, http.StatusBadRequest, "Timeout must be greater than 0")
		return
	}
	if time.Duration(timeout)*time.Second > f.maxLife {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("Timeout cannot be greater than %d hours", int(f.maxLife.Hours())))
		return
	}
	spec := sandboxSpec{templateID: templateIDFor(req.TemplateID), alias: req.TemplateID, metadata: req.Metadata,
		envVars: req.EnvVars, autoPause: req.AutoPause, secure: req.Secure, timeout: timeout}
	f.mu.Lock()
	snap := f.lookupSnapshotLocked(req.TemplateID)
	if snap != nil {
		// A snapshot is a template: the new sandbox starts with its files.
		spec.templateID, spec.alias, spec.from = snap.templateID, snap.alias, snap.dir
	}
	f.mu.Unlock()
	// An unknown "<id>:default" is a deleted snapshot (no base template
	// of the fake has that tag).
	if snap == nil && (strings.HasSuffix(req.TemplateID, snapshotTag) || f.templates != nil && !f.templates[req.TemplateID]) {
		writeErr(w, http.StatusNotFound, fmt.Sprintf("template '%s' not found", req.TemplateID))
		return
	}
	sb, status, msg := f.startSandbox(spec)
	if sb == nil {
		writeErr(w, status, msg)
		return
	}
	f.mu.Lock()
	f.counts.Creates++
	if snap != nil {
		f.counts.SnapshotStarts++
	}
	body := f.sandboxJSON(sb)
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, body)
}

// templateIDFor resolves an alias to a stable template-like id, as the
// server returns the resolved id, not the alias.
func templateIDFor(alias string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(alias); i++ {
		h ^= uint64(alias[i])
		h *= 1099511628211
	}
	s := strconv.FormatUint(h, 36)
	for len(s) < 20 {
		s += "0"
	}
	return s[:20]
}

// sandboxJSON is the Sandbox shape (create/connect/resume).
func (f *Fake) sandboxJSON(sb *fsb) map[string]any {
	m := map[string]any{
		"templateID":         sb.templateID,
		"sandboxID":          sb.id,
		"alias":              sb.alias,
		"clientID":           "6532622b",
		"envdVersion":        "0.6.13",
		"trafficAccessToken": nil,
		"domain":             f.domain,
	}
	if sb.secure {
		m["envdAccessToken"] = sb.token
	}
	return m
}

func (f *Fake) listedJSON(sb *fsb) map[string]any {
	md := sb.metadata
	if md == nil {
		md = map[string]string{}
	}
	return map[string]any{
		"templateID":  sb.templateID,
		"alias":       sb.alias,
		"sandboxID":   sb.id,
		"clientID":    "6532622b",
		"startedAt":   sb.startedAt.UTC().Format(time.RFC3339Nano),
		"endAt":       sb.endAt.UTC().Format(time.RFC3339Nano),
		"cpuCount":    sb.cpus,
		"memoryMB":    sb.memMB,
		"diskSizeMB":  4096,
		"metadata":    md,
		"state":       sb.state,
		"envdVersion": "0.6.13",
	}
}

func (f *Fake) detailJSON(sb *fsb) map[string]any {
	m := f.listedJSON(sb)
	m["domain"] = f.domain
	m["allowInternetAccess"] = nil
	onTimeout := "kill"
	if sb.autoPause {
		onTimeout = "pause"
	}
	m["lifecycle"] = map[string]any{"autoResume": false, "onTimeout": onTimeout}
	if sb.secure {
		m["envdAccessToken"] = sb.token
	}
	return m
}

func (f *Fake) sandboxOp(w http.ResponseWriter, r *http.Request, endpoint, id string) {
	var req struct {
		Timeout  *int `json:"timeout"`
		Duration *int `json:"duration"`
	}
	bodyErr := decodeBody(r, &req)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	sb := f.sandboxes[id]
	if sb == nil || sb.state == stateKilled {
		f.notFound(w, id)
		return
	}
	now := f.clock.Now()
	maxEnd := sb.startedAt.Add(f.maxLife)
	switch endpoint {
	case EndpointGet:
		writeJSON(w, http.StatusOK, f.detailJSON(sb))
	case EndpointMetrics:
		f.metrics(w, r, sb)
	case EndpointKill:
		f.killLocked(sb)
		w.WriteHeader(http.StatusNoContent)
	case EndpointPause:
		if sb.state == statePaused {
			writeErr(w, http.StatusConflict, fmt.Sprintf("Error pausing sandbox - sandbox '%s' is already paused", id))
			return
		}
		f.pauseLocked(sb, now)
		w.WriteHeader(http.StatusNoContent)
	case EndpointConnect, EndpointResume:
		v2 := strings.HasPrefix(r.URL.Path, "/v2/")
		if bodyErr != nil || req.Timeout == nil {
			// v1 connect needs a timeout; resume and v2 connect do not.
			if endpoint == EndpointConnect && !v2 || bodyErr != nil && bodyErr != io.EOF {
				writeErr(w, http.StatusBadRequest, "Invalid request body")
				return
			}
		}
		timeout := 15
		if v2 {
			timeout = 300
		}
		if req.Timeout != nil {
			timeout = *req.Timeout
		}
		d := time.Duration(timeout) * time.Second
		if timeout <= 0 {
			writeErr(w, http.StatusBadRequest, "Timeout must be greater than 0")
			return
		}
		if d > f.maxLife {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("Timeout cannot be greater than %d hours", int(f.maxLife.Hours())))
			return
		}
		if sb.state == statePaused {
			f.resumeLocked(sb, d)
			if endpoint == EndpointConnect {
				f.counts.Connects++
			}
			writeJSON(w, http.StatusCreated, f.sandboxJSON(sb))
			return
		}
		if endpoint == EndpointResume {
			writeErr(w, http.StatusConflict, fmt.Sprintf("Sandbox %s is already running", id))
			return
		}
		end := now.Add(d)
		if end.After(maxEnd) {
			end = maxEnd
		}
		if end.After(sb.endAt) {
			sb.endAt = end // connect only ever extends
		}
		f.counts.Connects++
		writeJSON(w, http.StatusOK, f.sandboxJSON(sb))
	case EndpointTimeout:
		if bodyErr != nil || req.Timeout == nil {
			writeErr(w, http.StatusBadRequest, "Invalid request body")
			return
		}
		if sb.state != stateRunning {
			f.notFound(w, id)
			return
		}
		if !now.Before(maxEnd) {
			writeErr(w, http.StatusBadRequest, "Max instance length exceeded")
			return
		}
		end := now.Add(time.Duration(*req.Timeout) * time.Second)
		if end.After(maxEnd) {
			end = maxEnd
		}
		sb.endAt = end // may shorten
		w.WriteHeader(http.StatusNoContent)
	case EndpointRefresh:
		if sb.state != stateRunning {
			f.notFound(w, id)
			return
		}
		d := 15
		if req.Duration != nil && *req.Duration > d {
			d = *req.Duration
		}
		end := now.Add(time.Duration(d) * time.Second)
		if end.After(maxEnd) {
			end = maxEnd
		}
		if end.After(sb.endAt) {
			sb.endAt = end
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErr(w, http.StatusNotImplemented, "not implemented by e2btest")
	}
	// A timeout of 0 s or a shortened end may already be due.
	f.sweepLocked()
}
