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

// signalPids sends sig to the processes envd started in the sandbox.
func (sb *fsb) signalPids(sig syscall.Signal) {
	sb.pmu.Lock()
	defer sb.pmu.Unlock()
	for pid := range sb.procs {
		_ = syscall.Kill(int(pid), sig)
	}
}

// stopSandbox freezes (pause) or thaws every process of the sandbox.
func (sb *fsb) suspendSandbox(stop bool) {
	if !sb.hadProcs() {
		return
	}
	if stop {
		sb.signalSandbox(syscall.SIGSTOP)
	} else {
		sb.signalSandbox(syscall.SIGCONT)
	}
}

// killSandbox kills every process of the sandbox.
func (sb *fsb) killSandbox() {
	if !sb.hadProcs() {
		return
	}
	sb.signalSandbox(syscall.SIGCONT)
	sb.signalSandbox(syscall.SIGKILL)
}

// signalPid sends one signal to one process, as envd's SendSignal does.
func signalPid(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(sig)
	}
}

func sigterm() syscall.Signal { return syscall.SIGTERM }
func sigkill() syscall.Signal { return syscall.SIGKILL }
