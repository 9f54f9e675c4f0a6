package api

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tessera/backend/env"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// A secret printed into a run result or pasted into a message stored
// before redaction existed leaves neither in chat.json nor in chat.md of
// an export (issue 30).
func TestExportRedactsSecrets(t *testing.T) {
	c := newComputer(t)
	ctx := context.Background()
	vars := env.New(c.st, secrets.New(c.keys, time.Second), nil)
	c.ts.redact = env.NewRedactor(bg, vars, nil)
	p, err := c.ps.Create(CreateProjectRequest{Name: "Leaky", Template: "code-interpreter-v1"})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "sk-export-5e8b1d"
	if _, err := vars.Set(ctx, p.ID, env.Var{Name: "API_TOKEN", Value: secret, Secret: true}); err != nil {
		t.Fatal(err)
	}
	c.st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "user", Content: "Fix: 401 for https://x/?key=" + secret})
	c.st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "assistant", Content: "done",
		Result: json.RawMessage(`{"stdout":["token ` + secret + `\n"],"error":{"name":"E","value":"","traceback":"key='` + secret + `'"}}`)})
	out := filepath.Join(t.TempDir(), "leaky")
	ex, err := c.ts.Export(ExportRequest{ProjectID: p.ID, Path: out})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(ex.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	seen := 0
	for _, f := range zr.File {
		if f.Name != "chat.json" && f.Name != "chat.md" {
			continue
		}
		seen++
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the secret", f.Name)
		}
		if !strings.Contains(string(b), "[secret API_TOKEN]") {
			t.Errorf("%s lacks the marker: %.400s", f.Name, b)
		}
	}
	if seen != 2 {
		t.Fatalf("the export has %d of chat.json and chat.md", seen)
	}
}

// An exported agent answer keeps the turn's steps (tool, short arguments,
// status, output) in chat.json and chat.md, and a secret a step printed
// leaves in neither (issue 25, item 6).
func TestExportKeepsAgentStepsRedacted(t *testing.T) {
	c := newComputer(t)
	ctx := context.Background()
	vars := env.New(c.st, secrets.New(c.keys, time.Second), nil)
	c.ts.redact = env.NewRedactor(bg, vars, nil)
	p, err := c.ps.Create(CreateProjectRequest{Name: "Agentic", Template: "nextjs-developer"})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "sk-agent-77c1f0"
	if _, err := vars.Set(ctx, p.ID, env.Var{Name: "API_TOKEN", Value: secret, Secret: true}); err != nil {
		t.Fatal(err)
	}
	c.st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "user", Content: "add a page"})
	a, err := c.st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "assistant", Content: "Added the page."})
	if err != nil {
		t.Fatal(err)
	}
	turn, err := c.st.CreateTurn(ctx, store.AgentTurn{ProjectID: p.ID, MessageID: a.ID, Mode: "agent", Status: "done", Prompt: "add a page"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, st := range []store.AgentStep{
		{ID: "s1", TurnID: turn.ID, Seq: 1, Tool: "write_file", Args: `{"path":"app/page.tsx"}`, Title: "write app/page.tsx", Status: "ok",
			Result: json.RawMessage(`{"ok":true,"output":"Wrote app/page.tsx."}`), Changed: json.RawMessage(`["app/page.tsx"]`), StartedAt: now, EndedAt: now},
		{ID: "s2", TurnID: turn.ID, Seq: 2, Tool: "run_command", Args: `{"command":"env"}`, Title: "$ env", Status: "failed",
			Result: json.RawMessage(`{"ok":false,"exitCode":2,"output":"API_TOKEN=` + secret + `"}`), StartedAt: now, EndedAt: now},
	} {
		if err := c.st.PutStep(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	ex, err := c.ts.Export(ExportRequest{ProjectID: p.ID, Path: filepath.Join(t.TempDir(), "agentic")})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(ex.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	for _, name := range []string{"chat.json", "chat.md"} {
		if strings.Contains(files[name], secret) {
			t.Errorf("%s holds the secret", name)
		}
		if !strings.Contains(files[name], "[secret API_TOKEN]") {
			t.Errorf("%s lacks the marker", name)
		}
	}
	var chat struct {
		Messages []struct {
			ID    string `json:"id"`
			Agent *struct {
				Status string `json:"status"`
				Steps  []struct {
					Seq      int    `json:"seq"`
					Tool     string `json:"tool"`
					Args     string `json:"args"`
					Status   string `json:"status"`
					ExitCode *int   `json:"exitCode"`
					Output   string `json:"output"`
				} `json:"steps"`
			} `json:"agent"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(files["chat.json"]), &chat); err != nil {
		t.Fatal(err)
	}
	if len(chat.Messages) != 2 || chat.Messages[0].Agent != nil || chat.Messages[1].Agent == nil {
		t.Fatalf("messages = %+v", chat.Messages)
	}
	steps := chat.Messages[1].Agent.Steps
	if len(steps) != 2 || steps[0].Tool != "write_file" || steps[0].Args != "write app/page.tsx" || steps[0].Output != "Wrote app/page.tsx." ||
		steps[1].Status != "failed" || steps[1].ExitCode == nil || *steps[1].ExitCode != 2 {
		t.Fatalf("steps = %+v", steps)
	}
	if !strings.Contains(files["chat.md"], "2. `run_command` $ env — failed (exit code 2)") {
		t.Errorf("chat.md lacks the step:\n%s", files["chat.md"])
	}
}
