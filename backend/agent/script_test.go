package agent

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/llm/llmtest"
)

// devServer stands in for a Next.js dev server in the sandbox: the page
// is the folder's app/page.tsx, and a component used but never defined
// is a console error, as React reports it.
type devServer struct{ *localSandbox }

func (d devServer) page() string {
	b, _ := os.ReadFile(filepath.Join(d.root, "app", "page.tsx"))
	return string(b)
}

func (d devServer) Console(context.Context, string) (string, error) {
	if strings.Contains(d.page(), "<Greeting") && !strings.Contains(d.page(), "function Greeting") {
		return " ✓ Compiled / in 812ms\n ⨯ ReferenceError: Greeting is not defined\n    at Page (app/page.tsx:2:40)\n", nil
	}
	return " ✓ Compiled / in 201ms\n", nil
}

func (d devServer) Preview(_ context.Context, _ string, path string) (Preview, error) {
	if strings.Contains(d.page(), "<Greeting") {
		return Preview{Status: 500, ContentType: "text/html", Body: "<html><body>Internal Server Error</body></html>"}, nil
	}
	return Preview{Status: 200, ContentType: "text/html", Body: "<html><body><main><h1>Hello</h1><p>Welcome</p></main></body></html>"}, nil
}

// The e2e suite's scripted 8-step turn (e2e/agent-turn.json, served by
// fakellm -script) through the real loop: it writes the page, sees the
// console error, fixes it, checks the preview and finishes.
func TestScriptedEightStepTurn(t *testing.T) {
	h := newHarness(t, func(h *harness) {})
	h.svc.cfg.Sandbox = devServer{h.sb}
	raw, err := os.ReadFile(filepath.Join("..", "..", "e2e", "agent-turn.json"))
	if err != nil {
		t.Fatal(err)
	}
	var replies []struct {
		Text      string                 `json:"text"`
		ToolCalls []llmtest.ScriptedCall `json:"toolCalls"`
	}
	if err := json.Unmarshal(raw, &replies); err != nil {
		t.Fatal(err)
	}
	for _, r := range replies {
		h.srv.Push(llmtest.Response{Text: r.Text, ToolCalls: r.ToolCalls, ChunkSize: 24})
	}
	res := h.run(TurnRequest{Text: "a page that greets"})
	if res.Reason != StopFinished || res.Steps != 8 || res.VersionID == "" {
		t.Fatalf("result = %+v", res)
	}
	steps := h.steps(res.TurnID)
	if steps[2].Tool != "view_preview" || steps[2].Status != StepFailed || !strings.Contains(steps[2].Result.Output, "Greeting is not defined") {
		t.Fatalf("step 3 = %+v", steps[2].Result)
	}
	if steps[6].Status != StepOK || !strings.Contains(steps[6].Result.Output, "HTTP 200") {
		t.Fatalf("step 7 = %+v", steps[6].Result)
	}
	if c, _ := h.file("app/page.tsx"); strings.Contains(c, "Greeting") {
		t.Fatalf("page.tsx = %q", c)
	}
	if len(res.Checked) == 0 || !strings.Contains(res.Checked[0], "without console errors") {
		t.Fatalf("checked = %v", res.Checked)
	}
}
