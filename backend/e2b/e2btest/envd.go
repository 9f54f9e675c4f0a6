package e2btest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
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
			f.startProcess(w, r, sb, user, ok)
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

func (f *Fake) upload(w http.ResponseWriter, r *http.Request, sb *fsb, user string) {
	mr, err := r.MultipartReader()
	if err != nil {
		writeErr(w, http.StatusBadRequest, "expected multipart/form-data: "+err.Error())
		return
	}
	qpath := r.URL.Query().Get("path")
	type written struct {
		Path string `json:"path"`
		Name string `json:"name"`
		Type string `json:"type"`
	}
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
		if st, err := os.Stat(hp); err == nil && st.IsDir() {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("path '%s' is a directory", sb.sandboxPath(hp)))
			return
		}
		if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
			writeErr(w, http.StatusBadRequest, err.Error())
			return
		}
		fh, err := os.Create(hp)
		if err != nil {
			writeErr(w, http.StatusInternalServerError, err.Error())
			return
		}
		_, err = io.Copy(fh, part)
		cerr := fh.Close()
		if err != nil || cerr != nil {
			writeErr(w, http.StatusInternalServerError, fmt.Sprintf("error writing file: %v", errors.Join(err, cerr)))
			return
		}
		sp := sb.sandboxPath(hp)
		out = append(out, written{Path: sp, Name: path.Base(sp), Type: "file"})
	}
	// envd sets no Content-Type on this answer (§4.3).
	b, _ := json.Marshal(out)
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func entryInfo(sb *fsb, hp string, st fs.FileInfo) map[string]any {
	t := "FILE_TYPE_FILE"
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		t = "FILE_TYPE_SYMLINK"
	case st.IsDir():
		t = "FILE_TYPE_DIRECTORY"
	}
	e := map[string]any{
		"name":         st.Name(),
		"type":         t,
		"path":         sb.sandboxPath(hp),
		"mode":         uint32(st.Mode().Perm()),
		"permissions":  st.Mode().String(),
		"owner":        "user",
		"group":        "user",
		"modifiedTime": st.ModTime().UTC().Format(time.RFC3339Nano),
	}
	if st.Size() != 0 {
		e["size"] = strconv.FormatInt(st.Size(), 10) // int64 is a JSON string in protojson
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if target, err := os.Readlink(hp); err == nil {
			e["symlinkTarget"] = target
		}
	}
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
		sig := strings.Trim(string(req.Signal), `"`)
		if sig == "SIGNAL_SIGTERM" || sig == "15" {
			interruptGroup(p.cmd)
		} else {
			suspendGroup(p.cmd, false)
			killGroup(p.cmd)
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	case "process.Process/List":
		sb.pmu.Lock()
		procs := []map[string]any{}
		for pid, p := range sb.procs {
			procs = append(procs, map[string]any{"config": p.config, "pid": pid})
		}
		sb.pmu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"processes": procs})
	default:
		connectErr(w, "unimplemented", method+" is not implemented by e2btest")
	}
}

// fproc is a process started through envd.
type fproc struct {
	cmd    *exec.Cmd
	config map[string]any
}

type startRequest struct {
	Process struct {
		Cmd  string            `json:"cmd"`
		Args []string          `json:"args"`
		Envs map[string]string `json:"envs"`
		Cwd  *string           `json:"cwd"`
	} `json:"process"`
	Tag   *string         `json:"tag"`
	Stdin *bool           `json:"stdin"`
	Pty   json.RawMessage `json:"pty"`
}

// streamWriter writes Connect envelopes, flushing each one.
type streamWriter struct {
	w   http.ResponseWriter
	err error
}

func (s *streamWriter) send(flags byte, v any) error {
	if s.err != nil {
		return s.err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var hdr [5]byte
	hdr[0] = flags
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(b)))
	if _, err := s.w.Write(append(hdr[:], b...)); err != nil {
		s.err = err
		return err
	}
	if fl, ok := s.w.(http.Flusher); ok {
		fl.Flush()
	}
	return nil
}

func (s *streamWriter) endWithError(code, msg string) {
	_ = s.send(0x02, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

type chunk struct {
	stderr bool
	data   []byte
}

type dataEvent struct {
	Event struct {
		Data map[string][]byte `json:"data"`
	} `json:"event"`
}

// startProcess serves process.Process/Start: a Connect server stream of
// start, data..., end, then the end-of-stream envelope (§4.5, §8.8).
func (f *Fake) startProcess(w http.ResponseWriter, r *http.Request, sb *fsb, user string, userOK bool) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/connect+json") {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r.Body, hdr[:]); err != nil {
		connectErr(w, "invalid_argument", "missing request envelope")
		return
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > 1<<20 || hdr[0] != 0 {
		connectErr(w, "invalid_argument", "bad request envelope")
		return
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r.Body, payload); err != nil {
		connectErr(w, "invalid_argument", "truncated request envelope")
		return
	}
	var req startRequest
	w.Header().Set("Content-Type", "application/connect+json")
	w.WriteHeader(http.StatusOK)
	sw := &streamWriter{w: w}
	if err := json.Unmarshal(payload, &req); err != nil {
		sw.endWithError("invalid_argument", "invalid JSON: "+err.Error())
		return
	}
	if !userOK || !knownUser(user) {
		sw.endWithError("unauthenticated", fmt.Sprintf("invalid username: '%s'", user))
		return
	}
	home := sb.home()
	toHost := strings.NewReplacer("/home/user", home)
	fromHost := []byte(home)
	cwd := home
	if req.Process.Cwd != nil && *req.Process.Cwd != "" {
		cwd = sb.hostPath(*req.Process.Cwd, user)
		if st, err := os.Stat(cwd); err != nil || !st.IsDir() {
			sw.endWithError("invalid_argument", fmt.Sprintf("cwd '%s' does not exist", *req.Process.Cwd))
			return
		}
	}
	name, args := req.Process.Cmd, append([]string(nil), req.Process.Args...)
	if (name == "/bin/bash" || name == "bash") && len(args) > 0 && args[0] == "-l" {
		args = args[1:] // no login shell: keep host profiles out of tests
	}
	if name == "/bin/bash" {
		if _, err := os.Stat(name); err != nil {
			name = "/bin/sh"
		}
	}
	for i := range args {
		args[i] = toHost.Replace(args[i])
	}
	cmd := exec.Command(toHost.Replace(name), args...)
	cmd.Dir = cwd
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "USER=" + user, "LOGNAME=" + user, "LANG=C.UTF-8"}
	for k, v := range sb.envVars {
		env = append(env, k+"="+toHost.Replace(v))
	}
	for k, v := range req.Process.Envs {
		env = append(env, k+"="+toHost.Replace(v))
	}
	cmd.Env = env
	newGroup(cmd)
	outR, outW, err := os.Pipe()
	if err != nil {
		sw.endWithError("internal", err.Error())
		return
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		sw.endWithError("internal", err.Error())
		return
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	if err := cmd.Start(); err != nil {
		outR.Close()
		outW.Close()
		errR.Close()
		errW.Close()
		sw.endWithError("invalid_argument", fmt.Sprintf("error starting process: %v", err))
		return
	}
	outW.Close()
	errW.Close()
	pid := uint32(cmd.Process.Pid)
	cfg := map[string]any{"cmd": req.Process.Cmd, "args": req.Process.Args}
	sb.pmu.Lock()
	sb.procs[pid] = &fproc{cmd: cmd, config: cfg}
	sb.pmu.Unlock()

	// Readers keep draining after the client leaves (the process keeps
	// running, as in envd), so they never block on a dead handler.
	detached := make(chan struct{})
	var detachOnce sync.Once
	detach := func() { detachOnce.Do(func() { close(detached) }) }
	defer detach()
	ch := make(chan chunk)
	var readers sync.WaitGroup
	read := func(rd *os.File, isErr bool) {
		defer readers.Done()
		defer rd.Close()
		buf := make([]byte, 32<<10)
		for {
			n, err := rd.Read(buf)
			if n > 0 {
				data := bytes.ReplaceAll(buf[:n], fromHost, []byte("/home/user"))
				select {
				case ch <- chunk{stderr: isErr, data: data}:
				case <-detached:
				}
			}
			if err != nil {
				return
			}
		}
	}
	readers.Add(2)
	go read(outR, false)
	go read(errR, true)

	waitDone := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		sb.pmu.Lock()
		delete(sb.procs, pid)
		sb.pmu.Unlock()
		close(waitDone)
		// A background child may hold the pipes open; stop reading a
		// little after the main process is gone.
		t := time.NewTimer(500 * time.Millisecond)
		defer t.Stop()
		rdone := make(chan struct{})
		go func() { readers.Wait(); close(rdone) }()
		select {
		case <-rdone:
		case <-t.C:
			outR.Close()
			errR.Close()
			<-rdone
		}
		close(ch)
	}()

	var timedOut bool
	var tmu sync.Mutex
	if ms, err := strconv.ParseInt(r.Header.Get("Connect-Timeout-Ms"), 10, 64); err == nil {
		tm := time.AfterFunc(time.Duration(ms)*time.Millisecond, func() {
			tmu.Lock()
			timedOut = true
			tmu.Unlock()
			suspendGroup(cmd, false)
			killGroup(cmd)
		})
		defer tm.Stop()
	}
	ka := 90 * time.Second
	if s, err := strconv.Atoi(r.Header.Get("Keepalive-Ping-Interval")); err == nil && s > 0 {
		ka = time.Duration(s) * time.Second
	}
	ticker := time.NewTicker(ka)
	defer ticker.Stop()

	if sw.send(0, map[string]any{"event": map[string]any{"start": map[string]any{"pid": pid}}}) != nil {
		return
	}
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				<-waitDone
				ps := cmd.ProcessState
				end := map[string]any{"status": ps.String()}
				if code := ps.ExitCode(); code != 0 {
					end["exitCode"] = code
					end["error"] = ps.String()
				}
				if ps.Exited() {
					end["exited"] = true
				}
				_ = sw.send(0, map[string]any{"event": map[string]any{"end": end}})
				tmu.Lock()
				to := timedOut
				tmu.Unlock()
				if to {
					sw.endWithError("deadline_exceeded", "the operation timed out")
				} else {
					_ = sw.send(0x02, map[string]any{})
				}
				return
			}
			var ev dataEvent
			key := "stdout"
			if c.stderr {
				key = "stderr"
			}
			ev.Event.Data = map[string][]byte{key: c.data}
			if sw.send(0, ev) != nil {
				return
			}
			ticker.Reset(ka)
		case <-ticker.C:
			if sw.send(0, map[string]any{"event": map[string]any{"keepalive": map[string]any{}}}) != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-f.closing:
			return
		}
	}
}
