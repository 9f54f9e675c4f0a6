package e2b

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Process trees (PROTOCOL.md Corrections, §4.5): envd starts a command in
// its own process group and signals only the pid it started, both for
// SendSignal and for its Connect-Timeout-Ms deadline. A `bash -l -c` wrapper
// dies and `npm install`, a dev server or the `sleep` of `cmd; sleep 600`
// keep running (and keep the sandbox busy and billed). So every command runs
// under setsid(1): the pid envd reports leads a new session and process
// group, and stopping the command kills that group.

// setsidPath is util-linux's setsid, present in every Debian/Ubuntu based
// E2B template (util-linux is an essential package there).
const setsidPath = "/usr/bin/setsid"

// envdDeadlineSlack is how much later than our own time limit envd's
// deadline is set: ours kills the whole tree, envd's is the backstop for
// when Tessera is gone, and kills only the session leader.
const envdDeadlineSlack = 5 * time.Second

// sessionScript execs the command under setsid when the template has it
// (all of E2B's do) and as it is otherwise; exec keeps the pid envd
// reported through every step.
func sessionScript(setsid string) string {
	return `[ -x ` + setsid + ` ] && exec ` + setsid + ` --wait "$0" "$@"; exec "$0" "$@"`
}

// wrapCommand builds envd's cmd and args for po: shell lines run as
// `setsid --wait /bin/bash -l -c LINE`, programs as `setsid --wait PROG
// ARGS`, both behind sessionScript. A login shell reads /etc/profile, which
// resets PATH, so a PATH given in the environment is set again inside the
// shell. (--wait matters only if setsid had to fork; envd's children never
// lead a group, so it execs.)
func wrapCommand(po ProcessOptions, setsid string) (string, []string) {
	cmd, args := po.Cmd, po.Args
	if args == nil {
		line := po.Cmd
		if p, ok := po.Env["PATH"]; ok {
			line = "export PATH=" + shellQuote(p) + "\n" + line
		}
		cmd, args = "/bin/bash", []string{"-l", "-c", line}
	}
	if po.noTree {
		return cmd, args
	}
	return "/bin/sh", append([]string{"-c", sessionScript(setsid), cmd}, args...)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// killGroup kills the process group led by pid (a command started by Run)
// by running `kill` in the sandbox as the same user; envd has no call that
// signals a group. A missing group is not an error: it already ended.
// It reports whether there was a group to kill.
func (e *Envd) killGroup(ctx context.Context, pid uint32) (bool, error) {
	if pid == 0 {
		return false, nil
	}
	code, err := e.Run(ctx, ProcessOptions{
		Cmd:     "/bin/bash",
		Args:    []string{"-c", "kill -KILL -- -" + strconv.FormatUint(uint64(pid), 10) + " 2>/dev/null || exit 3"},
		Timeout: 10 * time.Second,
		noTree:  true,
	})
	return err == nil && code == 0, err
}
