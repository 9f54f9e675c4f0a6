package e2btest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

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
	if login {
		// bash -l reads /etc/profile, which sets PATH whatever came in.
		env = append(env, "PATH="+profilePath(user))
	}
	cmd.Env = env
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
	sb.started = true
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
			signalPid(cmd, sigkill()) // envd's deadline: the pid only
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
