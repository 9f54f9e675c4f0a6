package agent

import (
	"encoding/json"
	"time"

	"tessera/backend/llm"
)

// Mode is how a chat's turns run.
type Mode string

const (
	// ModeAgent: every tool the policy offers; the default for models
	// that take tool calls.
	ModeAgent Mode = "agent"
	// ModeAsk: read-only tools; never changes a file or runs a command
	// that could.
	ModeAsk Mode = "ask"
	// ModePlan: read-only tools, then a plan as the final text (the
	// person edits it; "Build this plan" is an Agent turn with Plan set).
	ModePlan Mode = "plan"
	// ModeQuick: today's one-shot fragment (package chat). The agent
	// never runs it; the caller sends it to chat.Service.Send.
	ModeQuick Mode = "quick"
)

// Modes lists the modes in the order the composer shows them.
func Modes() []Mode { return []Mode{ModeAgent, ModeAsk, ModePlan, ModeQuick} }

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool {
	switch m {
	case ModeAgent, ModeAsk, ModePlan, ModeQuick:
		return true
	}
	return false
}

// ReadOnly reports whether the mode may only read (Ask, Plan).
func (m Mode) ReadOnly() bool { return m == ModeAsk || m == ModePlan }

// DefaultMode is the mode of a chat that never chose one: Agent for a
// model that takes tool calls, Quick otherwise.
func DefaultMode(supportsTools bool) Mode {
	if supportsTools {
		return ModeAgent
	}
	return ModeQuick
}

// StopReason says why a turn ended or paused. Stored with the turn.
type StopReason string

const (
	StopFinished    StopReason = "finished"    // finish tool, or a text-only reply
	StopQuestion    StopReason = "question"    // ask_user: the person's answer is the next turn
	StopStepLimit   StopReason = "step_limit"  // paused: Continue grants as many steps again
	StopBudget      StopReason = "budget"      // paused: spend cap of the turn reached
	StopTime        StopReason = "time"        // paused: wall-clock cap reached
	StopLoop        StopReason = "loop"        // the same call 5 times in a row
	StopMistakes    StopReason = "mistakes"    // too many failed or invalid calls in a row
	StopCancelled   StopReason = "cancelled"   // the person pressed Stop
	StopError       StopReason = "error"       // the model could not be reached, or Tessera failed
	StopInterrupted StopReason = "interrupted" // Tessera ended mid-turn (crash); Continue offered
	StopQuick       StopReason = "quick"       // the model could not use tools: finish in Quick mode
)

// CanContinue reports whether the turn paused and Continue resumes it.
func (r StopReason) CanContinue() bool {
	switch r {
	case StopStepLimit, StopBudget, StopTime, StopInterrupted, StopLoop, StopMistakes:
		return true
	}
	return false
}

// Turn statuses (agent_turns.status).
const (
	TurnRunning = "running"
	TurnPaused  = "paused" // a limit, an interruption: Continue offered
	TurnDone    = "done"
	TurnStopped = "stopped"
	TurnFailed  = "error"
)

// Limits bound one segment of a turn (Continue starts a fresh one).
type Limits struct {
	// MaxSteps is the number of tool calls (default 30; 5..200).
	MaxSteps int `json:"maxSteps"`
	// MaxUSD is the spend cap of the segment from priced provider usage
	// (0 = the default, $1; negative = no cap, which the person must
	// choose). An unpriced model is not capped by spend: the result says
	// Priced false, so the page shows the cost as unknown.
	MaxUSD float64 `json:"maxUsd"`
	// MaxDuration is the wall-clock cap (default 20 min).
	MaxDuration time.Duration `json:"maxDurationNs"`
	// MaxMistakes is how many invalid calls in a row (unknown tool, bad
	// arguments, refused by the rules) stop the turn (default 3).
	MaxMistakes int `json:"maxMistakes"`
}

// DefaultLimits are the limits of a turn that sets none.
func DefaultLimits() Limits {
	return Limits{MaxSteps: 30, MaxUSD: 1, MaxDuration: 20 * time.Minute, MaxMistakes: 3}
}

// TurnRequest starts an agent turn (Agent, Ask or Plan).
type TurnRequest struct {
	// RequestID names the events ("agent:turn:<RequestID>") and lets Stop
	// end the turn, even when Stop arrives before Run registered.
	RequestID  string     `json:"requestId"`
	ProjectID  string     `json:"projectId"`
	Text       string     `json:"text"`
	ProviderID string     `json:"providerId"`
	ModelID    string     `json:"modelId"`
	Mode       Mode       `json:"mode"`
	Params     llm.Params `json:"params"`
	// Plan, when set, is the approved plan an Agent turn builds.
	Plan string `json:"plan,omitempty"`
	// Limits: nil = DefaultLimits.
	Limits *Limits `json:"limits,omitempty"`
}

// ContinueRequest resumes a paused or interrupted turn with fresh limits.
type ContinueRequest struct {
	RequestID string  `json:"requestId"`
	TurnID    string  `json:"turnId"`
	Limits    *Limits `json:"limits,omitempty"`
}

// TurnResult is how a turn (or one segment of it) ended.
type TurnResult struct {
	TurnID    string     `json:"turnId"`
	MessageID string     `json:"messageId"`
	Mode      Mode       `json:"mode"`
	Status    string     `json:"status"`
	Reason    StopReason `json:"reason"`
	// Summary is the finish tool's summary, the final text, the plan, the
	// question asked, or the sentence saying why the turn stopped.
	Summary string `json:"summary"`
	// Notice is a sentence to show beside the turn (the loop guard,
	// falling back to Quick mode...).
	Notice      string    `json:"notice,omitempty"`
	CanContinue bool      `json:"canContinue"`
	Steps       int       `json:"steps"`
	Usage       llm.Usage `json:"usage"`
	CostUSD     float64   `json:"costUsd"`
	Priced      bool      `json:"priced"`
	// VersionID is the version the turn's changes became ("" = none);
	// Partial when the turn did not finish.
	VersionID string `json:"versionId,omitempty"`
	Partial   bool   `json:"partial,omitempty"`
	// Checked says what the agent verified before finishing.
	Checked []string `json:"checked,omitempty"`
	Todos   []Todo   `json:"todos,omitempty"`
}

// StepStatus is where a step is.
type StepStatus string

const (
	StepRunning  StepStatus = "running"
	StepAwaiting StepStatus = "awaiting_approval"
	StepOK       StepStatus = "ok"
	StepFailed   StepStatus = "failed"   // the tool ran and failed (non-zero exit, edit not found)
	StepRefused  StepStatus = "refused"  // Tessera's rules refused it (mode, loop guard, bad args)
	StepDeclined StepStatus = "declined" // the person declined the approval
	StepCanceled StepStatus = "canceled" // Stop arrived while it ran
)

// Step is one tool call of a turn: a card on the page.
type Step struct {
	ID     string `json:"id"`
	TurnID string `json:"turnId"`
	// Seq counts the turn's steps from 1 across Continue segments.
	Seq  int    `json:"seq"`
	Tool string `json:"tool"`
	// Args is what the model sent (as given, if it was not JSON); Title
	// is a short line for the card ("read src/app.py:1-80").
	Args       json.RawMessage `json:"args"`
	Title      string          `json:"title"`
	Status     StepStatus      `json:"status"`
	Result     *ToolResult     `json:"result,omitempty"`
	ApprovalID string          `json:"approvalId,omitempty"`
	// Usage and CostUSD are of the model call that asked for this step
	// (shared by parallel calls: on the first step of the batch only).
	Usage      llm.Usage `json:"usage"`
	CostUSD    float64   `json:"costUsd"`
	StartedAt  time.Time `json:"startedAt"`
	EndedAt    time.Time `json:"endedAt,omitempty"`
	DurationMS int64     `json:"durationMs"`
	// Changed lists the project files the step changed.
	Changed []string `json:"changed,omitempty"`
	callID  string
	undo    []fileUndo
}

// ToolResult is the one shape every tool returns (what the model reads
// and the card's expandable output).
type ToolResult struct {
	OK       bool   `json:"ok"`
	ExitCode *int   `json:"exitCode,omitempty"`
	Output   string `json:"output"`
	// TruncatedFrom is the length of the output before it was cut (0 =
	// not cut); Hint says how to narrow the call.
	TruncatedFrom int    `json:"truncatedFrom,omitempty"`
	Hint          string `json:"hint,omitempty"`
}

// Todo is one entry of the agent's to-do list.
type Todo struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// Approval is a request for the person's decision, shown as a card with
// the exact command. An unanswered approval never becomes yes; Stop
// cancels it.
type Approval struct {
	ID        string `json:"id"`
	TurnID    string `json:"turnId"`
	StepID    string `json:"stepId"`
	ProjectID string `json:"projectId"`
	Tool      string `json:"tool"`
	// Command is exactly what would run (or the arguments of another tool).
	Command string `json:"command"`
	Cwd     string `json:"cwd,omitempty"`
	// Reasons are the rules that asked ("deletes outside the project").
	Reasons []string `json:"reasons"`
}

// Decision answers an approval.
type Decision string

const (
	Approve Decision = "approve"
	Decline Decision = "decline"
)

// Event types on events.AgentTurn(requestID). Each emission is one Event.
const (
	EventTurn      = "turn"      // Turn set: the turn started (or continued)
	EventText      = "text"      // Text: the model's text, batched ~30 ms
	EventReasoning = "reasoning" // Text: reasoning text
	EventStep      = "step"      // Step set: a step started, changed or ended
	EventApproval  = "approval"  // Approval set: a decision is asked for
	EventResolved  = "resolved"  // Approval set, Text = "approve" | "decline" | "canceled"
	EventTodos     = "todos"     // Todos set
	EventNotice    = "notice"    // Text: a sentence for the person (loop guard, fallback)
	EventDone      = "done"      // Result set: the turn ended or paused
)

// Event is one agent stream event.
type Event struct {
	Type     string      `json:"type"`
	TurnID   string      `json:"turnId"`
	Text     string      `json:"text,omitempty"`
	Step     *Step       `json:"step,omitempty"`
	Approval *Approval   `json:"approval,omitempty"`
	Todos    []Todo      `json:"todos,omitempty"`
	Result   *TurnResult `json:"result,omitempty"`
}
