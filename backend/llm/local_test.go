package llm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
)

// The real context window of a local model, from each server's own API,
// decides the output limit and how much history is kept.
func TestLocalContextWindow(t *testing.T) {
	history := func(turns int) Request {
		req := userReq("ollama", "llama3.1")
		msgs := []Message{req.Messages[0]}
		for i := 0; i < turns; i++ {
			msgs = append(msgs, Message{Role: RoleUser, Content: strings.Repeat("an earlier request ", 60)},
				Message{Role: RoleAssistant, Content: strings.Repeat("an earlier answer ", 60)})
		}
		req.Messages = append(msgs, req.Messages[1])
		return req
	}
	tests := []struct {
		name       string
		provider   string
		model      string
		local      llmtest.LocalServer
		wantMax    int // max_tokens sent
		wantWindow int // the window history was trimmed to; 0: refused before sending
	}{
		{"ollama loaded with 8k", "ollama", "llama3.1", llmtest.LocalServer{Kind: "ollama", Loaded: true, LoadedContext: 8192, MaxContext: 131072}, 4096, 8192},
		{"ollama num_ctx 32k", "ollama", "llama3.1", llmtest.LocalServer{Kind: "ollama", NumCtx: 32768, MaxContext: 131072}, 8192, 32768},
		{"ollama default 4k", "ollama", "llama3.1", llmtest.LocalServer{Kind: "ollama", MaxContext: 131072}, 2048, 4096},
		{"ollama num_ctx above the model's", "ollama", "llama3.1", llmtest.LocalServer{Kind: "ollama", NumCtx: 65536, MaxContext: 8192}, 4096, 8192},
		{"lm studio loaded 16k", "lmstudio", "llama3.1", llmtest.LocalServer{Kind: "lmstudio", Loaded: true, LoadedContext: 16384, MaxContext: 131072}, 8192, 16384},
		{"lm studio not loaded: its default 4k", "lmstudio", "llama3.1", llmtest.LocalServer{Kind: "lmstudio", MaxContext: 131072}, 2048, 4096},
		{"lm studio small model: refused with a sentence", "lmstudio", "llama3.1", llmtest.LocalServer{Kind: "lmstudio", MaxContext: 1024}, 0, 0},
		{"server that says nothing: the catalog's 4k", "ollama", "llama3.1", llmtest.LocalServer{}, 2048, 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.SetModels(tt.model)
			srv.SetLocal(tt.local)
			srv.Push(llmtest.FragmentResponse(sampleFragment(), 64))
			c := testClient(t, srv, nil)
			req := history(40)
			req.ProviderID = tt.provider
			_, _, err := c.StreamFragment(context.Background(), req, nil, nil)
			if tt.wantWindow == 0 {
				if !errors.Is(err, ErrContextTooLong) || !strings.Contains(apperr.MessageOf(err), "runs with a context of 1024 tokens") ||
					!strings.Contains(apperr.MessageOf(err), "LM Studio") || srv.RequestCount() != 0 {
					t.Fatalf("err = %v (%d chat requests)", err, srv.RequestCount())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var sent Request
			for _, r := range srv.Requests() {
				if strings.HasSuffix(r.Path, "/chat/completions") {
					sent.Messages = nil
					for _, m := range r.Chat().Messages {
						sent.Messages = append(sent.Messages, Message{Role: m.Role, Content: m.Content})
					}
					if got := r.Chat().MaxTokens; got != tt.wantMax {
						t.Errorf("max_tokens %d, want %d", got, tt.wantMax)
					}
				}
			}
			// The kept history fits the window beside the answer, and the
			// next older turn would not have.
			budget := tt.wantWindow - tt.wantMax
			kept := EstimateTotal(sent.Messages)
			dropped := len(req.Messages) - len(sent.Messages)
			if kept > budget || dropped == 0 || kept+EstimateTokens(req.Messages[dropped])+EstimateTokens(req.Messages[dropped-1]) <= budget {
				t.Errorf("kept %d tokens (%d messages dropped) for a budget of %d", kept, dropped, budget)
			}
		})
	}
}
