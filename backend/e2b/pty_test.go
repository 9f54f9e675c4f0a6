package e2b_test

import (
	"context"
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
