package llm

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
)

// PickMode decides how structured output is requested: an explicit mode,
// else the model's override, else the family's, else the best the
// provider supports.
func PickMode(p Provider, m Model, requested Mode) Mode {
	if requested != ModeAuto {
		return requested
	}
	if m.Mode != ModeAuto {
		return m.Mode
	}
	if f, ok := FamilyOf(m.ID); ok && f.Mode != ModeAuto && providerSupports(p, f.Mode) {
		return f.Mode
	}
	return nextMode(p, "")
}

// modeChain is the order in which structured output is tried: a provider
// that refuses one (a 400 naming the response format, tools or the
// schema) gets the next.
var modeChain = []Mode{ModeJSONSchema, ModeJSONObject, ModeTool, ModeText}

func providerSupports(p Provider, m Mode) bool {
	switch m {
	case ModeJSONSchema:
		return p.SupportsJSONSchema
	case ModeJSONObject:
		return p.SupportsJSONMode
	case ModeTool:
		return p.SupportsTools
	}
	return true
}

// nextMode is the first mode after `after` in modeChain the provider
// supports ("" = from the start); ModeText when none is left.
func nextMode(p Provider, after Mode) Mode {
	i := 0
	if after != "" {
		for j, m := range modeChain {
			if m == after {
				i = j + 1
			}
		}
	}
	for ; i < len(modeChain); i++ {
		if providerSupports(p, modeChain[i]) {
			return modeChain[i]
		}
	}
	return ModeText
}

const toolName = "write_fragment"

// attemptOpts are what earlier refusals of the same answer taught.
type attemptOpts struct {
	mode         Mode
	stream       bool
	dropSampling bool // the model refused temperature / top_p
	maxTokens    int  // > 0: the provider named its own ceiling
	flipMaxParam bool // the provider refused the max tokens parameter's name
}

// buildRequest turns a Request into the chat completion body, trimming
// history to the context window. It returns the max tokens sent.
func (c *Client) buildRequest(req Request, r resolved, o attemptOpts) (openai.ChatCompletionRequest, int, error) {
	if !req.Mode.valid() {
		return openai.ChatCompletionRequest{}, 0, apperr.Newf(apperr.Invalid, "Unknown output mode %q.", req.Mode)
	}
	window := req.ContextTokens
	if window <= 0 {
		window = c.cat.ContextTokens(req.ProviderID, req.ModelID)
	}
	maxTokens := OutputLimit(req.ModelID, req.Params.MaxTokens, window)
	if o.maxTokens > 0 && o.maxTokens < maxTokens {
		maxTokens = o.maxTokens
	}
	if r.p.Local {
		var err error
		if maxTokens, err = fitLocal(r.p, req.ModelID, req.Messages, window, maxTokens); err != nil {
			return openai.ChatCompletionRequest{}, 0, err
		}
	}
	msgs := TrimHistory(req.Messages, window-maxTokens)
	if len(msgs) == 0 {
		return openai.ChatCompletionRequest{}, 0, apperr.New(apperr.Invalid, "There is nothing to send: the conversation is empty.")
	}
	out := openai.ChatCompletionRequest{Model: req.ModelID, Stream: o.stream}
	for _, m := range msgs {
		om, err := wireMessage(m)
		if err != nil {
			return out, 0, err
		}
		out.Messages = append(out.Messages, om)
	}

	fam, _ := FamilyOf(req.ModelID)
	reasoning := fam.Reasoning && !r.p.Local
	p := req.Params
	if !reasoning && !o.dropSampling {
		if p.Temperature != nil {
			out.Temperature = nonZero(*p.Temperature)
		}
		if p.TopP != nil {
			out.TopP = nonZero(*p.TopP)
		}
		if p.FrequencyPenalty != nil {
			out.FrequencyPenalty = *p.FrequencyPenalty // 0 is the default anyway
		}
		if p.PresencePenalty != nil {
			out.PresencePenalty = *p.PresencePenalty
		}
	}
	// Always send a limit: some hosts default to a few hundred tokens
	// (Fireworks: 200), which cuts every fragment.
	// OpenAI's reasoning models refuse max_tokens; routers and other
	// hosts take max_tokens (and translate it), so the parameter follows
	// the provider, or what a refusal named.
	if r.p.MaxCompletionTokens != o.flipMaxParam {
		out.MaxCompletionTokens = maxTokens
	} else {
		out.MaxTokens = maxTokens
	}
	if r.p.StreamUsage && o.stream {
		out.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}

	schema := req.Schema
	if schema == nil {
		schema = fragment.JSONSchema()
	}
	schema = portableSchema(schema)
	switch o.mode {
	case ModeJSONSchema:
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: "fragment", Schema: schema,
				// Strict decoding is OpenAI's; elsewhere the flag is
				// ignored or, on some servers, refused.
				Strict: r.p.ID == "openai",
			},
		}
	case ModeTool:
		out.Tools = []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: toolName, Description: "Write the fragment: commentary, metadata and the code of the app.", Parameters: schema,
		}}}
		out.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: toolName}}
	case ModeJSONObject:
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return out, maxTokens, nil
}

func wireMessage(m Message) (openai.ChatCompletionMessage, error) {
	om := openai.ChatCompletionMessage{Role: m.Role, ToolCallID: m.ToolCallID}
	for _, tc := range m.ToolCalls {
		om.ToolCalls = append(om.ToolCalls, openai.ToolCall{ID: tc.ID, Type: openai.ToolTypeFunction,
			Function: openai.FunctionCall{Name: tc.Name, Arguments: tc.Arguments}})
	}
	if len(m.Images) == 0 {
		om.Content = m.Content
		return om, nil
	}
	if m.Content != "" {
		om.MultiContent = append(om.MultiContent, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeText, Text: m.Content})
	}
	for _, img := range m.Images {
		mime := img.MIME
		if mime == "" {
			mime = http.DetectContentType(img.Data)
		}
		if !strings.HasPrefix(mime, "image/") {
			return om, apperr.Newf(apperr.Invalid, "An attachment is %s, not an image. Only images can be sent to the model.", mime)
		}
		dataURL := "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
		om.MultiContent = append(om.MultiContent, openai.ChatMessagePart{
			Type: openai.ChatMessagePartTypeImageURL, ImageURL: &openai.ChatMessageImageURL{URL: dataURL, Detail: openai.ImageURLDetailAuto},
		})
	}
	return om, nil
}

// nonZero works around go-openai's omitempty on float parameters: an
// explicit 0 would be dropped and the provider's default (often 1) used
// instead. The smallest step above zero means the same thing to a sampler.
func nonZero(v float32) float32 {
	if v == 0 {
		return 1e-6
	}
	return v
}

// portableSchema rewrites the schema into the subset the common providers
// accept in every mode: a union type such as ["integer","null"] (refused
// by Gemini's schema subset and by several OpenAI-compatible servers)
// becomes its non-null type, with the field still required; the fragment
// parser treats 0 as "no port". Key order is kept, because models follow
// it when they write the JSON.
func portableSchema(schema json.RawMessage) json.RawMessage {
	var tree orderedValue
	if err := json.Unmarshal(schema, &tree); err != nil {
		return schema
	}
	tree.simplifyUnions()
	b, err := json.Marshal(tree)
	if err != nil {
		return schema
	}
	return b
}
