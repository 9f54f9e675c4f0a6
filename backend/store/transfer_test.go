package store

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
)

func TestImportProject(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	in := ImportedProject{
		Project: Project{ID: "3f1c3f44-1b0e-4a43-9d38-0f5a1e0c2b7d", Name: " Demo ", Description: "d", Template: "nextjs-developer", CreatedAt: at, SandboxID: "sb-x"},
		Messages: []Message{
			{ID: "m1", Role: "user", Content: "hi", CreatedAt: at, Attachments: []Attachment{{MIME: "image/png", Data: "AAAA"}}},
			{ID: "m2", Role: "assistant", Content: "yo", Fragment: json.RawMessage(`{"code":"x"}`), Result: json.RawMessage(`{"ok":true}`), Status: MessageStreaming, CreatedAt: at.Add(time.Minute)},
		},
	}
	p, kept, err := s.ImportProject(ctx, in)
	if err != nil || !kept || p.ID != in.Project.ID || p.Name != "Demo" || p.SandboxID != "" || !p.CreatedAt.Equal(at) {
		t.Fatalf("import = %+v kept=%v %v", p, kept, err)
	}
	ms, err := s.ListMessages(ctx, p.ID)
	if err != nil || len(ms) != 2 {
		t.Fatalf("messages = %+v %v", ms, err)
	}
	if ms[0].ID != "m1" || !ms[0].CreatedAt.Equal(at) || !reflect.DeepEqual(ms[0].Attachments, in.Messages[0].Attachments) || ms[0].Seq != 1 {
		t.Fatalf("first = %+v", ms[0])
	}
	if ms[1].Status != MessageInterrupted || string(ms[1].Fragment) != `{"code":"x"}` || string(ms[1].Result) != `{"ok":true}` {
		t.Fatalf("second = %+v", ms[1])
	}
	if fs, _ := s.ListFiles(ctx, p.ID); len(fs) != 0 {
		t.Fatalf("the store indexed files itself: %+v", fs)
	}

	// The same export again: a new project, new message ids.
	p2, kept, err := s.ImportProject(ctx, in)
	if err != nil || kept || p2.ID == p.ID {
		t.Fatalf("second import = %+v kept=%v %v", p2, kept, err)
	}
	ms2, _ := s.ListMessages(ctx, p2.ID)
	if len(ms2) != 2 || ms2[0].ID == "m1" || ms2[0].Content != "hi" {
		t.Fatalf("second import's messages = %+v", ms2)
	}

	// A bad message leaves nothing behind.
	before, _ := s.ListProjects(ctx)
	bad := in
	bad.Project.ID = ""
	bad.Messages = append([]Message{}, in.Messages...)
	bad.Messages = append(bad.Messages, Message{Role: "root"})
	if _, _, err := s.ImportProject(ctx, bad); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad role: %v", err)
	}
	bad.Messages, bad.Project.Name = nil, " "
	if _, _, err := s.ImportProject(ctx, bad); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("no name: %v", err)
	}
	bad.Project.Name = "\u202E\u200B"
	if _, _, err := s.ImportProject(ctx, bad); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("only hidden characters: %v", err)
	}
	if after, _ := s.ListProjects(ctx); len(after) != len(before) {
		t.Fatalf("a refused import left a project: %d → %d", len(before), len(after))
	}
}

func TestRemotes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	p, err := s.CreateProject(ctx, NewProject{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRemote(ctx, p.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("none yet: %v", err)
	}
	if err := s.SetRemote(ctx, Remote{ProjectID: p.ID, URL: "https://x/y.git", Username: "me"}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.MarkPushed(ctx, p.ID, at); err != nil {
		t.Fatal(err)
	}
	r, err := s.GetRemote(ctx, p.ID)
	if err != nil || r.URL != "https://x/y.git" || r.Branch != "" || !r.PushedAt.Equal(at) {
		t.Fatalf("remote = %+v %v", r, err)
	}
	// Same address, new user: the push time stays; a new address clears it.
	s.SetRemote(ctx, Remote{ProjectID: p.ID, URL: "https://x/y.git", Username: "you"})
	if r, _ := s.GetRemote(ctx, p.ID); !r.PushedAt.Equal(at) || r.Username != "you" {
		t.Fatalf("after user change = %+v", r)
	}
	s.SetRemote(ctx, Remote{ProjectID: p.ID, URL: "https://x/z.git"})
	if r, _ := s.GetRemote(ctx, p.ID); !r.PushedAt.IsZero() {
		t.Fatalf("after address change = %+v", r)
	}
	if err := s.SetRemote(ctx, Remote{ProjectID: "nope", URL: "u"}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("unknown project: %v", err)
	}
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRemote(ctx, p.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("remote outlived its project: %v", err)
	}
}

func TestInstallID(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a, err := s.InstallID(ctx)
	if err != nil || len(a) != 36 {
		t.Fatalf("id %q %v", a, err)
	}
	if b, _ := s.InstallID(ctx); b != a {
		t.Fatalf("second call %q, want %q", b, a)
	}
	if other, _ := openTest(t).InstallID(ctx); other == a {
		t.Fatal("two databases share an id")
	}
}

func TestImportNameTaken(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	long := strings.Repeat("n", MaxNameLen)
	for _, tc := range []struct{ name, want string }{
		{"Shop", "Shop"},
		{"Shop", "Shop (imported)"},
		{"shop", "shop (imported 2)"},
		{"Other", "Other"},
		{long, long},
		{long, strings.Repeat("n", MaxNameLen-len(" (imported)")) + " (imported)"},
	} {
		p, _, err := s.ImportProject(ctx, ImportedProject{Project: Project{Name: tc.name}})
		if err != nil || p.Name != tc.want {
			t.Fatalf("import %q = %q %v, want %q", tc.name, p.Name, err, tc.want)
		}
	}
}
