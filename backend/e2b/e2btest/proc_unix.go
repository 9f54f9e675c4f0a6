//go:build unix

package e2btest

import (
	"os/exec"
	"syscall"
)

// newGroup puts the command in its own process group so a kill reaches
// the shell's children too (e.g. the `sleep` under `bash -c`).
func newGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

func interruptGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
}

// suspendGroup freezes (pause) or thaws (resume) a process group.
func suspendGroup(cmd *exec.Cmd, stop bool) {
	if cmd.Process == nil {
		return
	}
	sig := syscall.SIGCONT
	if stop {
		sig = syscall.SIGSTOP
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
