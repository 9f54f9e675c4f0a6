//go:build linux

package e2btest

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// signalSandbox sends sig to every process of the sandbox, however it was
// started and whoever its parent is now: envd does not put commands in
// process groups (so neither does the fake), which leaves the environment
// marker, inherited by every descendant, as the way to find them all. A
// real sandbox is a VM; pausing or killing it stops everything in it.
func (sb *fsb) signalSandbox(sig syscall.Signal) {
	needle := []byte(markerEnv + "=" + sb.id + "\x00")
	ents, err := os.ReadDir("/proc")
	if err != nil {
		sb.signalPids(sig)
		return
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		// Shells rebuild the environment in their own order.
		if err != nil || !(bytes.HasPrefix(b, needle) || bytes.Contains(b, append([]byte{0}, needle...))) {
			continue
		}
		_ = syscall.Kill(pid, sig)
	}
}
