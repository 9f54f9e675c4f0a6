package e2btest

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

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
	uhome := sb.userHome(user)
	_ = os.MkdirAll(uhome, 0o755)
	cwd := uhome
	if req.Process.Cwd != nil && *req.Process.Cwd != "" {
		cwd = sb.hostPath(*req.Process.Cwd, user)
		if st, err := os.Stat(cwd); err != nil || !st.IsDir() {
			sw.endWithError("invalid_argument", fmt.Sprintf("cwd '%s' does not exist", *req.Process.Cwd))
			return
		}
	}
	name, args, login := loginShell(req.Process.Cmd, append([]string(nil), req.Process.Args...))
	for i := range args {
		args[i] = toHost.Replace(args[i])
	}
	cmd := exec.Command(toHost.Replace(name), args...)
	cmd.Dir = cwd
	// The marker (see signalSandbox); no process group, as
	// in envd, so a kill of the pid leaves its children running.
	env := []string{markerEnv + "=" + sb.id, "PATH=" + os.Getenv("PATH"), "HOME=" + uhome, "USER=" + user, "LOGNAME=" + user, "LANG=C.UTF-8"}
	for k, v := range sb.envVars {
		env = append(env, k+"="+toHost.Replace(v))
	}
	for k, v := range req.Process.Envs {
		env = append(env, k+"="+toHost.Replace(v))
	}
	pathEnv, given := req.Process.Envs["PATH"]
	if !given {
		pathEnv = os.Getenv("PATH")
	}
	if login {
		// bash -l reads /etc/profile, which sets PATH whatever came in.
		pathEnv, given = profilePath(user), false
	}
	// The account the command runs as (envd switches to it: "user" unless
	// asked otherwise): the fake runs everything as its own host account,
	// so whoami is answered for the sandbox's (accountBin). A PATH the
	// request set is left as it is.
	if bin, err := sb.accountBin(user); err == nil && !given {
		pathEnv = bin + ":" + pathEnv
	}
	env = append(env, "PATH="+toHost.Replace(pathEnv))
	cmd.Env = env
	var p *fproc
	var err error
	if len(req.Pty) > 0 && string(req.Pty) != "null" {
		p, err = startOnPty(cmd, req.Pty)
	} else {
		p, err = startOnPipes(cmd, req.Stdin != nil && *req.Stdin)
	}
	if err != nil {
		sw.endWithError("invalid_argument", fmt.Sprintf("error starting process: %v", err))
		return
	}
	p.config = map[string]any{"cmd": req.Process.Cmd, "args": req.Process.Args, "envs": req.Process.Envs}
	if req.Process.Cwd != nil {
		p.config["cwd"] = *req.Process.Cwd
	}
	if req.Tag != nil {
		p.tag = *req.Tag
	}
	pid := uint32(cmd.Process.Pid)
	sub := p.subscribe()
	sb.pmu.Lock()
	sb.procs[pid] = p
	sb.started = true
	sb.pmu.Unlock()
	go p.pump(sb, pid, fromHost)

	var timedOut bool
	var tmu sync.Mutex
	if ms, err := strconv.ParseInt(r.Header.Get("Connect-Timeout-Ms"), 10, 64); err == nil {
		tm := time.AfterFunc(time.Duration(ms)*time.Millisecond, func() {
			tmu.Lock()
			timedOut = true
			tmu.Unlock()
			signalPid(cmd, sigkill()) // envd's deadline: the pid only
		})
		defer tm.Stop()
	}
	f.serveEvents(sw, r, p, pid, sub, func() bool {
		tmu.Lock()
		defer tmu.Unlock()
		return timedOut
	})
}

// loginShell finds `bash -l` anywhere in a command line (a client may put
// setsid(1) or a small exec wrapper in front) and drops the -l: the fake
// does not read the host's profiles, it sets the PATH that Debian's
// /etc/profile sets (profilePath), the part of a login shell commands
// notice.
func loginShell(name string, args []string) (string, []string, bool) {
	prev := name
	for i, a := range args {
		if a == "-l" && path.Base(prev) == "bash" {
			return name, append(args[:i:i], args[i+1:]...), true
		}
		prev = a
	}
	return name, args, false
}

// profilePath is the PATH Debian's /etc/profile sets.
func profilePath(user string) string {
	if user == "root" {
		return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	return "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
}

// accountBin is a folder, first on a command's PATH, whose whoami names the
// sandbox account the command runs as, as it would in E2B (where envd runs
// it as that account). Beside the sandboxes' folders (not in one, where
// files.list would see it), written once per account.
func (sb *fsb) accountBin(user string) (string, error) {
	dir := filepath.Join(filepath.Dir(sb.root), ".e2btest-accounts", user, "bin")
	who := filepath.Join(dir, "whoami")
	if _, err := os.Stat(who); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".whoami-*")
	if err != nil {
		return "", err
	}
	_, err = tmp.WriteString("#!/bin/sh\necho " + user + "\n")
	err = errors.Join(err, tmp.Chmod(0o755), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), who) // atomic: a racing sandbox sees all or nothing
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return dir, nil
}
