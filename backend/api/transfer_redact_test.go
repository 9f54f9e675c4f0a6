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
