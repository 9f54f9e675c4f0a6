package env

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"tessera/backend/store"
)

func TestLogHandlerRedacts(t *testing.T) {
	e, st, _, _ := newEnv(t)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	e.Set(ctx, p.ID, Var{Name: "TOKEN", Value: "sk-log-31a7", Secret: true})
	var buf bytes.Buffer
	h := NewLogHandler(slog.NewTextHandler(&buf, nil))
	log := slog.New(h)
	log.Info("before use sk-log-31a7", "project", p.ID)
	if !strings.Contains(buf.String(), "sk-log-31a7") {
		t.Fatal("nothing to compare with: the value was not logged before Use")
	}
	buf.Reset()
	h.Use(NewRedactor(context.Background, e, func(context.Context) map[string]string { return map[string]string{"E2B_API_KEY": "e2b_key_0042"} }))
	log.Warn("install failed: sk-log-31a7", "project", p.ID, "err", errors.New("401 key=sk-log-31a7"), "out", "x sk-log-31a7")
	log.With("project", p.ID).Info("run", "stdout", "sk-log-31a7", slog.Group("g", "k", "sk-log-31a7"))
	log.Info("no project", "key", "e2b_key_0042")
	out := buf.String()
	if strings.Contains(out, "sk-log-31a7") || strings.Contains(out, "e2b_key_0042") {
		t.Fatalf("the log holds a secret:\n%s", out)
	}
	if strings.Count(out, "[secret TOKEN]") != 5 || !strings.Contains(out, "[secret E2B_API_KEY]") {
		t.Fatalf("markers missing:\n%s", out)
	}
}
