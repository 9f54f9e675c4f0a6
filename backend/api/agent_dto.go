package api

// The contract of AgentService: a chat's mode, an agent turn's request and
// result, its steps and approvals, and the agent's settings. The step and
// approval shapes are also what the `agent:events:<requestId>` batches carry
// (frontend/src/api/agentTypes.ts checks them one by one).

// Agent modes: Agent (tools, steps), Ask (read-only tools, never changes a
// file), Plan (reads, then a plan the person edits), Quick (today's one-shot
// fragment turn).
const (
	ModeAgent = "agent"
	ModeAsk   = "ask"
	ModePlan  = "plan"
	ModeQuick = "quick"
)

// AgentModeRequest asks for a chat's mode; SupportsTools (the chosen
// model's, from the catalog) picks the default when none was chosen.
type AgentModeRequest struct {
	ProjectID     string `json:"projectId"`
	SupportsTools bool   `json:"supportsTools"`
}

// SetAgentModeRequest remembers a chat's mode.
type SetAgentModeRequest struct {
	ProjectID string `json:"projectId"`
	Mode      string `json:"mode"`
}

// AgentTurnRequest starts a turn: the person's text in a mode, with a model.
// Plan is set by "Build this plan": the (edited) plan the Agent turn builds.
type AgentTurnRequest struct {
	RequestID  string `json:"requestId"`
	ProjectID  string `json:"projectId"`
	Text       string `json:"text"`
	Mode       string `json:"mode"`
	ProviderID string `json:"providerId"`
	ModelID    string `json:"modelId"`
	Template   string `json:"template"`
	Plan       string `json:"plan"`
}

// AgentContinueRequest goes on with a paused or interrupted turn, kept with
// the assistant message MessageID.
type AgentContinueRequest struct {
	RequestID  string `json:"requestId"`
	ProjectID  string `json:"projectId"`
	MessageID  string `json:"messageId"`
	ProviderID string `json:"providerId"`
	ModelID    string `json:"modelId"`
}

// AgentApproval is an approval card: the exact command, why Tessera asks,
// and its state (pending, allowed, denied, expired).
type AgentApproval struct {
	ID      string `json:"id"`
	Step    int    `json:"step"`
	Tool    string `json:"tool"`
	Command string `json:"command"`
	Reason  string `json:"reason"`
	State   string `json:"state"`
}

// AgentStep is one step card. Status is running, waiting, ok, failed,
// denied, refused or canceled.
type AgentStep struct {
	Index      int            `json:"index"`
	Tool       string         `json:"tool"`
	Args       string         `json:"args"`
	Status     string         `json:"status"`
	StartedAt  string         `json:"startedAt"`
	DurationMs int64          `json:"durationMs"`
	Output     string         `json:"output"`
	Error      string         `json:"error"`
	TokensIn   int            `json:"tokensIn"`
	TokensOut  int            `json:"tokensOut"`
	CostUSD    float64        `json:"costUsd"`
	Approval   *AgentApproval `json:"approval,omitempty"`
}

// AgentTurnResult is a turn's end. Status is done, paused (a limit; Continue
// goes on), stopped, failed or interrupted; StopReason says why in a word
// (steps, spend, time, mistakes, loop, user) or a sentence.
type AgentTurnResult struct {
	Status             string      `json:"status"`
	StopReason         string      `json:"stopReason"`
	Summary            string      `json:"summary"`
	Plan               string      `json:"plan"`
	UserMessageID      string      `json:"userMessageId"`
	AssistantMessageID string      `json:"assistantMessageId"`
	Steps              []AgentStep `json:"steps"`
}

// Approval decisions: allow once, deny, or always allow this tool.
const (
	DecisionAllow  = "allow"
	DecisionDeny   = "deny"
	DecisionAlways = "always"
)

// AnswerRequest answers an approval card.
type AnswerRequest struct {
	ApprovalID string `json:"approvalId"`
	Decision   string `json:"decision"`
}

// Per-tool approval settings: ask each time, always run, never offer.
const (
	ToolAsk    = "ask"
	ToolAlways = "always"
	ToolNever  = "never"
)

// AgentSettings are the agent's limits and per-tool approvals. A limit
// pauses the turn with Continue; SpendCapUSD 0 means no cap.
type AgentSettings struct {
	StepLimit        int               `json:"stepLimit"`
	SpendCapUSD      float64           `json:"spendCapUsd"`
	TimeLimitSeconds int               `json:"timeLimitSeconds"`
	Tools            map[string]string `json:"tools"`
}
