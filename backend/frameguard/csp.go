package frameguard

import (
	"net/http"
	"path"
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

// Middleware adds a few hardening headers to every response of the app's
// asset server and the policy to its documents (computed per page load, so
// a changed E2B domain applies at the next one; scripts, styles and images
// need no policy of their own, and computing it reads the settings). It has
// the shape of Wails' assetserver.Middleware.
func Middleware(hosts PreviewHosts) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			if isDocument(r.URL.Path) {
				domain, plain := hosts()
				h.Set("Content-Security-Policy", Policy(domain, plain))
			}
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

// isDocument says whether a path is a page (the app's index.html, served for
// "/" and for paths without an extension) rather than an asset.
func isDocument(p string) bool {
	if p == "" || strings.HasSuffix(p, "/") || strings.HasSuffix(p, ".html") {
		return true
	}
	return path.Ext(p) == ""
}
