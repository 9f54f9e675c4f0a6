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

// hostUsage measures the sandbox's host processes (found by the marker, as
// signalSandbox does): CPU seconds used so far (user+system) and resident
// memory in bytes. Zero when none ever ran.
func (sb *fsb) hostUsage() (cpuSecs float64, rss int64) {
	if !sb.hadProcs() {
		return 0, 0
	}
	needle := []byte(markerEnv + "=" + sb.id + "\x00")
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, 0
	}
	const ticks = 100 // USER_HZ on Linux
	page := int64(os.Getpagesize())
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !(bytes.HasPrefix(b, needle) || bytes.Contains(b, append([]byte{0}, needle...))) {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name (which may hold spaces): state is
		// field 3; utime 14, stime 15, rss 24.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) < 22 {
			continue
		}
		ut, _ := strconv.ParseInt(string(f[11]), 10, 64)
		st, _ := strconv.ParseInt(string(f[12]), 10, 64)
		rp, _ := strconv.ParseInt(string(f[21]), 10, 64)
		cpuSecs += float64(ut+st) / ticks
		rss += rp * page
	}
	return cpuSecs, rss
}
