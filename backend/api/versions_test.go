package api

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// recordingReplica stands in for the sandbox manager and records what a
// restore writes to the sandbox.
type recordingReplica struct {
	mu      sync.Mutex
	calls   [][]store.File
	removed []string
}

func (r *recordingReplica) Remove(_ context.Context, _ *sandbox.Handle, paths []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removed = append(r.removed, paths...)
	return nil
}

func (r *recordingReplica) Status(projectID string) sandbox.Status {
	return sandbox.Status{ProjectID: projectID, State: sandbox.StateRunning}
}

func (r *recordingReplica) Ensure(_ context.Context, projectID, _ string) (*sandbox.Handle, error) {
	return &sandbox.Handle{ProjectID: projectID}, nil
}

func (r *recordingReplica) WriteFiles(_ context.Context, _ *sandbox.Handle, files []store.File) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, files)
	return nil
}

func TestVersionsServiceHistoryDiffRestoreBranch(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	root := filepath.Join(t.TempDir(), "Tessera")
	rep := &recordingReplica{}
	wm := workspace.NewManager(root)
	ws := projectfiles.New(projectfiles.Config{Workspaces: wm, Store: st, Replica: rep})
	ps := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithWorkspaces(ws))
	vs := NewVersionsService(bg, ws, quiet())

	p, err := ps.Create(CreateProjectRequest{Name: "Weather / app"})
	if err != nil || p.Workspace != "Weather - app" {
		t.Fatalf("create: %+v %v", p, err)
	}
	if fi, err := os.Stat(filepath.Join(root, p.Workspace, ".git")); err != nil || !fi.IsDir() {
		t.Fatalf("no repository in the new project's folder: %v", err)
	}
	w, _ := ws.Workspace(ctx, p.ID)
	if dir, err := vs.Folder(p.ID); err != nil || filepath.Base(dir) != "Weather - app" || !filepath.IsAbs(dir) {
		t.Fatalf("folder %q %v", dir, err)
	}
	turns := []struct{ prompt, content string }{{"make it", "v1"}, {"make it blue", "v2"}, {"add a chart", "v3"}}
	for i, tn := range turns {
		files := []workspace.File{{Path: "app.py", Content: []byte(tn.content)}}
		if i == 1 {
			files = append(files, workspace.File{Path: "extra.txt", Content: []byte("x")})
		}
		if _, changed, err := w.RecordTurn(ctx, files, tn.prompt, "m"+tn.content, "openai/gpt"); err != nil || !changed {
			t.Fatal(changed, err)
		}
	}
	h, err := vs.History(p.ID)
	if err != nil || len(h) != 3 || !h[0].Current || h[1].Current || h[0].Message != "add a chart" || h[0].Kind != "turn" || h[0].Model != "openai/gpt" || h[0].MessageID != "mv3" {
		t.Fatalf("history %+v %v", h, err)
	}
	d, err := vs.Diff(p.ID, h[0].ID)
	if err != nil || len(d) != 1 || d[0].Path != "app.py" || d[0].Before != "v2" || d[0].After != "v3" || d[0].Status != "modified" {
		t.Fatalf("diff %+v %v", d, err)
	}
	if _, err := vs.Diff(p.ID, "../../etc"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad version id: %v", err)
	}
	st.PutFiles(ctx, p.ID, []store.File{{Path: "extra.txt", Content: "x"}})
	st.SetSandbox(ctx, p.ID, "sbx-1", store.SandboxPaused)

	res, err := vs.Restore(p.ID, h[2].ID) // back to "make it"
	if err != nil || res.Version.Kind != "restore" || res.Version.RestoredFrom != h[2].ID || res.Warning != "" {
		t.Fatalf("restore %+v %v", res, err)
	}
	rows, _ := st.ListFiles(ctx, p.ID)
	got := map[string]string{}
	for _, r := range rows {
		got[r.Path] = string(r.Content)
	}
	if got["app.py"] != "v1" || got["extra.txt"] != "" || len(rep.calls) != 1 || len(rep.calls[0]) != len(rows) || strings.Join(rep.removed, ",") != "extra.txt" {
		t.Fatalf("project_files after restore %v (calls %d)", got, len(rep.calls))
	}
	if h2, _ := vs.History(p.ID); len(h2) != 4 || !h2[0].Current {
		t.Fatalf("restore did not add a version: %d", len(h2))
	}

	br, err := vs.Branch(BranchRequest{ProjectID: p.ID, VersionID: h[1].ID, Name: "Weather blue"})
	if err != nil || br.Project.Workspace != "Weather blue" || br.Version.Kind != "branch" {
		t.Fatalf("branch %+v %v", br, err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "Weather blue", "app.py")); string(b) != "v2" {
		t.Fatalf("branched folder app.py = %q", b)
	}
	if rows, _ := st.ListFiles(ctx, br.Project.ID); len(rows) < 2 {
		t.Fatalf("branch's project_files %v", rows)
	}
	if _, err := vs.Branch(BranchRequest{ProjectID: p.ID, VersionID: strings.Repeat("a", 40), Name: "Ghost"}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("branch of a missing version: %v", err)
	}
	if all, _ := st.ListProjects(ctx); len(all) != 2 {
		t.Fatalf("a failed branch left a project: %d projects", len(all))
	}

	name := "Weather (renamed)"
	up, err := ps.Update(UpdateProjectRequest{ID: p.ID, Name: &name})
	if err != nil || up.Workspace != name {
		t.Fatalf("rename %+v %v", up, err)
	}
	if h3, err := vs.History(p.ID); err != nil || len(h3) != 4 {
		t.Fatalf("history after rename: %d %v", len(h3), err)
	}
	if err := ps.Delete(p.ID); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, workspace.TrashDir, name, "app.py")); err != nil || string(b) != "v1" {
		t.Fatalf("deleted project's files not in the trash: %q %v", b, err)
	}
	if _, err := vs.History(p.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("history of a deleted project: %v", err)
	}
}
