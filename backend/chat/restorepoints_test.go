package chat

import (
	"context"
	"sync"
	"testing"

	"tessera/backend/llm/llmtest"
	"tessera/backend/projectfiles"
	"tessera/backend/workspace"
)

// recordedRestorePoints remembers what the chat asked for.
type recordedRestorePoints struct {
	mu    sync.Mutex
	calls [][2]string
}

func (r *recordedRestorePoints) AfterInstall(projectID, version string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, [2]string{projectID, version})
}

// A turn whose install ran asks for a restore point of its version; one
// without an install, or whose install failed, does not.
func TestTurnWithInstallAsksForARestorePoint(t *testing.T) {
	cases := []struct {
		name    string
		install string
		want    bool
	}{
		{"install ran", "echo installed", true},
		{"no install", "", false},
		{"install failed", "echo broken; exit 3", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			ws := workspace.NewManager(t.TempDir())
			r.chat.cfg.Files = projectfiles.New(projectfiles.Config{Workspaces: ws, Store: r.store})
			rp := &recordedRestorePoints{}
			r.chat.cfg.RestorePoints = rp
			f := pyFragment("print(1)")
			if c.install != "" {
				f.HasAdditionalDependencies, f.InstallDependenciesCommand = true, c.install
			}
			r.llm.Push(llmtest.FragmentResponse(f, 30))
			if _, err, _ := r.send("make it"); err != nil {
				t.Fatal(err)
			}
			p, _ := r.store.GetProject(context.Background(), r.proj.ID)
			w, err := ws.For(context.Background(), r.store, p)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := w.History(context.Background(), 1)
			if err != nil || len(hist) != 1 {
				t.Fatalf("history = %v, %v", hist, err)
			}
			rp.mu.Lock()
			defer rp.mu.Unlock()
			if !c.want {
				if len(rp.calls) != 0 {
					t.Fatalf("asked for %v", rp.calls)
				}
				return
			}
			if len(rp.calls) != 1 || rp.calls[0] != [2]string{r.proj.ID, hist[0].ID} {
				t.Fatalf("asked for %v, want the turn's version %s", rp.calls, hist[0].ID)
			}
		})
	}
}

// A turn that only reinstalls (the same files again) makes no version; its
// restore point goes to the version the files already are.
func TestReinstallOnlyTurnTiesItsRestorePointToTheCurrentVersion(t *testing.T) {
	r := newRig(t)
	ws := workspace.NewManager(t.TempDir())
	r.chat.cfg.Files = projectfiles.New(projectfiles.Config{Workspaces: ws, Store: r.store})
	rp := &recordedRestorePoints{}
	r.chat.cfg.RestorePoints = rp
	f := pyFragment("print(1)")
	r.llm.Push(llmtest.FragmentResponse(f, 30))
	if _, err, _ := r.send("make it"); err != nil {
		t.Fatal(err)
	}
	f.HasAdditionalDependencies, f.InstallDependenciesCommand = true, "echo installed"
	r.llm.Push(llmtest.FragmentResponse(f, 30))
	if _, err, _ := r.send("install numpy too"); err != nil {
		t.Fatal(err)
	}
	p, _ := r.store.GetProject(context.Background(), r.proj.ID)
	w, err := ws.For(context.Background(), r.store, p)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := w.History(context.Background(), 0)
	if err != nil || len(hist) != 1 {
		t.Fatalf("history = %v, %v (the second turn changed no file)", hist, err)
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if len(rp.calls) != 1 || rp.calls[0] != [2]string{r.proj.ID, hist[0].ID} {
		t.Fatalf("asked for %v, want the current version %s", rp.calls, hist[0].ID)
	}
}
