// Package chat runs the loop a person comes for: their message goes to the
// LLM, the streamed answer becomes a fragment, the fragment's files are
// written into the project's sandbox (and the local copy) and run, and
// everything is saved with the message.
//
// The types in this file are also what the page receives (JSON), through
// the bound ChatService and the "chat:delta:<requestID>" events.
package chat

import (
	"encoding/json"
	"time"

	"tessera/backend/files"
	"tessera/backend/llm"
)

// Image is an attachment for multimodal models.
type Image struct {
	MIME string `json:"mime"`
	Data string `json:"data"` // base64, no data: prefix
}

// Params are the model parameters from the parameters panel (llm.Params:
// one type from the page's request to the provider). Nil/zero means the
// provider's default.
type Params = llm.Params

// SendRequest is one message from the person.
type SendRequest struct {
	// RequestID names the stream ("chat:delta:<RequestID>") and lets Stop
	// cancel it, even when Stop arrives before Send registered.
	RequestID  string  `json:"requestId"`
	ProjectID  string  `json:"projectId"`
	Text       string  `json:"text"`
	Images     []Image `json:"images,omitempty"`
	ProviderID string  `json:"providerId"`
	ModelID    string  `json:"modelId"`
	Template   string  `json:"template"` // "" = Auto
	Params     Params  `json:"params"`
}

// RetryRequest re-runs the last exchange: the last assistant answer is
// dropped and generated again from the last user message.
type RetryRequest struct {
	RequestID  string `json:"requestId"`
	ProjectID  string `json:"projectId"`
	ProviderID string `json:"providerId"`
	ModelID    string `json:"modelId"`
	Template   string `json:"template"`
	Params     Params `json:"params"`
}

// File is one file of a fragment or of the project.
type File = files.File

// Partial is the fragment as streamed so far.
type Partial struct {
	Commentary  string `json:"commentary"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Template    string `json:"template"`
	Files       []File `json:"files"`
}

// ExecResult is one rich result of a Python cell (E2B's formats).
type ExecResult struct {
	Text         string          `json:"text,omitempty"`
	HTML         string          `json:"html,omitempty"`
	Markdown     string          `json:"markdown,omitempty"`
	SVG          string          `json:"svg,omitempty"`
	PNG          string          `json:"png,omitempty"`
	JPEG         string          `json:"jpeg,omitempty"`
	PDF          string          `json:"pdf,omitempty"`
	LaTeX        string          `json:"latex,omitempty"`
	JavaScript   string          `json:"javascript,omitempty"`
	JSON         json.RawMessage `json:"json,omitempty"`
	Chart        json.RawMessage `json:"chart,omitempty"`
	Data         json.RawMessage `json:"data,omitempty"`
	IsMainResult bool            `json:"isMainResult,omitempty"`
}

// ExecError is a Python exception.
type ExecError struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Traceback string `json:"traceback"`
}

// StepError is a failed step (generate, sandbox, install, write, run) as a
// sentence, kept with the message so the chat can offer a retry.
type StepError struct {
	Step    string `json:"step"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Usage is the token count the provider reported for an answer.
type Usage struct {
	PromptTokens     int `json:"promptTokens"`
	CompletionTokens int `json:"completionTokens"`
	TotalTokens      int `json:"totalTokens"`
	// CachedTokens is the part of the prompt served from the provider's
	// cache, ReasoningTokens the part of the completion spent thinking.
	CachedTokens    int `json:"cachedTokens,omitempty"`
	ReasoningTokens int `json:"reasoningTokens,omitempty"`
}

// RunResult is what running a fragment produced; stored with the assistant
// message and shown again offline. Usage records the answer's tokens when
// the provider sent them.
type RunResult struct {
	Kind       string       `json:"kind"` // "python" or "web"
	Template   string       `json:"template"`
	SandboxID  string       `json:"sandboxId,omitempty"`
	URL        string       `json:"url,omitempty"`
	Stdout     []string     `json:"stdout"`
	Stderr     []string     `json:"stderr"`
	Results    []ExecResult `json:"results"`
	Error      *ExecError   `json:"error,omitempty"`
	InstallLog string       `json:"installLog,omitempty"`
	StepError  *StepError   `json:"stepError,omitempty"`
	Usage      *Usage       `json:"usage,omitempty"`
	FinishedAt time.Time    `json:"finishedAt"`
}

// Event types on events.ChatDelta(requestID). Each emission carries a batch
// ([]Event) gathered over ~30 ms so the page never drowns.
const (
	EventStage     = "stage"      // Stage set
	EventPartial   = "partial"    // Partial set: the fragment so far
	EventReasoning = "reasoning"  // Text: model reasoning delta
	EventLog       = "log"        // Text: install log output
	EventStdout    = "stdout"     // Text
	EventStderr    = "stderr"     // Text
	EventResult    = "result"     // Result set
	EventExecError = "exec_error" // ExecError set
	EventMessage   = "message"    // Message set: a saved message (assistant)
	EventError     = "error"      // StepError set
	EventDone      = "done"       // the request finished
	// EventWait: Text says what a slow sandbox step waits for ("" when it
	// no longer waits).
	EventWait = "wait"
)

// Stages of a request, for progress.
const (
	StageGenerating = "generating"
	StageSandbox    = "sandbox"
	StageInstalling = "installing"
	StageWriting    = "writing"
	StageRunning    = "running"
	StagePreview    = "preview"
)

// Event is one chat stream event.
type Event struct {
	Type      string          `json:"type"`
	Stage     string          `json:"stage,omitempty"`
	Text      string          `json:"text,omitempty"`
	Partial   *Partial        `json:"partial,omitempty"`
	Result    *ExecResult     `json:"result,omitempty"`
	ExecError *ExecError      `json:"execError,omitempty"`
	Message   json.RawMessage `json:"message,omitempty"`
	Error     *StepError      `json:"error,omitempty"`
}
