package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
)

type keys map[string]string

func (k keys) Get(_ context.Context, account string) (string, error) {
	if v, ok := k[account]; ok {
		return v, nil
	}
	return "", apperr.New(apperr.NotFound, "no key")
}

type failingKeys struct{}

func (failingKeys) Get(context.Context, string) (string, error) {
	return "", errors.New("keychain locked")
}

var allKeys = keys{"llm:openai": "sk-test", "llm:openrouter": "or-test", "llm:anthropic": "ak", "llm:deepseek": "dk", "llm:groq": "gk", "llm:mistral": "mk"}

func sampleFragment() fragment.Fragment {
	port := 8501
	return fragment.Fragment{
		Commentary: "I will build a Streamlit app that greets you.", Template: "streamlit-developer",
		Title: "Greeter", Description: "Says hello.", Port: &port, FilePath: "app.py",
		Code:  "import streamlit as st\nname = st.text_input(\"Name\")\nst.write(f\"Hello {name}!\")\n",
		Files: []fragment.File{{Path: "utils/fmt.py", Content: "def f(x):\n    return x\n"}},
	}
}

// testClient points every built-in provider at the fake server.
func testClient(t *testing.T, srv *llmtest.Server, ks KeySource, opts ...Option) *Client {
	t.Helper()
	var ext Extensions
	for _, p := range DefaultCatalog().Providers() {
		ext.Providers = append(ext.Providers, ProviderExtension{ID: p.ID, BaseURL: srv.URL()})
	}
	b, _ := json.Marshal(ext)
	cat, err := NewCatalog(b)
	if err != nil {
		t.Fatal(err)
	}
	return NewClient(cat, ks, srv.Client(), opts...)
}

func userReq(provider, model string) Request {
	return Request{ProviderID: provider, ModelID: model, Messages: []Message{
		{Role: RoleSystem, Content: fragment.SystemPrompt(fragment.Templates(), nil)},
		{Role: RoleUser, Content: "a greeter app"},
	}}
}

type collected struct {
	mu        sync.Mutex
	partials  []fragment.Partial
	reasoning strings.Builder
}

func (c *collected) partial(p fragment.Partial) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partials = append(c.partials, p)
}
func (c *collected) reason(s string) { c.reasoning.WriteString(s) }

func TestStreamFragmentModes(t *testing.T) {
	want := sampleFragment()
	text := llmtest.FragmentText(want)
	tests := []struct {
		name      string
		provider  string
		resp      llmtest.Response
		check     func(t *testing.T, body openai.ChatCompletionRequest, raw string)
		usage     Usage
		reasoning string
	}{
		{
			name: "json schema, usage in last chunk", provider: "openai",
			resp: llmtest.Response{Text: text, ChunkSize: 7, Usage: &llmtest.Usage{PromptTokens: 11, CompletionTokens: 22, TotalTokens: 33}},
			check: func(t *testing.T, body openai.ChatCompletionRequest, raw string) {
				if body.ResponseFormat == nil || body.ResponseFormat.Type != openai.ChatCompletionResponseFormatTypeJSONSchema ||
					!body.ResponseFormat.JSONSchema.Strict || body.ResponseFormat.JSONSchema.Name != "fragment" {
					t.Errorf("response_format = %+v", body.ResponseFormat)
				}
				if !strings.Contains(raw, `"stream_options":{"include_usage":true}`) || !body.Stream {
					t.Errorf("stream options missing: %s", raw)
				}
			},
			usage: Usage{PromptTokens: 11, CompletionTokens: 22, TotalTokens: 33},
		},
		{
			name: "tool call", provider: "anthropic",
			resp: llmtest.Response{Text: text, ChunkSize: 5, ToolCall: true},
			check: func(t *testing.T, body openai.ChatCompletionRequest, raw string) {
				if len(body.Tools) != 1 || body.Tools[0].Function.Name != toolName || body.ResponseFormat != nil {
					t.Errorf("tools = %+v format %+v", body.Tools, body.ResponseFormat)
				}
				if !strings.Contains(raw, `"tool_choice":{"type":"function","function":{"name":"write_fragment"}}`) {
					t.Errorf("tool_choice missing: %s", raw)
				}
			},
		},
		{
			name: "json mode with reasoning_content", provider: "deepseek",
			resp: llmtest.Response{Text: text, ChunkSize: 3, Reasoning: []string{"Let me ", "think."}},
			check: func(t *testing.T, body openai.ChatCompletionRequest, raw string) {
				if body.ResponseFormat == nil || body.ResponseFormat.Type != openai.ChatCompletionResponseFormatTypeJSONObject {
					t.Errorf("response_format = %+v", body.ResponseFormat)
				}
			},
			reasoning: "Let me think.",
		},
		{
			name: "free text with fence, keep-alive comments", provider: "custom",
			resp: llmtest.Response{Text: "Sure! Here is the app {as asked}:\n```json\n" + text + "\n```\nHave fun.", ChunkSize: 9, Comments: true},
			check: func(t *testing.T, body openai.ChatCompletionRequest, raw string) {
				if body.ResponseFormat != nil || len(body.Tools) != 0 || strings.Contains(raw, "stream_options") {
					t.Errorf("custom provider got structured options: %s", raw)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Push(tt.resp)
			c := testClient(t, srv, allKeys)
			var col collected
			got, usage, err := c.StreamFragment(context.Background(), userReq(tt.provider, "m1"), col.partial, col.reason)
			if err != nil {
				t.Fatal(err)
			}
			w := want
			if err := w.Normalize(); err != nil {
				t.Fatal(err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(w)
			if string(gj) != string(wj) {
				t.Errorf("fragment\n got %s\nwant %s", gj, wj)
			}
			if usage != tt.usage {
				t.Errorf("usage = %+v, want %+v", usage, tt.usage)
			}
			if col.reasoning.String() != tt.reasoning {
				t.Errorf("reasoning = %q", col.reasoning.String())
			}
			checkPartials(t, col.partials, w)
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			tt.check(t, reqs[0].Chat(), string(reqs[0].Body))
		})
	}
}

// checkPartials: the commentary shows before the code, code grows as it is
// written, and the last partial is the whole fragment.
func checkPartials(t *testing.T, ps []fragment.Partial, want fragment.Fragment) {
	t.Helper()
	if len(ps) < 3 {
		t.Fatalf("only %d partials", len(ps))
	}
	sawCommentaryOnly, sawPartialCode := false, false
	for _, p := range ps {
		if p.Commentary != "" && p.Code == "" {
			sawCommentaryOnly = true
		}
		if p.Code != "" && p.Code != want.Code && strings.HasPrefix(want.Code, p.Code) {
			sawPartialCode = true
		}
	}
	last := ps[len(ps)-1]
	if !sawCommentaryOnly || !sawPartialCode || !last.Done || last.Title != want.Title ||
		strings.Join(last.FilePaths, ",") != "app.py,utils/fmt.py" {
		t.Errorf("partials: commentaryOnly=%v partialCode=%v last=%+v", sawCommentaryOnly, sawPartialCode, last)
	}
}

func TestStreamFragmentRequest(t *testing.T) {
	srv := llmtest.New(t)
	srv.Push(llmtest.FragmentResponse(sampleFragment(), 50), llmtest.FragmentResponse(sampleFragment(), 50))
	c := testClient(t, srv, allKeys)
	zero, topP, pen := float32(0), float32(0.9), float32(0.5)
	req := userReq("openai", "gpt-4o")
	req.Params = Params{Temperature: &zero, TopP: &topP, MaxTokens: 1234, FrequencyPenalty: &pen, PresencePenalty: &pen}
	req.Messages = append(req.Messages, Message{Role: RoleUser, Content: "like this", Images: []Image{{MIME: "image/png", Data: []byte("\x89PNG....")}}})
	if _, _, err := c.StreamFragment(context.Background(), req, nil, nil); err != nil {
		t.Fatal(err)
	}
	// Mistral: max_tokens, not max_completion_tokens.
	req.ProviderID, req.ModelID = "mistral", "mistral-small-latest"
	if _, _, err := c.StreamFragment(context.Background(), req, nil, nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	body := reqs[0].Chat()
	if reqs[0].Header.Get("Authorization") != "Bearer sk-test" || reqs[0].Path != "/v1/chat/completions" {
		t.Errorf("auth %q path %q", reqs[0].Header.Get("Authorization"), reqs[0].Path)
	}
	if body.Model != "gpt-4o" || body.Temperature <= 0 || body.Temperature > 1e-5 || body.TopP != 0.9 ||
		body.MaxCompletionTokens != 1234 || body.MaxTokens != 0 || body.FrequencyPenalty != 0.5 || body.PresencePenalty != 0.5 {
		t.Errorf("params: %s", reqs[0].Body)
	}
	last := body.Messages[len(body.Messages)-1]
	if len(last.MultiContent) != 2 || last.MultiContent[0].Text != "like this" ||
		!strings.HasPrefix(last.MultiContent[1].ImageURL.URL, "data:image/png;base64,iVBOR") {
		t.Errorf("image message: %+v", last)
	}
	if body.Messages[0].Role != RoleSystem || !strings.Contains(body.Messages[0].Content, "streamlit-developer") {
		t.Errorf("system prompt missing")
	}
	m := reqs[1].Chat()
	if m.MaxTokens != 1234 || m.MaxCompletionTokens != 0 || reqs[1].Header.Get("Authorization") != "Bearer mk" {
		t.Errorf("mistral request: %s", reqs[1].Body)
	}
}

func TestStreamFragmentBadOutput(t *testing.T) {
	text := llmtest.FragmentText(sampleFragment())
	tests := []struct {
		name string
		resp llmtest.Response
		msg  string
	}{
		{"truncated stream", llmtest.Response{Text: text[:len(text)/2], Truncate: true}, "stopped before the fragment was complete"},
		{"malformed JSON", llmtest.Response{Text: `{"commentary": "x", "code": 12 13}`}, "not valid JSON"},
		{"prose only", llmtest.Response{Text: "I can't do that, Dave."}, "not a fragment"},
		{"out of tokens", llmtest.Response{Text: text[:100], FinishReason: "length"}, "cut off at the output limit of 16384 tokens"},
		{"path escape", llmtest.Response{Text: `{"file_path":"../../etc/passwd","code":"x"}`}, "outside the project"},
		{"empty", llmtest.Response{Text: ""}, "empty answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Push(tt.resp, llmtest.FragmentResponse(sampleFragment(), 64))
			c := testClient(t, srv, allKeys)
			req := userReq("openai", "gpt-4o")
			_, _, err := c.StreamFragment(context.Background(), req, nil, nil)
			if !apperr.Is(err, apperr.Invalid) || !errors.Is(err, ErrBadOutput) || !strings.Contains(apperr.MessageOf(err), tt.msg) {
				t.Fatalf("err = %v (%s)", err, apperr.MessageOf(err))
			}
			// The retry path: the bad answer goes back with a correction.
			retry, ok := RetryRequest(req, err)
			if !ok || len(retry.Messages) != len(req.Messages)+2 || retry.Messages[len(retry.Messages)-2].Content != tt.resp.Text ||
				!strings.Contains(retry.Messages[len(retry.Messages)-1].Content, "could not be used") {
				t.Fatalf("retry = %+v, %v", retry.Messages, ok)
			}
			if _, _, err := c.StreamFragment(context.Background(), retry, nil, nil); err != nil {
				t.Fatalf("retry: %v", err)
			}
		})
	}
	if _, ok := RetryRequest(Request{}, apperr.New(apperr.Unavailable, "x")); ok {
		t.Error("RetryRequest accepted a non-output error")
	}
}

func TestStreamFragmentErrors(t *testing.T) {
	tests := []struct {
		name  string
		resp  llmtest.Response
		code  apperr.Code
		msg   string
		retry time.Duration
		is    error
	}{
		{name: "401", resp: llmtest.Response{Status: 401, ErrorMessage: "Incorrect API key provided", ErrorCode: "invalid_api_key"}, code: apperr.Unauthorized, msg: "OpenAI did not accept the API key"},
		{name: "403", resp: llmtest.ErrorResponse(403, "Forbidden"), code: apperr.Unauthorized, msg: "Check the OpenAI key in Settings"},
		{name: "404 model", resp: llmtest.Response{Status: 404, ErrorMessage: "The model `m1` does not exist", ErrorCode: "model_not_found"}, code: apperr.NotFound, msg: `OpenAI does not offer the model "m1"`},
		{name: "400 context", resp: llmtest.Response{Status: 400, ErrorMessage: "This model's maximum context length is 8192 tokens.", ErrorCode: "context_length_exceeded"}, code: apperr.Invalid, msg: "too long for m1 on OpenAI", is: ErrContextTooLong},
		{name: "413", resp: llmtest.Response{Status: 413, Body: "payload too large"}, code: apperr.Invalid, msg: "too long", is: ErrContextTooLong},
		{name: "400 other", resp: llmtest.ErrorResponse(400, "messages[0].role must be one of system, user"), code: apperr.Invalid, msg: "OpenAI refused the request (messages[0].role must be one of system, user)"},
		{name: "429 retry-after", resp: llmtest.Response{Status: 429, ErrorMessage: "Rate limit reached", Header: map[string]string{"Retry-After": "7"}}, code: apperr.RateLimited, msg: "Wait 7 seconds", retry: 7 * time.Second},
		{name: "429 message", resp: llmtest.ErrorResponse(429, "Rate limit reached for gpt-4o. Please try again in 1.5s."), code: apperr.RateLimited, msg: "Wait 2 seconds", retry: 1500 * time.Millisecond},
		{name: "429 no hint", resp: llmtest.ErrorResponse(429, "slow down"), code: apperr.RateLimited, msg: "Wait a moment"},
		{name: "429 quota", resp: llmtest.Response{Status: 429, ErrorMessage: "You exceeded your current quota", ErrorCode: "insufficient_quota"}, code: apperr.RateLimited, msg: "no credit or quota left"},
		{name: "500", resp: llmtest.ErrorResponse(500, "boom"), code: apperr.Unavailable, msg: "OpenAI is unavailable right now"},
		{name: "502 html", resp: llmtest.Response{Status: 502, Body: "<html>Bad Gateway</html>"}, code: apperr.Unavailable, msg: "unavailable right now; the server answered with an error page (HTTP 502). Try again"},
		{name: "502 html body", resp: llmtest.Response{Status: 502, Body: "<html><body>upstream down</body></html>"}, code: apperr.Unavailable, msg: "OpenAI is unavailable right now; the server answered with an error page (HTTP 502)."},
		{name: "400 page in message", resp: llmtest.ErrorResponse(400, "<!DOCTYPE html><html><body><h1>Bad request</h1></body></html>"), code: apperr.Invalid, msg: "OpenAI refused the request; the server answered with an error page (HTTP 400)."},
		{name: "503 plain text", resp: llmtest.Response{Status: 503, Body: "upstream connect error\nor disconnect"}, code: apperr.Unavailable, msg: "unavailable right now (upstream connect error or disconnect)"},
		{name: "503", resp: llmtest.ErrorResponse(503, "unavailable"), code: apperr.Unavailable, msg: "unavailable"},
		{name: "529 overloaded", resp: llmtest.Response{Status: 529, ErrorMessage: "Overloaded", ErrorType: "overloaded_error"}, code: apperr.Unavailable, msg: "OpenAI is overloaded"},
		{name: "mid-stream error", resp: llmtest.Response{Text: `{"commentary":"hi`, StreamError: "upstream overloaded"}, code: apperr.Unavailable, msg: "overloaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Push(tt.resp)
			c := testClient(t, srv, allKeys)
			_, _, err := c.StreamFragment(context.Background(), userReq("openai", "m1"), nil, nil)
			if apperr.CodeOf(err) != tt.code || !strings.Contains(apperr.MessageOf(err), tt.msg) {
				t.Fatalf("err = %v\ncode %s msg %q; want %s %q", err, apperr.CodeOf(err), apperr.MessageOf(err), tt.code, tt.msg)
			}
			var ae *apperr.Error
			if errors.As(err, &ae); ae.RetryAfter != tt.retry {
				t.Errorf("RetryAfter = %v, want %v", ae.RetryAfter, tt.retry)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v) false", tt.is)
			}
		})
	}
}

func TestStreamFragmentSetupErrors(t *testing.T) {
	srv := llmtest.New(t)
	// A port nothing listens on: take one and release it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String() + "/v1"
	ln.Close()

	tests := []struct {
		name string
		keys KeySource
		req  Request
		code apperr.Code
		msg  string
	}{
		{"missing key", keys{}, userReq("openai", "m"), apperr.Unauthorized, "no API key for OpenAI"},
		{"keychain fails", failingKeys{}, userReq("openai", "m"), apperr.Unavailable, "keychain"},
		{"unknown provider", allKeys, userReq("nope", "m"), apperr.NotFound, "not known"},
		{"bad base url", allKeys, func() Request { r := userReq("custom", "m"); r.BaseURL = "ftp://x"; return r }(), apperr.Invalid, "not valid"},
		{"unreachable", allKeys, func() Request { r := userReq("openai", "m"); r.BaseURL = deadURL; return r }(), apperr.Unavailable, "Could not reach OpenAI"},
		{"local not running", allKeys, func() Request { r := userReq("ollama", "llama3.1"); r.BaseURL = deadURL; return r }(), apperr.Unavailable, "Is Ollama running?"},
		{"not an image", allKeys, func() Request {
			r := userReq("openai", "m")
			r.Messages[1].Images = []Image{{Data: []byte("plain text")}}
			return r
		}(), apperr.Invalid, "not an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(t, srv, tt.keys)
			_, _, err := c.StreamFragment(context.Background(), tt.req, nil, nil)
			if apperr.CodeOf(err) != tt.code || !strings.Contains(apperr.MessageOf(err), tt.msg) {
				t.Fatalf("err = %v\ncode %s msg %q", err, apperr.CodeOf(err), apperr.MessageOf(err))
			}
		})
	}
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
	// Local providers and custom ones without a key send no Authorization.
	srv.Push(llmtest.FragmentResponse(sampleFragment(), 32))
	c := testClient(t, srv, keys{})
	if _, _, err := c.StreamFragment(context.Background(), userReq("ollama", "llama3.1"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization = %q", h)
	}
}

func TestStreamFragmentBig(t *testing.T) {
	f := sampleFragment()
	line := "print('a fairly long line of python code with \"quotes\"')\n"
	// As big as one file of an answer may be (fragment.MaxFileBytes).
	f.Code = strings.Repeat(line, (fragment.MaxFileBytes-1024)/len(line))
	srv := llmtest.New(t)
	srv.Push(llmtest.Response{Text: llmtest.FragmentText(f), ChunkSize: 4096})
	c := testClient(t, srv, allKeys)
	n := 0
	got, _, err := c.StreamFragment(context.Background(), userReq("openai", "m"), func(fragment.Partial) { n++ }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Code) < fragment.MaxFileBytes-2048 || got.Code != f.Code || n < 800 {
		t.Errorf("code %d bytes, %d partials", len(got.Code), n)
	}
}

func TestStreamFragmentStalled(t *testing.T) {
	srv := llmtest.New(t)
	srv.Push(llmtest.Response{Text: llmtest.FragmentText(sampleFragment()), ChunkSize: 8, StallAfter: 3})
	c := testClient(t, srv, allKeys, WithIdleTimeout(100*time.Millisecond))
	_, _, err := c.StreamFragment(context.Background(), userReq("openai", "m"), nil, nil)
	if !apperr.Is(err, apperr.Unavailable) || !strings.Contains(apperr.MessageOf(err), "stopped sending") {
		t.Fatalf("err = %v (%s)", err, apperr.MessageOf(err))
	}
	// Silence before the answer starts is covered by the first-byte timeout.
	srv.Push(llmtest.Response{Text: llmtest.FragmentText(sampleFragment()), StallAtStart: true})
	c = testClient(t, srv, allKeys, WithIdleTimeout(time.Hour), WithFirstByteTimeout(100*time.Millisecond))
	_, _, err = c.StreamFragment(context.Background(), userReq("openai", "m"), nil, nil)
	if !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("err = %v", err)
	}
}

func TestStreamFragmentCancel(t *testing.T) {
	srv := llmtest.New(t)
	// Paced so that the answer could not finish before the test times
	// out: only cancellation ends it.
	srv.Push(llmtest.Response{Text: llmtest.FragmentText(sampleFragment()), ChunkSize: 1, Pace: 50 * time.Millisecond, StallAfter: 1 << 30})
	c := testClient(t, srv, allKeys)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, _, err := c.StreamFragment(ctx, userReq("openai", "m"), func(fragment.Partial) {
		n++
		if n == 3 {
			cancel()
		}
	}, nil)
	if !apperr.Is(err, apperr.Canceled) || n != 3 {
		t.Fatalf("err = %v after %d partials", err, n)
	}
	// Cancelled before the call: nothing is sent.
	before := srv.RequestCount()
	if _, _, err := c.StreamFragment(ctx, userReq("openai", "m"), nil, nil); !apperr.Is(err, apperr.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if srv.RequestCount() != before {
		t.Error("a cancelled call reached the server")
	}
}

func TestPickMode(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		provider, model string
		req             Mode
		want            Mode
	}{
		{"openai", "gpt-4o", ModeAuto, ModeJSONSchema},
		{"anthropic", "claude-sonnet-4-20250514", ModeAuto, ModeTool},
		{"groq", "llama-3.3-70b-versatile", ModeAuto, ModeTool},
		{"deepseek", "deepseek-chat", ModeAuto, ModeJSONObject},
		{"togetherai", "x", ModeAuto, ModeJSONObject},
		{"custom", "x", ModeAuto, ModeText},
		{"openai", "gpt-4o", ModeText, ModeText},
	}
	for _, tt := range tests {
		p, _ := cat.Provider(tt.provider)
		m, _ := cat.Model(tt.provider, tt.model)
		if got := PickMode(p, m, tt.req); got != tt.want {
			t.Errorf("PickMode(%s, %s, %q) = %q, want %q", tt.provider, tt.model, tt.req, got, tt.want)
		}
	}
	p, _ := cat.Provider("openai")
	if got := PickMode(p, Model{Mode: ModeJSONObject}, ModeAuto); got != ModeJSONObject {
		t.Errorf("model override ignored: %q", got)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		header http.Header
		msg    string
		want   time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, "", 3 * time.Second},
		{http.Header{"Retry-After-Ms": {"250"}}, "", 250 * time.Millisecond},
		{nil, "Please try again in 20s.", 20 * time.Second},
		{nil, "try again in 350ms", 350 * time.Millisecond},
		{nil, "try again in 2 minutes", 2 * time.Minute},
		{nil, "later", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.header, tt.msg); got != tt.want {
			t.Errorf("retryAfter(%v, %q) = %v, want %v", tt.header, tt.msg, got, tt.want)
		}
	}
}

func ExampleClient_StreamFragment() {
	// In the app: cat from settings, keys = secrets.Store, one http.Client.
	var keys KeySource
	c := NewClient(DefaultCatalog(), keys, http.DefaultClient)
	tpl, _ := fragment.Lookup("streamlit-developer", nil)
	history := []Message{ /* earlier turns of the project, oldest first */ }
	msgs := append([]Message{{Role: RoleSystem, Content: fragment.SystemPrompt([]fragment.Template{tpl}, nil /* project files */)}}, history...)
	msgs = append(msgs, Message{Role: RoleUser, Content: "add a dark mode"})
	req := Request{ProviderID: "openai", ModelID: "gpt-4o", Messages: msgs}
	_ = func(ctx context.Context) {
		frag, usage, err := c.StreamFragment(ctx, req,
			func(p fragment.Partial) { /* keep the latest; an emitter goroutine sends it every ~30 ms */ },
			func(r string) { /* append to the reasoning shown while waiting */ })
		if retry, ok := RetryRequest(req, err); ok {
			frag, usage, err = c.StreamFragment(ctx, retry, nil, nil)
		}
		fmt.Println(frag, usage, err)
	}
}
