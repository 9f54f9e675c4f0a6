package frameguard

import (
	"net/http"
	"strings"
)

// PreviewHosts tells the policy where previews come from: the E2B domain in
// use and whether sandbox hosts are reached over plain HTTP (a local fake).
type PreviewHosts func() (domain string, plainHTTP bool)

// Policy is the Content-Security-Policy of the app's own page:
//   - scripts only from the app itself, no inline script, no eval (the
//     Wails runtime and bindings are files; Go's ExecJS is not subject to
//     the policy);
//   - styles from the app plus inline ones, because CodeMirror and Radix
//     insert <style> elements and style attributes at run time; styles
//     cannot run code;
//   - images from the app and data:/blob: URLs (charts arrive as base64);
//   - frames only from sandbox hosts of the E2B domain (and about:srcdoc
//     tables, which are not fetched); the app itself can never be framed,
//     so a preview cannot navigate a frame to the app's own origin and
//     script it;
//   - no plugins, no <base>, no form posts anywhere.
func Policy(domain string, plainHTTP bool) string {
	frames := "https://*." + domain
	if plainHTTP {
		frames += " http://*." + domain
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"media-src 'self' data: blob:",
		"worker-src 'self' blob:",
		"frame-src " + frames,
		"child-src " + frames,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// Middleware adds the policy (computed per request, so a changed E2B domain
// applies at the next page load) and a few hardening headers to every
// response of the app's asset server. It has the shape of Wails'
// assetserver.Middleware.
func Middleware(hosts PreviewHosts) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			domain, plain := hosts()
			h := w.Header()
			h.Set("Content-Security-Policy", Policy(domain, plain))
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}
