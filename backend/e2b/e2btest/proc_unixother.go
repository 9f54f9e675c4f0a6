//go:build unix && !linux

package e2btest

import "syscall"

// signalSandbox sends sig to the processes the sandbox started (without
// /proc their descendants cannot be found).
func (sb *fsb) signalSandbox(sig syscall.Signal) { sb.signalPids(sig) }

// hostUsage is not measured on this system (see proc_linux.go).
func (sb *fsb) hostUsage() (cpuSecs float64, rss int64) { return 0, 0 }
