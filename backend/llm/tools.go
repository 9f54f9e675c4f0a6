package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	gojson "github.com/goccy/go-json"
	openai "github.com/sashabaranov/go-openai"

	"tessera/backend/apperr"
)

// Native tool calls (agent mode). Every provider Tessera speaks streams
// them in OpenAI's shape — choices[].delta.tool_calls[] with an index, an
// id and a function {name, arguments} whose arguments arrive in pieces —
// but each bends it somewhere (see toolAcc.add):
//
//   - OpenAI, xAI, Groq, DeepSeek, OpenRouter, Anthropic's compatible
//     endpoint: id and name in the first delta of a call, arguments split
//     across chunks, parallel calls by index;
//   - Gemini's compatible endpoint and Mistral: each call whole in one
//     delta; Gemini may leave the id empty;
//   - Ollama: older versions send no index (ollama#7881), newer ones send
//     index 0 for every parallel call, each with its own id (#15457), and
//     some models' first delta has no id;
//   - some servers send the arguments as a JSON object, not a string.
//
// A call without an id gets "call_<n>", so the tool result can name it.

// ErrToolsRefused matches (errors.Is) a Converse the provider refused
// because the model takes no tools ("does not support tools"): the agent
// then speaks the text protocol with it.
var ErrToolsRefused = errors.New("the model does not take tool calls")

// refusesTools: a 400 that names the tools.
func refusesTools(f *apiFailure) bool {
	if f.has(badKeyWords...) || f.has(contextWords...) || f.Status == 413 {
		return false
	}
	p := strings.ToLower(f.Param)
	return strings.HasPrefix(p, "tools") || strings.HasPrefix(p, "tool_choice") ||
		f.has("does not support tools", "tool use", "tools are not supported", "function calling", "tool calling", "tool_choice", "tools")
}

// ToolDef is a function offered to the model; Parameters is its JSON schema.
type ToolDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// ToolCall is one call the model made: Arguments is the JSON text it wrote
// (not validated here: the model is an untrusted actor, the agent checks).
type ToolCall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// ConverseRequest is one step of a conversation with tools: the Request's
// model, messages and parameters (Schema and Mode are ignored) plus the
// tools offered. No tools = a plain text answer (the text protocol for
// models without native tool calls).
type ConverseRequest struct {
	Request
	Tools []ToolDef
}

// Reply is the model's answer to one step.
type Reply struct {
	Text      string     `json:"text"`
	Reasoning string     `json:"reasoning,omitempty"`
	ToolCalls []ToolCall `json:"toolCalls,omitempty"`
	// Finish is the provider's finish_reason (stop, tool_calls, length...).
	Finish string `json:"finish"`
	Usage  Usage  `json:"usage"`
}

// Converse sends one step and streams the answer: onText gets answer text
// as it arrives, onReasoning the reasoning of models that stream it (both
// on the calling goroutine; either may be nil). It returns the text, the
// tool calls (assembled from their deltas, in order) and the provider's
// usage (with stream_options.include_usage where the provider takes it).
// A refusal to stream, of the max-tokens parameter's name, of sampling
// parameters or of the max tokens is retried once each, as StreamFragment
// does; errors are the same apperr codes and sentences. Cancelling ctx
// ends the request at once (apperr.Canceled).
func (c *Client) Converse(ctx context.Context, req ConverseRequest, onText, onReasoning func(string)) (Reply, error) {
	r, err := c.resolve(ctx, req.ProviderID, req.ModelID, req.BaseURL)
	if err != nil {
		return Reply{}, err
	}
	if r.p.Local && req.ContextTokens <= 0 {
		if n := c.localContext(ctx, r, req.ModelID); n > 0 {
			req.ContextTokens = n
		}
	}
	o := attemptOpts{stream: true, mode: ModeText}
	for attempt := 0; ; attempt++ {
		creq, maxTokens, err := c.buildRequest(req.Request, r, o)
		if err != nil {
			return Reply{}, err
		}
		for _, t := range req.Tools {
			creq.Tools = append(creq.Tools, openai.Tool{Type: openai.ToolTypeFunction,
				Function: &openai.FunctionDefinition{Name: t.Name, Description: t.Description, Parameters: t.Parameters}})
		}
		rep, err := c.converseOnce(ctx, r, req.ModelID, creq, o.stream, onText, onReasoning)
		if err == nil {
			return rep, nil
		}
		var f *apiFailure
		if !errors.As(err, &f) {
			return rep, err
		}
		if attempt < 5 && f.Finish == "" && f.Status >= 400 && f.Status < 500 && !fatalStatus(f.Status) {
			switch {
			case o.stream && refusesStreaming(f):
				o.stream = false
				continue
			case !o.flipMaxParam && refusesMaxParam(f):
				o.flipMaxParam = true
				continue
			case !o.dropSampling && refusesSampling(f):
				o.dropSampling = true
				continue
			}
			if n := tokenCeiling(f); n > 0 && n < maxTokens {
				o.maxTokens = n
				continue
			}
			if len(req.Tools) > 0 && refusesTools(f) {
				return rep, apperr.Wrap(errors.Join(ErrToolsRefused, f), apperr.Invalid,
					fmt.Sprintf("%s does not take tool calls for %s: %s", r.p.Name, req.ModelID, providerDetail(f.Message)))
			}
		}
		return rep, classify(f, call{provider: r.p, model: req.ModelID, baseURL: r.base, idle: c.idleTimeout})
	}
}

// converseOnce is one request, streamed or whole.
func (c *Client) converseOnce(ctx context.Context, r resolved, model string, creq openai.ChatCompletionRequest, stream bool,
	onText, onReasoning func(string)) (Reply, error) {
	body, err := json.Marshal(creq)
	if err != nil {
		return Reply{}, apperr.Wrap(err, apperr.Internal, "Could not build the request.")
	}
	acc := &toolAcc{onText: onText, onReasoning: onReasoning}
	err = c.exchange(ctx, r, model, body, stream, func(data []byte, whole bool) error {
		var ch toolChunk
		if err := gojson.Unmarshal(data, &ch); err != nil {
			return unreadable(err, r.p.Name, whole)
		}
		return acc.add(&ch, whole)
	}, func() bool { return acc.any })
	if err != nil {
		return acc.reply(), err
	}
	rep := acc.reply()
	if acc.refusal != "" && rep.Text == "" && len(rep.ToolCalls) == 0 {
		return rep, apperr.Newf(apperr.Invalid, "%s declined to answer: %s", r.p.Name, providerDetail(acc.refusal))
	}
	return rep, nil
}

// toolDelta is one entry of delta.tool_calls. Index is a pointer because
// its absence (old Ollama) means something.
type toolDelta struct {
	Index    *int   `json:"index"`
	ID       string `json:"id"`
	Function struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

type toolMsg struct {
	Content          json.RawMessage `json:"content"`
	ReasoningContent json.RawMessage `json:"reasoning_content"`
	Reasoning        json.RawMessage `json:"reasoning"`
	Refusal          json.RawMessage `json:"refusal"`
	ToolCalls        []toolDelta     `json:"tool_calls"`
}

type toolChunk struct {
	Choices []struct {
		Delta        toolMsg `json:"delta"`
		Message      toolMsg `json:"message"`
		FinishReason string  `json:"finish_reason"`
	} `json:"choices"`
	Usage *Usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// toolAcc assembles a reply from chunks.
type toolAcc struct {
	text, reasoning []byte
	calls           []*ToolCall
	byIndex         map[int]*ToolCall
	last            *ToolCall
	finish, refusal string
	usage           Usage
	any             bool
	onText          func(string)
	onReasoning     func(string)
}

func (a *toolAcc) add(ch *toolChunk, whole bool) error {
	if len(ch.Error) > 0 && string(ch.Error) != "null" {
		f := &apiFailure{}
		parseErrorBody([]byte(`{"error":`+string(ch.Error)+`}`), f)
		f.Finish = "error"
		return f
	}
	if ch.Usage != nil && !ch.Usage.IsZero() {
		a.usage = *ch.Usage
	}
	for _, choice := range ch.Choices {
		d := choice.Delta
		if whole {
			d = choice.Message
		}
		text, thinking := partsText(d.Content)
		r1, r2 := partsText(d.ReasoningContent)
		r3, r4 := partsText(d.Reasoning)
		if rs := thinking + r1 + r2 + r3 + r4; rs != "" {
			a.any = true
			a.reasoning = append(a.reasoning, rs...)
			if a.onReasoning != nil {
				a.onReasoning(rs)
			}
		}
		a.refusal += rawString(d.Refusal)
		if text != "" {
			a.any = true
			a.text = append(a.text, text...)
			if a.onText != nil {
				a.onText(text)
			}
		}
		for _, td := range d.ToolCalls {
			a.any = true
			a.addCall(td)
		}
		if choice.FinishReason == "error" {
			return &apiFailure{Message: "the provider ended the answer with an error", Finish: "error"}
		}
		if choice.FinishReason != "" {
			a.finish = choice.FinishReason
		}
	}
	return nil
}

// addCall folds one tool-call delta into the calls so far.
func (a *toolAcc) addCall(td toolDelta) {
	args := rawString(td.Function.Arguments)
	var slot *ToolCall
	switch {
	case td.Index != nil:
		slot = a.byIndex[*td.Index]
		// Ollama reuses index 0 for every parallel call: a different id,
		// or a new name once the slot's arguments are complete, is a new
		// call.
		if slot != nil && ((td.ID != "" && slot.ID != "" && td.ID != slot.ID) ||
			(td.Function.Name != "" && slot.Name != "" && json.Valid([]byte(slot.Arguments)))) {
			slot = nil
		}
		if slot == nil {
			slot = a.newCall()
			if a.byIndex == nil {
				a.byIndex = map[int]*ToolCall{}
			}
			a.byIndex[*td.Index] = slot
		}
	case td.Function.Name != "" || td.ID != "" || a.last == nil:
		// No index (old Ollama): a name or an id starts a call.
		slot = a.newCall()
	default:
		slot = a.last
	}
	if slot.ID == "" {
		slot.ID = td.ID
	}
	if slot.Name == "" {
		slot.Name = td.Function.Name
	}
	slot.Arguments += args
	a.last = slot
}

func (a *toolAcc) newCall() *ToolCall {
	c := &ToolCall{}
	a.calls = append(a.calls, c)
	return c
}

func (a *toolAcc) reply() Reply {
	r := Reply{Text: string(a.text), Reasoning: string(a.reasoning), Finish: a.finish, Usage: a.usage}
	seen := map[string]bool{}
	for i, c := range a.calls {
		tc := *c
		if tc.ID == "" || seen[tc.ID] {
			tc.ID = "call_" + strconv.Itoa(i)
		}
		seen[tc.ID] = true
		r.ToolCalls = append(r.ToolCalls, tc)
	}
	return r
}
