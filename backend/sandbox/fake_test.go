package sandbox

import (
	"context"
	"fmt"
	"path"
	"sort"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// testClock is a manual clock shared by the manager and the fake.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeSandbox is one sandbox in fakeE2B.
type fakeSandbox struct {
	id, template string
	state        string // running | paused | killed
	meta         map[string]string
	files        map[string][]byte
	runs         []string
	endAt        time.Time
	autoPause    bool
	runSince     time.Time
	runSecs      float64
}

// fakeE2B is an in-package Control following PROTOCOL.md §2.4 on the
// state × operation table, with a clock for timeouts and fault knobs.
// The integration tests use the real client against e2btest instead.
type fakeE2B struct {
	mu    sync.Mutex
	clock func() time.Time
	seq   int
	sbs   map[string]*fakeSandbox
	calls map[string]int
	// faults: errors returned (in order) by the next calls to an op.
	faults map[string][]error
	// lostCreate makes the next N creates succeed at E2B but report
	// Unavailable (a response lost after the work).
	lostCreate int
	// createGate, when set, blocks every create until it is closed.
	createGate chan struct{}
	// installFails lists commands that exit 1.
	installFails map[string]bool
}

func newFakeE2B(clock func() time.Time) *fakeE2B {
	return &fakeE2B{clock: clock, sbs: map[string]*fakeSandbox{}, calls: map[string]int{},
		faults: map[string][]error{}, installFails: map[string]bool{}}
}

var errUnavailable = apperr.New(apperr.Unavailable, "E2B is having trouble right now. Try again in a minute.")

func (f *fakeE2B) fail(op string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[op] = append(f.faults[op], errs...)
}

// enter counts the call, expires timed-out sandboxes and pops a fault.
// Caller holds mu.
func (f *fakeE2B) enter(op string) error {
	f.calls[op]++
	f.sweep()
	if q := f.faults[op]; len(q) > 0 {
		f.faults[op] = q[1:]
		return q[0]
	}
	return nil
}

func (f *fakeE2B) sweep() {
	now := f.clock()
	for _, s := range f.sbs {
		if s.state == "running" && !now.Before(s.endAt) {
			f.stop(s, s.endAt)
			if s.autoPause {
				s.state = "paused"
				f.calls["autopause"]++
			} else {
				s.state = "killed"
			}
		}
	}
}

func (f *fakeE2B) stop(s *fakeSandbox, at time.Time) {
	if s.state == "running" {
		s.runSecs += at.Sub(s.runSince).Seconds()
	}
}

func (f *fakeE2B) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func notFound(id string) error {
	return apperr.Newf(apperr.NotFound, "The sandbox %s was not found.", id)
}

func (f *fakeE2B) view(s *fakeSandbox) *e2b.Sandbox {
	meta := map[string]string{}
	for k, v := range s.meta {
		meta[k] = v
	}
	return &e2b.Sandbox{SandboxID: s.id, TemplateID: "tpl-" + s.template, Alias: s.template, Domain: "e2b.test",
		EnvdAccessToken: "tok", State: s.state, Metadata: meta, EndAt: s.endAt}
}

func (f *fakeE2B) live(id string) (*fakeSandbox, error) {
	s := f.sbs[id]
	if s == nil || s.state == "killed" {
		return nil, notFound(id)
	}
	return s, nil
}

func (f *fakeE2B) Create(ctx context.Context, o e2b.CreateOptions) (*e2b.Sandbox, error) {
	f.mu.Lock()
	gate := f.createGate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("create"); err != nil {
		return nil, err
	}
	f.seq++
	now := f.clock()
	s := &fakeSandbox{id: fmt.Sprintf("isb%04d", f.seq), template: o.TemplateID, state: "running",
		meta: o.Metadata, files: map[string][]byte{}, endAt: now.Add(o.Timeout), autoPause: o.AutoPause, runSince: now}
	f.sbs[s.id] = s
	f.calls["created"]++
	if f.lostCreate > 0 {
		f.lostCreate--
		return nil, errUnavailable
	}
	return f.view(s), nil
}

func (f *fakeE2B) Get(ctx context.Context, id string) (*e2b.Sandbox, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("get"); err != nil {
		return nil, err
	}
	s, err := f.live(id)
	if err != nil {
		return nil, err
	}
	return f.view(s), nil
}

func (f *fakeE2B) List(ctx context.Context, o e2b.ListOptions) ([]e2b.Sandbox, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("list"); err != nil {
		return nil, err
	}
	var out []e2b.Sandbox
	ids := make([]string, 0, len(f.sbs))
	for id := range f.sbs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
next:
	for _, id := range ids {
		s := f.sbs[id]
		if s.state == "killed" {
			continue
		}
		if len(o.State) > 0 && !contains(o.State, s.state) {
			continue
		}
		for k, v := range o.Metadata {
			if s.meta[k] != v {
				continue next
			}
		}
		v := f.view(s)
		v.EnvdAccessToken = "" // list items carry no token
		out = append(out, *v)
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func (f *fakeE2B) Connect(ctx context.Context, id string, timeout time.Duration) (*e2b.Sandbox, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("connect"); err != nil {
		return nil, false, err
	}
	s, err := f.live(id)
	if err != nil {
		return nil, false, err
	}
	now := f.clock()
	resumed := s.state == "paused"
	if resumed {
		s.state, s.runSince, s.endAt = "running", now, now.Add(timeout)
		f.calls["resumed"]++
	} else if now.Add(timeout).After(s.endAt) {
		s.endAt = now.Add(timeout)
	}
	return f.view(s), resumed, nil
}

func (f *fakeE2B) Pause(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("pause"); err != nil {
		return err
	}
	s, err := f.live(id)
	if err != nil {
		return err
	}
	if s.state == "paused" {
		return apperr.New(apperr.Conflict, "The sandbox is already paused.")
	}
	f.stop(s, f.clock())
	s.state = "paused"
	f.calls["paused"]++
	return nil
}

func (f *fakeE2B) Kill(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("kill"); err != nil {
		return err
	}
	s, err := f.live(id)
	if err != nil {
		return err
	}
	f.stop(s, f.clock())
	s.state = "killed"
	f.calls["killed"]++
	return nil
}

// expire kills a sandbox behind the manager's back.
func (f *fakeE2B) expire(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.sbs[id]; s != nil && s.state != "killed" {
		f.stop(s, f.clock())
		s.state = "killed"
	}
}

func (f *fakeE2B) SetTimeout(ctx context.Context, id string, timeout time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("timeout"); err != nil {
		return err
	}
	s, err := f.live(id)
	if err != nil {
		return err
	}
	if s.state != "running" {
		return notFound(id)
	}
	s.endAt = f.clock().Add(timeout)
	return nil
}

func (f *fakeE2B) HostURL(sb *e2b.Sandbox, port int) string {
	return fmt.Sprintf("https://%d-%s.e2b.test", port, sb.SandboxID)
}

func (f *fakeE2B) running(id string) (*fakeSandbox, error) {
	s, err := f.live(id)
	if err != nil {
		return nil, err
	}
	if s.state != "running" {
		return nil, apperr.New(apperr.Unavailable, "The sandbox is not running.")
	}
	return s, nil
}

func (f *fakeE2B) WriteFiles(ctx context.Context, sb *e2b.Sandbox, files []SandboxFile) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("write"); err != nil {
		return err
	}
	s, err := f.running(sb.SandboxID)
	if err != nil {
		return err
	}
	for _, fl := range files {
		if !path.IsAbs(fl.Path) {
			return apperr.Newf(apperr.Invalid, "relative path %q", fl.Path)
		}
		s.files[fl.Path] = append([]byte(nil), fl.Content...)
	}
	return nil
}

func (f *fakeE2B) Run(ctx context.Context, sb *e2b.Sandbox, cmd Command) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("run"); err != nil {
		return -1, err
	}
	s, err := f.running(sb.SandboxID)
	if err != nil {
		return -1, err
	}
	s.runs = append(s.runs, cmd.Line)
	if cmd.OnStdout != nil {
		cmd.OnStdout([]byte("ran " + cmd.Line + "\n"))
	}
	if f.installFails[cmd.Line] {
		return 1, nil
	}
	return 0, nil
}

// Execute records the code as a run and echoes it on stdout; the real
// interpreter is exercised through e2btest by the chat's tests.
func (f *fakeE2B) Execute(ctx context.Context, sb *e2b.Sandbox, code string, onEvent func(e2b.ExecEvent)) (*e2b.Execution, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("execute"); err != nil {
		return nil, err
	}
	s, err := f.running(sb.SandboxID)
	if err != nil {
		return nil, err
	}
	s.runs = append(s.runs, "python: "+code)
	out := code + "\n"
	if onEvent != nil {
		onEvent(e2b.ExecEvent{Type: e2b.EventStdout, Text: out})
	}
	return &e2b.Execution{Stdout: []string{out}}, nil
}

// WaitPort answers at once for a running sandbox.
func (f *fakeE2B) WaitPort(ctx context.Context, sb *e2b.Sandbox, port int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("waitport"); err != nil {
		return "", err
	}
	if _, err := f.running(sb.SandboxID); err != nil {
		return "", err
	}
	return f.HostURL(sb, port), nil
}

// snapshot helpers for assertions
func (f *fakeE2B) state(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep()
	if s := f.sbs[id]; s != nil {
		return s.state
	}
	return ""
}

func (f *fakeE2B) files(id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	if s := f.sbs[id]; s != nil {
		for k, v := range s.files {
			out[k] = string(v)
		}
	}
	return out
}

func (f *fakeE2B) runs(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.sbs[id]; s != nil {
		return append([]string(nil), s.runs...)
	}
	return nil
}

func (f *fakeE2B) liveIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep()
	var out []string
	for id, s := range f.sbs {
		if s.state != "killed" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func (f *fakeE2B) runningSeconds(id string) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep()
	s := f.sbs[id]
	if s == nil {
		return 0
	}
	r := s.runSecs
	if s.state == "running" {
		r += f.clock().Sub(s.runSince).Seconds()
	}
	return r
}

// seed adds a sandbox created "elsewhere" (a previous run of the app).
func (f *fakeE2B) seed(state string, meta map[string]string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	now := f.clock()
	s := &fakeSandbox{id: fmt.Sprintf("isb%04d", f.seq), template: meta[MetaTemplate], state: state, meta: meta,
		files: map[string][]byte{}, endAt: now.Add(time.Hour), autoPause: true, runSince: now}
	f.sbs[s.id] = s
	return s.id
}
