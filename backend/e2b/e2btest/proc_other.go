//go:build !unix

package e2btest

import (
	"os"
	"os/exec"
)

func newGroup(cmd *exec.Cmd) {}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

func interruptGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(os.Interrupt)
	}
}

func suspendGroup(cmd *exec.Cmd, stop bool) {}

func (sb *fsb) suspendSandbox(stop bool) {}

func (sb *fsb) killSandbox() {
	sb.pmu.Lock()
	defer sb.pmu.Unlock()
	for _, p := range sb.procs {
		killGroup(p.cmd)
	}
}

func signalPid(cmd *exec.Cmd, sig os.Signal) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(sig)
	}
}

func sigterm() os.Signal { return os.Kill }
func sigkill() os.Signal { return os.Kill }

// hostUsage is not measured on this system (see proc_linux.go).
func (sb *fsb) hostUsage() (cpuSecs float64, rss int64) { return 0, 0 }
