package e2b

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tessera/backend/apperr"
)

// PtyOptions describe an interactive process on a pseudo-terminal (envd's
// Start with a `pty` field, §4.5): its output comes as `pty` data events,
// input goes in with SendInput, the size changes with Update.
type PtyOptions struct {
	// Cmd and Args are the program; empty Cmd means a login shell
	// (`/bin/bash -i -l`, as E2B's SDKs start one).
	Cmd  string
	Args []string
	// Cwd is the working folder (relative to the root when one is set;
	// default: the root, else the user's home).
	Cwd string
	// Env is added to the sandbox's; TERM defaults to xterm-256color.
	Env        map[string]string
	Cols, Rows uint32
	// Tag names the process so List can find it again (envd keeps it).
	Tag string
}

// ProcessExit is how a streamed process ended.
type ProcessExit struct {
	ExitCode int
	Exited   bool
	Status   string
}

// ProcessInfo is one process envd knows of (process.Process/List).
type ProcessInfo struct {
	Pid  uint32
	Tag  string
	Cmd  string
	Args []string
	Cwd  string
}

// StreamCallbacks receive a streamed process's events. OnData's slice is
// only valid during the call.
type StreamCallbacks struct {
	OnStart func(pid uint32)
	// OnData gets pty output (and stdout) with stderr false, stderr with
	// stderr true.
	OnData func(stderr bool, b []byte)
}

// StartPty starts a process on a pty of Cols×Rows and streams its output
// until it ends (ProcessExit) or ctx ends. Ending the stream does not stop
// the process: envd keeps it, and ConnectProcess re-attaches by pid. There
// is no time limit.
func (e *Envd) StartPty(ctx context.Context, po PtyOptions, cb StreamCallbacks) (ProcessExit, error) {
	if e.err != nil {
		return ProcessExit{}, e.err
	}
	if po.Cols == 0 || po.Rows == 0 || po.Cols > 4096 || po.Rows > 4096 {
		return ProcessExit{}, apperr.Newf(apperr.Invalid, "The terminal size %d×%d is not usable. Make the terminal panel larger and try again.", po.Cols, po.Rows)
	}
	cmd, args := po.Cmd, po.Args
	if strings.TrimSpace(cmd) == "" {
		cmd, args = "/bin/bash", []string{"-i", "-l"}
	}
	env := map[string]string{"TERM": "xterm-256color", "LANG": "C.UTF-8"}
	for k, v := range po.Env {
		env[k] = v
	}
	if err := checkMap(env, "environment variable"); err != nil {
		return ProcessExit{}, err
	}
	cwd, err := e.cwdFor(po.Cwd)
	if err != nil {
		return ProcessExit{}, err
	}
	proc := map[string]any{"cmd": cmd, "args": nonNil(args), "envs": env}
	if cwd != "" {
		proc["cwd"] = cwd
	}
	msg := map[string]any{"process": proc, "pty": map[string]any{"size": map[string]any{"cols": po.Cols, "rows": po.Rows}}}
	if po.Tag != "" {
		msg["tag"] = po.Tag
	}
	return e.stream(ctx, op{what: "start the terminal"}, "process.Process/Start", msg, cb)
}

// StartDetached starts a shell command line (`/bin/bash -l -c Cmd`, no pty,
// no time limit) and streams its output like StartPty: for a long-running
// server whose output is watched and which outlives the stream.
func (e *Envd) StartDetached(ctx context.Context, po ProcessOptions, tag string, cb StreamCallbacks) (ProcessExit, error) {
	if e.err != nil {
		return ProcessExit{}, e.err
	}
	if strings.TrimSpace(po.Cmd) == "" {
		return ProcessExit{}, apperr.New(apperr.Invalid, "No command was given. Give the command to run.")
	}
	if err := checkMap(po.Env, "environment variable"); err != nil {
		return ProcessExit{}, err
	}
	cwd, err := e.cwdFor(po.Cwd)
	if err != nil {
		return ProcessExit{}, err
	}
	proc := map[string]any{"cmd": "/bin/bash", "args": []string{"-l", "-c", po.Cmd}}
	if len(po.Env) > 0 {
		proc["envs"] = po.Env
	}
	if cwd != "" {
		proc["cwd"] = cwd
	}
	msg := map[string]any{"process": proc, "stdin": false}
	if tag != "" {
		msg["tag"] = tag
	}
	return e.stream(ctx, op{what: "start the server"}, "process.Process/Start", msg, cb)
}

// ConnectProcess re-attaches to a running process by pid
// (process.Process/Connect) and streams its output from now on (envd does
// not replay what it printed before) until it ends or ctx ends.
func (e *Envd) ConnectProcess(ctx context.Context, pid uint32, cb StreamCallbacks) (ProcessExit, error) {
	if e.err != nil {
		return ProcessExit{}, e.err
	}
	msg := map[string]any{"process": map[string]any{"pid": pid}}
	return e.stream(ctx, op{what: "connect to the process", notFound: "That process is not running in the sandbox any more."}, "process.Process/Connect", msg, cb)
}

// SendPtyInput writes bytes to a pty process's terminal (SendInput with
// `input.pty`).
func (e *Envd) SendPtyInput(ctx context.Context, pid uint32, data []byte) error {
	if e.err != nil {
		return e.err
	}
	return e.rpc(ctx, op{what: "send the keys to the terminal", notFound: "The terminal's shell is not running any more."}, onlyUnsent,
		"process.Process/SendInput", map[string]any{"process": map[string]any{"pid": pid}, "input": map[string]any{"pty": data}}, nil)
}

// ResizePty changes a pty process's terminal size (Update with `pty`).
func (e *Envd) ResizePty(ctx context.Context, pid uint32, cols, rows uint32) error {
	if e.err != nil {
		return e.err
	}
	if cols == 0 || rows == 0 || cols > 4096 || rows > 4096 {
		return apperr.Newf(apperr.Invalid, "The terminal size %d×%d is not usable.", cols, rows)
	}
	return e.rpc(ctx, op{what: "resize the terminal", notFound: "The terminal's shell is not running any more."}, idempotent,
		"process.Process/Update", map[string]any{"process": map[string]any{"pid": pid},
			"pty": map[string]any{"size": map[string]any{"cols": cols, "rows": rows}}}, nil)
}

// Signal sends SIGKILL (or SIGTERM when term) to the pid alone, as envd
// does; a pty shell's children get SIGHUP from the kernel when it dies.
func (e *Envd) Signal(ctx context.Context, pid uint32, term bool) error {
	if e.err != nil {
		return e.err
	}
	sig := "SIGNAL_SIGKILL"
	if term {
		sig = "SIGNAL_SIGTERM"
	}
	return e.rpc(ctx, op{what: "stop the process", notFound: "That process is not running in the sandbox any more."}, idempotent,
		"process.Process/SendSignal", map[string]any{"process": map[string]any{"pid": pid}, "signal": sig}, nil)
}

// KillTree stops a process envd started and everything under it (found
// through /proc/<pid>/task/*/children, which needs no procps in the
// template), children first frozen then killed with the parent. envd
// signals only the pid, and a server's children (npx → node) would keep
// its port.
func (e *Envd) KillTree(ctx context.Context, pid uint32) error {
	if e.err != nil {
		return e.err
	}
	if pid == 0 {
		return nil
	}
	script := `tree() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }
ps=$(tree ` + strconv.FormatUint(uint64(pid), 10) + `)
kill -STOP $ps 2>/dev/null; kill -KILL $ps 2>/dev/null; true`
	code, err := e.Run(ctx, ProcessOptions{Cmd: "/bin/bash", Args: []string{"-c", script}, Timeout: 15 * time.Second, noTree: true})
	if err != nil {
		return err
	}
	if code != 0 {
		return apperr.Newf(apperr.Internal, "Tessera could not stop the process %d in the sandbox (exit code %d).", pid, code)
	}
	return nil
}

// KillPort stops, as root, whatever listens on a TCP port in the sandbox
// (and its children): a server started outside envd's process list, or by
// another user, still frees its port for a restart. It reports how many
// processes listened. Found through /proc/net/tcp{,6} and the sockets in
// /proc/*/fd (no ss, lsof or fuser needed). Only processes of this
// sandbox: in E2B that is every process of the VM; where sandboxes share
// one machine (the e2btest fake marks each one's processes with
// E2BTEST_SANDBOX), only those with the script's own mark, so a test or a
// developer's machine never loses an unrelated server.
func (e *Envd) KillPort(ctx context.Context, port int) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if port <= 0 || port > 65535 {
		return 0, apperr.Newf(apperr.Invalid, "The port %d is not a TCP port.", port)
	}
	script := `p=$(printf ':%04X' ` + strconv.Itoa(port) + `)
inodes=$(awk -v p="$p" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
pids=
for i in $inodes; do
  for f in /proc/[0-9]*/fd/*; do
    [ "$(readlink "$f" 2>/dev/null)" = "socket:[$i]" ] || continue
    f=${f#/proc/}; pids="$pids ${f%%/*}"
  done
done
tree() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }
all=; n=0
mark=$(tr '\0' '\n' < /proc/$$/environ 2>/dev/null | grep '^E2BTEST_SANDBOX=')
for pid in $(printf '%s\n' $pids | sort -u); do
  if [ -n "$mark" ] && ! tr '\0' '\n' < /proc/"$pid"/environ 2>/dev/null | grep -qxF "$mark"; then continue; fi
  n=$((n+1)); all="$all $(tree "$pid")"
done
[ -n "$all" ] && { kill -STOP $all 2>/dev/null; kill -KILL $all 2>/dev/null; }
echo "$n"`
	var out []byte
	code, err := e.WithUser("root").Run(ctx, ProcessOptions{Cmd: "/bin/bash", Args: []string{"-c", script}, Timeout: 20 * time.Second, noTree: true,
		OnStdout: func(b []byte) { out = append(out, b...) }})
	if err != nil {
		return 0, err
	}
	n, perr := strconv.Atoi(strings.TrimSpace(string(out)))
	if code != 0 || perr != nil {
		return 0, apperr.Newf(apperr.Internal, "Tessera could not free the port %d in the sandbox (exit code %d).", port, code)
	}
	return n, nil
}

// ListProcesses lists the processes envd started (process.Process/List).
func (e *Envd) ListProcesses(ctx context.Context) ([]ProcessInfo, error) {
	if e.err != nil {
		return nil, e.err
	}
	var out struct {
		Processes []struct {
			Pid    uint32  `json:"pid"`
			Tag    *string `json:"tag"`
			Config struct {
				Cmd  string   `json:"cmd"`
				Args []string `json:"args"`
				Cwd  *string  `json:"cwd"`
			} `json:"config"`
		} `json:"processes"`
	}
	if err := e.rpc(ctx, op{what: "list the processes"}, idempotent, "process.Process/List", map[string]any{}, &out); err != nil {
		return nil, err
	}
	ps := make([]ProcessInfo, 0, len(out.Processes))
	for _, p := range out.Processes {
		pi := ProcessInfo{Pid: p.Pid, Cmd: p.Config.Cmd, Args: p.Config.Args}
		if p.Tag != nil {
			pi.Tag = *p.Tag
		}
		if p.Config.Cwd != nil {
			pi.Cwd = *p.Config.Cwd
		}
		ps = append(ps, pi)
	}
	return ps, nil
}

func (e *Envd) cwdFor(cwd string) (string, error) {
	switch {
	case cwd == "" && e.root != "":
		return e.root, nil
	case cwd != "":
		return e.resolve(cwd)
	}
	return "", nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// stream makes a Connect server-stream call that yields process events
// (Start and Connect) and delivers them to cb until the end event, the end
// of the stream or ctx. It never kills the process.
func (e *Envd) stream(ctx context.Context, o op, method string, in any, cb StreamCallbacks) (ProcessExit, error) {
	msg, err := json.Marshal(in)
	if err != nil {
		return ProcessExit{}, apperr.Wrap(err, apperr.Internal, "Tessera could not prepare the request. This is a bug; the log file has the details.")
	}
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	headerTimer := time.AfterFunc(e.c.reqTO, func() { cancel(errHeaderTimeout) })
	req := e.c.raw.R().SetContext(sctx).SetDoNotParseResponse(true)
	e.headers(req)
	req.SetHeader("Content-Type", "application/connect+json").
		SetHeader("Connect-Protocol-Version", "1").
		SetHeader("Keepalive-Ping-Interval", strconv.Itoa(keepaliveSeconds)).
		SetBody(appendEnvelope(nil, 0, msg))
	resp, err := req.Execute(http.MethodPost, e.base+"/"+method)
	headerTimer.Stop()
	if err != nil {
		return ProcessExit{}, e.streamError(ctx, sctx, o, err, 0)
	}
	rb := resp.RawBody()
	defer rb.Close()
	if resp.StatusCode() != http.StatusOK || !strings.HasPrefix(resp.Header().Get("Content-Type"), "application/connect+json") {
		b, _ := io.ReadAll(io.LimitReader(rb, 64<<10))
		st := resp.StatusCode()
		if st == http.StatusOK {
			st = http.StatusInternalServerError
		}
		return ProcessExit{}, envdError(o, st, b)
	}
	idle := time.AfterFunc(e.c.idleTO, func() { cancel(errIdleTimeout) })
	defer idle.Stop()
	er := newEnvelopeReader(rb, DefaultMaxEnvelope)
	var dec procDecoder
	var end *processEnd
	for {
		flags, payload, err := er.next()
		if err != nil {
			if end != nil && err == io.EOF {
				return exitOf(*end), nil
			}
			return ProcessExit{}, e.streamError(ctx, sctx, o, err, 0)
		}
		idle.Reset(e.c.idleTO)
		if flags&flagEndStream != 0 {
			ce, perr := parseEndStream(payload)
			if perr != nil {
				return ProcessExit{}, apperr.Wrap(perr, apperr.Unavailable, "The sandbox sent a broken answer. Try again.")
			}
			if ce != nil {
				return ProcessExit{}, connectError(o, ce, http.StatusOK)
			}
			if end == nil {
				return ProcessExit{}, apperr.New(apperr.Unavailable, "The sandbox ended the process stream without an exit status. Try again.")
			}
			return exitOf(*end), nil
		}
		ev, err := dec.decode(payload)
		if err != nil {
			return ProcessExit{}, apperr.Wrap(err, apperr.Unavailable, "The sandbox sent output Tessera could not read. Try again.")
		}
		switch ev.kind {
		case evStart:
			if cb.OnStart != nil {
				cb.OnStart(ev.pid)
			}
		case evStdout, evStderr:
			if cb.OnData != nil {
				cb.OnData(ev.kind == evStderr, ev.data)
			}
		case evEnd:
			en := ev.end
			end = &en
		}
		if sctx.Err() != nil {
			return ProcessExit{}, e.streamError(ctx, sctx, o, sctx.Err(), 0)
		}
	}
}

func exitOf(p processEnd) ProcessExit {
	return ProcessExit{ExitCode: int(p.ExitCode), Exited: p.Exited, Status: p.Status}
}
