package llm

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
)

func toolReq(provider string) ConverseRequest {
	return ConverseRequest{
		Request: Request{ProviderID: provider, ModelID: "m1", Messages: []Message{
			{Role: RoleSystem, Content: "You are an agent."},
			{Role: RoleUser, Content: "fix the app"},
			{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: "c0", Name: "list_files", Arguments: `{}`}}},
			{Role: RoleTool, ToolCallID: "c0", Content: "app.py"},
		}},
		Tools: []ToolDef{
			{Name: "read_file", Description: "Read a file.", Parameters: json.RawMessage(`{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}`)},
			{Name: "run_command", Description: "Run a command.", Parameters: json.RawMessage(`{"type":"object","properties":{"command":{"type":"string"}}}`)},
		},
	}
}

// One case per dialect, each shaped as the provider's documents (and the
// issues filed against them) show its stream: the calls come out whole,
// in order, with ids, and the usage with the provider's own cache and
// reasoning fields.
func TestConverseDialects(t *testing.T) {
	read := llmtest.Call("read_file", `{"path":"src/app.py"}`)
	run := llmtest.Call("run_command", `{"command":"pytest -q"}`)
	two := []llmtest.ScriptedCall{read, run}
	want2 := func(id0, id1 string) []ToolCall {
		return []ToolCall{{ID: id0, Name: "read_file", Arguments: `{"path":"src/app.py"}`}, {ID: id1, Name: "run_command", Arguments: `{"command":"pytest -q"}`}}
	}
	openaiUsage := json.RawMessage(`{"prompt_tokens":1200,"completion_tokens":80,"total_tokens":1280,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":64}}`)
	tests := []struct {
		name      string
		provider  string
		resp      llmtest.Response
		calls     []ToolCall
		text      string
		reasoning string
		usage     Usage
	}{
		{"openai split parallel with usage details", "openai",
			llmtest.Response{ToolCalls: two, ChunkSize: 4, UsageRaw: openaiUsage},
			want2("call_0", "call_1"), "", "", Usage{PromptTokens: 1200, CompletionTokens: 80, TotalTokens: 1280, CachedTokens: 1024, ReasoningTokens: 64}},
		{"anthropic compatible: text then a call", "anthropic",
			llmtest.Response{Text: "Let me look.", ToolCalls: []llmtest.ScriptedCall{{ID: "toolu_01A", Name: "read_file", Arguments: `{"path":"src/app.py"}`}},
				UsageRaw: json.RawMessage(`{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":30}}`)},
			[]ToolCall{{ID: "toolu_01A", Name: "read_file", Arguments: `{"path":"src/app.py"}`}}, "Let me look.", "", Usage{PromptTokens: 50, CompletionTokens: 20, TotalTokens: 70, CachedTokens: 30}},
		{"gemini compatible: whole calls, ids omitted", "google",
			llmtest.Response{ToolCalls: two, ToolDialect: llmtest.ToolsWhole, OmitIDs: true, Usage: &llmtest.Usage{PromptTokens: 9, CompletionTokens: 3, TotalTokens: 12}},
			want2("call_0", "call_1"), "", "", Usage{PromptTokens: 9, CompletionTokens: 3, TotalTokens: 12}},
		{"mistral: whole calls with their ids", "mistral",
			llmtest.Response{ToolCalls: []llmtest.ScriptedCall{{ID: "D681PevKs", Name: "read_file", Arguments: `{"path":"src/app.py"}`}}, ToolDialect: llmtest.ToolsWhole},
			[]ToolCall{{ID: "D681PevKs", Name: "read_file", Arguments: `{"path":"src/app.py"}`}}, "", "", Usage{}},
		{"groq: reasoning field, split calls", "groq",
			llmtest.Response{Reasoning: []string{"check ", "tests"}, Dialect: llmtest.DialectReasoningField, ToolCalls: two, ChunkSize: 3,
				UsageRaw: json.RawMessage(`{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"completion_tokens_details":{"reasoning_tokens":2}}`)},
			want2("call_0", "call_1"), "", "check tests", Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15, ReasoningTokens: 2}},
		{"xai: split, reasoning tokens", "xai",
			llmtest.Response{ToolCalls: []llmtest.ScriptedCall{read}, ChunkSize: 2, UsageRaw: openaiUsage},
			[]ToolCall{{ID: "call_0", Name: "read_file", Arguments: `{"path":"src/app.py"}`}}, "", "", Usage{PromptTokens: 1200, CompletionTokens: 80, TotalTokens: 1280, CachedTokens: 1024, ReasoningTokens: 64}},
		{"deepseek: reasoning_content, prompt_cache_hit_tokens", "deepseek",
			llmtest.Response{Reasoning: []string{"hm"}, ToolCalls: []llmtest.ScriptedCall{run},
				UsageRaw: json.RawMessage(`{"prompt_tokens":700,"completion_tokens":40,"total_tokens":740,"prompt_cache_hit_tokens":640,"prompt_cache_miss_tokens":60,"completion_tokens_details":{"reasoning_tokens":12}}`)},
			[]ToolCall{{ID: "call_0", Name: "run_command", Arguments: `{"command":"pytest -q"}`}}, "", "hm", Usage{PromptTokens: 700, CompletionTokens: 40, TotalTokens: 740, CachedTokens: 640, ReasoningTokens: 12}},
		{"openrouter: processing comments between deltas", "openrouter",
			llmtest.Response{ToolCalls: two, Comments: true, Comment: ": OPENROUTER PROCESSING", ChunkSize: 5},
			want2("call_0", "call_1"), "", "", Usage{}},
		{"ollama 0.20: index 0 reused by parallel calls", "ollama",
			llmtest.Response{ToolCalls: []llmtest.ScriptedCall{{ID: "abc", Name: read.Name, Arguments: read.Arguments}, {ID: "def", Name: run.Name, Arguments: run.Arguments}}, ToolDialect: llmtest.ToolsReusedIndex, ChunkSize: 6},
			want2("abc", "def"), "", "", Usage{}},
		{"ollama before 0.4.7: no index, no id", "ollama",
			llmtest.Response{ToolCalls: two, ToolDialect: llmtest.ToolsNoIndex, OmitIDs: true},
			want2("call_0", "call_1"), "", "", Usage{}},
		{"lm studio: split, ids omitted", "lmstudio",
			llmtest.Response{ToolCalls: two, OmitIDs: true, ChunkSize: 7},
			want2("call_0", "call_1"), "", "", Usage{}},
		{"text only (a final answer)", "openai",
			llmtest.Response{Text: "All done: the app runs.", Usage: &llmtest.Usage{PromptTokens: 5, CompletionTokens: 6, TotalTokens: 11}},
			nil, "All done: the app runs.", "", Usage{PromptTokens: 5, CompletionTokens: 6, TotalTokens: 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Push(tt.resp)
			c := testClient(t, srv, keys{"llm:" + tt.provider: "k"})
			var text, reasoning strings.Builder
			rep, err := c.Converse(context.Background(), toolReq(tt.provider), func(s string) { text.WriteString(s) }, func(s string) { reasoning.WriteString(s) })
			if err != nil {
				t.Fatalf("Converse: %v", err)
			}
			if !reflect.DeepEqual(rep.ToolCalls, tt.calls) {
				t.Errorf("calls = %+v, want %+v", rep.ToolCalls, tt.calls)
			}
			if rep.Text != tt.text || text.String() != tt.text || reasoning.String() != tt.reasoning {
				t.Errorf("text %q (streamed %q) reasoning %q", rep.Text, text.String(), reasoning.String())
			}
			if rep.Usage != tt.usage {
				t.Errorf("usage = %+v, want %+v", rep.Usage, tt.usage)
			}
			if len(tt.calls) > 0 && rep.Finish != "tool_calls" {
				t.Errorf("finish = %q", rep.Finish)
			}
			// What was sent: the tools, and the earlier call with its result.
			var body map[string]any
			reqs := srv.Requests()
			if err := json.Unmarshal(reqs[len(reqs)-1].Body, &body); err != nil {
				t.Fatal(err)
			}
			tools, _ := body["tools"].([]any)
			msgs, _ := body["messages"].([]any)
			if len(tools) != 2 || len(msgs) != 4 {
				t.Fatalf("sent %d tools, %d messages", len(tools), len(msgs))
			}
			asst, _ := msgs[2].(map[string]any)
			tool, _ := msgs[3].(map[string]any)
			if tc, _ := asst["tool_calls"].([]any); len(tc) != 1 || tool["tool_call_id"] != "c0" || tool["role"] != "tool" {
				t.Errorf("history sent as %v / %v", asst, tool)
			}
		})
	}
}

// A provider that refuses streaming gets one whole answer, calls included.
func TestConverseWholeAnswerFallback(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetRefusals(llmtest.Refusals{Stream: true})
	srv.Push(llmtest.Response{ToolCalls: []llmtest.ScriptedCall{llmtest.Call("read_file", `{"path":"a"}`)}, Usage: &llmtest.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}})
	c := testClient(t, srv, keys{"llm:openai": "k"})
	rep, err := c.Converse(context.Background(), toolReq("openai"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.ToolCalls) != 1 || rep.ToolCalls[0].Name != "read_file" || rep.Usage.TotalTokens != 5 {
		t.Fatalf("reply = %+v", rep)
	}
}

func TestConverseErrors(t *testing.T) {
	srv := llmtest.New(t)
	srv.Push(llmtest.ErrorResponse(401, "Incorrect API key provided."))
	c := testClient(t, srv, keys{"llm:openai": "k"})
	_, err := c.Converse(context.Background(), toolReq("openai"), nil, nil)
	if apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Converse(ctx, toolReq("openai"), nil, nil); apperr.CodeOf(err) != apperr.Canceled {
		t.Fatalf("canceled: err = %v", err)
	}
}

// A model that refuses tools is told apart from other refusals.
func TestConverseToolsRefused(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetRefusals(llmtest.Refusals{Tools: true})
	c := testClient(t, srv, keys{})
	_, err := c.Converse(context.Background(), toolReq("ollama"), nil, nil)
	if !errors.Is(err, ErrToolsRefused) || apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "does not take tool calls") {
		t.Fatalf("err = %v", err)
	}
	if srv.RequestCount() != 1 {
		t.Fatalf("%d requests", srv.RequestCount())
	}
}
