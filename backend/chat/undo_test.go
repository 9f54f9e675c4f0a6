package chat

import (
	"context"
	"fmt"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
)

// fakeRestorer records what Undo and Redo asked of the versions.
type fakeRestorer struct {
	undone   [][]string
	restored []string
	fail     error
}

func (f *fakeRestorer) UndoTurn(_ context.Context, _ string, ids []string) (string, bool, string, error) {
	if f.fail != nil {
		return "", false, "", f.fail
	}
	f.undone = append(f.undone, ids)
	return fmt.Sprintf("v%d", len(f.undone)), true, "", nil
}

func (f *fakeRestorer) RestoreVersion(_ context.Context, _, v string) (bool, string, error) {
	f.restored = append(f.restored, v)
	return true, "the sandbox is away", nil
}

func TestUndoRedo(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		restorer *fakeRestorer
	}{
		{name: "without versions"},
		{name: "with versions", restorer: &fakeRestorer{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			if tc.restorer != nil {
				r.chat.cfg.Restorer = tc.restorer
			}
			var answers []string
			for i := 0; i < 2; i++ {
				r.llm.Push(llmtest.FragmentResponse(pyFragment(fmt.Sprintf("print(%d)", i)), 50))
				res, err, _ := r.send(fmt.Sprintf("prompt %d", i))
				if err != nil {
					t.Fatal(err)
				}
				answers = append(answers, res.Assistant.ID)
			}
			before, _ := r.store.ListMessages(ctx, r.proj.ID)
			u, err := r.chat.Undo(ctx, r.proj.ID)
			if err != nil || !u.CanRedo || u.Restored != (tc.restorer != nil) {
				t.Fatalf("undo %+v %v", u, err)
			}
			if _, err := r.chat.Undo(ctx, r.proj.ID); err != nil {
				t.Fatal(err)
			}
			if msgs, _ := r.store.ListMessages(ctx, r.proj.ID); len(msgs) != 0 {
				t.Fatalf("%d messages after two undos", len(msgs))
			}
			if _, err := r.chat.Undo(ctx, r.proj.ID); !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("undo of nothing: %v", err)
			}
			for i := 0; i < 2; i++ {
				res, err := r.chat.Redo(ctx, r.proj.ID)
				if err != nil || res.CanRedo != (i == 0) {
					t.Fatalf("redo %d: %+v %v", i, res, err)
				}
				if tc.restorer != nil && res.Warning == "" {
					t.Error("the restorer's warning was lost")
				}
			}
			after, _ := r.store.ListMessages(ctx, r.proj.ID)
			if len(after) != len(before) {
				t.Fatalf("redo brought back %d of %d messages", len(after), len(before))
			}
			for i := range before {
				if after[i].ID != before[i].ID || after[i].Content != before[i].Content || string(after[i].Fragment) != string(before[i].Fragment) || after[i].Status != before[i].Status {
					t.Errorf("message %d came back as %+v, was %+v", i, after[i], before[i])
				}
			}
			if tc.restorer != nil {
				// Undo asked for the answer's version; Redo restored the version current at each Undo, newest undo first.
				if len(tc.restorer.undone) != 2 || tc.restorer.undone[0][0] != answers[1] || tc.restorer.undone[1][0] != answers[0] {
					t.Errorf("undone %v, answers %v", tc.restorer.undone, answers)
				}
				if fmt.Sprint(tc.restorer.restored) != "[v2 v1]" {
					t.Errorf("redo restored %v", tc.restorer.restored)
				}
			}
			if _, err := r.chat.Redo(ctx, r.proj.ID); !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("redo of nothing: %v", err)
			}
		})
	}
}

func TestUndoFailsCleanly(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.chat.cfg.Restorer = &fakeRestorer{fail: apperr.New(apperr.Internal, "disk full")}
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 50))
	if _, err, _ := r.send("go"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.chat.Undo(ctx, r.proj.ID); err == nil || apperr.MessageOf(err) != "disk full" {
		t.Fatalf("undo: %v", err)
	}
	if msgs, _ := r.store.ListMessages(ctx, r.proj.ID); len(msgs) != 2 || r.chat.CanRedo(r.proj.ID) {
		t.Fatalf("a failed undo changed the chat: %d messages", len(msgs))
	}
}

// Undo and Redo hold the project's turn slot: no turn starts meanwhile,
// and neither runs during a turn.
func TestUndoHoldsTheProject(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	release, err := r.chat.hold(r.proj.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err, _ := r.send("while undoing"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("send during an undo: %v", err)
	}
	if _, err := r.chat.Undo(ctx, r.proj.ID); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("undo during an undo: %v", err)
	}
	release()
	if _, err := r.chat.Undo(ctx, r.proj.ID); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("undo of an empty chat: %v", err)
	}
}

// fakeAgentUndo answers for the answers it knows as agent turns.
type fakeAgentUndo struct {
	agentAnswers map[string]bool
	edited       bool // the person edited one of the turn's files since
	already      bool // the files are back already
	calls        []bool
}

func (f *fakeAgentUndo) UndoAgentTurn(_ context.Context, _ string, ids []string, anyway bool) (bool, string, bool, error) {
	f.calls = append(f.calls, anyway)
	for _, id := range ids {
		if !f.agentAnswers[id] {
			continue
		}
		if f.edited && !anyway {
			return false, "", false, apperr.New(apperr.Conflict, "app.js changed after the agent's step.").InField("anyway")
		}
		return true, "vA", !f.already, nil
	}
	return false, "", false, nil
}

// Undo of an agent answer is the agent's (only its files); an edit since
// refuses it, changing nothing, until UndoAnyway; a one-shot answer still
// goes to the Restorer.
func TestUndoOfAnAgentTurn(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name             string
		agent, edited    bool
		already          bool
		wantFiles        string
		wantRestorer     int
		wantRedoRestores string
	}{
		{name: "one-shot answer", wantFiles: FilesRestored, wantRestorer: 1, wantRedoRestores: "[v1]"},
		{name: "agent turn", agent: true, wantFiles: FilesRestored, wantRedoRestores: "[vA]"},
		{name: "agent turn already back", agent: true, already: true, wantFiles: FilesAlready, wantRedoRestores: "[]"},
		{name: "agent turn edited since", agent: true, edited: true, wantFiles: FilesRestored, wantRedoRestores: "[vA]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			rest := &fakeRestorer{}
			au := &fakeAgentUndo{agentAnswers: map[string]bool{}, edited: tc.edited, already: tc.already}
			r.chat.cfg.Restorer, r.chat.cfg.AgentUndo = rest, au
			r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 50))
			res, err, _ := r.send("go")
			if err != nil {
				t.Fatal(err)
			}
			if tc.agent {
				au.agentAnswers[res.Assistant.ID] = true
			}
			u, err := r.chat.Undo(ctx, r.proj.ID)
			if tc.edited {
				if !apperr.Is(err, apperr.Conflict) || apperr.FieldOf(err) != "anyway" {
					t.Fatalf("undo over an edit: %+v %v", u, err)
				}
				if msgs, _ := r.store.ListMessages(ctx, r.proj.ID); len(msgs) != 2 || r.chat.CanRedo(r.proj.ID) {
					t.Fatalf("a refused undo changed the chat: %d messages", len(msgs))
				}
				u, err = r.chat.UndoAnyway(ctx, r.proj.ID)
			}
			if err != nil || u.Files != tc.wantFiles || u.Restored != (tc.wantFiles == FilesRestored) || !u.CanRedo || u.Agent != tc.agent {
				t.Fatalf("undo = %+v, %v", u, err)
			}
			if len(rest.undone) != tc.wantRestorer {
				t.Errorf("the restorer undid %d exchanges, want %d", len(rest.undone), tc.wantRestorer)
			}
			if tc.edited && fmt.Sprint(au.calls) != "[false true]" {
				t.Errorf("agent undo calls (anyway) = %v", au.calls)
			}
			if msgs, _ := r.store.ListMessages(ctx, r.proj.ID); len(msgs) != 0 {
				t.Fatalf("%d messages after undo", len(msgs))
			}
			if _, err := r.chat.Redo(ctx, r.proj.ID); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(append([]string{}, rest.restored...)); got != tc.wantRedoRestores {
				t.Errorf("redo restored %s, want %s", got, tc.wantRedoRestores)
			}
		})
	}
}
