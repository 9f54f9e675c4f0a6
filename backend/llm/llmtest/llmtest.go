// Package llmtest is a fake OpenAI-compatible server for tests: it answers
// POST /v1/chat/completions with scripted responses streamed with real SSE
// framing (fragments in N-byte chunks at a given pace, reasoning chunks,
// tool-call arguments, usage in a last chunk, truncated or stalled streams,
// error statuses) and GET /v1/models with a model list. It records every
// request so tests can look at what was sent.
//
//	srv := llmtest.New(t)
//	srv.Push(llmtest.FragmentResponse(frag, 16), llmtest.ErrorResponse(429, "slow down"))
//	... point the provider's base URL at srv.URL() ...
//	srv.Requests()[0].Chat().Messages
//
// Handler is the same thing without httptest, for the fakellm command.
package llmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"tessera/backend/fragment"
)

// Usage is the token usage sent in the last chunk.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Response scripts one answer.
type Response struct {
	// Status other than 0/200 answers with an error instead of a stream:
	// Body verbatim when set, else an OpenAI-style {"error": {...}} with
	// ErrorMessage/ErrorType/ErrorCode.
	Status       int
	Body         string
	ErrorMessage string
	ErrorType    string
	ErrorCode    string
	// Header is added to the response (e.g. Retry-After).
	Header map[string]string
	param  string // OpenAI's error.param, for refusals

	// Reasoning chunks are streamed first, as reasoning_content.
	Reasoning []string
	// Text is the answer, streamed ChunkSize bytes at a time (default 16;
	// UTF-8 sequences are not split) with Pace between chunks.
	Text      string
	ChunkSize int
	Pace      time.Duration
	// ToolCall streams Text as the arguments of a write_fragment call.
	ToolCall bool
	// Usage, when set, is sent in a last chunk with no choices.
	Usage *Usage
	// FinishReason of the last content chunk (default "stop").
	FinishReason string
	// Truncate ends the body after the text without finish or [DONE].
	Truncate bool
	// StallAfter > 0 stops after that many text chunks and keeps the
	// connection open, silent, until the client gives up.
	StallAfter int
	// StallAtStart goes silent right after the first (role) chunk, like a
	// model thinking without streaming its reasoning.
	StallAtStart bool
	// StreamError, when set, is sent as a `data: {"error": ...}` event
	// after the text, as providers do when they fail mid-stream.
	StreamError string
	// Comments sends an SSE keep-alive comment before every chunk
	// (Comment, default ": keep-alive"; OpenRouter's is ": OPENROUTER
	// PROCESSING").
	Comments bool
	Comment  string
	// ErrorChunk, when set, is sent after the text as OpenRouter sends a
	// failure once the answer has started: a chunk with an "error" object
	// ({"code", "message"}) and a choice with finish_reason "error".
	ErrorChunk string
	// Dialect shapes the streamed deltas (see the Dialect constants).
	Dialect Dialect

	// ToolCalls are native tool calls streamed after Text (tools.go),
	// shaped by ToolDialect; OmitIDs sends them without ids, as some
	// providers do. The finish reason defaults to "tool_calls".
	ToolCalls   []ScriptedCall `json:"toolCalls,omitempty"`
	ToolDialect ToolDialect    `json:"toolDialect,omitempty"`
	OmitIDs     bool           `json:"omitIds,omitempty"`
	// UsageRaw, when set, is sent verbatim as the usage object instead of
	// Usage (a provider's own fields: prompt_tokens_details,
	// prompt_cache_hit_tokens...).
	UsageRaw json.RawMessage `json:"usageRaw,omitempty"`
}

// FragmentText is the JSON of a fragment as a model would write it.
func FragmentText(f fragment.Fragment) string {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// FragmentResponse streams f in chunks of chunkSize bytes.
func FragmentResponse(f fragment.Fragment, chunkSize int) Response {
	return Response{Text: FragmentText(f), ChunkSize: chunkSize, Usage: &Usage{PromptTokens: 100, CompletionTokens: 50, TotalTokens: 150}}
}

// ErrorResponse answers with an HTTP error in OpenAI's format.
func ErrorResponse(status int, message string) Response {
	return Response{Status: status, ErrorMessage: message}
}

// Recorded is a request the server received.
type Recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Chat decodes the body as a chat completion request (zero value if it is
// not one).
func (r Recorded) Chat() openai.ChatCompletionRequest {
	var c openai.ChatCompletionRequest
	_ = json.Unmarshal(r.Body, &c)
	return c
}

// Handler serves the fake API. Safe for concurrent use.
type Handler struct {
	mu       sync.Mutex
	queue    []Response
	cycle    []Response
	next     int
	requests []Recorded
	models   []string
	refusals Refusals
	local    LocalServer
	keys     map[string]bool // nil: any key works
	done     chan struct{}
	stop     sync.Once
}

// NewHandler returns a handler with an empty script.
func NewHandler() *Handler {
	return &Handler{done: make(chan struct{}), models: []string{"fake-model"}}
}

// Push queues responses, served once each in order before the cycle.
func (h *Handler) Push(rs ...Response) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.queue = append(h.queue, rs...)
}

// SetCycle sets responses served in turn, forever, once the queue is
// empty. Without queue or cycle the server answers 500 "no scripted
// response".
func (h *Handler) SetCycle(rs ...Response) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cycle, h.next = append([]Response(nil), rs...), 0
}

// SetModels sets the ids GET /models lists.
func (h *Handler) SetModels(ids ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.models = append([]string(nil), ids...)
}

// SetRefusals sets how the model refuses requests from now on.
func (h *Handler) SetRefusals(r Refusals) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refusals = r
}

// SetKeys makes the server accept only these bearer keys (none: any),
// answering others with OpenAI's 401 invalid_api_key.
func (h *Handler) SetKeys(keys ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keys = nil
	if len(keys) > 0 {
		h.keys = map[string]bool{}
		for _, k := range keys {
			h.keys[k] = true
		}
	}
}

// Requests returns the requests received so far.
func (h *Handler) Requests() []Recorded {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Recorded(nil), h.requests...)
}

// RequestCount is the number of chat completion requests received.
func (h *Handler) RequestCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.requests {
		if strings.HasSuffix(r.Path, "/chat/completions") {
			n++
		}
	}
	return n
}

// Close releases stalled streams.
func (h *Handler) Close() { h.stop.Do(func() { close(h.done) }) }

func (h *Handler) take() (Response, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.queue) > 0 {
		r := h.queue[0]
		h.queue = h.queue[1:]
		return r, true
	}
	if len(h.cycle) > 0 {
		r := h.cycle[h.next%len(h.cycle)]
		h.next++
		return r, true
	}
	return Response{}, false
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := make([]byte, 0, 1024)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(buf)
		body = append(body, buf[:n]...)
		if err != nil {
			break
		}
	}
	h.mu.Lock()
	h.requests = append(h.requests, Recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	models := append([]string(nil), h.models...)
	refusals, keys, local := h.refusals, h.keys, h.local
	h.mu.Unlock()

	if local.Kind != "" && strings.HasPrefix(r.URL.Path, "/api/") {
		serveLocal(w, r, local, models[0])
		return
	}

	if keys != nil && !keys[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
		writeError(w, Response{Status: http.StatusUnauthorized, ErrorMessage: "Incorrect API key provided.", ErrorCode: "invalid_api_key"})
		return
	}

	switch {
	case r.Method == http.MethodGet && (r.URL.Path == "/v1/models" || r.URL.Path == "/models"):
		type m struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		}
		list := struct {
			Object string `json:"object"`
			Data   []m    `json:"data"`
		}{Object: "list", Data: []m{}}
		for _, id := range models {
			list.Data = append(list.Data, m{ID: id, Object: "model"})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(list)
		return
	case r.Method == http.MethodPost && (r.URL.Path == "/v1/chat/completions" || r.URL.Path == "/chat/completions"):
	default:
		writeError(w, Response{Status: http.StatusNotFound, ErrorMessage: "unknown endpoint " + r.URL.Path})
		return
	}

	var creq chatRequest
	_ = json.Unmarshal(body, &creq)
	if refusal, refused := refusals.check(creq); refused {
		writeError(w, refusal)
		return
	}
	resp, ok := h.take()
	if !ok {
		writeError(w, Response{Status: http.StatusInternalServerError, ErrorMessage: "llmtest: no scripted response"})
		return
	}
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	if resp.Status != 0 && resp.Status != http.StatusOK {
		writeError(w, resp)
		return
	}
	if !creq.Stream {
		whole(w, resp)
		return
	}
	h.stream(r.Context(), w, resp)
}

func writeError(w http.ResponseWriter, resp Response) {
	if resp.Body != "" {
		w.WriteHeader(resp.Status)
		_, _ = w.Write([]byte(resp.Body))
		return
	}
	typ := resp.ErrorType
	if typ == "" {
		typ = "invalid_request_error"
	}
	e := map[string]any{"message": resp.ErrorMessage, "type": typ, "param": nil}
	if resp.param != "" {
		e["param"] = resp.param
	}
	if resp.ErrorCode != "" {
		e["code"] = resp.ErrorCode
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}

type delta struct {
	Role             string     `json:"role,omitempty"`
	Content          any        `json:"content,omitempty"` // a string, or typed parts
	ReasoningContent string     `json:"reasoning_content,omitempty"`
	Reasoning        string     `json:"reasoning,omitempty"`
	ToolCalls        []toolCall `json:"tool_calls,omitempty"`
}

type toolCall struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type choice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"`
}

type chunk struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []choice `json:"choices"`
	Usage   any      `json:"usage,omitempty"`
}

func (h *Handler) stream(ctx context.Context, w http.ResponseWriter, resp Response) {
	fl, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(c chunk) bool {
		c.ID, c.Object, c.Created, c.Model = "chatcmpl-fake", "chat.completion.chunk", time.Now().Unix(), "fake-model"
		b, _ := json.Marshal(c)
		if resp.Comments {
			comment := resp.Comment
			if comment == "" {
				comment = ": keep-alive"
			}
			if _, err := fmt.Fprint(w, comment+"\n\n"); err != nil {
				return false
			}
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return true
	}
	wait := func() bool {
		if resp.Pace <= 0 {
			return ctx.Err() == nil
		}
		t := time.NewTimer(resp.Pace)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		case <-h.done:
			return false
		}
	}

	if !send(chunk{Choices: []choice{{Delta: delta{Role: "assistant"}}}}) {
		return
	}
	if resp.StallAtStart {
		select {
		case <-ctx.Done():
		case <-h.done:
		}
		return
	}
	for _, r := range resp.Reasoning {
		if !wait() || !send(chunk{Choices: []choice{{Delta: reasoningDelta(resp.Dialect, r)}}}) {
			return
		}
	}
	size := resp.ChunkSize
	if size <= 0 {
		size = 16
	}
	for i, piece := range Split(resp.Text, size) {
		if resp.StallAfter > 0 && i >= resp.StallAfter {
			select { // silent until the client gives up
			case <-ctx.Done():
			case <-h.done:
			}
			return
		}
		var d delta
		if resp.ToolCall {
			tc := toolCall{Index: new(int)}
			if i == 0 {
				tc.ID, tc.Type, tc.Function.Name = "call_fake", "function", "write_fragment"
			}
			tc.Function.Arguments = piece
			d.ToolCalls = []toolCall{tc}
		} else {
			d = textDelta(resp.Dialect, piece)
		}
		if !wait() || !send(chunk{Choices: []choice{{Delta: d}}}) {
			return
		}
	}
	for _, d := range toolDeltas(resp) {
		if !wait() || !send(chunk{Choices: []choice{{Delta: d}}}) {
			return
		}
	}
	if resp.StreamError != "" {
		_, _ = fmt.Fprintf(w, "data: {\"error\":{\"message\":%q,\"type\":\"server_error\"}}\n\n", resp.StreamError)
		return
	}
	if resp.ErrorChunk != "" {
		stop := "error"
		b, _ := json.Marshal(map[string]any{"id": "gen-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": "fake-model",
			"error":   map[string]any{"code": "server_error", "message": resp.ErrorChunk},
			"choices": []choice{{Delta: delta{Content: ""}, FinishReason: &stop}}})
		_, _ = fmt.Fprintf(w, "data: %s\n\n", b)
		return
	}
	if resp.Truncate {
		return
	}
	finish := resp.FinishReason
	if finish == "" {
		finish = "stop"
		if resp.ToolCall || len(resp.ToolCalls) > 0 {
			finish = "tool_calls"
		}
	}
	if !send(chunk{Choices: []choice{{Delta: delta{}, FinishReason: &finish}}}) {
		return
	}
	switch {
	case len(resp.UsageRaw) > 0:
		if !send(chunk{Choices: []choice{}, Usage: resp.UsageRaw}) {
			return
		}
	case resp.Usage != nil:
		if !send(chunk{Choices: []choice{}, Usage: resp.Usage}) {
			return
		}
	}
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

// Split cuts s into pieces of about n bytes without splitting UTF-8
// sequences.
func Split(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		k := min(n, len(s))
		for k < len(s) && k > 0 && s[k]&0xC0 == 0x80 {
			k++
		}
		out = append(out, s[:k])
		s = s[k:]
	}
	return out
}

// Server is a Handler on an httptest server, closed with the test.
type Server struct {
	*Handler
	srv *httptest.Server
}

// New starts a fake server; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	h := NewHandler()
	s := &Server{Handler: h, srv: httptest.NewServer(h)}
	t.Cleanup(func() {
		h.Close() // release stalled streams first: Close waits for them
		s.srv.Close()
	})
	return s
}

// URL is the base URL to configure as the provider's (ends in /v1).
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }
