package e2btest

// Snapshots and fork, as openapi.yml describes them: a snapshot is a
// template (its id is "<template id>:default" when it has no name) that
// new sandboxes are created from with POST /sandboxes{templateID}; it
// outlives the sandbox it was taken of and goes with DELETE
// /templates/{id}. A fork is a new sandbox made from a checkpoint of a
// running one: the fake copies the sandbox's files and its settings
// (template, metadata, environment, auto-pause) and starts it with a new
// id and token. Running processes and interpreter memory are not copied
// (the fake cannot checkpoint host processes): the copy starts with none.

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// fsnap is one snapshot template of the fake.
type fsnap struct {
	id         string // with the tag, as E2B reports it
	templateID string // the snapshotted sandbox's template, for its copies
	alias      string
	source     string // sandbox id it was taken of
	seq        int
	dir        string // copy of the sandbox's "/"
}

// snapshotTag is the tag E2B puts on an unnamed snapshot's id.
const snapshotTag = ":default"

// lookupSnapshotLocked finds a snapshot by id with or without its tag.
func (f *Fake) lookupSnapshotLocked(id string) *fsnap {
	if s := f.snapshots[id]; s != nil {
		return s
	}
	return f.snapshots[id+snapshotTag]
}

// copyTree copies the regular files, folders and symlinks under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case d.Type()&os.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.Type().IsRegular():
			in, err := os.Open(p)
			if err != nil {
				return err
			}
			defer in.Close()
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, in); err != nil {
				out.Close()
				return err
			}
			return out.Close()
		}
		return nil // sockets, fifos: not part of a snapshot
	})
}

// createSnapshot serves POST /sandboxes/{id}/snapshots. A paused sandbox
// can be snapshotted too (its files are what its pause kept).
func (f *Fake) createSnapshot(w http.ResponseWriter, r *http.Request, id string) {
	var req struct {
		Name *string `json:"name"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeErr(w, http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	if req.Name != nil && *req.Name != "" {
		// Tessera never names its snapshots; a named one needs team
		// namespaces the fake does not model.
		writeErr(w, http.StatusNotImplemented, "named snapshots are not implemented by e2btest")
		return
	}
	f.mu.Lock()
	f.sweepLocked()
	sb := f.sandboxes[id]
	if sb == nil || sb.state == stateKilled {
		f.mu.Unlock()
		f.notFound(w, id)
		return
	}
	f.snapSeq++
	s := &fsnap{id: randomID("s", 19) + snapshotTag, templateID: sb.templateID, alias: sb.alias, source: sb.id,
		seq: f.snapSeq}
	s.dir = filepath.Join(f.baseDir, "snapshots", strings.TrimSuffix(s.id, snapshotTag))
	f.mu.Unlock()
	// The copy runs outside f.mu (it may be large); the sandbox's files
	// are its own, so nothing else changes them but its commands.
	if err := copyTree(sb.root, s.dir); err != nil {
		_ = os.RemoveAll(s.dir)
		writeErr(w, http.StatusInternalServerError, "snapshot failed: "+err.Error())
		return
	}
	f.mu.Lock()
	f.snapshots[s.id] = s
	f.counts.Snapshots++
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"snapshotID": s.id, "names": []string{s.id}})
}

// listSnapshots serves GET /snapshots (filters sandboxID and name, pages
// of limit with X-Next-Token), oldest first.
func (f *Fake) listSnapshots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 100
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	offset := 0
	if t := q.Get("nextToken"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "s"))
		if err != nil || !strings.HasPrefix(t, "s") || n < 0 {
			writeErr(w, http.StatusBadRequest, "Invalid next token")
			return
		}
		offset = n
	}
	source, name := q.Get("sandboxID"), q.Get("name")
	f.mu.Lock()
	var match []*fsnap
	for _, s := range f.snapshots {
		if source != "" && s.source != source {
			continue
		}
		if name != "" && s.id != name && s.id != name+snapshotTag {
			continue
		}
		match = append(match, s)
	}
	f.mu.Unlock()
	sort.Slice(match, func(i, j int) bool { return match[i].seq < match[j].seq })
	if offset > len(match) {
		offset = len(match)
	}
	end := offset + limit
	if end > len(match) {
		end = len(match)
	}
	items := make([]map[string]any, 0, end-offset)
	for _, s := range match[offset:end] {
		items = append(items, map[string]any{"snapshotID": s.id, "names": []string{s.id}})
	}
	if end < len(match) {
		w.Header().Set("X-Next-Token", "s"+strconv.Itoa(end))
	}
	writeJSON(w, http.StatusOK, items)
}

// deleteTemplate serves DELETE /templates/{id} for snapshots: 204, or 404
// for an id the fake has no snapshot of (which the SDK reports as "not
// found"; base templates cannot be deleted through the fake).
func (f *Fake) deleteTemplate(w http.ResponseWriter, id string) {
	// The router hands the segment over as sent: the SDK escapes ":"
	// (encodeURIComponent), Go's url.PathEscape does not.
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	f.mu.Lock()
	s := f.lookupSnapshotLocked(id)
	if s != nil {
		delete(f.snapshots, s.id)
		f.counts.SnapshotDeletes++
	}
	f.mu.Unlock()
	if s == nil {
		writeErr(w, http.StatusNotFound, fmt.Sprintf("template '%s' not found", id))
		return
	}
	_ = os.RemoveAll(s.dir)
	w.WriteHeader(http.StatusNoContent)
}

// fork serves POST /sandboxes/{id}/fork: count new sandboxes from one
// checkpoint of a running sandbox, each reported on its own.
func (f *Fake) fork(w http.ResponseWriter, r *http.Request, id string) {
	var req struct {
		Timeout *int `json:"timeout"`
		Count   *int `json:"count"`
	}
	if err := decodeBody(r, &req); err != nil && err != io.EOF {
		writeErr(w, http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	timeout, count := 15, 1
	if req.Timeout != nil {
		timeout = *req.Timeout
	}
	if req.Count != nil {
		count = *req.Count
	}
	if timeout <= 0 {
		writeErr(w, http.StatusBadRequest, "Timeout must be greater than 0")
		return
	}
	if time.Duration(timeout)*time.Second > f.maxLife {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("Timeout cannot be greater than %d hours", int(f.maxLife.Hours())))
		return
	}
	f.mu.Lock()
	f.sweepLocked()
	src := f.sandboxes[id]
	switch {
	case src == nil || src.state == stateKilled:
		f.mu.Unlock()
		f.notFound(w, id)
		return
	case src.state != stateRunning:
		f.mu.Unlock()
		writeErr(w, http.StatusConflict, fmt.Sprintf("Sandbox %s is not running", id))
		return
	}
	f.mu.Unlock()
	results := make([]map[string]any, 0, count)
	for i := 0; i < count; i++ {
		sb, status, msg := f.startSandbox(sandboxSpec{templateID: src.templateID, alias: src.alias, metadata: src.metadata,
			envVars: src.envVars, autoPause: src.autoPause, secure: src.secure, timeout: timeout, from: src.root})
		if sb == nil {
			results = append(results, map[string]any{"error": map[string]any{"code": status, "message": msg}})
			continue
		}
		f.mu.Lock()
		f.counts.Forks++
		results = append(results, map[string]any{"sandbox": f.sandboxJSON(sb)})
		f.mu.Unlock()
	}
	writeJSON(w, http.StatusCreated, results)
}

// Snapshots returns the ids of the fake's snapshots, oldest first.
func (f *Fake) Snapshots() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	all := make([]*fsnap, 0, len(f.snapshots))
	for _, s := range f.snapshots {
		all = append(all, s)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = s.id
	}
	return out
}

// DropSnapshot deletes a snapshot behind the client's back (E2B lost it,
// or it was deleted elsewhere): creating from it gives 404.
func (f *Fake) DropSnapshot(id string) {
	f.mu.Lock()
	s := f.lookupSnapshotLocked(id)
	if s != nil {
		delete(f.snapshots, s.id)
	}
	f.mu.Unlock()
	if s != nil {
		_ = os.RemoveAll(s.dir)
	}
}
