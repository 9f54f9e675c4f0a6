package sandbox

import (
	"path/filepath"
	"testing"

	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
	"tessera/backend/store"
)

// otherComputer is a second Tessera (its own database and manager) on the
// same E2B account as e.
func (e *fenv) otherComputer() (*store.Store, *Manager) {
	e.t.Helper()
	st, err := store.Open(e.ctx, filepath.Join(e.t.TempDir(), "b.db"), store.WithClock(e.clock.Now))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	cfg := e.cfg
	cfg.Store, cfg.Emitter = st, events.NewRecorder()
	m := NewManager(cfg)
	e.t.Cleanup(m.Close)
	return st, m
}

func TestAdoptFindsTheSandboxOfAnImportedProject(t *testing.T) {
	e := newFEnv(t)
	p := e.project("demo")
	h := e.ensure(p.ID)
	if err := keepFiles(e.ctx, e.st, e.m, h, []store.File{{Path: "app.py", Content: "print(1)\n"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	sandboxID := h.SandboxID

	st, m := e.otherComputer()
	imp, kept, err := st.ImportProject(e.ctx, store.ImportedProject{Project: store.Project{ID: p.ID, Name: p.Name}})
	if err != nil || !kept {
		t.Fatalf("import: kept=%v %v", kept, err)
	}
	got, err := m.Adopt(e.ctx, imp.ID)
	if err != nil || got != sandboxID {
		t.Fatalf("Adopt = %q, %v; want %q", got, err, sandboxID)
	}
	if rec, _ := st.GetProject(e.ctx, imp.ID); rec.SandboxID != sandboxID || rec.SandboxState != store.SandboxPaused {
		t.Fatalf("stored = %q %q", rec.SandboxID, rec.SandboxState)
	}
	creates := e.fake.Calls(e2btest.EndpointCreate)
	h2, err := m.Ensure(e.ctx, imp.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if h2.SandboxID != sandboxID || e.fake.Calls(e2btest.EndpointCreate) != creates {
		t.Fatalf("Ensure made a new sandbox (%s, creates %d→%d)", h2.SandboxID, creates, e.fake.Calls(e2btest.EndpointCreate))
	}
	if files := e.projectFiles(sandboxID); files[DefaultRoot+"/app.py"] != "print(1)\n" {
		t.Fatalf("the adopted sandbox's files = %v", files)
	}
}

func TestAdoptWithoutASandbox(t *testing.T) {
	e := newFEnv(t)
	st, m := e.otherComputer()
	imp, _, err := st.ImportProject(e.ctx, store.ImportedProject{Project: store.Project{ID: "0b3e9a50-6a55-4d39-9d1e-3f6c2c7f0a11", Name: "gone"}})
	if err != nil {
		t.Fatal(err)
	}
	// The files owner indexes the imported folder's files.
	if err := st.PutFiles(e.ctx, imp.ID, []store.File{{Path: "app.py", Content: "print(2)\n"}}); err != nil {
		t.Fatal(err)
	}
	got, err := m.Adopt(e.ctx, imp.ID)
	if err != nil || got != "" {
		t.Fatalf("Adopt = %q, %v; want none", got, err)
	}
	// Rebuilt from the imported files on first need.
	h, err := m.Ensure(e.ctx, imp.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if files := e.projectFiles(h.SandboxID); files[DefaultRoot+"/app.py"] != "print(2)\n" {
		t.Fatalf("rebuilt files = %v", files)
	}
}

// Two computers on one E2B account: each one's start-up tidying leaves the
// other's sandboxes alone, whether their project is unknown here or a
// second sandbox of a project both have.
func TestReconcileLeavesAnotherComputersSandboxes(t *testing.T) {
	e := newFEnv(t, func(c *Config) { c.Install = "install-a" })
	pa := e.project("only on A")
	ha := e.ensure(pa.ID)
	shared := e.project("on both")
	hs := e.ensure(shared.ID)

	st, _ := e.otherComputer()
	cfgB := e.cfg
	cfgB.Store, cfgB.Install = st, "install-b"
	mb := NewManager(cfgB)
	t.Cleanup(mb.Close)
	// B has the shared project (imported) with a sandbox of its own.
	if _, _, err := st.ImportProject(e.ctx, store.ImportedProject{Project: store.Project{ID: shared.ID, Name: shared.Name}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSandbox(e.ctx, shared.ID, "", store.SandboxNone); err != nil {
		t.Fatal(err)
	}
	hb, err := mb.Ensure(e.ctx, shared.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if hb.SandboxID == hs.SandboxID {
		t.Fatal("B reused A's sandbox")
	}
	if err := mb.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ha.SandboxID, hs.SandboxID, hb.SandboxID} {
		if s := e.state(id); s == "killed" || s == "" {
			t.Fatalf("sandbox %s was deleted by the other computer's tidying (%q)", id, s)
		}
	}
	// Its own orphans are still deleted: B's project goes, B's sandbox with it.
	if err := st.DeleteProject(e.ctx, shared.ID); err != nil {
		t.Fatal(err)
	}
	mb.Close()
	mb = NewManager(cfgB)
	t.Cleanup(mb.Close)
	if err := mb.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	if s := e.state(hb.SandboxID); s != "killed" && s != "" {
		t.Fatalf("B's own orphan is %q, want deleted", s)
	}
	if s := e.state(hs.SandboxID); s == "killed" {
		t.Fatal("A's sandbox of the project B deleted went too")
	}
}
