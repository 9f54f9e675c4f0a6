package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/store"
)

// env is a manager wired to the in-package fake E2B, a real SQLite store
// and an event recorder, all on one manual clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *testClock
	fake  *fakeE2B
	st    *store.Store
	rec   *events.Recorder
	cfg   Config
	m     *Manager
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func newEnv(t *testing.T, tweak ...func(*Config)) *env {
	t.Helper()
	clock := newTestClock()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, ctx: ctx, clock: clock, fake: newFakeE2B(clock.Now), st: st, rec: events.NewRecorder()}
	e.cfg = testConfig(func(context.Context) (Control, error) { return e.fake, nil }, st, e.rec, clock.Now, tweak)
	e.m = NewManager(e.cfg)
	t.Cleanup(e.m.Close)
	return e
}

// testConfig is the manager configuration both test environments share:
// ticks driven by the test, no real sleeping.
func testConfig(client ClientFunc, st Store, rec *events.Recorder, now func() time.Time, tweak []func(*Config)) Config {
	cfg := Config{Client: client, Store: st, Emitter: rec, Clock: now, ManualTick: true, Sleep: noSleep}
	for _, f := range tweak {
		f(&cfg)
	}
	return cfg
}

// restart simulates quitting and starting the app: a new manager on the
// same store and E2B.
func (e *env) restart() {
	e.m.Close()
	e.m = NewManager(e.cfg)
	e.t.Cleanup(e.m.Close)
}

func (e *env) project(name, template string) store.Project {
	e.t.Helper()
	p, err := e.st.CreateProject(e.ctx, store.NewProject{Name: name, Template: template})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) ensure(pid, template string) *Handle {
	e.t.Helper()
	h, err := e.m.Ensure(e.ctx, pid, template)
	if err != nil {
		e.t.Fatalf("Ensure: %v", err)
	}
	return h
}

func (e *env) stored(pid string) store.Project {
	e.t.Helper()
	p, err := e.st.GetProject(e.ctx, pid)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) states(pid string) []State {
	var out []State
	for _, p := range e.rec.Topic(events.SandboxStatus(pid)) {
		s := p.(Status)
		if len(out) == 0 || out[len(out)-1] != s.State {
			out = append(out, s.State)
		}
	}
	return out
}

// hasSeq reports whether want appears in got in order (not necessarily
// adjacent).
func hasSeq(got, want []State) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func (e *env) localFiles(pid string) map[string]string {
	e.t.Helper()
	fs, err := e.st.ListFiles(e.ctx, pid)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fs {
		out[DefaultRoot+"/"+f.Path] = string(f.Content)
	}
	return out
}

func TestEnsureCreatesAndRebuildsFromLocalCopy(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	if err := e.st.PutFiles(e.ctx, p.ID, []store.File{{Path: "app.py", Content: "print(1)"}, {Path: "lib/u.py", Content: "x=1"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"pip install pandas", "npm i left-pad"} {
		if err := e.st.AddInstall(e.ctx, p.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	h := e.ensure(p.ID, "")
	if !h.Rebuilt || h.Template != DefaultTemplate || h.Root != DefaultRoot {
		t.Fatalf("handle = %+v", h)
	}
	if got := e.fake.count("created"); got != 1 {
		t.Fatalf("creates = %d", got)
	}
	if got, want := e.fake.files(h.SandboxID), e.localFiles(p.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("files at E2B %v, local %v", got, want)
	}
	if got := e.fake.runs(h.SandboxID); !reflect.DeepEqual(got, []string{"pip install pandas", "npm i left-pad"}) {
		t.Fatalf("installs replayed = %v", got)
	}
	meta := e.fake.sbs[h.SandboxID].meta
	if meta[MetaApp] != AppName || meta[MetaProject] != p.ID || !e.fake.sbs[h.SandboxID].autoPause {
		t.Fatalf("create metadata %v autoPause %v", meta, e.fake.sbs[h.SandboxID].autoPause)
	}
	if sp := e.stored(p.ID); sp.SandboxID != h.SandboxID || sp.SandboxState != store.SandboxRunning {
		t.Fatalf("stored %q %q", sp.SandboxID, sp.SandboxState)
	}
	if got := e.states(p.ID); !hasSeq(got, []State{StateStarting, StateRebuilding, StateRunning}) {
		t.Fatalf("states = %v", got)
	}
	st := e.m.Status(p.ID)
	if st.State != StateRunning || st.SandboxID != h.SandboxID || !st.TimeoutAt.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("status = %+v", st)
	}
	if h.HostURL(3000) != "https://3000-"+h.SandboxID+".e2b.test" {
		t.Fatalf("host url %q", h.HostURL(3000))
	}
}

func TestEnsureCachedExtendsAtMostOncePerMinute(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	e.ensure(p.ID, "")
	steps := []struct {
		advance  time.Duration
		timeouts int
	}{
		{0, 0},
		{30 * time.Second, 0},
		{31 * time.Second, 1},
		{10 * time.Second, 1},
		{50 * time.Second, 2},
	}
	for i, s := range steps {
		e.clock.Advance(s.advance)
		e.ensure(p.ID, "")
		if got := e.fake.count("timeout"); got != s.timeouts {
			t.Fatalf("step %d: SetTimeout calls = %d, want %d", i, got, s.timeouts)
		}
	}
	if e.fake.count("connect") != 0 || e.fake.count("created") != 1 {
		t.Fatalf("cached path made calls: %v", e.fake.calls)
	}
}

func TestEnsureResumesPausedAcrossRestart(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	h1 := e.ensure(p.ID, "")
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if e.fake.state(h1.SandboxID) != "paused" || e.stored(p.ID).SandboxState != store.SandboxPaused {
		t.Fatal("not paused")
	}
	e.restart()
	if s := e.m.Status(p.ID); s.State != StatePaused || s.SandboxID != h1.SandboxID {
		t.Fatalf("status after restart = %+v", s)
	}
	h2 := e.ensure(p.ID, "")
	if h2.SandboxID != h1.SandboxID || !h2.Resumed || h2.Rebuilt {
		t.Fatalf("handle = %+v", h2)
	}
	if e.fake.count("created") != 1 || e.fake.count("resumed") != 1 {
		t.Fatalf("calls = %v", e.fake.calls)
	}
	if got := e.states(p.ID); !hasSeq(got, []State{StatePausing, StatePaused, StateResuming, StateRunning}) {
		t.Fatalf("states = %v", got)
	}
}

func TestLostSandboxIsRebuiltWithIdenticalFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		restart bool
	}{{"cached handle", false}, {"after restart", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.project("demo", "")
			h1 := e.ensure(p.ID, "")
			if err := keepFiles(e.ctx, e.st, e.m, e.ensure(p.ID, ""), []store.File{{Path: "./app.py", Content: "v1"}, {Path: "data/in.csv", Content: "a,b"}}); err != nil {
				t.Fatal(err)
			}
			if err := e.m.Install(e.ctx, e.ensure(p.ID, ""), "pip install rich", nil); err != nil {
				t.Fatal(err)
			}
			e.fake.expire(h1.SandboxID) // 404 from now on
			if tc.restart {
				e.restart()
			}
			e.clock.Advance(2 * time.Minute) // past the keepalive interval
			h2 := e.ensure(p.ID, "")
			if h2.SandboxID == h1.SandboxID || !h2.Rebuilt {
				t.Fatalf("handle = %+v", h2)
			}
			want := map[string]string{"/home/user/app.py": "v1", "/home/user/data/in.csv": "a,b"}
			if got := e.fake.files(h2.SandboxID); !reflect.DeepEqual(got, want) {
				t.Fatalf("rebuilt files = %v", got)
			}
			if got := e.fake.runs(h2.SandboxID); !reflect.DeepEqual(got, []string{"pip install rich"}) {
				t.Fatalf("replayed = %v", got)
			}
			if e.stored(p.ID).SandboxID != h2.SandboxID {
				t.Fatal("new id not stored")
			}
		})
	}
}

func TestConcurrentEnsureMakesOneSandbox(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	gate := make(chan struct{})
	e.fake.createGate = gate
	const n = 50
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tmpl := ""
			if i%2 == 0 {
				tmpl = DefaultTemplate // same sandbox either way
			}
			h, err := e.m.Ensure(e.ctx, p.ID, tmpl)
			errs[i] = err
			if h != nil {
				ids[i] = h.SandboxID
			}
		}()
	}
	close(gate)
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("call %d: id %q err %v (first %q)", i, ids[i], errs[i], ids[0])
		}
	}
	if got := e.fake.count("created"); got != 1 {
		t.Fatalf("creates = %d, want 1", got)
	}
}

func TestTemplateChangeReplacesSandbox(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	if err := e.st.PutFiles(e.ctx, p.ID, []store.File{{Path: "pages/index.tsx", Content: "export default 1"}}); err != nil {
		t.Fatal(err)
	}
	h1 := e.ensure(p.ID, "code-interpreter-v1")
	h2 := e.ensure(p.ID, "")
	if h2.SandboxID != h1.SandboxID {
		t.Fatal(`"" must accept whatever sandbox the project has`)
	}
	h3 := e.ensure(p.ID, "nextjs-developer")
	if h3.SandboxID == h1.SandboxID || h3.Template != "nextjs-developer" || !h3.Rebuilt {
		t.Fatalf("handle = %+v", h3)
	}
	if e.fake.state(h1.SandboxID) != "killed" {
		t.Fatal("old sandbox not deleted")
	}
	if got := e.fake.files(h3.SandboxID)["/home/user/pages/index.tsx"]; got != "export default 1" {
		t.Fatalf("file = %q", got)
	}
	// After a restart the template is learnt from the sandbox metadata.
	e.restart()
	h4 := e.ensure(p.ID, "nextjs-developer")
	if h4.SandboxID != h3.SandboxID || h4.Rebuilt {
		t.Fatalf("handle after restart = %+v", h4)
	}
}

func TestFaults(t *testing.T) {
	unavailable := func(n int) []error {
		out := make([]error, n)
		for i := range out {
			out[i] = errUnavailable
		}
		return out
	}
	t.Run("connect unavailable keeps the sandbox and recovers", func(t *testing.T) {
		e := newEnv(t)
		p := e.project("demo", "")
		h1 := e.ensure(p.ID, "")
		if err := keepFiles(e.ctx, e.st, e.m, e.ensure(p.ID, ""), []store.File{{Path: "a.py", Content: "1"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.m.Pause(e.ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		e.fake.fail("connect", errUnavailable)
		_, err := e.m.Ensure(e.ctx, p.ID, "")
		if !apperr.Is(err, apperr.Unavailable) {
			t.Fatalf("err = %v", err)
		}
		st := e.m.Status(p.ID)
		if st.State != StateError || st.Error == "" || st.SandboxID != h1.SandboxID {
			t.Fatalf("status = %+v", st)
		}
		if sp := e.stored(p.ID); sp.SandboxID != h1.SandboxID {
			t.Fatal("stored id lost on a transient error")
		}
		h2 := e.ensure(p.ID, "")
		if h2.SandboxID != h1.SandboxID || e.fake.count("created") != 1 {
			t.Fatalf("recovery made a new sandbox: %+v", h2)
		}
		if e.m.Status(p.ID).State != StateRunning {
			t.Fatal("not running after recovery")
		}
	})
	t.Run("create retried", func(t *testing.T) {
		e := newEnv(t)
		p := e.project("demo", "")
		e.fake.fail("create", unavailable(2)...)
		e.ensure(p.ID, "")
		if got := e.fake.liveIDs(); len(got) != 1 {
			t.Fatalf("live sandboxes = %v", got)
		}
	})
	t.Run("lost create response is adopted, not doubled", func(t *testing.T) {
		e := newEnv(t)
		p := e.project("demo", "")
		if err := e.st.PutFiles(e.ctx, p.ID, []store.File{{Path: "a.py", Content: "1"}}); err != nil {
			t.Fatal(err)
		}
		e.fake.lostCreate = 1
		h := e.ensure(p.ID, "")
		if got := e.fake.liveIDs(); len(got) != 1 || got[0] != h.SandboxID {
			t.Fatalf("live sandboxes = %v, handle %s", got, h.SandboxID)
		}
		if e.fake.files(h.SandboxID)["/home/user/a.py"] != "1" {
			t.Fatal("adopted sandbox was not rebuilt")
		}
	})
	t.Run("create keeps failing: clear error, nothing stored", func(t *testing.T) {
		e := newEnv(t)
		p := e.project("demo", "")
		if err := e.st.PutFiles(e.ctx, p.ID, []store.File{{Path: "a.py", Content: "1"}}); err != nil {
			t.Fatal(err)
		}
		e.fake.fail("create", unavailable(3)...)
		_, err := e.m.Ensure(e.ctx, p.ID, "")
		if !apperr.Is(err, apperr.Unavailable) {
			t.Fatalf("err = %v", err)
		}
		st := e.m.Status(p.ID)
		if st.State != StateError || st.Error != apperr.MessageOf(err) {
			t.Fatalf("status = %+v", st)
		}
		if sp := e.stored(p.ID); sp.SandboxID != "" {
			t.Fatalf("stored %q", sp.SandboxID)
		}
		if got := e.localFiles(p.ID); got["/home/user/a.py"] != "1" {
			t.Fatal("local copy touched")
		}
		e.ensure(p.ID, "") // works once E2B is back
	})
	t.Run("rebuild write fails: half-built sandbox deleted", func(t *testing.T) {
		e := newEnv(t)
		p := e.project("demo", "")
		if err := e.st.PutFiles(e.ctx, p.ID, []store.File{{Path: "a.py", Content: "1"}}); err != nil {
			t.Fatal(err)
		}
		e.fake.fail("write", errUnavailable)
		if _, err := e.m.Ensure(e.ctx, p.ID, ""); !apperr.Is(err, apperr.Unavailable) {
			t.Fatalf("err = %v", err)
		}
		if got := e.fake.liveIDs(); len(got) != 0 {
			t.Fatalf("half-built sandbox kept: %v", got)
		}
		if e.stored(p.ID).SandboxID != "" {
			t.Fatal("half-built sandbox stored")
		}
	})
	t.Run("no key", func(t *testing.T) {
		e := newEnv(t, func(c *Config) {
			c.Client = func(context.Context) (Control, error) {
				return nil, errors.New("keychain: no such item")
			}
		})
		p := e.project("demo", "")
		_, err := e.m.Ensure(e.ctx, p.ID, "")
		if !apperr.Is(err, apperr.Unauthorized) || apperr.MessageOf(err) != "Add your E2B API key in Settings to run code in a sandbox." {
			t.Fatalf("err = %v", err)
		}
		if s := e.m.Status(p.ID); s.State != StateError || s.Error == "" {
			t.Fatalf("status = %+v", s)
		}
	})
	t.Run("failed install only warns on rebuild", func(t *testing.T) {
		e := newEnv(t)
		p := e.project("demo", "")
		if err := e.st.AddInstall(e.ctx, p.ID, "pip install nope"); err != nil {
			t.Fatal(err)
		}
		e.fake.installFails["pip install nope"] = true
		e.ensure(p.ID, "")
		if s := e.m.Status(p.ID); s.State != StateRunning || s.Warning == "" {
			t.Fatalf("status = %+v", s)
		}
	})
}

func TestIdlePauseAndKeepalive(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	tick := func(d time.Duration) {
		e.clock.Advance(d)
		e.m.Tick(e.ctx)
	}
	tick(9 * time.Minute)
	if e.fake.state(h.SandboxID) != "running" {
		t.Fatal("paused too early")
	}
	e.m.Touch(p.ID)
	tick(time.Minute) // activity since the last extension, a minute passed
	if e.fake.count("timeout") != 1 {
		t.Fatalf("keepalive calls = %d", e.fake.count("timeout"))
	}
	tick(8 * time.Minute)
	if e.fake.state(h.SandboxID) != "running" {
		t.Fatal("touch did not postpone the idle pause")
	}
	tick(time.Minute)
	if e.fake.state(h.SandboxID) != "paused" || e.stored(p.ID).SandboxState != store.SandboxPaused {
		t.Fatal("idle sandbox not paused")
	}
	if s := e.m.Status(p.ID); s.State != StatePaused {
		t.Fatalf("status = %+v", s)
	}

	// A held sandbox (a long run) is never paused for idleness.
	e.ensure(p.ID, "")
	release := e.m.Hold(p.ID)
	tick(30 * time.Minute)
	if e.fake.state(h.SandboxID) != "running" {
		t.Fatal("held sandbox paused")
	}
	release()
	tick(11 * time.Minute)
	if e.fake.state(h.SandboxID) != "paused" {
		t.Fatal("released sandbox not paused")
	}
}

func TestSettingsOverrideTimeouts(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Settings = func(context.Context) (Timeouts, error) {
			return Timeouts{Timeout: 20 * time.Minute, IdlePause: 3 * time.Minute}, nil
		}
	})
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	if s := e.m.Status(p.ID); !s.TimeoutAt.Equal(e.clock.Now().Add(20 * time.Minute)) {
		t.Fatalf("timeoutAt = %v", s.TimeoutAt)
	}
	e.clock.Advance(3 * time.Minute)
	e.m.Tick(e.ctx)
	if e.fake.state(h.SandboxID) != "paused" {
		t.Fatal("idle setting ignored")
	}
}

func TestE2BAutoPauseIsNoticed(t *testing.T) {
	// The app was asleep: no ticks until long after the E2B timeout.
	e := newEnv(t, func(c *Config) { c.Timeout, c.IdlePause = 15*time.Minute, time.Hour })
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	e.clock.Advance(2 * time.Hour)
	e.m.Tick(e.ctx)
	if s := e.m.Status(p.ID); s.State != StatePaused || s.RunningSecondsTotal != 15*60 {
		t.Fatalf("status = %+v", s)
	}
	if e.fake.state(h.SandboxID) != "paused" {
		t.Fatal("fake did not auto-pause")
	}
	h2 := e.ensure(p.ID, "")
	if h2.SandboxID != h.SandboxID || !h2.Resumed {
		t.Fatalf("handle = %+v", h2)
	}
}

func TestCommands(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	h1 := e.ensure(p.ID, "")
	if err := keepFiles(e.ctx, e.st, e.m, e.ensure(p.ID, ""), []store.File{{Path: "app.py", Content: "v1"}}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		do    func() error
		state State
		fake  string // state of the current sandbox at the fake
	}{
		{"pause", func() error { return e.m.Pause(e.ctx, p.ID) }, StatePaused, "paused"},
		{"pause again", func() error { return e.m.Pause(e.ctx, p.ID) }, StatePaused, "paused"},
		{"resume", func() error { return e.m.Resume(e.ctx, p.ID) }, StateRunning, "running"},
		{"restart", func() error { return e.m.Restart(e.ctx, p.ID) }, StateRunning, "running"},
		{"kill", func() error { return e.m.Kill(e.ctx, p.ID) }, StateNone, ""},
		{"kill again", func() error { return e.m.Kill(e.ctx, p.ID) }, StateNone, ""},
		{"resume creates", func() error { return e.m.Resume(e.ctx, p.ID) }, StateRunning, "running"},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		st := e.m.Status(p.ID)
		if st.State != s.state {
			t.Fatalf("%s: state %s, want %s", s.name, st.State, s.state)
		}
		if s.fake != "" && e.fake.state(st.SandboxID) != s.fake {
			t.Fatalf("%s: fake state %s", s.name, e.fake.state(st.SandboxID))
		}
		if st.SandboxID != e.stored(p.ID).SandboxID {
			t.Fatalf("%s: store and status disagree", s.name)
		}
		if s.name == "restart" {
			if st.SandboxID == h1.SandboxID || e.fake.state(h1.SandboxID) != "killed" {
				t.Fatal("restart kept the old sandbox")
			}
			if e.fake.files(st.SandboxID)["/home/user/app.py"] != "v1" {
				t.Fatal("restart did not rebuild")
			}
		}
	}
	// delete-project: kill, then delete the row; nothing remains at E2B.
	if err := e.m.Kill(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteProject(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.liveIDs(); len(got) != 0 {
		t.Fatalf("live after delete: %v", got)
	}
	if _, err := e.m.Ensure(e.ctx, p.ID, ""); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("ensure on deleted project: %v", err)
	}
}

func TestOpenResumesInBackgroundOnly(t *testing.T) {
	e := newEnv(t)
	withSandbox := e.project("a", "")
	without := e.project("b", "")
	h := e.ensure(withSandbox.ID, "")
	if err := e.m.Pause(e.ctx, withSandbox.ID); err != nil {
		t.Fatal(err)
	}
	e.m.Open(withSandbox.ID)
	e.m.Open(without.ID)
	e.m.wg.Wait() // ManualTick: only the two Open goroutines
	if e.fake.state(h.SandboxID) != "running" || e.m.Status(withSandbox.ID).State != StateRunning {
		t.Fatal("open did not resume")
	}
	if e.fake.count("created") != 1 || e.m.Status(without.ID).State != StateNone {
		t.Fatal("open created a sandbox")
	}
}

// WriteFiles writes the sandbox only: the local copy (project_files) is
// the files owner's (package projectfiles), never the manager's.
func TestWriteFilesSandboxOnly(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	cases := []struct {
		name    string
		files   []store.File
		fault   error
		code    apperr.Code
		local   bool // the file is in the local copy afterwards (never)
		remote  bool // and in the sandbox
		relPath string
	}{
		{"ok", []store.File{{Path: "a.py", Content: "1"}}, nil, "", false, true, "a.py"},
		{"sandbox write fails", []store.File{{Path: "b.py", Content: "2"}}, apperr.New(apperr.Unavailable, "down"), apperr.Unavailable, false, false, "b.py"},
		{"escape refused", []store.File{{Path: "../etc/x", Content: "3"}}, nil, apperr.Invalid, false, false, "../etc/x"},
		{"absolute under root", []store.File{{Path: "/home/user/c.py", Content: "4"}}, nil, "", false, true, "c.py"},
	}
	for _, c := range cases {
		if c.fault != nil {
			e.fake.fail("write", c.fault)
		}
		err := e.m.WriteFiles(e.ctx, h, c.files)
		if apperr.CodeOf(err) != c.code {
			t.Fatalf("%s: err %v", c.name, err)
		}
		_, local := e.localFiles(p.ID)["/home/user/"+c.relPath]
		_, remote := e.fake.files(h.SandboxID)["/home/user/"+c.relPath]
		if local != c.local || remote != c.remote {
			t.Fatalf("%s: local %v remote %v", c.name, local, remote)
		}
	}
}

func TestInstallRecordsOnlySuccess(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	e.fake.installFails["pip install broken"] = true
	var out []string
	if err := e.m.Install(e.ctx, e.ensure(p.ID, ""), "pip install ok", func(stream string, b []byte) { out = append(out, stream+":"+string(b)) }); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Install(e.ctx, e.ensure(p.ID, ""), "pip install broken", nil); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("err = %v", err)
	}
	got, _ := e.st.ListInstalls(e.ctx, p.ID)
	if !reflect.DeepEqual(got, []string{"pip install ok"}) || len(out) == 0 {
		t.Fatalf("installs %v output %v", got, out)
	}
}

func TestPauseAll(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := 0; i < 3; i++ {
		p := e.project(fmt.Sprintf("p%d", i), "")
		ids = append(ids, e.ensure(p.ID, "").SandboxID)
	}
	paused := e.project("already paused", "")
	e.ensure(paused.ID, "")
	if err := e.m.Pause(e.ctx, paused.ID); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var progress [][2]int
	err := e.m.PauseAll(e.ctx, func(done, total int) {
		mu.Lock()
		progress = append(progress, [2]int{done, total})
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if e.fake.state(id) != "paused" {
			t.Fatalf("%s not paused", id)
		}
	}
	want := [][2]int{{0, 3}, {1, 3}, {2, 3}, {3, 3}}
	if !reflect.DeepEqual(progress, want) {
		t.Fatalf("progress = %v", progress)
	}
}

func TestPauseAllIsBounded(t *testing.T) {
	e := newEnv(t)
	ok := e.project("ok", "")
	hOK := e.ensure(ok.ID, "")
	stuck := e.project("stuck", "")
	e.fake.createGate = make(chan struct{}) // its create never finishes
	go func() { _, _ = e.m.Ensure(e.ctx, stuck.ID, "") }()
	for e.m.Status(stuck.ID).State != StateStarting {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Second) // the stuck one uses it all
	defer cancel()
	err := e.m.PauseAll(ctx, nil)
	if !apperr.Is(err, apperr.Unavailable) || apperr.MessageOf(err) == "" {
		t.Fatalf("err = %v", err)
	}
	if e.fake.state(hOK.SandboxID) != "paused" {
		t.Fatal("the healthy sandbox was not paused")
	}
	close(e.fake.createGate)
}

func TestReconcile(t *testing.T) {
	e := newEnv(t)
	adopted := e.project("adopted", "")
	vanished := e.project("vanished", "")
	none := e.project("none", "")
	gone := e.project("deleted later", "")
	meta := func(pid, tmpl string) map[string]string {
		return map[string]string{MetaApp: AppName, MetaProject: pid, MetaTemplate: tmpl}
	}
	runningID := e.fake.seed("running", meta(adopted.ID, "nextjs-developer"))
	dupID := e.fake.seed("paused", meta(adopted.ID, "nextjs-developer"))
	orphanID := e.fake.seed("paused", meta(gone.ID, DefaultTemplate))
	halfBuilt := e.fake.seed("running", meta(none.ID, DefaultTemplate))
	foreign := e.fake.seed("running", map[string]string{"app": "other"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.st.SetSandbox(e.ctx, adopted.ID, runningID, store.SandboxPaused))
	must(e.st.SetSandbox(e.ctx, vanished.ID, "isbgone", store.SandboxPaused))
	must(e.st.DeleteProject(e.ctx, gone.ID))

	must(e.m.Reconcile(e.ctx))

	wantFake := map[string]string{runningID: "running", dupID: "killed", orphanID: "killed", halfBuilt: "killed", foreign: "running"}
	for id, want := range wantFake {
		if got := e.fake.state(id); got != want {
			t.Errorf("fake %s = %s, want %s", id, got, want)
		}
	}
	wantStatus := []struct {
		pid   string
		state State
		sbID  string
		store string
	}{
		{adopted.ID, StateRunning, runningID, store.SandboxRunning},
		{vanished.ID, StateNone, "", store.SandboxNone},
		{none.ID, StateNone, "", store.SandboxNone},
	}
	for _, w := range wantStatus {
		s := e.m.Status(w.pid)
		sp := e.stored(w.pid)
		if s.State != w.state || s.SandboxID != w.sbID || sp.SandboxID != w.sbID || sp.SandboxState != w.store {
			t.Errorf("%s: status %+v stored %q/%q", w.pid, s, sp.SandboxID, sp.SandboxState)
		}
	}
	if s := e.m.Status(adopted.ID); s.Template != "nextjs-developer" {
		t.Errorf("template not learnt: %+v", s)
	}
	// The adopted running sandbox is paused once idle.
	e.clock.Advance(10 * time.Minute)
	e.m.Tick(e.ctx)
	if e.fake.state(runningID) != "paused" {
		t.Fatal("adopted sandbox not idle-paused")
	}
}

func TestRunningSecondsAccounting(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	for i := 0; i < 5; i++ { // 5 minutes of work, ticking every 5 s
		for j := 0; j < 12; j++ {
			e.clock.Advance(5 * time.Second)
			e.m.Touch(p.ID)
			e.m.Tick(e.ctx)
		}
	}
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	s := e.m.Status(p.ID)
	if s.RunningSecondsTotal != 300 || s.RunningSecondsToday != 300 {
		t.Fatalf("status = %+v", s)
	}
	if got := e.fake.runningSeconds(h.SandboxID); got != 300 {
		t.Fatalf("fake running seconds = %v", got)
	}
}

func TestStatusJSON(t *testing.T) {
	b, err := json.Marshal(Status{ProjectID: "p", State: StateRunning})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"projectId", "state", "sandboxId", "timeoutAt", "idlePauseAt", "runningSecondsToday", "runningSecondsTotal"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %q in %s", k, b)
		}
	}
	if events.SandboxStatus("p1") != "sandbox:status:p1" {
		t.Fatal(events.SandboxStatus("p1"))
	}
}

func TestUsageSplitsAtMidnight(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	en := &entry{accFrom: time.Date(2026, 3, 2, 23, 59, 0, 0, loc)}
	got := en.takeUsage(time.Date(2026, 3, 3, 0, 1, 30, 0, loc))
	if len(got) != 2 || got[0].secs != 60 || got[1].secs != 90 || got[1].day.Day() != 3 {
		t.Fatalf("chunks = %+v", got)
	}
}

// keepFiles is what the files owner (package projectfiles) does with a
// change: the project's local copy first, then the sandbox of h.
func keepFiles(ctx context.Context, st *store.Store, m *Manager, h *Handle, files []store.File) error {
	clean := make([]store.File, len(files))
	for i, f := range files {
		clean[i] = store.File{Path: strings.TrimPrefix(f.Path, "./"), Content: f.Content}
	}
	if err := st.PutFiles(ctx, h.ProjectID, clean); err != nil {
		return err
	}
	return m.WriteFiles(ctx, h, files)
}
