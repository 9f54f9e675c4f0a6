package api

import "encoding/json"

// The contract of AgentService: a chat's mode, an agent turn's request and
// result, its steps, and the agent's settings. AgentStep and
// AgentTurnResult carry the same fields (in camelCase) as backend/agent's
// Step and TurnResult, which the `agent:turn:<requestId>` events carry:
// frontend/src/api/agentTypes.ts reads both through one check.

// Agent modes: Agent (tools, steps), Ask (read-only tools, never changes a
// file), Plan (reads, then a plan the person edits), Quick (today's one-shot
// fragment turn, through ChatService.Send).
const (
	ModeAgent = "agent"
	ModeAsk   = "ask"
	ModePlan  = "plan"
	ModeQuick = "quick"
)

// AgentModeRequest asks for a chat's mode; the model picks the default
// (Agent where it takes tool calls, else Quick) when none was chosen.
type AgentModeRequest struct {
	ProjectID  string `json:"projectId"`
	ProviderID string `json:"providerId"`
	ModelID    string `json:"modelId"`
}

// SetAgentModeRequest remembers a chat's mode.
type SetAgentModeRequest struct {
	ProjectID string `json:"projectId"`
	Mode      string `json:"mode"`
}

// AgentTurnRequest starts a turn: the person's text in a mode, with a model.
// Plan is set by "Build this plan": the (edited) plan an Agent turn builds.
type AgentTurnRequest struct {
	RequestID  string `json:"requestId"`
	ProjectID  string `json:"projectId"`
	Text       string `json:"text"`
	Mode       string `json:"mode"`
	ProviderID string `json:"providerId"`
	ModelID    string `json:"modelId"`
	Params     Params `json:"params"`
	Plan       string `json:"plan"`
}

// AgentContinueRequest goes on with a paused or interrupted turn.
type AgentContinueRequest struct {
	RequestID string `json:"requestId"`
	TurnID    string `json:"turnId"`
}

// AgentUsage is the provider's own count of a model call's tokens.
type AgentUsage struct {
	PromptTokens     int `json:"promptTokens"`
	CompletionTokens int `json:"completionTokens"`
	CachedTokens     int `json:"cachedTokens"`
	ReasoningTokens  int `json:"reasoningTokens"`
}

// AgentToolResult is what a step's tool returned (the model read it; the
// card shows it expanded). TruncatedFrom is the length before the cap.
type AgentToolResult struct {
	OK            bool   `json:"ok"`
	ExitCode      *int   `json:"exitCode,omitempty"`
	Output        string `json:"output"`
	TruncatedFrom int    `json:"truncatedFrom,omitempty"`
	Hint          string `json:"hint,omitempty"`
}

// AgentStep is one step card. Status is running, awaiting_approval, ok,
// failed, refused, declined or canceled; Seq counts from 1 across Continue.
type AgentStep struct {
	ID         string           `json:"id"`
	TurnID     string           `json:"turnId"`
	Seq        int              `json:"seq"`
	Tool       string           `json:"tool"`
	Args       json.RawMessage  `json:"args" ts_type:"unknown"`
	Title      string           `json:"title"`
	Status     string           `json:"status"`
	Result     *AgentToolResult `json:"result,omitempty"`
	ApprovalID string           `json:"approvalId,omitempty"`
	Usage      AgentUsage       `json:"usage"`
	CostUSD    float64          `json:"costUsd"`
	StartedAt  string           `json:"startedAt"`
	EndedAt    string           `json:"endedAt,omitempty"`
	DurationMS int64            `json:"durationMs"`
	Changed    []string         `json:"changed,omitempty"`
}

// AgentTodo is one entry of the agent's to-do list.
type AgentTodo struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// AgentTurnResult is how a turn (or one segment of it) ended. Status is
// running, paused (Continue goes on), done, stopped or error; Reason is
// the stop reason (finished, step_limit, budget, time, loop, mistakes,
// cancelled, error, interrupted, quick, question).
type AgentTurnResult struct {
	TurnID      string      `json:"turnId"`
	MessageID   string      `json:"messageId"`
	Mode        string      `json:"mode"`
	Status      string      `json:"status"`
	Reason      string      `json:"reason"`
	Summary     string      `json:"summary"`
	Notice      string      `json:"notice,omitempty"`
	CanContinue bool        `json:"canContinue"`
	Steps       int         `json:"steps"`
	Usage       AgentUsage  `json:"usage"`
	CostUSD     float64     `json:"costUsd"`
	Priced      bool        `json:"priced"`
	VersionID   string      `json:"versionId,omitempty"`
	Partial     bool        `json:"partial,omitempty"`
	Checked     []string    `json:"checked,omitempty"`
	Todos       []AgentTodo `json:"todos,omitempty"`
}

// AgentTurnLog is a saved agent answer's turn with its steps (replay after
// a restart; an interrupted turn offers Continue).
type AgentTurnLog struct {
	Turn      AgentTurnResult `json:"turn"`
	StepsList []AgentStep     `json:"stepList"`
}

// Approval decisions: allow once, deny, or always allow this tool (its
// setting becomes "always"; dangerous commands still ask).
const (
	DecisionAllow  = "allow"
	DecisionDeny   = "deny"
	DecisionAlways = "always"
)

// AnswerRequest answers an approval card; Tool is the card's tool (for
// Always).
type AnswerRequest struct {
	ApprovalID string `json:"approvalId"`
	Decision   string `json:"decision"`
	Tool       string `json:"tool"`
}

// Per-tool approval settings: ask each time, always run, never offer.
const (
	ToolAsk    = "ask"
	ToolAlways = "always"
	ToolNever  = "never"
)

// AgentSettings are the agent's limits and approvals. A limit pauses the
// turn with Continue; SpendCapUSD 0 means no cap. AutoApprove runs commands
// outside the allow-list without asking (dangers still ask, unless Allow
// lets one kind: delete_outside, pipe_to_shell, upload, git_push,
// print_env, kill_server, new_packages).
type AgentSettings struct {
	StepLimit        int               `json:"stepLimit"`
	SpendCapUSD      float64           `json:"spendCapUsd"`
	TimeLimitSeconds int               `json:"timeLimitSeconds"`
	AutoApprove      bool              `json:"autoApprove"`
	Tools            map[string]string `json:"tools"`
	Allow            map[string]bool   `json:"allow"`
}

// RestoreBeforeRequest puts the files a turn changed back to what they
// were before its step Seq (that step and every later one undone).
// Anyway restores even files the person edited since the turn (after
// they confirmed the conflict the first try reported).
type RestoreBeforeRequest struct {
	TurnID string `json:"turnId"`
	Seq    int    `json:"seq"`
	Anyway bool   `json:"anyway"`
}
