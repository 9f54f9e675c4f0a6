package e2b_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

func newClient(t *testing.T, f *e2btest.Fake, mod ...func(*e2b.Config)) *e2b.Client {
	t.Helper()
	cfg := f.Config("e2b_0123456789abcdef")
	for _, m := range mod {
		m(&cfg)
	}
	c, err := e2b.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func create(t *testing.T, c *e2b.Client, opts e2b.CreateOptions) *e2b.Sandbox {
	t.Helper()
	if opts.TemplateID == "" {
		opts.TemplateID = "code-interpreter-v1"
	}
	sb, err := c.Create(context.Background(), opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return sb
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if !apperr.Is(err, code) {
		t.Fatalf("error = %v (code %q), want code %q", err, apperr.CodeOf(err), code)
	}
	if apperr.MessageOf(err) == "" {
		t.Fatalf("error %v has no user-facing sentence", err)
	}
}

func TestNewConfig(t *testing.T) {
	env := map[string]string{"E2B_DOMAIN": "self.example.org", "E2B_API_URL": "http://localhost:3000"}
	tests := []struct {
		name       string
		cfg        e2b.Config
		wantDomain string
		wantAPI    string
		wantCode   apperr.Code
	}{
		{"defaults", e2b.Config{APIKey: "k", Getenv: func(string) string { return "" }}, "e2b.app", "https://api.e2b.app", ""},
		{"env", e2b.Config{APIKey: "k", Getenv: func(k string) string { return env[k] }}, "self.example.org", "http://localhost:3000", ""},
		{"fields beat env", e2b.Config{APIKey: "k", Domain: "Mine.Example.COM", Getenv: func(k string) string { return env[k] }}, "mine.example.com", "http://localhost:3000", ""},
		{"api from domain", e2b.Config{APIKey: "k", Domain: "e2b.dev", Getenv: func(string) string { return "" }}, "e2b.dev", "https://api.e2b.dev", ""},
		{"no key", e2b.Config{Getenv: func(string) string { return "" }}, "", "", apperr.Unauthorized},
		{"bad domain", e2b.Config{APIKey: "k", Domain: "evil.com/x", Getenv: func(string) string { return "" }}, "", "", apperr.Invalid},
		{"bad api url", e2b.Config{APIKey: "k", APIURL: "ftp://x", Getenv: func(string) string { return "" }}, "", "", apperr.Invalid},
		{"bad user", e2b.Config{APIKey: "k", User: "a b", Getenv: func(string) string { return "" }}, "", "", apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := e2b.New(tt.cfg)
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Domain() != tt.wantDomain || c.APIURL() != tt.wantAPI {
				t.Fatalf("domain %q api %q, want %q %q", c.Domain(), c.APIURL(), tt.wantDomain, tt.wantAPI)
			}
		})
	}
}

func TestHostURL(t *testing.T) {
	c, err := e2b.New(e2b.Config{APIKey: "k", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sb   e2b.Sandbox
		port int
		want string
	}{
		{e2b.Sandbox{SandboxID: "ixyz0123456789abcdefg"}, 3000, "https://3000-ixyz0123456789abcdefg.e2b.app"},
		{e2b.Sandbox{SandboxID: "iabc", Domain: "eu.e2b.dev"}, 49983, "https://49983-iabc.eu.e2b.dev"},
	}
	for _, tt := range tests {
		if got := c.HostURL(&tt.sb, tt.port); got != tt.want {
			t.Errorf("HostURL = %q, want %q", got, tt.want)
		}
	}
}

func TestLifecycle(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	md := map[string]string{"projectID": "p1", "app": "tessera"}
	sb := create(t, c, e2b.CreateOptions{Timeout: 10 * time.Minute, Metadata: md, EnvVars: map[string]string{"A": "1"}, AutoPause: true, Secure: true})
	if err := e2b.ValidateSandboxID(sb.SandboxID); err != nil || len(sb.SandboxID) != 21 {
		t.Fatalf("bad id %q", sb.SandboxID)
	}
	if sb.EnvdAccessToken == "" || sb.Domain != f.Domain() || sb.State != e2b.StateRunning || sb.Alias != "code-interpreter-v1" || sb.EnvdVersion == "" {
		t.Fatalf("create returned %+v", sb)
	}
	info, _ := f.Info(sb.SandboxID)
	if !info.AutoPause || !info.Secure || info.EnvVars["A"] != "1" || info.EndAt.Sub(info.StartedAt) != 10*time.Minute {
		t.Fatalf("fake saw %+v", info)
	}

	got, err := c.Get(ctx, sb.SandboxID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != e2b.StateRunning || got.Metadata["projectID"] != "p1" || got.EndAt.Sub(got.StartedAt) != 10*time.Minute {
		t.Fatalf("get = %+v", got)
	}

	// Connect to a running sandbox extends only.
	sb2, resumed, err := c.Connect(ctx, sb.SandboxID, time.Minute)
	if err != nil || resumed {
		t.Fatalf("connect running: resumed=%v err=%v", resumed, err)
	}
	if sb2.EnvdAccessToken != sb.EnvdAccessToken {
		t.Fatal("token changed on connect")
	}
	if info, _ := f.Info(sb.SandboxID); info.EndAt.Sub(info.StartedAt) != 10*time.Minute {
		t.Fatalf("connect shortened the sandbox: %v", info.EndAt)
	}

	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.Sandbox(sb.SandboxID); st != "paused" {
		t.Fatalf("state after pause = %q", st)
	}
	wantCode(t, c.Pause(ctx, sb.SandboxID), apperr.Conflict)
	wantCode(t, c.SetTimeout(ctx, sb.SandboxID, time.Minute), apperr.NotFound)
	wantCode(t, c.Refresh(ctx, sb.SandboxID, time.Minute), apperr.NotFound)

	_, resumed, err = c.Connect(ctx, sb.SandboxID, 5*time.Minute)
	if err != nil || !resumed {
		t.Fatalf("connect paused: resumed=%v err=%v", resumed, err)
	}
	if err := c.SetTimeout(ctx, sb.SandboxID, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if info, _ := f.Info(sb.SandboxID); info.EndAt.Sub(f.Clock().Now()) != 30*time.Second {
		t.Fatalf("set timeout did not shorten: end %v now %v", info.EndAt, f.Clock().Now())
	}
	if err := c.Refresh(ctx, sb.SandboxID, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	if info, _ := f.Info(sb.SandboxID); info.EndAt.Sub(f.Clock().Now()) != 2*time.Minute {
		t.Fatalf("refresh did not extend: end %v", info.EndAt)
	}
	if err := c.Kill(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"get":  func() error { _, err := c.Get(ctx, sb.SandboxID); return err }(),
		"kill": c.Kill(ctx, sb.SandboxID),
		"connect": func() error {
			_, _, err := c.Connect(ctx, sb.SandboxID, time.Minute)
			return err
		}(),
		"pause": c.Pause(ctx, sb.SandboxID),
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, err, apperr.NotFound) })
	}
	want := e2btest.Counts{Creates: 1, Connects: 2, Pauses: 1, Resumes: 1, Kills: 1}
	if got := f.Counts(); got != want {
		t.Fatalf("counts = %+v, want %+v", got, want)
	}
}

func TestExpiryOnFakeClock(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	paused := create(t, c, e2b.CreateOptions{Timeout: time.Minute, AutoPause: true})
	killed := create(t, c, e2b.CreateOptions{Timeout: time.Minute})
	long := create(t, c, e2b.CreateOptions{Timeout: time.Hour})

	f.Clock().Advance(2 * time.Minute)

	if st, _ := f.Sandbox(paused.SandboxID); st != "paused" {
		t.Fatalf("auto-pause sandbox is %q", st)
	}
	wantCode(t, func() error { _, err := c.Get(ctx, killed.SandboxID); return err }(), apperr.NotFound)
	if got := f.RunningSeconds(paused.SandboxID); got != 60 {
		t.Fatalf("running seconds = %v, want 60 (stops at the end time)", got)
	}
	if got := f.RunningSeconds(long.SandboxID); got != 120 {
		t.Fatalf("running seconds = %v, want 120", got)
	}
	// Pause keeps files: resume and the sandbox is back.
	if _, resumed, err := c.Connect(ctx, paused.SandboxID, time.Minute); err != nil || !resumed {
		t.Fatalf("resume after auto-pause: %v %v", resumed, err)
	}
	if got := f.Counts(); got.AutoPauses != 1 || got.Expiries != 2 || got.Kills != 1 {
		t.Fatalf("counts %+v", got)
	}
	f.Expire(long.SandboxID)
	wantCode(t, c.Kill(ctx, long.SandboxID), apperr.NotFound)
}

func TestList(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	a := create(t, c, e2b.CreateOptions{Metadata: map[string]string{"projectID": "a b&c=d", "app": "tessera"}})
	b := create(t, c, e2b.CreateOptions{Metadata: map[string]string{"projectID": "b", "app": "tessera"}})
	other := create(t, c, e2b.CreateOptions{Metadata: map[string]string{"app": "other"}})
	if err := c.Pause(ctx, b.SandboxID); err != nil {
		t.Fatal(err)
	}
	ids := func(l []e2b.Sandbox) map[string]string {
		m := map[string]string{}
		for _, s := range l {
			m[s.SandboxID] = s.State
		}
		return m
	}
	tests := []struct {
		name string
		opts e2b.ListOptions
		want map[string]string
	}{
		{"all", e2b.ListOptions{}, map[string]string{a.SandboxID: "running", b.SandboxID: "paused", other.SandboxID: "running"}},
		{"running", e2b.ListOptions{State: []string{"running"}}, map[string]string{a.SandboxID: "running", other.SandboxID: "running"}},
		{"paused", e2b.ListOptions{State: []string{"paused"}}, map[string]string{b.SandboxID: "paused"}},
		{"app", e2b.ListOptions{Metadata: map[string]string{"app": "tessera"}}, map[string]string{a.SandboxID: "running", b.SandboxID: "paused"}},
		{"escaped value", e2b.ListOptions{Metadata: map[string]string{"projectID": "a b&c=d"}}, map[string]string{a.SandboxID: "running"}},
		{"and", e2b.ListOptions{State: []string{"running", "paused"}, Metadata: map[string]string{"app": "tessera", "projectID": "b"}}, map[string]string{b.SandboxID: "paused"}},
		{"none", e2b.ListOptions{Metadata: map[string]string{"app": "nope"}}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := c.List(ctx, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(l)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("got %v want %v", got, tt.want)
				}
			}
		})
	}
	_, err := c.List(ctx, e2b.ListOptions{State: []string{"dead"}})
	wantCode(t, err, apperr.Invalid)
}

func TestListPaginates(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	for i := 0; i < 103; i++ {
		create(t, c, e2b.CreateOptions{})
	}
	l, err := c.List(context.Background(), e2b.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 103 || f.Calls(e2btest.EndpointList) != 2 {
		t.Fatalf("listed %d in %d calls", len(l), f.Calls(e2btest.EndpointList))
	}
}

func TestBadInputNeverSent(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	bad := []string{"", "../x", "IABC", "i/../../v2", "a b", "i?x=1", "iabc.evil.com", string(make([]byte, 65))}
	for _, id := range bad {
		_, err := c.Get(ctx, id)
		wantCode(t, err, apperr.Invalid)
		wantCode(t, c.Kill(ctx, id), apperr.Invalid)
		_, _, err = c.Connect(ctx, id, time.Minute)
		wantCode(t, err, apperr.Invalid)
		wantCode(t, c.Envd(&e2b.Sandbox{SandboxID: id}).MakeDir(ctx, "x"), apperr.Invalid)
	}
	_, err := c.Create(ctx, e2b.CreateOptions{})
	wantCode(t, err, apperr.Invalid)
	_, err = c.Create(ctx, e2b.CreateOptions{TemplateID: "x", Timeout: -time.Second})
	wantCode(t, err, apperr.Invalid)
	wantCode(t, c.SetTimeout(ctx, "iabc", 0), apperr.Invalid)
	wantCode(t, c.Refresh(ctx, "iabc", 2*time.Hour), apperr.Invalid)
	for _, ep := range []string{e2btest.EndpointGet, e2btest.EndpointKill, e2btest.EndpointConnect, e2btest.EndpointCreate, e2btest.EndpointTimeout, e2btest.EndpointRefresh} {
		if n := f.Calls(ep); n != 0 {
			t.Errorf("%s reached the server %d times", ep, n)
		}
	}
}

func TestServerErrors(t *testing.T) {
	f := e2btest.New(t, e2btest.WithTemplates("code-interpreter-v1"), e2btest.WithMaxRunning(1), e2btest.WithMaxLifetime(time.Hour))
	c := newClient(t, f)
	ctx := context.Background()
	_, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "nope"})
	wantCode(t, err, apperr.NotFound)
	_, err = c.Create(ctx, e2b.CreateOptions{TemplateID: "code-interpreter-v1", Timeout: 2 * time.Hour})
	wantCode(t, err, apperr.Invalid)
	create(t, c, e2b.CreateOptions{})
	_, err = c.Create(ctx, e2b.CreateOptions{TemplateID: "code-interpreter-v1"})
	wantCode(t, err, apperr.RateLimited) // concurrency limit
	if n := f.Calls(e2btest.EndpointCreate); n != 5 {
		t.Fatalf("create calls = %d, want 5 (one more try only after the 429)", n)
	}

	bad := newClient(t, f, func(c *e2b.Config) { c.APIKey = "e2b_bad" })
	_, err = bad.List(ctx, e2b.ListOptions{})
	wantCode(t, err, apperr.Unauthorized)
	if e2b.StatusOf(err) != http.StatusUnauthorized {
		t.Fatalf("status = %d", e2b.StatusOf(err))
	}
}

func TestRetries(t *testing.T) {
	kinds := []struct {
		name string
		kind e2btest.FaultKind
	}{
		{"5xx", e2btest.Fault5xx},
		{"reset", e2btest.FaultReset},
		{"timeout", e2btest.FaultTimeout},
		{"429", e2btest.Fault429},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			f := e2btest.New(t)
			f.SetRetryAfter(0)
			c := newClient(t, f, func(c *e2b.Config) { c.RequestTimeout = 300 * time.Millisecond })
			ctx := context.Background()
			sb := create(t, c, e2b.CreateOptions{})

			// Idempotent calls are repeated and succeed.
			f.FailNext(e2btest.EndpointGet, k.kind)
			if _, err := c.Get(ctx, sb.SandboxID); err != nil {
				t.Fatalf("get not retried: %v", err)
			}
			f.FailNext(e2btest.EndpointConnect, k.kind)
			if _, _, err := c.Connect(ctx, sb.SandboxID, time.Minute); err != nil {
				t.Fatalf("connect not retried: %v", err)
			}
			f.FailNext(e2btest.EndpointTimeout, k.kind)
			if err := c.SetTimeout(ctx, sb.SandboxID, time.Minute); err != nil {
				t.Fatalf("timeout not retried: %v", err)
			}

			// Create is not, except after a 429 (E2B did nothing): once.
			before := f.Calls(e2btest.EndpointCreate)
			f.FailNext(e2btest.EndpointCreate, k.kind)
			_, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "base"})
			if k.kind == e2btest.Fault429 {
				if err != nil {
					t.Fatalf("create not tried again after a 429: %v", err)
				}
				if n := f.Calls(e2btest.EndpointCreate) - before; n != 2 {
					t.Fatalf("create sent %d times, want 2", n)
				}
				return
			}
			if err == nil {
				t.Fatal("create succeeded through a fault")
			}
			wantCode(t, err, apperr.Unavailable)
			if n := f.Calls(e2btest.EndpointCreate) - before; n != 1 {
				t.Fatalf("create sent %d times, want 1", n)
			}
		})
	}
}

func TestRetryGivesUp(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	sb := create(t, c, e2b.CreateOptions{})
	for i := 1; i <= 3; i++ {
		f.FailNth(e2btest.EndpointGet, i, e2btest.Fault5xx)
	}
	_, err := c.Get(context.Background(), sb.SandboxID)
	wantCode(t, err, apperr.Unavailable)
	if n := f.Calls(e2btest.EndpointGet); n != 3 {
		t.Fatalf("get attempts = %d, want 3 (MaxAttempts)", n)
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	sb := create(t, c, e2b.CreateOptions{})
	// Longer than the config's MaxRetryAfter (2 s): returned, not waited.
	f.SetRetryAfter(30)
	f.FailNext(e2btest.EndpointGet, e2btest.Fault429)
	_, err := c.Get(context.Background(), sb.SandboxID)
	wantCode(t, err, apperr.RateLimited)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.RetryAfter != 30*time.Second {
		t.Fatalf("RetryAfter = %v", ae.RetryAfter)
	}
}

// A 429 on create: the client waits the Retry-After, says so first, and
// tries once more; a second 429 is returned with its sentence.
func TestCreateWaitsOutA429AndSaysSo(t *testing.T) {
	f := e2btest.New(t)
	f.SetRetryAfter(1)
	c := newClient(t, f)
	var waits []e2b.Wait
	ctx := e2b.WithWaits(context.Background(), func(w e2b.Wait) { waits = append(waits, w) })
	f.FailNext(e2btest.EndpointCreate, e2btest.Fault429)
	start := time.Now()
	if _, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "code-interpreter-v1"}); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0].For != time.Second || waits[0].Sentence != "E2B is limiting requests; Tessera tries to create the sandbox again in a second." {
		t.Fatalf("waits %+v", waits)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("tried again after %v, before the Retry-After", el)
	}
	waits = nil
	f.FailNth(e2btest.EndpointCreate, f.Calls(e2btest.EndpointCreate)+1, e2btest.Fault429)
	f.FailNth(e2btest.EndpointCreate, f.Calls(e2btest.EndpointCreate)+2, e2btest.Fault429)
	before := f.Calls(e2btest.EndpointCreate)
	_, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "code-interpreter-v1"})
	wantCode(t, err, apperr.RateLimited)
	if n := f.Calls(e2btest.EndpointCreate) - before; n != 2 || len(waits) != 1 {
		t.Fatalf("create sent %d times with %d waits, want 2 and 1", n, len(waits))
	}
}

func TestLostResponse(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()

	// The server created a sandbox but the answer was lost: the client
	// must report failure and not create a second one.
	f.FailNext(e2btest.EndpointCreate, e2btest.FaultLostResponse)
	_, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "base"})
	wantCode(t, err, apperr.Unavailable)
	if got := f.Counts().Creates; got != 1 {
		t.Fatalf("creates = %d, want exactly 1", got)
	}

	// Kill whose answer was lost: the retry's 404 means done.
	sb := create(t, c, e2b.CreateOptions{})
	f.FailNext(e2btest.EndpointKill, e2btest.FaultLostResponse)
	if err := c.Kill(ctx, sb.SandboxID); err != nil {
		t.Fatalf("kill after lost answer: %v", err)
	}
	// Pause whose answer was lost: the retry's 409 means done.
	sb = create(t, c, e2b.CreateOptions{})
	f.FailNext(e2btest.EndpointPause, e2btest.FaultLostResponse)
	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatalf("pause after lost answer: %v", err)
	}
	if st, _ := f.Sandbox(sb.SandboxID); st != "paused" {
		t.Fatalf("state %q", st)
	}
}

func TestCancelAndLatency(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	sb := create(t, c, e2b.CreateOptions{})
	f.Latency(e2btest.EndpointGet, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := c.Get(ctx, sb.SandboxID)
	wantCode(t, err, apperr.Canceled)
	if time.Since(start) > 4*time.Second {
		t.Fatal("cancel did not stop the call")
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	_, err = c.Get(dctx, sb.SandboxID)
	wantCode(t, err, apperr.Unavailable)
}
