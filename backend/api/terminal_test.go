package api

import (
	"context"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/terminal"
)

type recTerminals struct {
	input []byte
	id    string
	cols  int
	err   error
}

func (r *recTerminals) Open(_ context.Context, p string, c, rows int) (terminal.Info, error) {
	r.cols = c
	return terminal.Info{ID: "t1", ProjectID: p, Kind: terminal.KindShell}, r.err
}
func (r *recTerminals) OpenServer(_ context.Context, p string) (terminal.Info, error) {
	return terminal.Info{ID: "s1", ProjectID: p, Kind: terminal.KindServer}, r.err
}
func (r *recTerminals) Input(_ context.Context, id string, d []byte) error {
	r.id, r.input = id, d
	return r.err
}
func (r *recTerminals) Resize(_ context.Context, id string, c, rows int) error {
	r.id, r.cols = id, c
	return r.err
}
func (r *recTerminals) Close(_ context.Context, id string) error { r.id = id; return r.err }
func (r *recTerminals) Snapshot(id string) (terminal.Snapshot, error) {
	return terminal.Snapshot{Info: terminal.Info{ID: id}}, r.err
}
func (r *recTerminals) List(string) []terminal.Info                     { return nil }
func (r *recTerminals) RestartServer(_ context.Context, p string) error { r.id = p; return r.err }

func TestTerminalService(t *testing.T) {
	rt := &recTerminals{}
	s := NewTerminalService(context.Background, rt)
	info, err := s.Open("p", 120, 30)
	if err != nil || info.ID != "t1" || rt.cols != 120 {
		t.Fatalf("Open: %+v %v (cols %d)", info, err, rt.cols)
	}
	// Keys arrive as xterm's text: control bytes and UTF-8 pass unchanged.
	for _, keys := range []string{"echo hi\r", "\x03", "\x1b[A", "ü日本🎉"} {
		if err := s.Input("t1", keys); err != nil || string(rt.input) != keys {
			t.Errorf("Input(%q) sent %q (%v)", keys, rt.input, err)
		}
	}
	rt.err = apperr.New(apperr.NotFound, "That terminal is closed. Open a new one.")
	if err := s.Resize("t9", 80, 24); apperr.CodeOf(err) != apperr.NotFound || rt.id != "t9" {
		t.Errorf("Resize: %v", err)
	}
	if d := ToDTO(s.Close("t9")); d.Code != "not_found" || d.Message != "That terminal is closed. Open a new one." {
		t.Errorf("Close error DTO %+v", d)
	}
}
