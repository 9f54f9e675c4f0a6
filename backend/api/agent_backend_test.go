package api

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tessera/backend/agent"
	"tessera/backend/apperr"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// agentEvents hands each agent event to a hook (the page's role: answer
// an approval when its card shows).
type agentEvents struct {
	mu   sync.Mutex
	hook func(agent.Event)
}

func (e *agentEvents) Emit(_ string, payload any) {
	ev, ok := payload.(agent.Event)
	e.mu.Lock()
	h := e.hook
	e.mu.Unlock()
	if ok && h != nil {
		h(ev)
	}
}

// newAgentBackend is AgentService over the real agent loop: the llm
// client against the scripted fake model, a real SQLite file, a real
// workspace under git (no sandbox: commands fail with a sentence).
func newAgentBackend(t *testing.T) (*AgentService, *llmtest.Server, *workspace.Workspace, string, *agentEvents) {
	t.Helper()
	ctx := context.Background()
	srv := llmtest.New(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := st.CreateProject(ctx, store.NewProject{Name: "p", Template: "nextjs-developer"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ws, err := workspace.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A project with a first version (as every project that had a turn).
	if _, _, err := ws.RecordEdit(ctx, []workspace.File{{Path: "README.md", Content: []byte("notes\n")}}, "first"); err != nil {
		t.Fatal(err)
	}
	open := func(context.Context, string) (*workspace.Workspace, error) { return ws, nil }
	cat, err := llm.NewCatalog([]byte(`{"providers":[{"id":"fake","name":"Fake","base_url":"` + srv.URL() + `","supports_tools":true,"stream_usage":true,"models":[{"id":"m"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	client := llm.NewClient(cat, nil, srv.Client())
	ev := &agentEvents{}
	b := AgentBackend{Turns: st, Prefs: AgentSettingsStore{KV: st}}
	b.Service = agent.New(agent.Config{Model: AgentModel{Client: func() *llm.Client { return client }}, Files: &agent.WorkspaceFiles{Open: open},
		Store: st, Versions: agent.WorkspaceVersions{Open: open}, Emitter: ev, Policy: b.Policy})
	return NewAgentService(context.Background, b), srv, ws, p.ID, ev
}

func TestAgentServiceRunsPausesAtTheSettingsStepLimitAndContinues(t *testing.T) {
	svc, srv, ws, projectID, _ := newAgentBackend(t)
	dir := ws.Root()
	if _, err := svc.SaveSettings(AgentSettings{StepLimit: 2, SpendCapUSD: 1, TimeLimitSeconds: 600}); err != nil {
		t.Fatal(err)
	}
	if m, err := svc.Mode(AgentModeRequest{ProjectID: projectID, ProviderID: "fake", ModelID: "m"}); err != nil || m != ModeAgent {
		t.Fatalf("mode of a model that takes tools = %q, %v", m, err)
	}
	srv.Push(
		llmtest.Calls(llmtest.Call("write_file", `{"path":"a.txt","content":"one"}`)),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"b.txt","content":"two"}`)),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"c.txt","content":"three"}`)),
		llmtest.Reply("All three files are written."),
		// Nothing was checked: the agent reminds the model once (done means checked), and the second answer ends it.
		llmtest.Reply("They are plain text files; there is nothing to run."),
	)
	res, err := svc.Run(AgentTurnRequest{RequestID: "r1", ProjectID: projectID, Text: "write three files", Mode: ModeAgent, ProviderID: "fake", ModelID: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "paused" || res.Reason != "step_limit" || !res.CanContinue || res.MessageID == "" || res.TurnID == "" {
		t.Fatalf("a turn at its step limit pauses with Continue: %+v", res)
	}
	log, err := svc.Turn(res.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(log.StepsList) != 2 || !log.Turn.CanContinue || log.Turn.TurnID != res.TurnID {
		t.Fatalf("the stored log of the paused turn: %+v", log)
	}
	s1 := log.StepsList[0]
	if s1.Seq != 1 || s1.Tool != "write_file" || s1.Title == "" || s1.Status != "ok" || s1.Result == nil || !s1.Result.OK || s1.StartedAt == "" || s1.Usage.PromptTokens == 0 {
		t.Fatalf("a stored step as the page gets it: %+v", s1)
	}
	res, err = svc.Continue(AgentContinueRequest{RequestID: "r2", TurnID: res.TurnID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "done" || res.Reason != "finished" {
		t.Fatalf("Continue goes on to the end: %+v", res)
	}
	if log, err = svc.Turn(res.MessageID); err != nil || len(log.StepsList) != 3 || log.StepsList[2].Seq != 3 {
		t.Fatalf("one log across Continue: %+v, %v", log, err)
	}
	// The person edits c.txt: restoring asks first (a Conflict naming it), Anyway restores.
	if _, _, err := ws.RecordEdit(context.Background(), []workspace.File{{Path: "c.txt", Content: []byte("mine")}}, "Edited by hand"); err != nil {
		t.Fatal(err)
	}
	if err := svc.RestoreBefore(RestoreBeforeRequest{TurnID: res.TurnID, Seq: 2}); !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.MessageOf(err), "c.txt") {
		t.Fatalf("restoring over the person's edit asks first: %v", err)
	}
	// Back to before step 2: a.txt stays, b.txt and c.txt are gone.
	if err := svc.RestoreBefore(RestoreBeforeRequest{TurnID: res.TurnID, Seq: 2, Anyway: true}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"a.txt": true, "b.txt": false, "c.txt": false} {
		_, err := os.Stat(filepath.Join(dir, p))
		if got := err == nil; got != want {
			t.Errorf("after restoring to before step 2, %s exists = %v, want %v", p, got, want)
		}
	}
	if _, err := svc.Turn("no-such-message"); err == nil {
		t.Fatal("an answer that is not an agent turn has no log")
	}
}

func TestAgentServiceAlwaysAllowsTheToolFromThenOnButNeverADanger(t *testing.T) {
	svc, srv, _, projectID, ev := newAgentBackend(t)
	if _, err := svc.SaveSettings(AgentSettings{StepLimit: 30, SpendCapUSD: 1, Tools: map[string]string{"run_command": ToolAsk}}); err != nil {
		t.Fatal(err)
	}
	asked := make(chan agent.Approval, 8)
	ev.hook = func(e agent.Event) {
		if e.Type == agent.EventApproval && e.Approval != nil {
			asked <- *e.Approval
		}
	}
	run := func(id, cmd string) chan AgentTurnResult {
		srv.Push(llmtest.Calls(llmtest.Call("run_command", `{"command":"`+cmd+`"}`)), llmtest.Reply("Ran it."))
		done := make(chan AgentTurnResult, 1)
		go func() {
			res, err := svc.Run(AgentTurnRequest{RequestID: id, ProjectID: projectID, Text: "run " + cmd, Mode: ModeAgent, ProviderID: "fake", ModelID: "m"})
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		return done
	}
	// run_command is set to ask: even ls asks; Always makes it run from then on.
	done := run("r1", "ls")
	a := <-asked
	if err := svc.Answer(AnswerRequest{ApprovalID: a.ID, Decision: DecisionAlways, Tool: a.Tool}); err != nil {
		t.Fatal(err)
	}
	<-done
	if s, err := svc.Settings(); err != nil || s.Tools["run_command"] != ToolAlways {
		t.Fatalf("Always set the tool's approval: %+v, %v", s, err)
	}
	done = run("r2", "ls")
	<-done
	select {
	case a := <-asked:
		t.Fatalf("asked again after Always: %+v", a)
	default:
	}
	// A dangerous command still asks: Always on a tool never lifts a danger.
	done = run("r3", "git push origin main")
	a = <-asked
	if a.Command != "git push origin main" {
		t.Fatalf("the card's command: %+v", a)
	}
	if err := svc.Answer(AnswerRequest{ApprovalID: a.ID, Decision: DecisionDeny}); err != nil {
		t.Fatal(err)
	}
	<-done
}

// The chat's Undo of an agent answer goes to the agent: only the turn's
// files go back; an edit since is a Conflict on "anyway" that changes
// nothing; a one-shot answer is not the agent's (issue 25, item 7).
func TestAgentBackendUndoesOnlyTheTurnsFiles(t *testing.T) {
	ctx := context.Background()
	svc, srv, ws, projectID, _ := newAgentBackend(t)
	b := svc.agent.(AgentBackend)
	srv.Push(
		llmtest.Calls(llmtest.Call("write_file", `{"path":"a.txt","content":"one"}`)),
		llmtest.Calls(llmtest.Call("write_file", `{"path":"b.txt","content":"two"}`)),
		llmtest.Reply("Both files are written."),
		llmtest.Reply("They are plain text files; there is nothing to run."),
	)
	res, err := svc.Run(AgentTurnRequest{RequestID: "r1", ProjectID: projectID, Text: "write two files", Mode: ModeAgent, ProviderID: "fake", ModelID: "m"})
	if err != nil || res.Status != "done" {
		t.Fatalf("run = %+v, %v", res, err)
	}
	if handled, _, _, err := b.UndoAgentTurn(ctx, projectID, []string{"not-an-agent-answer"}, false); handled || err != nil {
		t.Fatalf("a one-shot answer: handled %v, %v", handled, err)
	}
	if _, _, err := ws.RecordEdit(ctx, []workspace.File{{Path: "b.txt", Content: []byte("mine")}, {Path: "README.md", Content: []byte("my notes\n")}}, "Edited by hand"); err != nil {
		t.Fatal(err)
	}
	head := ws.Head()
	handled, _, _, err := b.UndoAgentTurn(ctx, projectID, []string{res.MessageID}, false)
	if handled || !apperr.Is(err, apperr.Conflict) || apperr.FieldOf(err) != agent.AnywayField || ws.Head() != head {
		t.Fatalf("undo over the person's edit: handled %v, %v", handled, err)
	}
	handled, current, restored, err := b.UndoAgentTurn(ctx, projectID, []string{res.MessageID}, true)
	if err != nil || !handled || !restored || current != head {
		t.Fatalf("undo anyway: handled %v current %q (head %q) restored %v, %v", handled, current, head, restored, err)
	}
	for p, want := range map[string]string{"a.txt": "", "b.txt": "", "README.md": "my notes\n"} {
		got, err := os.ReadFile(filepath.Join(ws.Root(), p))
		if want == "" && err == nil || want != "" && string(got) != want {
			t.Errorf("after undo, %s = %q (%v), want %q", p, got, err, want)
		}
	}
}
