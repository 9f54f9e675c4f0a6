package sandbox

import (
	"context"
	"sync/atomic"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/store"
)

// A turn works through the Handle of its one Ensure: files, install, run
// and preview reach the sandbox that Ensure returned, and a handle that
// did not come from Ensure is refused instead of reaching E2B.
func TestHandleCarriesTheTurn(t *testing.T) {
	e := newEnv(t)
	p := e.project("demo", "")
	h := e.ensure(p.ID, "")
	if err := keepFiles(e.ctx, e.st, e.m, h, []store.File{{Path: "app.py", Content: "print(1)"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Install(e.ctx, h, "pip install rich", nil); err != nil {
		t.Fatal(err)
	}
	var printed string
	ex, err := h.Execute(e.ctx, "x = 1", func(ev e2b.ExecEvent) { printed += ev.Text })
	if err != nil || len(ex.Stdout) != 1 || printed != "x = 1\n" {
		t.Fatalf("execute %+v %q %v", ex, printed, err)
	}
	url, err := h.WaitPort(e.ctx, 3000)
	if err != nil || url != h.HostURL(3000) {
		t.Fatalf("wait port %q %v", url, err)
	}
	runs := e.fake.runs(h.SandboxID)
	if len(runs) != 2 || runs[0] != "pip install rich" || runs[1] != "python: x = 1" {
		t.Fatalf("runs %v", runs)
	}
	if got := e.fake.files(h.SandboxID)["/home/user/app.py"]; got != "print(1)" {
		t.Fatalf("file %q", got)
	}
	if c := e.fake.count("connect") + e.fake.count("create"); c != 1 {
		t.Fatalf("%d connects/creates for one turn", c)
	}

	for name, bad := range map[string]*Handle{"nil": nil, "zero": {}, "no sandbox": {ProjectID: p.ID}} {
		if err := e.m.WriteFiles(e.ctx, bad, []store.File{{Path: "b.py"}}); !apperr.Is(err, apperr.Internal) {
			t.Errorf("WriteFiles(%s handle): %v", name, err)
		}
		if err := e.m.Install(e.ctx, bad, "pip install x", nil); !apperr.Is(err, apperr.Internal) {
			t.Errorf("Install(%s handle): %v", name, err)
		}
	}

	// A stale handle (the sandbox was paused since) fails in the sandbox;
	// the chat then invalidates and ensures again.
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Execute(e.ctx, "x", nil); err == nil {
		t.Fatal("a paused sandbox ran code")
	}
}

// E2BClients reads the key and the settings once and again only after
// Invalidate; without a key nothing is kept, so a key added later works.
func TestE2BClientsReadOnceUntilInvalidated(t *testing.T) {
	fake := e2btest.New(t)
	var reads atomic.Int32
	var key atomic.Value
	key.Store("")
	cfg := fake.Config("k1")
	l := NewE2BClients(func(context.Context) (e2b.Config, error) {
		reads.Add(1)
		c := cfg
		c.APIKey = key.Load().(string)
		return c, nil
	})
	ctx := context.Background()
	steps := []struct {
		name       string
		before     func()
		wantErr    bool
		totalReads int32
	}{
		{"no key yet", nil, true, 1},
		{"still no key: read again", nil, true, 2},
		{"key added", func() { key.Store("k1") }, false, 3},
		{"kept", nil, false, 3},
		{"kept again", nil, false, 3},
		{"key changed and invalidated", func() { key.Store("k2"); l.Invalidate() }, false, 4},
		{"kept after the change", nil, false, 4},
	}
	var last Control
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		c, err := l.Client(ctx)
		if (err != nil) != s.wantErr {
			t.Fatalf("%s: err %v", s.name, err)
		}
		if got := reads.Load(); got != s.totalReads {
			t.Fatalf("%s: %d reads, want %d", s.name, got, s.totalReads)
		}
		if err == nil && s.name == "kept" && c != last {
			t.Fatalf("%s: a new client", s.name)
		}
		last = c
	}
}
