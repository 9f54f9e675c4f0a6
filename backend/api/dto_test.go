package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tessera/backend/config"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// The DTOs keep the wire format the page always received (field names,
// times as RFC 3339, raw JSON as is): the same JSON as the domain types,
// except Paths, which gains its json tags.
func TestDTOsSendWhatTheDomainTypesSent(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	msg := store.Message{ID: "m", ProjectID: "p", Seq: 3, Role: "assistant", Content: "hi",
		Fragment: json.RawMessage(`{"code":"print(1)","port":null}`), Result: json.RawMessage(`{"kind":"python"}`),
		Status: store.MessageDone, CreatedAt: at}
	user := store.Message{ID: "u", ProjectID: "p", Seq: 2, Role: "user", Content: "x", CreatedAt: at}
	set := config.DefaultSettings()
	set.CustomProviders = json.RawMessage(`{"providers":[{"id":"local","base_url":"http://127.0.0.1:1"}]}`)
	withRoot := set
	withRoot.WorkspaceRoot = "/home/me/Projects"
	cases := []struct {
		name     string
		dto, dom any
	}{
		{"project", toProject(store.Project{ID: "p", Name: "n", SandboxID: "s", CreatedAt: at, UpdatedAt: at, LastActivityAt: at}),
			store.Project{ID: "p", Name: "n", SandboxID: "s", CreatedAt: at, UpdatedAt: at, LastActivityAt: at}},
		{"project with zero times", toProject(store.Project{ID: "p"}), store.Project{ID: "p"}},
		{"assistant message", toMessage(msg), msg},
		{"user message without JSON", toMessage(user), user},
		{"settings", toSettings(set), set},
		{"settings round trip", toSettings(toSettings(set).domain()), set},
		{"settings with a projects folder", toSettings(toSettings(withRoot).domain()), withRoot},
		{"project kept, cleaned up, with running time", toProject(store.Project{ID: "p", KeptAt: at, SandboxRemovedAt: at, RunningSeconds: 90}),
			store.Project{ID: "p", KeptAt: at, SandboxRemovedAt: at, RunningSeconds: 90}},
		{"project with a folder", toProject(store.Project{ID: "p", Workspace: "My app (2)"}), store.Project{ID: "p", Workspace: "My app (2)"}},
		{"running sandbox", toSandboxStatus(sandbox.Status{ProjectID: "p", State: sandbox.StateRunning, SandboxID: "s", TimeoutAt: at, IdlePauseAt: at, RunningSecondsToday: 5}),
			sandbox.Status{ProjectID: "p", State: sandbox.StateRunning, SandboxID: "s", TimeoutAt: at, IdlePauseAt: at, RunningSecondsToday: 5}},
		{"sandbox without one", toSandboxStatus(sandbox.Status{ProjectID: "p", State: sandbox.StateNone}), sandbox.Status{ProjectID: "p", State: sandbox.StateNone}},
	}
	for _, c := range cases {
		a, err := json.Marshal(c.dto)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(c.dom)
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Errorf("%s:\n dto    %s\n domain %s", c.name, a, b)
		}
	}
	// A user message's images travel in their own field, never in result.
	withImages := store.Message{ID: "u", Role: "user", Attachments: []store.Attachment{{MIME: "image/png", Data: "AAAA"}, {MIME: "image/jpeg", Data: "/9j/"}}}
	raw, _ := json.Marshal(toMessage(withImages))
	if !strings.Contains(string(raw), `"attachments":[{"mime":"image/png","data":"AAAA"},{"mime":"image/jpeg","data":"/9j/"}]`) || strings.Contains(string(raw), `"result"`) {
		t.Errorf("user message with images: %s", raw)
	}
	// Requests: the page's JSON decodes into the DTO and maps onto the
	// chat's request unchanged.
	temp := float32(0.5)
	in := `{"requestId":"r","projectId":"p","text":"t","images":[{"mime":"image/png","data":"AA=="}],"providerId":"openai","modelId":"m","template":"","params":{"temperature":0.5,"maxTokens":9}}`
	var req SendRequest
	if err := json.Unmarshal([]byte(in), &req); err != nil {
		t.Fatal(err)
	}
	d := req.domain()
	if d.RequestID != "r" || d.Text != "t" || len(d.Images) != 1 || d.Images[0].Data != "AA==" || d.ModelID != "m" ||
		d.Params.Temperature == nil || *d.Params.Temperature != temp || d.Params.MaxTokens != 9 || d.Params.TopP != nil {
		t.Errorf("send request: %+v", d)
	}
	if r := (RetryRequest{RequestID: "r", ProjectID: "p", Params: Params{MaxTokens: 3}}).domain(); r.RequestID != "r" || r.Params.MaxTokens != 3 {
		t.Errorf("retry request: %+v", r)
	}
	p, _ := json.Marshal(toPaths(config.Paths{Home: "/h", Database: "/h/db", LogFile: "/h/log"}))
	if string(p) != `{"home":"/h","database":"/h/db","logFile":"/h/log"}` {
		t.Errorf("paths: %s", p)
	}
}
