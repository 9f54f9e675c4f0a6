package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
)

func TestEnvValidationAndSecrets(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "env"})
	cases := []struct {
		name string
		in   EnvVar
		code apperr.Code
	}{
		{"plain", EnvVar{Name: " API_URL ", Value: "https://x"}, ""},
		{"secret value dropped", EnvVar{Name: "TOKEN", Value: "s3cr3t", Secret: true}, ""},
		{"empty name", EnvVar{Name: " "}, apperr.Invalid},
		{"digit first", EnvVar{Name: "1X"}, apperr.Invalid},
		{"dash", EnvVar{Name: "A-B"}, apperr.Invalid},
		{"reserved", EnvVar{Name: "PATH", Value: "/x"}, apperr.Invalid},
		{"e2b prefix", EnvVar{Name: "e2b_access", Value: "x"}, apperr.Invalid},
		{"quote", EnvVar{Name: "Q", Value: "it's"}, apperr.Invalid},
		{"newline", EnvVar{Name: "N", Value: "a\nb"}, apperr.Invalid},
		{"too long", EnvVar{Name: "L", Value: strings.Repeat("x", MaxEnvValueLen+1)}, apperr.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.PutEnv(ctx, p.ID, c.in)
			if c.code == "" && err != nil || c.code != "" && apperr.CodeOf(err) != c.code {
				t.Fatalf("err = %v, want code %q", err, c.code)
			}
		})
	}
	if _, err := s.PutEnv(ctx, "nope", EnvVar{Name: "X", Value: "1"}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("missing project: %v", err)
	}
	vs, err := s.ListEnv(ctx, p.ID)
	if err != nil || len(vs) != 2 || vs[0].Name != "API_URL" || vs[0].Value != "https://x" || vs[1].Name != "TOKEN" || !vs[1].Secret || vs[1].Value != "" {
		t.Fatalf("ListEnv = %+v, %v", vs, err)
	}
	// No secret value anywhere in the database file's tables.
	var n int
	s.db.QueryRow(`SELECT count(*) FROM project_env WHERE value LIKE '%s3cr3t%'`).Scan(&n)
	if n != 0 {
		t.Fatal("a secret value reached SQLite")
	}
	if secret, err := s.DeleteEnv(ctx, p.ID, "TOKEN"); err != nil || !secret {
		t.Fatalf("DeleteEnv = %v, %v", secret, err)
	}
	if _, err := s.DeleteEnv(ctx, p.ID, "TOKEN"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestListProjectsCarriesUsageKeepAndRemoval(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a, _ := s.CreateProject(ctx, NewProject{Name: "a"})
	b, _ := s.CreateProject(ctx, NewProject{Name: "b"})
	day := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s.AddRunningSeconds(ctx, a.ID, day, 120)
	s.AddRunningSeconds(ctx, a.ID, day.AddDate(0, 0, 1), 60)
	if err := s.SetSandbox(ctx, a.ID, "isb1", SandboxPaused); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepSandbox(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepSandbox(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("keep missing: %v", err)
	}
	if ok, err := s.MarkSandboxRemoved(ctx, a.ID, "other", day); ok || err != nil {
		t.Fatalf("removal of another sandbox id: %v %v", ok, err)
	}
	if ok, err := s.MarkSandboxRemoved(ctx, a.ID, "isb1", day); !ok || err != nil {
		t.Fatalf("MarkSandboxRemoved = %v %v", ok, err)
	}
	ps, err := s.ListProjects(ctx)
	if err != nil || len(ps) != 2 {
		t.Fatal(ps, err)
	}
	byID := map[string]Project{ps[0].ID: ps[0], ps[1].ID: ps[1]}
	ga := byID[a.ID]
	if ga.RunningSeconds != 180 || ga.KeptAt.IsZero() || !ga.SandboxRemovedAt.Equal(day) || ga.SandboxID != "" || ga.SandboxState != SandboxNone {
		t.Fatalf("a = %+v", ga)
	}
	if !ga.IdleSince().Equal(ga.KeptAt) {
		t.Fatalf("IdleSince = %v, kept %v", ga.IdleSince(), ga.KeptAt)
	}
	if gb := byID[b.ID]; gb.RunningSeconds != 0 || !gb.KeptAt.IsZero() || !gb.SandboxRemovedAt.IsZero() {
		t.Fatalf("b = %+v", gb)
	}
	// A new sandbox ends "removed".
	s.SetSandbox(ctx, a.ID, "isb2", SandboxRunning)
	if g, _ := s.GetProject(ctx, a.ID); !g.SandboxRemovedAt.IsZero() {
		t.Fatalf("removed mark survived a new sandbox: %+v", g)
	}
}

func TestDuplicateProjectCopiesEverythingIndependently(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	src, _ := s.CreateProject(ctx, NewProject{Name: "Orig", Description: "d", Template: "nextjs-developer"})
	s.SetSandbox(ctx, src.ID, "isb1", SandboxPaused)
	u, _ := s.AddMessage(ctx, Message{ProjectID: src.ID, Role: "user", Content: "make it", Attachments: []Attachment{{MIME: "image/png", Data: "aGk="}}})
	s.AddMessage(ctx, Message{ProjectID: src.ID, Role: "assistant", Content: "done", Fragment: []byte(`{"title":"T"}`)})
	s.PutFiles(ctx, src.ID, []File{{Path: "a.py", Content: "print(1)"}})
	s.AddInstall(ctx, src.ID, "pip install x")
	s.PutEnv(ctx, src.ID, EnvVar{Name: "X", Value: "1"})
	s.PutEnv(ctx, src.ID, EnvVar{Name: "K", Secret: true})

	d, err := s.DuplicateProject(ctx, src.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == src.ID || d.Name != "Orig (copy)" || d.Template != src.Template || d.Description != "d" || d.SandboxID != "" || d.Workspace != "" {
		t.Fatalf("duplicate = %+v", d)
	}
	if err := s.DeleteProject(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	ms, _ := s.ListMessages(ctx, d.ID)
	if len(ms) != 2 || ms[0].Content != "make it" || ms[0].ID == u.ID || len(ms[0].Attachments) != 1 || ms[1].Seq != 2 || string(ms[1].Fragment) != `{"title":"T"}` {
		t.Fatalf("messages = %+v", ms)
	}
	fs, _ := s.ListFiles(ctx, d.ID)
	in, _ := s.ListInstalls(ctx, d.ID)
	env, _ := s.ListEnv(ctx, d.ID)
	// The files are the files owner's to copy (from the folder, package projectfiles).
	if len(fs) != 0 || len(in) != 1 || len(env) != 2 {
		t.Fatalf("files %v installs %v env %v", fs, in, env)
	}
	if _, err := s.DuplicateProject(ctx, "nope", ""); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("duplicate of missing: %v", err)
	}
	if _, err := s.DuplicateProject(ctx, d.ID, "bad\nname"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad name: %v", err)
	}
	if got := CopyName(strings.Repeat("é", MaxNameLen)); len([]rune(got)) != MaxNameLen || !strings.HasSuffix(got, " (copy)") {
		t.Fatalf("CopyName = %q", got)
	}
}

// BenchmarkListProjects1000 lists 1,000 projects with usage rows: the home
// screen's one query.
func BenchmarkListProjects1000(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/b.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 1000; i++ {
		p, err := s.CreateProject(ctx, NewProject{Name: fmt.Sprintf("project %d", i), Template: "nextjs-developer"})
		if err != nil {
			b.Fatal(err)
		}
		for d := 0; d < 5; d++ {
			s.AddRunningSeconds(ctx, p.ID, day.AddDate(0, 0, d), 60)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ps, err := s.ListProjects(ctx)
		if err != nil || len(ps) != 1000 || ps[0].RunningSeconds != 300 {
			b.Fatal(len(ps), err)
		}
	}
}
