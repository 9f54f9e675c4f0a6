package e2b_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tessera/backend/agent"
	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// Agent mode's Stop (issue 25), against the fake and E2B's own envd: a
// command the agent runs, `sleep 300 & sleep 300; wait`, leaves no sleep
// behind within 2 s of a cancel, in the foreground (Run) and in the
// background (StartDetached, then KillTree as agent.E2BSandbox.Kill does).
func TestAgentStopConformance(t *testing.T) {
	for _, srv := range []struct {
		name  string
		start func(*testing.T) *confServer
	}{{"fake", fakeConfServer}, {"real", realConfServer}} {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			t.Run("foreground_cancel", func(t *testing.T) {
				m := marker()
				rctx, stop := context.WithCancel(ctx)
				_, err := s.env.Run(rctx, e2b.ProcessOptions{Cmd: "sleep " + m + " & sleep " + m + " & echo started; wait", Timeout: -1,
					OnStdout: func(b []byte) {
						if strings.Contains(string(b), "started") {
							stop()
						}
					}})
				stop()
				if apperr.CodeOf(err) != apperr.Canceled {
					t.Fatalf("err = %v", err)
				}
				noSleepers(ctx, t, s, m)
			})
			t.Run("background_kill", func(t *testing.T) {
				m := marker()
				pids := make(chan uint32, 1)
				started := make(chan struct{}, 1)
				go func() {
					_, _ = s.env.StartDetached(context.WithoutCancel(ctx), e2b.ProcessOptions{Cmd: agent.BackgroundLine("sleep " + m + " & sleep " + m + " & echo started; wait")},
						"tessera-agent", e2b.StreamCallbacks{OnStart: func(pid uint32) { pids <- pid }, OnData: func(_ bool, b []byte) {
							if strings.Contains(string(b), "started") {
								select {
								case started <- struct{}{}:
								default:
								}
							}
						}})
				}()
				pid := <-pids
				<-started
				if n := sleepers(ctx, t, s, m); n != 2 {
					t.Fatalf("%d sleepers before the kill, want 2", n)
				}
				must(t, s.env.KillTree(ctx, pid))
				noSleepers(ctx, t, s, m)
			})
		})
	}
}
