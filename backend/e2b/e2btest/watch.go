package e2btest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchOps is envd's mapping of an fsnotify event to its EventType, in the
// order it reports them when one event carries several.
var watchOps = []struct {
	op   fsnotify.Op
	name string
}{
	{fsnotify.Create, "EVENT_TYPE_CREATE"},
	{fsnotify.Write, "EVENT_TYPE_WRITE"},
	{fsnotify.Remove, "EVENT_TYPE_REMOVE"},
	{fsnotify.Rename, "EVENT_TYPE_RENAME"},
	{fsnotify.Chmod, "EVENT_TYPE_CHMOD"},
}

// watchDir serves filesystem.Filesystem/WatchDir (what the SDK's
// files.watchDir calls): a Connect server stream of {"start":{}}, then one
// {"filesystem":{"name","type"}} per change (name relative to the watched
// folder; with recursive, folders made later are watched too), keepalives
// as asked, until the client leaves. envd watches with fsnotify as well;
// the frames, names and refusals below were measured against it.
func (f *Fake) watchDir(w http.ResponseWriter, r *http.Request, sb *fsb, user string, userOK bool) {
	payload, ok := readRequestEnvelope(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/connect+json")
	w.WriteHeader(http.StatusOK)
	sw := &streamWriter{w: w}
	var req struct {
		Path      string `json:"path"`
		Recursive bool   `json:"recursive"`
	}
	if err := json.Unmarshal(payload, &req); err != nil {
		sw.endWithError("invalid_argument", "invalid JSON: "+err.Error())
		return
	}
	if !userOK || !knownUser(user) {
		sw.endWithError("unauthenticated", fmt.Sprintf("invalid username: '%s'", user))
		return
	}
	hp := sb.hostPath(req.Path, user)
	sp := sb.sandboxPath(hp)
	st, err := os.Stat(hp)
	if errors.Is(err, fs.ErrNotExist) {
		sw.endWithError("not_found", fmt.Sprintf("path %s not found: stat %s: no such file or directory", sp, sp))
		return
	} else if err != nil {
		sw.endWithError("internal", fmt.Sprintf("error statting path %s: %v", sp, err))
		return
	}
	if !st.IsDir() {
		// envd's own words, with the %w of a nil error it formats.
		sw.endWithError("invalid_argument", fmt.Sprintf("path %s not a directory: %%!w(<nil>)", sp))
		return
	}
	wt, err := fsnotify.NewWatcher()
	if err != nil {
		sw.endWithError("internal", "error creating watcher: "+err.Error())
		return
	}
	defer wt.Close()
	add := func(dir string) error {
		if !req.Recursive {
			return wt.Add(dir)
		}
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil // gone meanwhile, or a file
			}
			return wt.Add(p)
		})
	}
	if err := add(hp); err != nil {
		sw.endWithError("internal", fmt.Sprintf("error adding path %s to watcher: %v", sp, err))
		return
	}
	ka := 90 * time.Second
	if s, err := strconv.Atoi(r.Header.Get("Keepalive-Ping-Interval")); err == nil && s > 0 {
		ka = time.Duration(s) * time.Second
	}
	ticker := time.NewTicker(ka)
	defer ticker.Stop()
	if sw.send(0, map[string]any{"start": map[string]any{}}) != nil {
		return
	}
	for {
		select {
		case ev, ok := <-wt.Events:
			if !ok {
				return
			}
			name, err := filepath.Rel(hp, ev.Name)
			if err != nil {
				continue
			}
			if req.Recursive && ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = add(ev.Name)
				}
			}
			for _, o := range watchOps {
				if !ev.Has(o.op) {
					continue
				}
				if sw.send(0, map[string]any{"filesystem": map[string]any{"name": filepath.ToSlash(name), "type": o.name}}) != nil {
					return
				}
			}
			ticker.Reset(ka)
		case err, ok := <-wt.Errors:
			if !ok {
				return
			}
			sw.endWithError("internal", "watcher error: "+err.Error())
			return
		case <-ticker.C:
			if sw.send(0, map[string]any{"keepalive": map[string]any{}}) != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-f.closing:
			return
		}
	}
}
