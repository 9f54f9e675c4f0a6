package e2btest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/creack/pty"
)

// fproc is a process started through envd. Its output goes to every
// subscriber (the Start stream and any Connect streams); with none, it is
// dropped, as envd drops it.
type fproc struct {
	cmd    *exec.Cmd
	config map[string]any
	tag    string
	tty    *os.File // the pty's controlling side; nil without a pty
	// stdin is the write end of a piped process's stdin: set when Start
	// asked for stdin, nil without it or once closed (guarded by mu).
	stdin *os.File
	outs  []*os.File // what pump reads: the pty, or stdout and stderr
	mu    sync.Mutex
	subs  map[*fsub]struct{}
	ended bool
	end   map[string]any
}

// fsub is one stream's subscription; ch is closed after the last chunk.
type fsub struct {
	ch   chan chunk
	gone chan struct{}
	once sync.Once
}

func (s *fsub) leave() { s.once.Do(func() { close(s.gone) }) }

func startOnPipes(cmd *exec.Cmd, stdin bool) (*fproc, error) {
	var inR, inW *os.File
	if stdin {
		var err error
		if inR, inW, err = os.Pipe(); err != nil {
			return nil, err
		}
		cmd.Stdin = inR
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	closeAll(outW, errW, inR)
	if err != nil {
		closeAll(outR, errR, inW)
		return nil, err
	}
	return &fproc{cmd: cmd, stdin: inW, outs: []*os.File{outR, errR}, subs: map[*fsub]struct{}{}}, nil
}

func closeAll(fs ...*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// writeStdin writes to a piped process's stdin, in envd's words when it
// has none (measured against envd: 500 internal).
func (p *fproc) writeStdin(data []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stdin == nil {
		return errors.New("error writing to stdin: stdin not enabled or closed")
	}
	if _, err := p.stdin.Write(data); err != nil {
		return fmt.Errorf("error writing to stdin: %w", err)
	}
	return nil
}

// closeStdin sends EOF; closing what is closed (or was never open) is
// fine, as in envd.
func (p *fproc) closeStdin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stdin != nil {
		p.stdin.Close()
		p.stdin = nil
	}
}

// startOnPty starts cmd on a new pty of the requested size, as envd does
// (creack/pty's StartWithSize: a new session with the pty as its
// controlling terminal).
func startOnPty(cmd *exec.Cmd, raw json.RawMessage) (*fproc, error) {
	var req struct {
		Size struct {
			Cols uint16 `json:"cols"`
			Rows uint16 `json:"rows"`
		} `json:"size"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: req.Size.Cols, Rows: req.Size.Rows})
	if err != nil {
		return nil, err
	}
	return &fproc{cmd: cmd, tty: tty, outs: []*os.File{tty}, subs: map[*fsub]struct{}{}}, nil
}

func (p *fproc) subscribe() *fsub {
	s := &fsub{ch: make(chan chunk), gone: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		close(s.ch)
		return s
	}
	p.subs[s] = struct{}{}
	return s
}

func (p *fproc) unsubscribe(s *fsub) {
	s.leave()
	p.mu.Lock()
	delete(p.subs, s)
	p.mu.Unlock()
}

func (p *fproc) publish(c chunk) {
	p.mu.Lock()
	subs := make([]*fsub, 0, len(p.subs))
	for s := range p.subs {
		subs = append(subs, s)
	}
	p.mu.Unlock()
	for _, s := range subs {
		select {
		case s.ch <- c:
		case <-s.gone:
		}
	}
}

// pump reads the process's output until it ends, then records its end
// event and closes every subscription.
func (p *fproc) pump(sb *fsb, pid uint32, fromHost []byte) {
	var readers sync.WaitGroup
	var pubMu sync.Mutex // one chunk at a time, in order per reader
	for i, rd := range p.outs {
		readers.Add(1)
		go func(rd *os.File, isErr bool) {
			defer readers.Done()
			buf := make([]byte, 32<<10)
			for {
				n, err := rd.Read(buf)
				if n > 0 {
					data := bytes.ReplaceAll(buf[:n], fromHost, []byte("/home/user"))
					pubMu.Lock()
					p.publish(chunk{stderr: isErr, data: data})
					pubMu.Unlock()
				}
				if err != nil {
					return
				}
			}
		}(rd, i == 1)
	}
	_ = p.cmd.Wait()
	sb.pmu.Lock()
	delete(sb.procs, pid)
	sb.pmu.Unlock()
	// A background child may hold the pipes open; stop reading a little
	// after the main process is gone. (A pty reads EIO once the session
	// leader is gone and no one else has it open.)
	rdone := make(chan struct{})
	go func() { readers.Wait(); close(rdone) }()
	t := time.NewTimer(500 * time.Millisecond)
	select {
	case <-rdone:
	case <-t.C:
		for _, rd := range p.outs {
			rd.Close()
		}
		<-rdone
	}
	t.Stop()
	for _, rd := range p.outs {
		rd.Close()
	}
	ps := p.cmd.ProcessState
	end := map[string]any{"status": ps.String()}
	if code := ps.ExitCode(); code != 0 {
		end["exitCode"] = code
		end["error"] = ps.String()
	}
	if ps.Exited() {
		end["exited"] = true
	}
	p.closeStdin()
	p.mu.Lock()
	p.ended, p.end = true, end
	for s := range p.subs {
		close(s.ch)
	}
	p.subs = map[*fsub]struct{}{}
	p.mu.Unlock()
	sb.pmu.Lock()
	if sb.ended == nil {
		sb.ended = map[uint32]map[string]any{}
	}
	sb.ended[pid] = end
	sb.pmu.Unlock()
}

// serveEvents streams start, data..., end and the end-of-stream envelope
// of one subscription, with keepalives, until the process ends or the
// client leaves.
func (f *Fake) serveEvents(sw *streamWriter, r *http.Request, p *fproc, pid uint32, sub *fsub, timedOut func() bool) {
	defer p.unsubscribe(sub)
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
		case c, ok := <-sub.ch:
			if !ok {
				p.mu.Lock()
				end := p.end
				p.mu.Unlock()
				_ = sw.send(0, map[string]any{"event": map[string]any{"end": end}})
				if timedOut != nil && timedOut() {
					sw.endWithError("deadline_exceeded", "the operation timed out")
				} else {
					_ = sw.send(0x02, map[string]any{})
				}
				return
			}
			key := "stdout"
			switch {
			case p.tty != nil:
				key = "pty"
			case c.stderr:
				key = "stderr"
			}
			var ev dataEvent
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

// connectProcess serves process.Process/Connect: the process's events
// from now on. Measured against envd: a pid that already ended still gets
// its start and end events; an unknown one ends the stream not_found.
func (f *Fake) connectProcess(w http.ResponseWriter, r *http.Request, sb *fsb, user string, userOK bool) {
	payload, ok := readRequestEnvelope(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/connect+json")
	w.WriteHeader(http.StatusOK)
	sw := &streamWriter{w: w}
	var req struct {
		Process struct {
			Pid *uint32 `json:"pid"`
			Tag *string `json:"tag"`
		} `json:"process"`
	}
	if err := json.Unmarshal(payload, &req); err != nil {
		sw.endWithError("invalid_argument", "invalid JSON: "+err.Error())
		return
	}
	if !userOK || !knownUser(user) {
		sw.endWithError("unauthenticated", fmt.Sprintf("invalid username: '%s'", user))
		return
	}
	sb.pmu.Lock()
	var p *fproc
	var pid uint32
	switch {
	case req.Process.Pid != nil:
		pid = *req.Process.Pid
		p = sb.procs[pid]
	case req.Process.Tag != nil:
		for id, q := range sb.procs {
			if q.tag == *req.Process.Tag {
				p, pid = q, id
			}
		}
	}
	end, wasEnded := sb.ended[pid]
	sb.pmu.Unlock()
	if p == nil {
		if wasEnded && req.Process.Pid != nil {
			_ = sw.send(0, map[string]any{"event": map[string]any{"start": map[string]any{"pid": pid}}})
			_ = sw.send(0, map[string]any{"event": map[string]any{"end": end}})
			_ = sw.send(0x02, map[string]any{})
			return
		}
		if req.Process.Tag != nil {
			sw.endWithError("not_found", fmt.Sprintf("process with tag %s not found", *req.Process.Tag))
		} else {
			sw.endWithError("not_found", fmt.Sprintf("process with pid %d not found", pid))
		}
		return
	}
	f.serveEvents(sw, r, p, pid, p.subscribe(), nil)
}

// readRequestEnvelope reads the one request envelope of a server stream.
func readRequestEnvelope(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); len(ct) < 24 || ct[:24] != "application/connect+json" {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return nil, false
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r.Body, hdr[:]); err != nil {
		connectErr(w, "invalid_argument", "missing request envelope")
		return nil, false
	}
	n := uint32(hdr[1])<<24 | uint32(hdr[2])<<16 | uint32(hdr[3])<<8 | uint32(hdr[4])
	if n > 1<<20 || hdr[0] != 0 {
		connectErr(w, "invalid_argument", "bad request envelope")
		return nil, false
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r.Body, payload); err != nil {
		connectErr(w, "invalid_argument", "truncated request envelope")
		return nil, false
	}
	return payload, true
}

// ptyUnary serves SendInput and Update; it reports whether method was one
// of them.
func (f *Fake) ptyUnary(w http.ResponseWriter, sb *fsb, method string, body []byte) bool {
	if method != "process.Process/SendInput" && method != "process.Process/Update" && method != "process.Process/CloseStdin" {
		return false
	}
	var req struct {
		Process struct {
			Pid uint32 `json:"pid"`
		} `json:"process"`
		Input struct {
			Pty   []byte `json:"pty"`
			Stdin []byte `json:"stdin"`
		} `json:"input"`
		Pty *struct {
			Size struct {
				Cols uint16 `json:"cols"`
				Rows uint16 `json:"rows"`
			} `json:"size"`
		} `json:"pty"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		connectErr(w, "invalid_argument", "invalid JSON: "+err.Error())
		return true
	}
	sb.pmu.Lock()
	p := sb.procs[req.Process.Pid]
	sb.pmu.Unlock()
	if p == nil {
		connectErr(w, "not_found", fmt.Sprintf("process with pid %d not found", req.Process.Pid))
		return true
	}
	switch method {
	case "process.Process/SendInput":
		if p.tty == nil {
			// Measured against envd (and tested against it in the
			// conformance suite): pty input to a piped process, stdin to
			// one started without stdin or after CloseStdin.
			if req.Input.Pty != nil {
				connectErr(w, "internal", "error writing to tty: tty not assigned to process — input should be written to the stdin, not the tty")
			} else if err := p.writeStdin(req.Input.Stdin); err != nil {
				connectErr(w, "internal", err.Error())
			} else {
				writeJSON(w, http.StatusOK, map[string]any{})
			}
			return true
		}
		data := req.Input.Pty
		if data == nil {
			data = req.Input.Stdin
		}
		if _, err := p.tty.Write(data); err != nil {
			connectErr(w, "internal", "error writing to tty: "+err.Error())
			return true
		}
	case "process.Process/CloseStdin":
		p.closeStdin()
	case "process.Process/Update":
		if req.Pty == nil {
			break
		}
		if p.tty == nil {
			connectErr(w, "internal", "error resizing tty: tty not assigned to process")
			return true
		}
		if err := pty.Setsize(p.tty, &pty.Winsize{Cols: req.Pty.Size.Cols, Rows: req.Pty.Size.Rows}); err != nil {
			connectErr(w, "internal", "error resizing tty: "+err.Error())
			return true
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{})
	return true
}
