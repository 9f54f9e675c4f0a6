package store

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

func TestMarkInterruptedOnlyTouchesUnfinishedMessages(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	p, err := st.CreateProject(ctx, NewProject{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	statuses := []string{MessageDone, MessageStreaming, MessageStopped, MessageError, MessageStreaming}
	ids := make([]string, len(statuses))
	for i, s := range statuses {
		m, err := st.AddMessage(ctx, Message{ProjectID: p.ID, Role: "assistant", Content: "partial " + s, Status: s})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = m.ID
	}
	n, err := st.MarkInterrupted(ctx)
	if err != nil || n != 2 {
		t.Fatalf("marked %d, %v; want 2", n, err)
	}
	want := []string{MessageDone, MessageInterrupted, MessageStopped, MessageError, MessageInterrupted}
	for i, id := range ids {
		m, err := st.GetMessage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != want[i] || m.Content != "partial "+statuses[i] {
			t.Errorf("message %d: %s %q, want %s with its content kept", i, m.Status, m.Content, want[i])
		}
	}
	if n, _ := st.MarkInterrupted(ctx); n != 0 {
		t.Fatalf("second pass marked %d", n)
	}
}

// SQLite's own SQLITE_FULL, reached by capping the file's pages (what a
// full disk looks like to the driver), reads as a full disk.
func TestFullDiskIsItsOwnSentence(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	p, err := st.CreateProject(ctx, NewProject{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	st.DB().SetMaxOpenConns(1)
	var pages int
	if err := st.DB().QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`PRAGMA max_page_count = ` + strconv.Itoa(pages+1)); err != nil {
		t.Fatal(err)
	}
	_, err = st.AddMessage(ctx, Message{ProjectID: p.ID, Role: "user", Content: strings.Repeat("x", 1<<20)})
	if !apperr.Is(err, apperr.Unavailable) || !strings.Contains(apperr.MessageOf(err), "disk is full") {
		t.Fatalf("got %v (%q)", err, apperr.MessageOf(err))
	}
}

func TestDeleteExchange(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		target int // index into the chat below
		left   []string
	}{
		{"an answer alone", 1, []string{"q1", "q2", "a2", "a2b", "q3"}},
		{"a prompt with its answers", 2, []string{"q1", "a1", "q3"}},
		{"the first prompt", 0, []string{"q2", "a2", "a2b", "q3"}},
		{"the last prompt, which has no answer", 5, []string{"q1", "a1", "q2", "a2", "a2b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openTest(t)
			p, _ := st.CreateProject(ctx, NewProject{Name: "P"})
			other, _ := st.CreateProject(ctx, NewProject{Name: "Other"})
			var ids []string
			for _, x := range []string{"q1", "a1", "q2", "a2", "a2b", "q3"} {
				role := "user"
				if x[0] == 'a' {
					role = "assistant"
				}
				m, err := st.AddMessage(ctx, Message{ProjectID: p.ID, Role: role, Content: x})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, m.ID)
			}
			// Another project's id never reaches this one's messages.
			if _, err := st.DeleteExchange(ctx, other.ID, ids[c.target]); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("cross-project delete: %v", err)
			}
			if _, err := st.DeleteExchange(ctx, p.ID, ids[c.target]); err != nil {
				t.Fatal(err)
			}
			msgs, _ := st.ListMessages(ctx, p.ID)
			var got []string
			for _, m := range msgs {
				got = append(got, m.Content)
			}
			if strings.Join(got, ",") != strings.Join(c.left, ",") {
				t.Fatalf("left %v, want %v", got, c.left)
			}
		})
	}
}
