package e2btest

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// liveSandbox returns the sandbox if it is running, after expiring what is
// due on the fake clock.
func (f *Fake) liveSandbox(id string) *fsb {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked()
	sb := f.sandboxes[id]
	if sb == nil || sb.state != stateRunning {
		return nil
	}
	return sb
}

// proxyNotFound is the sandbox proxy's answer for a sandbox that is not
// running (§3).
func proxyNotFound(w http.ResponseWriter, id string) {
	writeJSON(w, http.StatusBadGateway, map[string]any{"sandboxId": id, "message": "The sandbox was not found", "code": 502})
}

// basicUser reads the user from "Authorization: Basic base64(user:)".
func basicUser(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "user", true
	}
	enc, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", false
	}
	u, _, _ := strings.Cut(string(b), ":")
	return u, true
}

func knownUser(u string) bool { return u == "user" || u == "root" }

func (f *Fake) envd(w http.ResponseWriter, r *http.Request, id string) {
	sb := f.liveSandbox(id)
	if sb == nil {
		proxyNotFound(w, id)
		return
	}
	if r.URL.Path == "/health" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if sb.secure && r.Header.Get("X-Access-Token") != sb.token {
		writeErr(w, http.StatusUnauthorized, "unauthorized access, please provide a valid access token or method signing if supported")
		return
	}
	var endpoint string
	switch {
	case r.URL.Path == "/files":
		endpoint = EndpointFiles
	case strings.HasPrefix(r.URL.Path, "/filesystem.Filesystem/"):
		endpoint = EndpointFilesystem
	case strings.HasPrefix(r.URL.Path, "/process.Process/"):
		endpoint = EndpointProcess
	case r.URL.Path == "/envs" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, cloneMap(sb.envVars))
		return
	default:
		http.NotFound(w, r)
		return
	}
	if done, lost := f.fault(w, r, endpoint); done {
		return
	} else if lost {
		// Do the work, lose the answer.
		f.envdDispatch(newDiscardWriter(), r, sb, endpoint)
		resetConn(w)
		return
	}
	f.envdDispatch(w, r, sb, endpoint)
}

func (f *Fake) envdDispatch(w http.ResponseWriter, r *http.Request, sb *fsb, endpoint string) {
	switch endpoint {
	case EndpointFiles:
		user := r.URL.Query().Get("username")
		if user == "" {
			user = "user"
		}
		if !knownUser(user) {
			writeErr(w, http.StatusUnauthorized, fmt.Sprintf("error looking up user '%s': user: unknown user %s", user, user))
			return
		}
		switch r.Method {
		case http.MethodGet:
			f.download(w, r, sb, user)
		case http.MethodPost:
			f.upload(w, r, sb, user)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	case EndpointFilesystem, EndpointProcess:
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		user, ok := basicUser(r)
		method := r.URL.Path[1:]
		if method == "process.Process/Start" {
			f.mu.Lock()
			f.counts.ProcessStarts++
			f.mu.Unlock()
			f.startProcess(w, r, sb, user, ok)
			return
		}
		if method == "process.Process/Connect" {
			f.connectProcess(w, r, sb, user, ok)
			return
		}
		if method == "filesystem.Filesystem/WatchDir" {
			f.watchDir(w, r, sb, user, ok)
			return
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		if !ok || !knownUser(user) {
			connectErr(w, "unauthenticated", fmt.Sprintf("invalid username: '%s'", user))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			connectErr(w, "invalid_argument", err.Error())
			return
		}
		f.unary(w, sb, user, method, body)
	}
}

// discardWriter is a ResponseWriter that drops everything.
type discardWriter struct{ h http.Header }

func newDiscardWriter() *discardWriter               { return &discardWriter{h: http.Header{}} }
func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Flush()                      {}

var connectStatus = map[string]int{
	"canceled": 499, "unknown": 500, "invalid_argument": 400, "deadline_exceeded": 504,
	"not_found": 404, "already_exists": 409, "permission_denied": 403, "resource_exhausted": 429,
	"failed_precondition": 400, "aborted": 409, "out_of_range": 400, "unimplemented": 501,
	"internal": 500, "unavailable": 503, "data_loss": 500, "unauthenticated": 401,
}

// connectErr writes a unary Connect error (§4.4).
func connectErr(w http.ResponseWriter, code, msg string) {
	st := connectStatus[code]
	if st == 0 {
		st = 500
	}
	writeJSON(w, st, map[string]any{"code": code, "message": msg})
}

func (f *Fake) download(w http.ResponseWriter, r *http.Request, sb *fsb, user string) {
	p := r.URL.Query().Get("path")
	if p == "" {
		writeErr(w, http.StatusBadRequest, "path is required")
		return
	}
	hp := sb.hostPath(p, user)
	st, err := os.Stat(hp)
	if err != nil {
		writeErr(w, http.StatusNotFound, fmt.Sprintf("path '%s' does not exist", sb.sandboxPath(hp)))
		return
	}
	if st.IsDir() {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("path '%s' is a directory", sb.sandboxPath(hp)))
		return
	}
	b, err := os.ReadFile(hp)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", filepath.Base(hp)))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

type written struct {
	Path string `json:"path"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// upload serves POST /files: a multipart form (one part per file) or, since
// envd 0.5.7 and the SDK's default for streams and gzip, the raw file as
// application/octet-stream to ?path=. Either body may be gzip-encoded
// (Content-Encoding). Status and words measured against envd.
func (f *Fake) upload(w http.ResponseWriter, r *http.Request, sb *fsb, user string) {
	body := io.Reader(r.Body)
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			writeErr(w, http.StatusBadRequest, "error decompressing request body: failed to create gzip reader: "+err.Error())
			return
		}
		defer zr.Close()
		body = zr
	default:
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("error decompressing request body: unsupported Content-Encoding: %s, supported: [gzip]", enc))
		return
	}
	qpath := r.URL.Query().Get("path")
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/octet-stream":
		if qpath == "" {
			writeErr(w, http.StatusBadRequest, "path query parameter is required for raw body upload")
			return
		}
		one, status, msg := writeUpload(sb, sb.hostPath(qpath, user), body)
		if status != 0 {
			writeErr(w, status, msg)
			return
		}
		uploaded(w, []written{one})
		return
	case "multipart/form-data":
	default:
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("unsupported content type: %s, expected multipart/form-data or application/octet-stream", ct))
		return
	}
	mr := multipart.NewReader(body, params["boundary"])
	out := []written{}
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeErr(w, http.StatusBadRequest, "bad multipart body: "+err.Error())
			return
		}
		if part.FormName() != "file" {
			drain(part)
			continue
		}
		dest := qpath
		if dest == "" {
			// Part.FileName() keeps only the base name; envd uses the
			// full path from the header, so parse it ourselves.
			_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			dest = params["filename"]
		}
		if dest == "" {
			writeErr(w, http.StatusBadRequest, "no destination path for file part")
			return
		}
		hp := sb.hostPath(dest, user)
		if seen[hp] && qpath != "" {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("cannot upload multiple files to the same path '%s'", sb.sandboxPath(hp)))
			return
		}
		seen[hp] = true
		one, status, msg := writeUpload(sb, hp, part)
		if status != 0 {
			writeErr(w, status, msg)
			return
		}
		out = append(out, one)
	}
	uploaded(w, out)
}

// writeUpload writes one uploaded file; a non-zero status is envd's refusal.
func writeUpload(sb *fsb, hp string, content io.Reader) (written, int, string) {
	if st, err := os.Stat(hp); err == nil && st.IsDir() {
		return written{}, http.StatusBadRequest, "path is a directory: " + sb.sandboxPath(hp)
	}
	if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
		return written{}, http.StatusBadRequest, err.Error()
	}
	fh, err := os.Create(hp)
	if err != nil {
		return written{}, http.StatusInternalServerError, err.Error()
	}
	_, err = io.Copy(fh, content)
	cerr := fh.Close()
	if err != nil || cerr != nil {
		return written{}, http.StatusInternalServerError, fmt.Sprintf("error writing file: %v", errors.Join(err, cerr))
	}
	sp := sb.sandboxPath(hp)
	return written{Path: sp, Name: path.Base(sp), Type: "file"}, 0, ""
}

func uploaded(w http.ResponseWriter, out []written) {
	// envd sets no Content-Type on this answer (§4.3).
	b, _ := json.Marshal(out)
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// entryInfo describes one entry as envd does: a symlink gets its target's
// type and mode, the resolved target path, and its own size; a broken one
// has no type and no mode, and names itself as its target.
func entryInfo(sb *fsb, hp string, st fs.FileInfo) map[string]any {
	e := map[string]any{
		"name":         st.Name(),
		"path":         sb.sandboxPath(hp),
		"permissions":  st.Mode().String(),
		"owner":        "user",
		"group":        "user",
		"modifiedTime": st.ModTime().UTC().Format(time.RFC3339Nano),
	}
	if st.Size() != 0 {
		e["size"] = strconv.FormatInt(st.Size(), 10) // int64 is a JSON string in protojson
	}
	target := st
	if st.Mode()&fs.ModeSymlink != 0 {
		e["permissions"] = "L" + st.Mode().String()[1:]
		e["symlinkTarget"] = sb.sandboxPath(hp)
		resolved, err := filepath.EvalSymlinks(hp)
		if err == nil {
			target, err = os.Stat(resolved)
		}
		if err != nil {
			return e
		}
		e["symlinkTarget"] = sb.sandboxPath(resolved)
	}
	e["type"] = "FILE_TYPE_FILE"
	if target.IsDir() {
		e["type"] = "FILE_TYPE_DIRECTORY"
	}
	e["mode"] = uint32(target.Mode().Perm())
	return e
}

func (f *Fake) unary(w http.ResponseWriter, sb *fsb, user, method string, body []byte) {
	var req struct {
		Path    string          `json:"path"`
		Depth   int             `json:"depth"`
		Source  string          `json:"source"`
		Dest    string          `json:"destination"`
		Process json.RawMessage `json:"process"`
		Signal  json.RawMessage `json:"signal"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		connectErr(w, "invalid_argument", "invalid JSON: "+err.Error())
		return
	}
	if f.ptyUnary(w, sb, method, body) {
		return
	}
	switch method {
	case "filesystem.Filesystem/Stat":
		hp := sb.hostPath(req.Path, user)
		st, err := os.Lstat(hp)
		if err != nil {
			connectErr(w, "not_found", fmt.Sprintf("file not found: %s", req.Path))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"entry": entryInfo(sb, hp, st)})
	case "filesystem.Filesystem/ListDir":
		depth := req.Depth
		if depth < 1 {
			depth = 1
		}
		hp := sb.hostPath(req.Path, user)
		st, err := os.Stat(hp)
		if err != nil {
			connectErr(w, "not_found", fmt.Sprintf("directory not found: %s", req.Path))
			return
		}
		if !st.IsDir() {
			connectErr(w, "invalid_argument", fmt.Sprintf("path is not a directory: %s", req.Path))
			return
		}
		entries := []map[string]any{}
		_ = filepath.WalkDir(hp, func(p string, d fs.DirEntry, err error) error {
			if err != nil || p == hp {
				return nil
			}
			rel, _ := filepath.Rel(hp, p)
			level := strings.Count(filepath.ToSlash(rel), "/") + 1
			if info, err := d.Info(); err == nil {
				entries = append(entries, entryInfo(sb, p, info))
			}
			if d.IsDir() && level >= depth {
				return filepath.SkipDir
			}
			return nil
		})
		sort.Slice(entries, func(i, j int) bool { return entries[i]["path"].(string) < entries[j]["path"].(string) })
		writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
	case "filesystem.Filesystem/MakeDir":
		hp := sb.hostPath(req.Path, user)
		if st, err := os.Stat(hp); err == nil {
			if st.IsDir() {
				connectErr(w, "already_exists", fmt.Sprintf("directory already exists: %s", req.Path))
			} else {
				connectErr(w, "invalid_argument", fmt.Sprintf("path already exists but it is not a directory: %s", req.Path))
			}
			return
		}
		if err := os.MkdirAll(hp, 0o755); err != nil {
			connectErr(w, "invalid_argument", err.Error())
			return
		}
		st, _ := os.Stat(hp)
		writeJSON(w, http.StatusOK, map[string]any{"entry": entryInfo(sb, hp, st)})
	case "filesystem.Filesystem/Remove":
		hp := sb.hostPath(req.Path, user)
		if hp == sb.root {
			connectErr(w, "permission_denied", "refusing to remove /")
			return
		}
		if err := os.RemoveAll(hp); err != nil {
			connectErr(w, "internal", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	case "filesystem.Filesystem/Move":
		src, dst := sb.hostPath(req.Source, user), sb.hostPath(req.Dest, user)
		if _, err := os.Lstat(src); err != nil {
			connectErr(w, "not_found", fmt.Sprintf("source not found: %s", req.Source))
			return
		}
		_ = os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.Rename(src, dst); err != nil {
			connectErr(w, "internal", err.Error())
			return
		}
		st, _ := os.Lstat(dst)
		writeJSON(w, http.StatusOK, map[string]any{"entry": entryInfo(sb, dst, st)})
	case "process.Process/SendSignal":
		var sel struct {
			Pid uint32 `json:"pid"`
		}
		_ = json.Unmarshal(req.Process, &sel)
		sb.pmu.Lock()
		p := sb.procs[sel.Pid]
		sb.pmu.Unlock()
		if p == nil {
			connectErr(w, "not_found", fmt.Sprintf("process with pid %d not found", sel.Pid))
			return
		}
		// Like envd: the one pid, never its group or children.
		sig := strings.Trim(string(req.Signal), `"`)
		if sig == "SIGNAL_SIGTERM" || sig == "15" {
			signalPid(p.cmd, sigterm())
		} else {
			signalPid(p.cmd, sigkill())
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	case "process.Process/List":
		sb.pmu.Lock()
		procs := []map[string]any{}
		for pid, p := range sb.procs {
			pi := map[string]any{"config": p.config, "pid": pid}
			if p.tag != "" {
				pi["tag"] = p.tag
			}
			procs = append(procs, pi)
		}
		sb.pmu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"processes": procs})
	default:
		connectErr(w, "unimplemented", method+" is not implemented by e2btest")
	}
}
