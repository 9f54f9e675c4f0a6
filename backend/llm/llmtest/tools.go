package llmtest

import (
	"encoding/json"
)

// Scripted tool calls (agent mode). A test scripts a sequence of replies,
// each with optional text and tool calls, one reply per request:
//
//	srv.Push(
//	    llmtest.Calls(llmtest.Call("read_file", `{"path":"app.py"}`)),
//	    llmtest.Calls(llmtest.Call("edit_file", `{...}`), llmtest.Call("run_check", `{}`)), // parallel
//	    llmtest.Reply("Done."),
//	)
//
// ToolDialect shapes the deltas as a provider family sends them; ids are
// "call_<step>_<i>" unless the call names its own or OmitIDs is set.

// ToolDialect is how a provider streams tool calls.
type ToolDialect string

const (
	// ToolsSplit (OpenAI, xAI, Groq, DeepSeek, OpenRouter, Anthropic's
	// compatible endpoint, LM Studio): the first delta of a call has
	// index, id, type and name with empty arguments; the arguments
	// follow in ChunkSize pieces with the index only; calls in order.
	ToolsSplit ToolDialect = ""
	// ToolsWhole (Mistral, Gemini's compatible endpoint): each call
	// complete in one delta, with its index.
	ToolsWhole ToolDialect = "whole"
	// ToolsNoIndex (Ollama before 0.4.7, ollama#7881): whole calls with
	// no index field.
	ToolsNoIndex ToolDialect = "no-index"
	// ToolsReusedIndex (Ollama 0.20, ollama#15457): every call has index
	// 0, each with its own id, the arguments split.
	ToolsReusedIndex ToolDialect = "reused-index"
)

// ScriptedCall is one tool call of a scripted reply.
type ScriptedCall struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Call is a scripted call of name with JSON arguments.
func Call(name, arguments string) ScriptedCall {
	return ScriptedCall{Name: name, Arguments: arguments}
}

// Calls is a reply that makes these calls (in parallel when several).
func Calls(calls ...ScriptedCall) Response {
	return Response{ToolCalls: calls, Usage: &Usage{PromptTokens: 1000, CompletionTokens: 100, TotalTokens: 1100}}
}

// Reply is a text-only reply (the end of an agent turn).
func Reply(text string) Response {
	return Response{Text: text, Usage: &Usage{PromptTokens: 1000, CompletionTokens: 50, TotalTokens: 1050}}
}

func (c ScriptedCall) id(i int, omit bool) string {
	switch {
	case omit:
		return ""
	case c.ID != "":
		return c.ID
	}
	return "call_" + itoa(i)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// toolDeltas renders the reply's calls as stream deltas.
func toolDeltas(resp Response) []delta {
	size := resp.ChunkSize
	if size <= 0 {
		size = 16
	}
	var out []delta
	for i, c := range resp.ToolCalls {
		idx := i
		if resp.ToolDialect == ToolsReusedIndex {
			idx = 0
		}
		switch resp.ToolDialect {
		case ToolsWhole, ToolsNoIndex:
			tc := toolCall{Index: &idx, ID: c.id(i, resp.OmitIDs), Type: "function"}
			if resp.ToolDialect == ToolsNoIndex {
				tc.Index = nil
			}
			tc.Function.Name, tc.Function.Arguments = c.Name, c.Arguments
			out = append(out, delta{ToolCalls: []toolCall{tc}})
		default:
			head := toolCall{Index: &idx, ID: c.id(i, resp.OmitIDs), Type: "function"}
			head.Function.Name = c.Name
			out = append(out, delta{ToolCalls: []toolCall{head}})
			for _, piece := range Split(c.Arguments, size) {
				tc := toolCall{Index: &idx}
				tc.Function.Arguments = piece
				out = append(out, delta{ToolCalls: []toolCall{tc}})
			}
		}
	}
	return out
}

// wholeToolCalls is the calls of a non-streamed answer.
func wholeToolCalls(resp Response) []map[string]any {
	var out []map[string]any
	for i, c := range resp.ToolCalls {
		out = append(out, map[string]any{"id": c.id(i, resp.OmitIDs), "type": "function",
			"function": map[string]any{"name": c.Name, "arguments": c.Arguments}})
	}
	return out
}
