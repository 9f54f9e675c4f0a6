package llm

import (
	"strings"
	"testing"

	"tessera/backend/llm/llmtest"
)

func TestTrimHistory(t *testing.T) {
	msg := func(role string, n int) Message {
		return Message{Role: role, Content: strings.Repeat("x", n*charsPerToken)}
	}
	sys := msg(RoleSystem, 96)                          // 100 tokens
	u1, a1 := msg(RoleUser, 46), msg(RoleAssistant, 46) // 50 each
	u2, a2 := msg(RoleUser, 46), msg(RoleAssistant, 46)
	u3 := msg(RoleUser, 46)
	all := []Message{sys, u1, a1, u2, a2, u3}
	tests := []struct {
		name   string
		msgs   []Message
		budget int
		want   []Message
	}{
		{"fits", all, 350, all},
		{"drops oldest pair", all, 300, []Message{sys, u2, a2, u3}},
		{"never starts with assistant", all, 320, []Message{sys, u2, a2, u3}},
		{"newest kept over budget", all, 10, []Message{sys, u3}},
		{"system in the middle kept", []Message{u1, a1, sys, u3}, 160, []Message{sys, u3}},
		{"only assistant left is kept", []Message{sys, u1, a1}, 160, []Message{sys, a1}},
		{"images count", []Message{sys, {Role: RoleUser, Images: []Image{{}}}, u3}, 200, []Message{sys, u3}},
		{"empty", nil, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TrimHistory(tt.msgs, tt.budget)
			if len(got) != len(tt.want) {
				t.Fatalf("kept %d messages, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].Role != tt.want[i].Role || len(got[i].Content) != len(tt.want[i].Content) || len(got[i].Images) != len(tt.want[i].Images) {
					t.Errorf("message %d = %s/%d", i, got[i].Role, len(got[i].Content))
				}
			}
		})
	}
	if EstimateTokens(sys) != 100 {
		t.Errorf("EstimateTokens = %d", EstimateTokens(sys))
	}
}

func TestStreamFragmentTrimsHistory(t *testing.T) {
	// Covered end to end: a long history against a small context window
	// reaches the server trimmed, newest kept.
	srv := newTrimServer(t)
	c := testClient(t, srv, allKeys)
	req := userReq("openai", "gpt-4o")
	var hist []Message
	for i := 0; i < 50; i++ {
		hist = append(hist, Message{Role: RoleUser, Content: strings.Repeat("u", 3000)}, Message{Role: RoleAssistant, Content: strings.Repeat("a", 3000)})
	}
	req.Messages = append(append([]Message{req.Messages[0]}, hist...), Message{Role: RoleUser, Content: "newest"})
	req.ContextTokens = 8000
	req.Params.MaxTokens = 2000
	if _, _, err := c.StreamFragment(t.Context(), req, nil, nil); err != nil {
		t.Fatal(err)
	}
	body := srv.Requests()[0].Chat()
	n := len(body.Messages)
	if n >= len(req.Messages) || n < 3 || body.Messages[0].Role != RoleSystem || body.Messages[1].Role != RoleUser || body.Messages[n-1].Content != "newest" {
		t.Errorf("sent %d of %d messages", n, len(req.Messages))
	}
}

func newTrimServer(t *testing.T) *llmtest.Server {
	srv := llmtest.New(t)
	srv.Push(llmtest.FragmentResponse(sampleFragment(), 64))
	return srv
}
