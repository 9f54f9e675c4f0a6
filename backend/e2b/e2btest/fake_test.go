package e2btest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/e2b"
)

// recTB records Errorf calls instead of failing, to test that the fake
// fails the test on openapi mismatches.
type recTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recTB) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func TestFakeRejectsRequestsOutsideTheSpec(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		wantErr                  string
	}{
		{"create without templateID", "POST", "/sandboxes", `{"timeout":30}`, "does not match openapi.yml"},
		{"create with wrong type", "POST", "/sandboxes", `{"templateID":"x","timeout":"30"}`, "does not match openapi.yml"},
		{"connect without body", "POST", "/sandboxes/iabc/connect", ``, "does not match openapi.yml"},
		{"bad state", "GET", "/v2/sandboxes?state=dead", ``, "does not match openapi.yml"},
		{"unknown path", "GET", "/sandboxes/iabc/whatever", ``, "not an operation"},
		{"fork of too many", "POST", "/sandboxes/iabc/fork", `{"count":101}`, "does not match openapi.yml"},
		{"snapshot without body", "POST", "/sandboxes/iabc/snapshots", ``, "does not match openapi.yml"},
		{"snapshot list over the page size", "GET", "/snapshots?limit=500", ``, "does not match openapi.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &recTB{TB: t}
			f := New(rt)
			cfg := f.Config("e2b_00")
			req, _ := http.NewRequest(tt.method, "http://api."+f.Domain()+tt.path, strings.NewReader(tt.body))
			req.Header.Set("X-API-Key", cfg.APIKey)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := f.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			errs := rt.errors()
			if len(errs) != 1 || !strings.Contains(errs[0], tt.wantErr) {
				t.Fatalf("recorded %q, want one error containing %q", errs, tt.wantErr)
			}
		})
	}
}

func TestValidatorCatchesBadResponses(t *testing.T) {
	v, err := newValidator()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://api.e2b.test/sandboxes/iabc", nil)
	in, rerr, verr := v.request(req)
	if rerr != nil || verr != nil {
		t.Fatal(rerr, verr)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	good := `{"templateID":"t","sandboxID":"iabc","clientID":"c","startedAt":"2026-01-01T00:00:00Z","endAt":"2026-01-01T00:05:00Z","cpuCount":2,"memoryMB":512,"diskSizeMB":1,"state":"running","envdVersion":"0.6.13"}`
	if err := v.response(in, 200, h, []byte(good)); err != nil {
		t.Fatalf("good detail rejected: %v", err)
	}
	for _, bad := range []string{
		`{"templateID":"t"}`, // missing required fields
		strings.Replace(good, `"running"`, `"sleeping"`, 1),
		strings.Replace(good, `"cpuCount":2`, `"cpuCount":0`, 1),
	} {
		if err := v.response(in, 200, h, []byte(bad)); err == nil {
			t.Errorf("bad detail accepted: %s", bad)
		}
	}
	if err := v.response(in, 404, h, []byte(`{"message":"x"}`)); err == nil {
		t.Error("error body without code accepted")
	}
}

func TestFakeRoutesOnlyItsDomain(t *testing.T) {
	f := New(t)
	_, err := f.HTTPClient().Get("http://example.com/")
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("err = %v", err)
	}
}

func TestPreview(t *testing.T) {
	f := New(t)
	c, err := e2b.New(f.Config("e2b_00"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sb, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "nextjs-developer", Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	get := func(p string) (int, string) {
		resp, err := f.HTTPClient().Get(c.HostURL(sb, 3000) + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get("/"); st != 502 || !strings.Contains(body, "port is not open") {
		t.Fatalf("empty sandbox: %d %s", st, body)
	}
	env := c.Envd(sb).WithRoot("/home/user/app")
	if err := env.WriteFiles(ctx, []e2b.File{{Path: "pages/index.tsx", Content: "export default () => 1"}}); err != nil {
		t.Fatal(err)
	}
	if st, body := get("/"); st != 200 || !strings.Contains(body, sb.SandboxID) || !strings.Contains(body, "app/pages/index.tsx") {
		t.Fatalf("generated page: %d %s", st, body)
	}
	// An app that never opens its port, on demand (the proxy's own answer),
	// though files are there.
	f.FailNth(EndpointPreview, f.Calls(EndpointPreview)+1, FaultPortClosed)
	if st, body := get("/"); st != 502 || !strings.Contains(body, "port is not open") {
		t.Fatalf("port-closed fault: %d %s", st, body)
	}
	if err := env.WriteFiles(ctx, []e2b.File{{Path: "public/index.html", Content: "<h1>hello</h1>"}, {Path: "public/app.js", Content: "1"}}); err != nil {
		t.Fatal(err)
	}
	if st, body := get("/"); st != 200 || body != "<h1>hello</h1>" {
		t.Fatalf("index: %d %q", st, body)
	}
	if st, body := get("/app.js"); st != 200 || body != "1" {
		t.Fatalf("asset: %d %q", st, body)
	}
	if st, _ := get("/missing.js"); st != 404 {
		t.Fatalf("missing: %d", st)
	}
	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	if st, body := get("/"); st != 502 || !strings.Contains(body, "sandbox was not found") {
		t.Fatalf("paused: %d %s", st, body)
	}
}

func TestClockHooks(t *testing.T) {
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewClock(start)
	n := 0
	c.onAdvance(func() { n++ })
	c.Advance(time.Minute)
	c.Set(start) // in the past: ignored
	if !c.Now().Equal(start.Add(time.Minute)) || n != 2 {
		t.Fatalf("now %v hooks %d", c.Now(), n)
	}
}

func TestUploadKeepsFullPath(t *testing.T) {
	f := New(t)
	c, _ := e2b.New(f.Config("e2b_00"))
	sb, err := c.Create(context.Background(), e2b.CreateOptions{TemplateID: "base"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Envd(sb).WriteFiles(context.Background(), []e2b.File{{Path: "/home/user/a/b/c.txt", Content: "x"}, {Path: "rel.txt", Content: ""}}); err != nil {
		t.Fatal(err)
	}
	files := f.Files(sb.SandboxID)
	if !bytes.Equal(files["/home/user/a/b/c.txt"], []byte("x")) {
		t.Fatalf("files %v", files)
	}
	if _, ok := files["/home/user/rel.txt"]; !ok {
		t.Fatalf("relative path not under home: %v", files)
	}
}
