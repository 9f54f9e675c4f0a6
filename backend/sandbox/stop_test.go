package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// The app's Stop during an install cancels its context: everything the
// command started must end in the sandbox, not only its shell (envd
// signals only the pid it started; the fake does the same).
func TestFakeE2BStopInstallEndsItsProcesses(t *testing.T) {
	e := newFEnv(t)
	p := e.project("stop")
	m := fmt.Sprint(200000 + rand.IntN(700000))
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	err := e.m.Install(ctx, e.ensure(p.ID), "echo started; sleep "+m+" & sleep "+m, func(_ string, b []byte) {
		if bytes.Contains(b, []byte("started")) {
			cancel()
		}
	})
	if apperr.CodeOf(err) != apperr.Canceled {
		t.Fatalf("stopped install: %v", err)
	}
	h := e.ensure(p.ID)
	env := e.client.Envd(h.Sandbox).WithRoot(h.Root)
	deadline := time.Now().Add(3 * time.Second)
	for {
		var out bytes.Buffer
		if _, err := env.Run(e.ctx, e2b.ProcessOptions{Cmd: "ps -eo args=", OnStdout: func(b []byte) { out.Write(b) }}); err != nil {
			t.Fatal(err)
		}
		left := 0
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.TrimSpace(line) == "sleep "+m {
				left++
			}
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d `sleep %s` still running in the sandbox after Stop", left, m)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
