package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"tessera/backend/apperr"
)

func TestAgentTurnsAndSteps(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	p, err := st.CreateProject(ctx, NewProject{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.AddMessage(ctx, Message{ProjectID: p.ID, Role: "assistant", Status: MessageStreaming})
	if err != nil {
		t.Fatal(err)
	}
	turn, err := st.CreateTurn(ctx, AgentTurn{ProjectID: p.ID, MessageID: m.ID, Mode: "agent", Status: "running", Prompt: "fix it"})
	if err != nil {
		t.Fatal(err)
	}
	done, _ := st.CreateTurn(ctx, AgentTurn{ProjectID: p.ID, MessageID: m.ID, Mode: "ask", Status: "done", Reason: "finished"})
	start := time.Now().UTC().Truncate(time.Millisecond)
	steps := []AgentStep{
		{ID: "s1", TurnID: turn.ID, Seq: 1, Tool: "read_file", Status: "ok", StartedAt: start, EndedAt: start.Add(time.Second), Result: json.RawMessage(`{"ok":true}`)},
		{ID: "s2", TurnID: turn.ID, Seq: 2, Tool: "run_command", Status: "running", StartedAt: start},
	}
	for _, s := range steps {
		if err := st.PutStep(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	// A step is saved again as it ends (upsert by id).
	steps[0].Status, steps[0].CostUSD = "failed", 0.5
	if err := st.PutStep(ctx, steps[0]); err != nil {
		t.Fatal(err)
	}
	// The same seq twice in a turn is refused.
	if err := st.PutStep(ctx, AgentStep{ID: "dup", TurnID: turn.ID, Seq: 1, Tool: "x", Status: "ok", StartedAt: start}); err == nil {
		t.Fatal("a second step 1 was accepted")
	}
	got, err := st.ListSteps(ctx, turn.ID)
	if err != nil || len(got) != 2 || got[0].Status != "failed" || got[0].CostUSD != 0.5 || !got[1].EndedAt.IsZero() || !got[0].StartedAt.Equal(start) {
		t.Fatalf("steps = %+v, %v", got, err)
	}

	n, err := st.MarkTurnsInterrupted(ctx)
	if err != nil || n != 1 {
		t.Fatalf("marked %d, %v", n, err)
	}
	after, _ := st.GetTurn(ctx, turn.ID)
	if after.Status != "paused" || after.Reason != "interrupted" {
		t.Fatalf("turn = %+v", after)
	}
	if d, _ := st.GetTurn(ctx, done.ID); d.Status != "done" {
		t.Fatalf("a finished turn was touched: %+v", d)
	}
	if s, _ := st.ListSteps(ctx, turn.ID); s[1].Status != "canceled" || s[0].Status != "failed" {
		t.Fatalf("steps after recovery = %+v", s)
	}
	if _, err := st.GetTurn(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("missing turn: %v", err)
	}

	// Modes per chat.
	if mode, err := st.ChatMode(ctx, p.ID); err != nil || mode != "" {
		t.Fatalf("mode = %q, %v", mode, err)
	}
	for _, want := range []string{"plan", "ask"} {
		if err := st.SetChatMode(ctx, p.ID, want); err != nil {
			t.Fatal(err)
		}
		if mode, _ := st.ChatMode(ctx, p.ID); mode != want {
			t.Fatalf("mode = %q, want %q", mode, want)
		}
	}
	// Deleting the project deletes its turns and steps.
	if err := st.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if s, _ := st.ListSteps(ctx, turn.ID); len(s) != 0 {
		t.Fatalf("%d steps left", len(s))
	}
}
