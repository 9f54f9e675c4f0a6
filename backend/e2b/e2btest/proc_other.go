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
