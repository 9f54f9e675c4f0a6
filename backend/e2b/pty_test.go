package e2b_test

import (
	"context"
	"net"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

func TestPtySizeRefused(t *testing.T) {
	s := fakeConfServer(t)
	ctx := context.Background()
	for _, tc := range []struct{ cols, rows uint32 }{{0, 24}, {80, 0}, {5000, 24}, {80, 5000}} {
		if _, err := s.env.StartPty(ctx, e2b.PtyOptions{Cols: tc.cols, Rows: tc.rows}, e2b.StreamCallbacks{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("StartPty %dx%d: %v, want invalid", tc.cols, tc.rows, err)
		}
		if err := s.env.ResizePty(ctx, 1, tc.cols, tc.rows); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("ResizePty %dx%d: %v, want invalid", tc.cols, tc.rows, err)
		}
	}
	if _, err := s.env.StartDetached(ctx, e2b.ProcessOptions{Cmd: "  "}, "", e2b.StreamCallbacks{}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("StartDetached with no command: %v, want invalid", err)
	}
}

// The fake shares this machine: KillPort may stop only the sandbox's own
// listeners, never this test's.
func TestKillPortSparesWhatIsNotInTheSandbox(t *testing.T) {
	s := fakeConfServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	n, err := s.env.KillPort(context.Background(), port)
	if err != nil || n != 0 {
		t.Fatalf("KillPort of a listener outside the sandbox: %d %v, want 0", n, err)
	}
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("the test's own listener is gone: %v", err)
	}
	c.Close()
}
