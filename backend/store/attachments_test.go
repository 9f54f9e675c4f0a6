package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
)

// TestMigration0003MovesAttachments builds a database exactly as Tessera
// left it before migration 0003 (0001 and 0002 applied, a user message's
// images inside messages.result), migrates it, and checks that every
// image moved to message_attachments in order, that run results stayed
// byte for byte, and that result then holds run results only.
func TestMigration0003MovesAttachments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, func(s *Store) { s.upTo = 2 })
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := old.db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil || v != 2 {
		t.Fatalf("old schema version %d, %v", v, err)
	}
	if _, err := old.db.Exec(`INSERT INTO projects(id, name, created_at, updated_at, last_activity_at) VALUES ('p1', 'P', 1, 1, 1), ('p2', 'Q', 1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	run := `{"kind":"python","template":"code-interpreter-v1","stdout":["hi\n"],"stderr":[],"results":[],"finishedAt":"2026-11-25T09:00:00Z"}`
	stepErr := `{"kind":"","template":"","stdout":null,"stderr":null,"results":null,"stepError":{"step":"generate","code":"unavailable","message":"No."},"finishedAt":"2026-11-25T09:00:00Z"}`
	rows := []struct {
		id, project string
		seq         int
		role        string
		result      any
	}{
		{"u1", "p1", 1, "user", `{"images":[{"mime":"image/png","data":"iVBORw0KGgo="},{"mime":"image/jpeg","data":"/9j/4AAQ"}]}`},
		{"a1", "p1", 2, "assistant", run},
		{"u2", "p1", 3, "user", nil},
		{"a2", "p1", 4, "assistant", stepErr},
		{"u3", "p2", 1, "user", `{"images":[{"mime":"image/webp","data":"UklGRg=="}]}`},
		{"u4", "p2", 2, "user", `{"images":[]}`},
		{"u5", "p2", 3, "user", `not json`}, // a damaged row must not stop the migration
		{"a3", "p2", 4, "assistant", nil},
	}
	for _, r := range rows {
		if _, err := old.db.Exec(`INSERT INTO messages(id, project_id, seq, role, content, result, status, created_at) VALUES (?, ?, ?, ?, 'c', ?, 'done', 1)`,
			r.id, r.project, r.seq, r.role, r.result); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil || v != LatestVersion() {
		t.Fatalf("schema version %d, %v", v, err)
	}

	var n int
	s.db.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
	if n != len(rows) {
		t.Fatalf("%d messages after the migration, want %d", n, len(rows))
	}
	s.db.QueryRow(`SELECT count(*) FROM messages WHERE role = 'user' AND result IS NOT NULL`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d user messages still have a result", n)
	}
	want := map[string]string{"a1": run, "a2": stepErr}
	got := map[string]string{}
	r, err := s.db.Query(`SELECT id, result FROM messages WHERE result IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var id, res string
		r.Scan(&id, &res)
		got[id] = res
	}
	r.Close()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("run results after the migration:\n got %v\nwant %v", got, want)
	}

	atts, err := s.Attachments(ctx, []string{"u1", "u2", "u3", "u4", "u5", "a1"})
	if err != nil {
		t.Fatal(err)
	}
	wantAtts := map[string][]Attachment{
		"u1": {{MIME: "image/png", Data: "iVBORw0KGgo="}, {MIME: "image/jpeg", Data: "/9j/4AAQ"}},
		"u3": {{MIME: "image/webp", Data: "UklGRg=="}},
	}
	if !reflect.DeepEqual(atts, wantAtts) {
		t.Fatalf("attachments:\n got %+v\nwant %+v", atts, wantAtts)
	}

	// Through the API, a migrated message reads as one saved today.
	m, err := s.GetMessage(ctx, "u1")
	if err != nil || !reflect.DeepEqual(m.Attachments, wantAtts["u1"]) || len(m.Result) != 0 {
		t.Fatalf("GetMessage: %+v, %v", m, err)
	}
	// Deleting the message deletes its attachments.
	if err := s.DeleteMessagesFrom(ctx, "p1", 0); err != nil {
		t.Fatal(err)
	}
	s.db.QueryRow(`SELECT count(*) FROM message_attachments WHERE message_id = 'u1'`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d attachments outlived their message", n)
	}
}

func TestAttachmentsRoundTrip(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	imgs := []Attachment{{MIME: "image/png", Data: "AAAA"}, {MIME: "image/gif", Data: "R0lG"}}
	u, err := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: "look", Attachments: imgs})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "assistant", Result: json.RawMessage(`{"kind":"python"}`)})
	plain, _ := s.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: "again"})

	cases := []struct {
		name string
		read func() ([]Message, error)
		want bool // attachments loaded
	}{
		{"ListMessages", func() ([]Message, error) { return s.ListMessages(ctx, p.ID) }, true},
		{"ListMessagesPage", func() ([]Message, error) { ms, _, err := s.ListMessagesPage(ctx, p.ID, 0, 10); return ms, err }, true},
		{"RecentMessages", func() ([]Message, error) { return s.RecentMessages(ctx, p.ID, 10) }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms, err := c.read()
			if err != nil || len(ms) != 3 || ms[0].ID != u.ID || ms[1].ID != a.ID || ms[2].ID != plain.ID {
				t.Fatalf("%+v, %v", ms, err)
			}
			if got := ms[0].Attachments; c.want != (len(got) > 0) || (c.want && !reflect.DeepEqual(got, imgs)) {
				t.Fatalf("attachments %+v (want loaded: %v)", got, c.want)
			}
			if len(ms[0].Result) != 0 || string(ms[1].Result) != `{"kind":"python"}` || ms[2].Attachments != nil {
				t.Fatalf("%+v", ms)
			}
		})
	}

	last, err := s.LastUserMessage(ctx, p.ID)
	if err != nil || last.ID != plain.ID {
		t.Fatalf("LastUserMessage %+v, %v", last, err)
	}
	got, err := s.GetMessage(ctx, u.ID)
	if err != nil || !reflect.DeepEqual(got.Attachments, imgs) {
		t.Fatalf("GetMessage %+v, %v", got, err)
	}

}

func TestLastUserMessageNone(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p, _ := s.CreateProject(ctx, NewProject{Name: "P"})
	if _, err := s.LastUserMessage(ctx, p.ID); err == nil {
		t.Fatal("a chat without user messages has a last one")
	}
}
