package e2btest

import (
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// webRoots are the folders (relative to a project folder) searched for
// index.html, in order.
var webRoots = []string{"", "public", "dist", "build", "out", "static"}

// preview serves https://<port>-<id>.<domain>/ for app templates. There is
// no real dev server: the fake serves the written files, preferring an
// index.html, else a small page naming the sandbox and listing the files.
// With nothing written yet it answers the proxy's 502 "port is not open",
// so clients can poll until the app is ready.
func (f *Fake) preview(w http.ResponseWriter, r *http.Request, id string, port int) {
	sb := f.liveSandbox(id)
	if sb == nil {
		proxyNotFound(w, id)
		return
	}
	if done, lost := f.fault(w, r, EndpointPreview); done {
		return
	} else if lost {
		resetConn(w)
		return
	}
	home := sb.home()
	var files []string
	_ = filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() && p != home && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "__pycache__") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(home, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(files) == 0 {
		writeJSON(w, http.StatusBadGateway, map[string]any{"sandboxId": id, "message": "The sandbox is running but port is not open", "port": port, "code": 502})
		return
	}
	sort.Strings(files)
	// Project folders: home itself and its first-level subfolders.
	dirs := []string{""}
	seen := map[string]bool{"": true}
	for _, fl := range files {
		if top, _, ok := strings.Cut(fl, "/"); ok && !seen[top] {
			seen[top] = true
			dirs = append(dirs, top)
		}
	}
	var webRoot string
	found := false
	for _, d := range dirs {
		for _, wr := range webRoots {
			cand := path.Join(d, wr)
			if st, err := os.Stat(filepath.Join(home, filepath.FromSlash(cand), "index.html")); err == nil && st.Mode().IsRegular() {
				webRoot, found = cand, true
				break
			}
		}
		if found {
			break
		}
	}
	clean := path.Clean("/" + r.URL.Path)
	if clean != "/" {
		for _, base := range []string{webRoot, ""} {
			hp := filepath.Join(home, filepath.FromSlash(base), filepath.FromSlash(clean))
			if st, err := os.Stat(hp); err == nil && st.Mode().IsRegular() {
				http.ServeFile(w, r, hp)
				return
			}
		}
		http.NotFound(w, r)
		return
	}
	if found {
		http.ServeFile(w, r, filepath.Join(home, filepath.FromSlash(webRoot), "index.html"))
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html><head><title>Sandbox %s</title></head><body>\n", html.EscapeString(id))
	fmt.Fprintf(&b, "<h1>App in sandbox %s (port %d)</h1>\n<ul>\n", html.EscapeString(id), port)
	for _, fl := range files {
		fmt.Fprintf(&b, "<li>%s</li>\n", html.EscapeString(fl))
	}
	b.WriteString("</ul></body></html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}
