// Package e2btest is a fake E2B for tests: control plane, envd and the
// code interpreter on one loopback server. Clients built from Fake.Config
// use the real host names (api.<domain>, <port>-<id>.<domain>); the
// HTTPClient routes every such host to the fake, which dispatches on the
// Host header. It follows shared/e2b/PROTOCOL.md §2.4 and §8, validates
// every control-plane request and response against openapi.yml (failing
// the test on a mismatch), really runs commands with the host's shell in a
// per-sandbox folder and really executes Python cells with python3.
//
// Sandbox paths map to a host folder per sandbox ("/" of the sandbox is
// that folder). Commands and Python code see the folder through a textual
// rewrite of "/home/user" to the host path (and back in their output),
// which is good enough for tests but not a real chroot.
package e2btest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/e2b"
)

// Endpoint names for Calls, Latency and FailNth.
const (
	EndpointCreate    = "create"
	EndpointGet       = "get"
	EndpointList      = "list"
	EndpointConnect   = "connect"
	EndpointPause     = "pause"
	EndpointResume    = "resume"
	EndpointKill      = "kill"
	EndpointTimeout   = "timeout"
	EndpointRefresh   = "refresh"
	EndpointSnapshot  = "snapshot"  // POST /sandboxes/{id}/snapshots
	EndpointSnapshots = "snapshots" // GET /snapshots
	EndpointFork      = "fork"      // POST /sandboxes/{id}/fork
	// EndpointDeleteSnapshot is DELETE /templates/{id}.
	EndpointDeleteSnapshot = "delete-snapshot"
	EndpointFiles          = "files"      // envd GET/POST /files
	EndpointFilesystem     = "filesystem" // envd filesystem.Filesystem/*
	EndpointProcess        = "process"    // envd process.Process/*
	EndpointExecute        = "execute"    // interpreter POST /execute
	EndpointContexts       = "contexts"   // interpreter /contexts*
	EndpointPreview        = "preview"    // any other port
)

// FaultKind is what FailNth does to a call.
type FaultKind int

const (
	// Fault5xx answers 503 with an E2B error body; nothing is done.
	Fault5xx FaultKind = iota + 1
	// FaultTimeout never answers; the client must give up by itself.
	FaultTimeout
	// FaultReset resets the connection before answering; nothing is done.
	FaultReset
	// Fault429 answers 429 with Retry-After (see SetRetryAfter).
	Fault429
	// FaultLostResponse does the work, then resets the connection, so the
	// client cannot know it succeeded (the case that forbids blind retries).
	FaultLostResponse
	// FaultStuckCell (for EndpointExecute) answers 200 and then sends only
	// keepalives, never starting the cell: the real server does this to a
	// cell sent right after an interrupt (recordings 025, 027).
	FaultStuckCell
	// FaultPortClosed (for EndpointPreview) answers as E2B's proxy does for
	// a running sandbox whose app never opened its port: 502 with the
	// sandbox id and port.
	FaultPortClosed
)

// Counts are totals since the fake started.
type Counts struct {
	Creates    int // successful creates
	Connects   int // successful connects (200 and 201)
	Pauses     int // explicit pauses and auto-pauses
	AutoPauses int // pauses done by timeout expiry
	Resumes    int // connects that resumed (201) and resume calls
	Kills      int // explicit kills, timeout kills and Expire
	Expiries   int // timeouts and Expire calls

	Snapshots       int // snapshots created
	SnapshotDeletes int // snapshots deleted through the API
	SnapshotStarts  int // creates whose template was a snapshot (also in Creates)
	Forks           int // sandboxes started by fork
	ProcessStarts   int // envd process.Process/Start calls (commands, installs, terminals)
}

// Sandbox states in the fake; "killed" is never reported over the API
// (it is 404 there) but Fake.Sandbox returns it.
const (
	stateRunning = "running"
	statePaused  = "paused"
	stateKilled  = "killed"
)

// Option configures New.
type Option func(*Fake)

// WithClock injects the clock used for sandbox lifetimes.
func WithClock(c *Clock) Option { return func(f *Fake) { f.clock = c } }

// WithDomain sets the fake E2B domain (default "e2b.test").
func WithDomain(d string) Option { return func(f *Fake) { f.domain = d } }

// WithAPIKey adds an accepted API key (Config also registers its key).
func WithAPIKey(k string) Option { return func(f *Fake) { f.keys[k] = true } }

// WithMaxLifetime sets the team's maximum sandbox length (default 24 h).
func WithMaxLifetime(d time.Duration) Option { return func(f *Fake) { f.maxLife = d } }

// WithMaxRunning makes create answer 429 once n sandboxes run.
func WithMaxRunning(n int) Option { return func(f *Fake) { f.maxRunning = n } }

// WithTemplates restricts create to these template names (else 404).
func WithTemplates(names ...string) Option {
	return func(f *Fake) {
		f.templates = map[string]bool{}
		for _, n := range names {
			f.templates[n] = true
		}
	}
}

// WithPython sets the python3 used for cells (default: python3 on PATH).
func WithPython(path string) Option { return func(f *Fake) { f.python = path } }

// Fake is a running fake E2B. Methods are safe for concurrent use.
type Fake struct {
	t          testing.TB
	domain     string
	clock      *Clock
	maxLife    time.Duration
	maxRunning int
	templates  map[string]bool
	python     string
	baseDir    string
	srv        *httptest.Server
	hc         *http.Client
	val        *validator
	closing    chan struct{}
	closeOnce  sync.Once

	mu         sync.Mutex
	keys       map[string]bool
	sandboxes  map[string]*fsb
	snapshots  map[string]*fsnap
	seq        int
	snapSeq    int
	counts     Counts
	calls      map[string]int
	faults     map[string]map[int]FaultKind
	latency    map[string]time.Duration
	retryAfter int
	cpus       int
	memMB      int
}

// New starts a fake on loopback; t.Cleanup stops it and every process it
// started.
func New(t testing.TB, opts ...Option) *Fake {
	t.Helper()
	f := &Fake{
		t:          t,
		domain:     "e2b.test",
		maxLife:    24 * time.Hour,
		keys:       map[string]bool{},
		sandboxes:  map[string]*fsb{},
		snapshots:  map[string]*fsnap{},
		calls:      map[string]int{},
		faults:     map[string]map[int]FaultKind{},
		latency:    map[string]time.Duration{},
		retryAfter: 1,
		cpus:       defaultCPUs,
		memMB:      defaultMemMB,
		closing:    make(chan struct{}),
		baseDir:    t.TempDir(),
	}
	for _, o := range opts {
		o(f)
	}
	if f.clock == nil {
		f.clock = NewClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	}
	if f.python == "" {
		if p, err := exec.LookPath("python3"); err == nil {
			f.python = p
		} else {
			f.python = "/usr/bin/python3"
		}
	}
	v, err := newValidator()
	if err != nil {
		t.Fatalf("e2btest: load openapi.yml: %v", err)
	}
	f.val = v
	f.clock.onAdvance(f.sweep)
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Start()
	addr := f.srv.Listener.Addr().String()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	suffix := "." + f.domain
	tr := &http.Transport{
		// Every *.<domain> host goes to the fake; anything else is refused
		// so a test can never reach the internet by mistake.
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(a)
			if err != nil {
				return nil, err
			}
			if !strings.HasSuffix(strings.ToLower(host), suffix) {
				return nil, fmt.Errorf("e2btest: refusing to dial %s (not under %s)", a, f.domain)
			}
			return dialer.DialContext(ctx, "tcp", addr)
		},
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}
	f.hc = &http.Client{Transport: tr}
	t.Cleanup(f.Close)
	return f
}

// Close stops the fake: pending fault timeouts end, processes and Python
// helpers are killed, the server shuts down. New registers it with
// t.Cleanup; calling it earlier is fine.
func (f *Fake) Close() {
	f.closeOnce.Do(func() {
		close(f.closing)
		f.mu.Lock()
		for _, sb := range f.sandboxes {
			sb.stopAll()
		}
		f.mu.Unlock()
		f.srv.CloseClientConnections()
		f.srv.Close()
		f.hc.CloseIdleConnections()
	})
}

// Domain is the fake's E2B domain.
func (f *Fake) Domain() string { return f.domain }

// HTTPClient routes every *.<domain> host to the fake.
func (f *Fake) HTTPClient() *http.Client { return f.hc }

// Clock is the clock sandbox lifetimes run on.
func (f *Fake) Clock() *Clock { return f.clock }

// Config returns a client Config wired to the fake and registers apiKey as
// valid. Retries are fast (milliseconds) so fault tests stay quick.
func (f *Fake) Config(apiKey string) e2b.Config {
	f.mu.Lock()
	f.keys[apiKey] = true
	f.mu.Unlock()
	return e2b.Config{
		APIKey:     apiKey,
		Domain:     f.domain,
		Scheme:     "http",
		HTTPClient: f.hc,
		Retry: e2b.RetryPolicy{
			MaxAttempts:   3,
			BaseDelay:     time.Millisecond,
			MaxDelay:      10 * time.Millisecond,
			MaxRetryAfter: 2 * time.Second,
		},
		RequestTimeout:    10 * time.Second,
		StreamIdleTimeout: 60 * time.Second,
		Getenv:            func(string) string { return "" },
	}
}

// Counts returns the totals so far.
func (f *Fake) Counts() Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	return f.counts
}

// Calls is how many requests reached an endpoint (faulted ones included).
func (f *Fake) Calls(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[endpoint]
}

// Latency delays every call to endpoint by d (real time).
func (f *Fake) Latency(endpoint string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency[endpoint] = d
}

// FailNth makes the nth call (1-based, counted since the fake started) to
// endpoint fail with kind. Several n per endpoint may be set.
func (f *Fake) FailNth(endpoint string, n int, kind FaultKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faults[endpoint] == nil {
		f.faults[endpoint] = map[int]FaultKind{}
	}
	f.faults[endpoint][n] = kind
}

// ClearFaults drops the faults still pending for endpoint.
func (f *Fake) ClearFaults(endpoint string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.faults, endpoint)
}

// FailNext makes the next call to endpoint fail with kind.
func (f *Fake) FailNext(endpoint string, kind FaultKind) {
	f.mu.Lock()
	n := f.calls[endpoint] + 1
	f.mu.Unlock()
	f.FailNth(endpoint, n, kind)
}

// SetRetryAfter sets the Retry-After seconds of Fault429 answers (default 1).
func (f *Fake) SetRetryAfter(seconds int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retryAfter = seconds
}

// Sandbox reports a sandbox's state: "running", "paused" or "killed";
// ok is false for ids the fake never created.
func (f *Fake) Sandbox(id string) (state string, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	sb := f.sandboxes[id]
	if sb == nil {
		return "", false
	}
	return sb.state, true
}

// SandboxInfo is the fake's view of a sandbox.
type SandboxInfo struct {
	ID, TemplateID, State string
	Metadata, EnvVars     map[string]string
	AutoPause, Secure     bool
	StartedAt, EndAt      time.Time
	Dir                   string // host folder mapped to the sandbox's "/"
}

// Info returns details of a sandbox the fake created.
func (f *Fake) Info(id string) (SandboxInfo, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	sb := f.sandboxes[id]
	if sb == nil {
		return SandboxInfo{}, false
	}
	return SandboxInfo{ID: sb.id, TemplateID: sb.templateID, State: sb.state, Metadata: cloneMap(sb.metadata),
		EnvVars: cloneMap(sb.envVars), AutoPause: sb.autoPause, Secure: sb.secure,
		StartedAt: sb.startedAt, EndAt: sb.endAt, Dir: sb.root}, true
}

// IDs returns the ids of all sandboxes the fake created, oldest first.
func (f *Fake) IDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.sandboxes))
	for id := range f.sandboxes {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return f.sandboxes[out[i]].seq < f.sandboxes[out[j]].seq })
	return out
}

// RunningSeconds is how long the sandbox has been running in total, on the
// fake clock (paused time excluded).
func (f *Fake) RunningSeconds(id string) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	sb := f.sandboxes[id]
	if sb == nil {
		return 0
	}
	s := sb.runSecs
	if sb.state == stateRunning {
		s += f.clock.Now().Sub(sb.runSince).Seconds()
	}
	return s
}

// Expire simulates the sandbox being killed behind the client's back
// (expiry, or deletion elsewhere): later calls get 404.
func (f *Fake) Expire(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sb := f.sandboxes[id]
	if sb == nil || sb.state == stateKilled {
		return
	}
	f.counts.Expiries++
	f.killLocked(sb)
}

// Files returns every regular file of a live sandbox, keyed by sandbox
// path ("/home/user/app/index.html"). Nil for unknown or killed sandboxes.
func (f *Fake) Files(id string) map[string][]byte {
	f.mu.Lock()
	sb := f.sandboxes[id]
	ok := sb != nil && sb.state != stateKilled
	f.mu.Unlock()
	if !ok {
		return nil
	}
	out := map[string][]byte{}
	_ = filepath.WalkDir(sb.root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil {
			rel, _ := filepath.Rel(sb.root, p)
			out["/"+filepath.ToSlash(rel)] = b
		}
		return nil
	})
	return out
}

// ReadFile reads one file of a live sandbox by sandbox path.
func (f *Fake) ReadFile(id, p string) ([]byte, bool) {
	f.mu.Lock()
	sb := f.sandboxes[id]
	ok := sb != nil && sb.state != stateKilled
	f.mu.Unlock()
	if !ok {
		return nil, false
	}
	b, err := os.ReadFile(sb.hostPath(p, "user"))
	return b, err == nil
}

// WriteFile seeds a file into a live sandbox (parents created).
func (f *Fake) WriteFile(id, p string, content []byte) error {
	f.mu.Lock()
	sb := f.sandboxes[id]
	ok := sb != nil && sb.state != stateKilled
	f.mu.Unlock()
	if !ok {
		return fmt.Errorf("e2btest: no live sandbox %q", id)
	}
	hp := sb.hostPath(p, "user")
	if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
		return err
	}
	return os.WriteFile(hp, content, 0o644)
}

// RunningProcesses counts the processes started through envd that are
// still alive in the sandbox.
func (f *Fake) RunningProcesses(id string) int {
	f.mu.Lock()
	sb := f.sandboxes[id]
	f.mu.Unlock()
	if sb == nil {
		return 0
	}
	sb.pmu.Lock()
	defer sb.pmu.Unlock()
	return len(sb.procs)
}

// serve dispatches on the Host header, as the E2B proxy does.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "api."+f.domain {
		f.control(w, r)
		return
	}
	// The shared sandbox host (§3): `sandbox.<domain>`, or localhost / an
	// IP, routes by E2b-Sandbox-Id and E2b-Sandbox-Port. That is how E2B's
	// own SDK reaches a sandbox when E2B_SANDBOX_URL is set; the same
	// loopback address without those headers is the control plane
	// (E2B_API_URL).
	if direct := host == "localhost" || net.ParseIP(host) != nil; direct || host == "sandbox."+f.domain {
		id, port := r.Header.Get("E2b-Sandbox-Id"), r.Header.Get("E2b-Sandbox-Port")
		switch {
		case id != "" && port != "":
			host = port + "-" + id + "." + f.domain
		case direct:
			f.control(w, r)
			return
		}
	}
	label, ok := strings.CutSuffix(host, "."+f.domain)
	if !ok || strings.Contains(label, ".") {
		http.Error(w, "e2btest: unknown host "+host, http.StatusMisdirectedRequest)
		return
	}
	portStr, id, ok := strings.Cut(label, "-")
	port, err := strconv.Atoi(portStr)
	if !ok || err != nil || id == "" {
		writeJSON(w, http.StatusBadGateway, map[string]any{"message": "Invalid host", "code": 502})
		return
	}
	switch port {
	case e2b.EnvdPort:
		f.envd(w, r, id)
	case e2b.InterpreterPort:
		f.interpreter(w, r, id)
	default:
		f.preview(w, r, id, port)
	}
}

// fault counts the call and applies latency and faults. It returns true
// when the fault consumed the request. For FaultLostResponse it returns a
// non-nil finish func: run the handler into a recorder, then call it.
func (f *Fake) fault(w http.ResponseWriter, r *http.Request, endpoint string) (done bool, lost bool) {
	f.mu.Lock()
	f.calls[endpoint]++
	n := f.calls[endpoint]
	kind := f.faults[endpoint][n]
	lat := f.latency[endpoint]
	ra := f.retryAfter
	f.mu.Unlock()
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true, false
		case <-f.closing:
			t.Stop()
			return true, false
		}
	}
	switch kind {
	case FaultPortClosed:
		writeJSON(w, http.StatusBadGateway, map[string]any{"message": "The sandbox is running but port is not open", "code": 502})
		return true, false
	case Fault5xx:
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"code": 503, "message": "Service unavailable (injected by e2btest)"})
		return true, false
	case Fault429:
		w.Header().Set("Retry-After", strconv.Itoa(ra))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "message": "Rate limit exceeded"})
		return true, false
	case FaultTimeout:
		select {
		case <-r.Context().Done():
		case <-f.closing:
		}
		return true, false
	case FaultReset:
		resetConn(w)
		return true, false
	case FaultLostResponse:
		return false, true
	case FaultStuckCell:
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			select {
			case <-tick.C:
				_, _ = io.WriteString(w, "{\"type\": \"keepalive\"}\n")
			case <-r.Context().Done():
				return true, false
			case <-f.closing:
				return true, false
			}
		}
	}
	return false, false
}

// resetConn closes the client connection with an RST, so the client sees
// "connection reset by peer" rather than a clean end.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"code": status, "message": msg})
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

func randomID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return prefix + string(b)
}

func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20)) }
