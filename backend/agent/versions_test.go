package agent

import (
	"context"
	"errors"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

func TestOneVersionPerTurnAndRestoreBeforeStep(t *testing.T) {
	h := newHarness(t)
	h.seed(map[string]string{"app.js": "a\nb\nc\n"})
	before, _ := h.ws.History(context.Background(), 100)
	edit := func(from, to string) llmtest.Response {
		return llmtest.Calls(llmtest.Call("edit_file", args(map[string]any{"path": "app.js", "edits": []map[string]string{{"search": from, "replace": to}}})))
	}
	h.srv.Push(
		llmtest.Calls(llmtest.Call("read_file", `{"path":"app.js"}`)),
		edit("a\n", "A\n"),
		edit("b\n", "B\n"),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"new.js","content":"n\n"}`)),
		llmtest.Calls(llmtest.Call("run_checks", `{}`)),
		llmtest.Calls(llmtest.Call("finish", `{"summary":"capitalised"}`)),
	)
	h.svc.cfg.Checks = func(context.Context, string) []Check {
		return []Check{{Name: "syntax", Command: "node --check app.js 2>/dev/null || true"}}
	}
	res := h.run(TurnRequest{Text: "capitalise the letters"})
	if res.Reason != StopFinished || res.Summary != "capitalised" || res.VersionID == "" || res.Partial || len(res.Checked) != 1 {
		t.Fatalf("result = %+v", res)
	}
	after, _ := h.ws.History(context.Background(), 100)
	if len(after) != len(before)+1 || after[0].Message != "capitalise the letters" || after[0].ID != res.VersionID {
		t.Fatalf("%d versions before, %d after; newest %q", len(before), len(after), after[0].Message)
	}
	if c, _ := h.file("app.js"); c != "A\nB\nc\n" {
		t.Fatalf("app.js = %q", c)
	}
	// Step 2 is the first edit: before it, the seeded file, and no new.js.
	if err := h.svc.RestoreBefore(context.Background(), res.TurnID, 3); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.file("app.js"); c != "A\nb\nc\n" {
		t.Fatalf("before step 3: app.js = %q", c)
	}
	if err := h.svc.RestoreBefore(context.Background(), res.TurnID, 2); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.file("app.js"); c != "a\nb\nc\n" {
		t.Fatalf("before step 2: app.js = %q", c)
	}
	if _, ok := h.file("new.js"); ok {
		t.Fatal("new.js survived the restore")
	}
}

func TestEditFailsAfterEditorSave(t *testing.T) {
	h := newHarness(t)
	h.seed(map[string]string{"app.js": "let x = 1\n"})
	h.srv.Push(
		llmtest.Calls(llmtest.Call("read_file", `{"path":"app.js"}`)),
		llmtest.Calls(llmtest.Call("edit_file", `{"path":"app.js","edits":[{"search":"1","replace":"2"}]}`)),
		llmtest.Reply("the file changed under me"),
	)
	steps := h.waitFor(EventStep)
	go func() {
		for e := range steps {
			if e.Step.Seq == 1 && e.Step.Status == StepOK {
				// The editor's save path: a version of the person's edit.
				if _, _, err := h.ws.RecordEdit(context.Background(), []workspace.File{{Path: "app.js", Content: []byte("let x = 42 // mine\n")}}, "Edited by hand"); err != nil {
					t.Error(err)
				}
				return
			}
		}
	}()
	res := h.run(TurnRequest{})
	st := h.steps(res.TurnID)
	if len(st) != 2 || st[1].Status != StepFailed || !strings.Contains(st[1].Result.Output, "changed since you read it") {
		t.Fatalf("steps = %+v", st)
	}
	if c, _ := h.file("app.js"); c != "let x = 42 // mine\n" {
		t.Fatalf("the person's edit was overwritten: %q", c)
	}
}

type replaceRedactor map[string]string

func TestSecretsRedactedFromToolOutput(t *testing.T) {
	h := newHarness(t)
	h.seed(map[string]string{".env": "OPENAI_API_KEY=sk-live-123\n"})
	h.svc.cfg.Redactor = replaceRedactor{"sk-live-123": "[secret OPENAI_API_KEY]"}
	h.srv.Push(
		llmtest.Calls(llmtest.Call("read_file", `{"path":".env"}`)),
		llmtest.Calls(llmtest.Call("run_command", `{"command":"echo key=sk-live-123"}`)),
		llmtest.Reply("done"),
	)
	res := h.run(TurnRequest{})
	for i := 1; i <= 2; i++ {
		for _, r := range h.toolResults(i) {
			if strings.Contains(r, "sk-live-123") || !strings.Contains(r, "[secret OPENAI_API_KEY]") {
				t.Fatalf("request %d carried %q", i, r)
			}
		}
	}
	for _, st := range h.steps(res.TurnID) {
		if st.Result != nil && strings.Contains(st.Result.Output, "sk-live-123") {
			t.Fatalf("step log holds the secret: %q", st.Result.Output)
		}
	}
}

func TestUndoAsksWhenEditedSince(t *testing.T) {
	h := newHarness(t)
	h.seed(map[string]string{"a.txt": "a\n", "mine.txt": "keep\n"})
	h.svc.cfg.Checks = func(context.Context, string) []Check { return []Check{{Name: "t", Command: "true"}} }
	h.srv.Push(
		llmtest.Calls(llmtest.Call("read_file", `{"path":"a.txt"}`)),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"a.txt","content":"agent\n"}`)),
		llmtest.Calls(llmtest.Call("run_checks", `{}`)),
		llmtest.Reply("done"),
	)
	res := h.run(TurnRequest{})
	if res.Reason != StopFinished {
		t.Fatalf("result = %+v", res)
	}
	if _, _, err := h.ws.RecordEdit(context.Background(), []workspace.File{{Path: "a.txt", Content: []byte("agent + person\n")}, {Path: "mine.txt", Content: []byte("mine\n")}}, "Edited by hand"); err != nil {
		t.Fatal(err)
	}
	err := h.svc.Undo(context.Background(), res.TurnID)
	var es *EditedSinceError
	if !errors.As(err, &es) || len(es.Paths) != 1 || es.Paths[0] != "a.txt" {
		t.Fatalf("undo over an edit: %v", err)
	}
	if c, _ := h.file("a.txt"); c != "agent + person\n" {
		t.Fatalf("a refused undo wrote: %q", c)
	}
	if err := h.svc.RestoreBeforeAnyway(context.Background(), res.TurnID, 1); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.file("a.txt"); c != "a\n" {
		t.Fatalf("a.txt = %q", c)
	}
	if c, _ := h.file("mine.txt"); c != "mine\n" {
		t.Fatalf("undo touched a file the turn did not change: %q", c)
	}
}

// The chat's Undo of an agent turn: only the turn's files go back, as a
// version of kind "undo"; the conflict names the anyway choice; a second
// Undo finds the files already back and changes nothing.
func TestUndoTurnRevertsOnlyItsFiles(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	h.seed(map[string]string{"a.txt": "a\n", "mine.txt": "keep\n"})
	h.svc.cfg.Checks = func(context.Context, string) []Check { return []Check{{Name: "t", Command: "true"}} }
	h.srv.Push(
		llmtest.Calls(llmtest.Call("read_file", `{"path":"a.txt"}`)),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"a.txt","content":"agent\n"}`)),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"b.txt","content":"new\n"}`)),
		llmtest.Calls(llmtest.Call("run_checks", `{}`)),
		llmtest.Reply("done"),
	)
	res := h.run(TurnRequest{Text: "two files"})
	if res.Reason != StopFinished {
		t.Fatalf("result = %+v", res)
	}
	if _, _, err := h.ws.RecordEdit(ctx, []workspace.File{{Path: "a.txt", Content: []byte("agent + person\n")}, {Path: "mine.txt", Content: []byte("mine\n")}}, "Edited by hand"); err != nil {
		t.Fatal(err)
	}
	head := h.ws.Head()
	_, err := h.svc.UndoTurn(ctx, res.TurnID, false)
	if !apperr.Is(err, apperr.Conflict) || apperr.FieldOf(err) != AnywayField || !strings.Contains(apperr.MessageOf(err), "a.txt changed after") {
		t.Fatalf("undo over an edit: %v (field %q)", err, apperr.FieldOf(err))
	}
	if h.ws.Head() != head {
		t.Fatal("a refused undo made a version")
	}
	u, err := h.svc.UndoTurn(ctx, res.TurnID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Restored || u.Before != head || strings.Join(u.Paths, ",") != "a.txt,b.txt" {
		t.Fatalf("undone = %+v (head was %s)", u, head)
	}
	for path, want := range map[string]string{"a.txt": "a\n", "mine.txt": "mine\n"} {
		if c, _ := h.file(path); c != want {
			t.Errorf("%s = %q, want %q", path, c, want)
		}
	}
	if _, ok := h.file("b.txt"); ok {
		t.Error("b.txt, written by the turn, survived its undo")
	}
	vs, _ := h.ws.History(ctx, 1)
	if vs[0].Trailers[workspace.TrailerKind] != "undo" || vs[0].Message != "Undid the agent's turn: two files" || vs[0].Trailers[workspace.TrailerMessage] != res.MessageID {
		t.Fatalf("undo version = %q %v", vs[0].Message, vs[0].Trailers)
	}
	again, err := h.svc.UndoTurn(ctx, res.TurnID, false)
	if err != nil || again.Restored {
		t.Fatalf("second undo = %+v, %v", again, err)
	}
}

type downReplica struct{}

func (downReplica) Ensure(context.Context, string, string) (*sandbox.Handle, error) {
	return nil, apperr.New(apperr.Unavailable, "The sandbox could not be started.")
}
func (downReplica) WriteFiles(context.Context, *sandbox.Handle, []store.File) error { return nil }
func (downReplica) Remove(context.Context, *sandbox.Handle, []string) error         { return nil }

// A write that reached the folder but not the sandbox is a change (kept
// in the turn's version), with a hint, not a failure that lies.
func TestWriteSavedWhenSandboxIsDown(t *testing.T) {
	h := newHarness(t)
	h.svc.cfg.Files.(*WorkspaceFiles).Replica = downReplica{}
	h.svc.cfg.Checks = func(context.Context, string) []Check { return []Check{{Name: "t", Command: "true"}} }
	h.srv.Push(llmtest.Calls(llmtest.Call("write_file", `{"path":"a.txt","content":"x"}`)),
		llmtest.Calls(llmtest.Call("run_checks", `{}`)), llmtest.Reply("done"))
	res := h.run(TurnRequest{})
	st := h.steps(res.TurnID)[0]
	if st.Status != StepOK || !strings.Contains(st.Result.Hint, "sandbox") || res.VersionID == "" {
		t.Fatalf("step %+v, result %+v", st.Result, res)
	}
	if c, _ := h.file("a.txt"); c != "x" {
		t.Fatalf("a.txt = %q", c)
	}
}

func TestTranscriptKeptForReplay(t *testing.T) {
	h := newHarness(t)
	h.seed(map[string]string{"a.txt": "x\n"})
	h.srv.Push(llmtest.Calls(llmtest.Call("read_file", `{"path":"a.txt"}`)), llmtest.Reply("it holds x"))
	res := h.run(TurnRequest{Text: "what is in a.txt?"})
	msgs, err := h.svc.Transcript(context.Background(), res.TurnID)
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{}
	for _, m := range msgs {
		roles = append(roles, m.Role)
	}
	if strings.Join(roles, ",") != "system,user,assistant,tool,assistant" || msgs[1].Content != "what is in a.txt?" || msgs[2].ToolCalls[0].Name != "read_file" {
		t.Fatalf("transcript roles %v", roles)
	}
}
