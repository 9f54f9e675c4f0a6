//go:build unix && !linux

package e2btest

import "syscall"

// signalSandbox sends sig to the processes the sandbox started (without
// /proc their descendants cannot be found).
func (sb *fsb) signalSandbox(sig syscall.Signal) { sb.signalPids(sig) }
