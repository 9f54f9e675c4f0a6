package api

import (
	"context"
	"path/filepath"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/starters"
	"tessera/backend/workspace"
)

func TestCreateFromAStarter(t *testing.T) {
	st := newStore(t)
	files := projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(filepath.Join(t.TempDir(), "Tessera")), Store: st})
	cat, err := starters.Load()
	if err != nil {
		t.Fatal(err)
	}
	ps := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithWorkspaces(files), WithStarters(cat))
	bare := NewProjectService(bg, st, &fakeSandboxes{}, quiet(), WithWorkspaces(files))
	if got := bare.Starters(); len(got) != 0 {
		t.Fatalf("no gallery wired, got %d starters", len(got))
	}
	list := ps.Starters()
	if len(list) != len(cat.List()) || list[0].Name == "" || list[0].Entry == "" {
		t.Fatalf("starters %+v", list)
	}

	tests := []struct {
		name     string
		req      CreateProjectRequest
		svc      *ProjectService
		code     apperr.Code
		template string
	}{
		{"streamlit", CreateProjectRequest{Name: "Dash", Starter: "streamlit-dashboard"}, ps, "", "streamlit-developer"},
		{"the starter's template wins", CreateProjectRequest{Name: "Nb", Template: "nextjs-developer", Starter: "python-notebook"}, ps, "", "code-interpreter-v1"},
		{"unknown starter", CreateProjectRequest{Name: "X", Starter: "nope"}, ps, apperr.Invalid, ""},
		{"bad template", CreateProjectRequest{Name: "X", Template: "a b", Starter: "gradio-demo"}, ps, apperr.Invalid, ""},
		{"no gallery", CreateProjectRequest{Name: "X", Starter: "gradio-demo"}, bare, apperr.Unavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := ps.List()
			p, err := tt.svc.Create(tt.req)
			after, _ := ps.List()
			if tt.code != "" {
				if !apperr.Is(err, tt.code) || apperr.MessageOf(err) == "" || len(after) != len(before) {
					t.Fatalf("err %v, %d projects after %d; want %s with a sentence and nothing made", err, len(after), len(before), tt.code)
				}
				return
			}
			if err != nil || p.Template != tt.template {
				t.Fatalf("project %+v %v", p, err)
			}
			idx, err := st.ListFiles(context.Background(), p.ID)
			_, want, _ := cat.Files(tt.req.Starter)
			if err != nil || len(idx) != len(want) {
				t.Fatalf("index has %d files %v, want %d", len(idx), err, len(want))
			}
			if cur, _ := ps.Current(); cur != p.ID {
				t.Errorf("current %s, want the new project", cur)
			}
		})
	}
}
