package e2btest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed kernel.py
var kernelPy []byte

var kernelFiles sync.Map // baseDir -> kernel path, written once per fake

func (f *Fake) kernelPath() (string, error) {
	if p, ok := kernelFiles.Load(f.baseDir); ok {
		return p.(string), nil
	}
	p := filepath.Join(f.baseDir, "e2btest_kernel.py")
	if err := os.WriteFile(p, kernelPy, 0o644); err != nil {
		return "", err
	}
	kernelFiles.Store(f.baseDir, p)
	return p, nil
}

// pyctx is one code context: a long-lived python3 running kernel.py.
type pyctx struct {
	id, language, cwd string
	f                 *Fake
	sb                *fsb

	exec sync.Mutex // executions in one context are serialized (§5.1)

	mu         sync.Mutex
	restarting bool // a restart was asked for while a cell may run
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	lines      chan []byte // protocol lines; closed when the helper dies
}

func (c *pyctx) ensure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		return nil
	}
	kp, err := c.f.kernelPath()
	if err != nil {
		return err
	}
	home := c.sb.home()
	dir := c.sb.hostPath(c.cwd, "user")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cmd := exec.Command(c.f.python, "-u", kp)
	cmd.Dir = dir
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "USER=user", "LANG=C.UTF-8",
		"MPLBACKEND=Agg", "PYTHONDONTWRITEBYTECODE=1"}
	for k, v := range c.sb.envVars {
		env = append(env, k+"="+v)
	}
	cmd.Env = env
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.ExtraFiles = []*os.File{pw} // fd 3: the protocol channel
	stdin, err := cmd.StdinPipe()
	if err != nil {
		pr.Close()
		pw.Close()
		return err
	}
	newGroup(cmd)
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return fmt.Errorf("start python3 (%s): %w", c.f.python, err)
	}
	pw.Close()
	lines := make(chan []byte, 64)
	go func() {
		defer close(lines)
		defer pr.Close()
		br := bufio.NewReaderSize(pr, 64<<10)
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				lines <- line
			}
			if err != nil {
				_ = cmd.Wait()
				return
			}
		}
	}()
	c.cmd, c.stdin, c.lines = cmd, stdin, lines
	return nil
}

func (c *pyctx) suspend(stop bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		suspendGroup(c.cmd, stop)
	}
}

func (c *pyctx) close() {
	c.mu.Lock()
	cmd := c.cmd
	c.cmd = nil
	c.mu.Unlock()
	if cmd != nil {
		suspendGroup(cmd, false)
		killGroup(cmd)
	}
}

func isEnd(line []byte) bool {
	var t struct {
		Type string `json:"type"`
	}
	return bytes.Contains(line, []byte("end_of_execution")) && json.Unmarshal(line, &t) == nil && t.Type == "end_of_execution"
}

// run executes one cell and streams the kernel's lines to w.
func (c *pyctx) run(w http.ResponseWriter, r *http.Request, code string, env map[string]string) {
	c.exec.Lock()
	defer c.exec.Unlock()
	if err := c.ensure(); err != nil {
		http.Error(w, "Failed to start the kernel: "+err.Error(), http.StatusInternalServerError)
		return
	}
	c.mu.Lock()
	stdin, lines, cmd := c.stdin, c.lines, c.cmd
	c.mu.Unlock()
	home := c.sb.home()
	req, _ := json.Marshal(map[string]any{"code": strings.ReplaceAll(code, "/home/user", home), "env_vars": env})
	if _, err := stdin.Write(append(req, '\n')); err != nil {
		c.close()
		http.Error(w, "Failed to send the code to the kernel", http.StatusInternalServerError)
		return
	}
	// The real server sets no Content-Type on the stream.
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	flush := func() {
		if fl != nil {
			fl.Flush()
		}
	}
	flush()
	keep := time.NewTicker(5 * time.Second)
	defer keep.Stop()
	fromHost := []byte(home)
	// number_of_executions waits for the next line: a kernel that dies at
	// once never delivers it (ipykernel's messages die with the process),
	// as E2B's answer to a crash shows.
	// (Held at most holdFor, so a silent cell is still confirmed started.)
	var held []byte
	const holdFor = 100 * time.Millisecond
	hold := time.NewTimer(time.Hour)
	defer hold.Stop()
	for {
		select {
		case <-hold.C:
			if held != nil {
				_, _ = w.Write(held)
				flush()
				held = nil
			}
			continue
		case line, ok := <-lines:
			if ok && held == nil && bytes.Contains(line, []byte(`"number_of_executions"`)) {
				held = line
				hold.Reset(holdFor)
				continue
			}
			if ok && held != nil {
				_, _ = w.Write(held)
				held = nil
			}
			if !ok {
				// The kernel died. E2B ends the stream in-band: a restart
				// asked for during the cell gives two error lines, a crash
				// ContextRestarting; the context gets a fresh kernel.
				c.mu.Lock()
				restarted := c.restarting
				c.mu.Unlock()
				c.close()
				var errs []string
				if restarted {
					errs = []string{`{"type": "error", "name": "WebSocketError", "value": "The connections was lost, rerun the code to get the results", "traceback": ""}`,
						`{"type": "error", "name": "UnexpectedEndOfExecution", "value": "Connection to the execution was closed before the execution was finished", "traceback": ""}`}
				} else {
					errs = []string{`{"type": "error", "name": "ContextRestarting", "value": "Context was restarted", "traceback": ""}`}
				}
				for _, e := range append(errs, `{"type": "end_of_execution"}`) {
					_, _ = io.WriteString(w, e+"\n")
				}
				flush()
				return
			}
			line = bytes.ReplaceAll(line, fromHost, []byte("/home/user"))
			if _, err := w.Write(line); err != nil {
				c.interrupt(cmd, lines)
				return
			}
			flush()
			keep.Reset(5 * time.Second)
			if isEnd(line) {
				return
			}
		case <-keep.C:
			if _, err := io.WriteString(w, "{\"type\": \"keepalive\"}\n"); err != nil {
				c.interrupt(cmd, lines)
				return
			}
			flush()
		case <-r.Context().Done():
			// Client went away: interrupt the kernel as the server does.
			c.interrupt(cmd, lines)
			return
		case <-c.f.closing:
			return
		}
	}
}

// interrupt stops the running cell and consumes the rest of its output so
// the next execution starts in step.
func (c *pyctx) interrupt(cmd *exec.Cmd, lines chan []byte) {
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	interruptGroup(cmd)
	for {
		select {
		case line, ok := <-lines:
			if !ok || isEnd(line) {
				return
			}
		case <-tick.C:
			interruptGroup(cmd) // a cell may swallow one KeyboardInterrupt
		case <-deadline.C:
			c.close()
			return
		case <-c.f.closing:
			return
		}
	}
}

func newContextID() string {
	s := randomID("", 32)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

func (sb *fsb) newContext(f *Fake, language, cwd string) *pyctx {
	c := &pyctx{id: newContextID(), language: language, cwd: cwd, f: f, sb: sb}
	sb.pmu.Lock()
	sb.contexts[c.id] = c
	sb.pmu.Unlock()
	return c
}

func (f *Fake) interpreter(w http.ResponseWriter, r *http.Request, id string) {
	sb := f.liveSandbox(id)
	if sb == nil {
		proxyNotFound(w, id)
		return
	}
	p := r.URL.Path
	if p == "/health" {
		writeJSON(w, http.StatusOK, "OK")
		return
	}
	endpoint := EndpointContexts
	if p == "/execute" {
		endpoint = EndpointExecute
	} else if p != "/contexts" && !strings.HasPrefix(p, "/contexts/") {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
		return
	}
	if done, lost := f.fault(w, r, endpoint); done {
		return
	} else if lost {
		f.interpDispatch(newDiscardWriter(), r.WithContext(r.Context()), sb, p)
		resetConn(w)
		return
	}
	f.interpDispatch(w, r, sb, p)
}

func (f *Fake) interpDispatch(w http.ResponseWriter, r *http.Request, sb *fsb, p string) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	switch {
	case p == "/execute" && r.Method == http.MethodPost:
		var req struct {
			Code      *string           `json:"code"`
			ContextID *string           `json:"context_id"`
			Language  *string           `json:"language"`
			EnvVars   map[string]string `json:"env_vars"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Code == nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []map[string]any{{"loc": []string{"body", "code"}, "msg": "field required", "type": "value_error.missing"}}})
			return
		}
		if req.ContextID != nil && req.Language != nil {
			http.Error(w, "Only one of context_id or language can be provided", http.StatusBadRequest)
			return
		}
		var c *pyctx
		if req.ContextID != nil {
			sb.pmu.Lock()
			c = sb.contexts[*req.ContextID]
			sb.pmu.Unlock()
			if c == nil {
				http.Error(w, fmt.Sprintf("Context %s not found", *req.ContextID), http.StatusNotFound)
				return
			}
		} else {
			lang := "python"
			if req.Language != nil {
				lang = normalizeLanguage(*req.Language)
			}
			if lang != "python" {
				noKernel(w, lang)
				return
			}
			c = sb.defaultContext(f, lang)
		}
		c.run(w, r, *req.Code, req.EnvVars)
	case p == "/contexts" && r.Method == http.MethodPost:
		var req struct {
			Language string `json:"language"`
			Cwd      string `json:"cwd"`
		}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &req); err != nil {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": err.Error()})
				return
			}
		}
		req.Language = normalizeLanguage(req.Language)
		if req.Cwd == "" {
			req.Cwd = "/home/user"
		}
		if req.Language != "python" {
			noKernel(w, req.Language)
			return
		}
		c := sb.newContext(f, req.Language, req.Cwd)
		if err := c.ensure(); err != nil {
			http.Error(w, "Failed to create context: "+err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": c.id, "language": c.language, "cwd": c.cwd})
	case p == "/contexts" && r.Method == http.MethodGet:
		// E2B lists the default context (started with the server) too.
		sb.defaultContext(f, "python")
		sb.pmu.Lock()
		out := []map[string]any{}
		for _, c := range sb.contexts {
			out = append(out, map[string]any{"id": c.id, "language": c.language, "cwd": c.cwd})
		}
		sb.pmu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case strings.HasPrefix(p, "/contexts/"):
		rest := strings.TrimPrefix(p, "/contexts/")
		cid, action, _ := strings.Cut(rest, "/")
		sb.pmu.Lock()
		c := sb.contexts[cid]
		if c != nil && r.Method == http.MethodDelete && action == "" {
			delete(sb.contexts, cid)
			for lang, id := range sb.defaults {
				if id == cid {
					delete(sb.defaults, lang)
				}
			}
		}
		sb.pmu.Unlock()
		if c == nil {
			http.Error(w, fmt.Sprintf("Context %s not found", cid), http.StatusNotFound)
			return
		}
		switch {
		case r.Method == http.MethodDelete && action == "":
			c.close()
			writeJSON(w, http.StatusOK, nil)
		case r.Method == http.MethodPost && action == "restart":
			// Kill first: a running cell's stream then ends with E2B's two
			// error lines; the lock waits for it.
			c.mu.Lock()
			c.restarting = true
			c.mu.Unlock()
			c.close()
			c.exec.Lock()
			c.mu.Lock()
			c.restarting = false
			c.mu.Unlock()
			c.exec.Unlock()
			writeJSON(w, http.StatusOK, nil)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// defaultContext returns the language's default context, creating it (its
// kernel starts on first use).
func (sb *fsb) defaultContext(f *Fake, lang string) *pyctx {
	sb.pmu.Lock()
	c := sb.contexts[sb.defaults[lang]]
	sb.pmu.Unlock()
	if c != nil {
		return c
	}
	c = sb.newContext(f, lang, "/home/user")
	sb.pmu.Lock()
	defer sb.pmu.Unlock()
	if d := sb.contexts[sb.defaults[lang]]; d != nil { // lost a race
		delete(sb.contexts, c.id)
		return d
	}
	sb.defaults[lang] = c.id
	return c
}

// normalizeLanguage is the code-interpreter server's own
// (template/server/contexts.py): "" is python, "js" javascript, "ts"
// typescript.
func normalizeLanguage(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	switch l {
	case "":
		return "python"
	case "js":
		return "javascript"
	case "ts":
		return "typescript"
	}
	return l
}

// noKernel refuses a language the fake has no kernel for, as E2B's server
// does for a kernel its Jupyter lacks (recordings/interpreter/047): 500,
// plain text, Jupyter's own sentence. TypeScript runs on the javascript
// kernel there (get_kernel_for_language).
func noKernel(w http.ResponseWriter, lang string) {
	kernel := lang
	if kernel == "typescript" {
		kernel = "javascript"
	}
	body := fmt.Sprintf(`Failed to create context: {"message": "The '%s' kernel is not available. Please pick another suitable kernel instead, or install that kernel.", "short_message": "%s not found"}`, kernel, kernel)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, body)
}
