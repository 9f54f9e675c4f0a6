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
