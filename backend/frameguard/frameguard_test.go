package frameguard

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The scripts name the world's event by the same constant as the Go side
// (they are plain files so that WebKit gets them byte for byte).
func TestScriptsAgreeOnTheEvent(t *testing.T) {
	for name, src := range map[string]string{"isolated.js": isolatedJS, "main.js": mainJS} {
		if !strings.Contains(src, "'"+Event+"'") {
			t.Errorf("%s does not use the event %q", name, Event)
		}
		if !strings.Contains(src, "window.top !== window") {
			t.Errorf("%s does not refuse to run outside the top frame", name)
		}
	}
	if !strings.Contains(isolatedJS, "messageHandlers.external") {
		t.Error("isolated.js does not post to Wails' handler")
	}
	if !strings.Contains(mainJS, "WailsInvoke") {
		t.Error("main.js does not define what the Wails runtime calls")
	}
}

func TestInstallWithoutAWindow(t *testing.T) {
	r := Install().WaitTimeout(time.Second)
	if r.Needed || !r.Isolated {
		t.Fatalf("a build without the desktop frontend needs no guard: %+v", r)
	}
}

func TestPolicy(t *testing.T) {
	cases := []struct {
		name      string
		domain    string
		plainHTTP bool
		want      []string
		notWant   []string
	}{
		{"hosted E2B", "e2b.app", false,
			[]string{"script-src 'self'", "frame-src https://*.e2b.app;", "frame-ancestors 'none'", "object-src 'none'"},
			[]string{"http://*.e2b.app", "unsafe-eval", "script-src 'self' 'unsafe-inline'"}},
		{"local fake over http", "e2b.test", true,
			[]string{"frame-src https://*.e2b.test http://*.e2b.test;"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Policy(c.domain, c.plainHTTP)
			for _, w := range c.want {
				if !strings.Contains(p+";", w) {
					t.Errorf("policy %q lacks %q", p, w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(p, w) {
					t.Errorf("policy %q has %q", p, w)
				}
			}
		})
	}
}

func TestMiddlewareSetsThePolicyPerRequest(t *testing.T) {
	domain := "e2b.app"
	h := Middleware(func() (string, bool) { return domain, false })(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<!doctype html>"))
	}))
	for _, d := range []string{"e2b.app", "sandbox.example.com"} {
		domain = d
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-src https://*."+d+";") {
			t.Errorf("domain %s: policy %q", d, csp)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("domain %s: no X-Frame-Options", d)
		}
	}
	// Assets get the hardening headers without a settings read.
	calls := 0
	h = Middleware(func() (string, bool) { calls++; return "e2b.app", false })(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, p := range []string{"/assets/index-abc.js", "/assets/index.css", "/wails/runtime.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Content-Security-Policy") != "" {
			t.Errorf("%s: headers %v", p, rec.Header())
		}
	}
	if calls != 0 {
		t.Errorf("an asset read the settings %d times", calls)
	}
}
