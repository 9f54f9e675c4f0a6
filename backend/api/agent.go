package api

import (
	"context"
	"slices"
	"strings"

	"tessera/backend/apperr"
)

// Agent is what AgentService needs from the agent loop (backend/agent,
// through the adapter in agent_adapter.go).
type Agent interface {
	// Mode is the chat's mode: the remembered one, else the model's default.
	Mode(ctx context.Context, projectID, providerID, modelID string) (string, error)
	SetMode(ctx context.Context, projectID, mode string) error
	Run(ctx context.Context, req AgentTurnRequest) (AgentTurnResult, error)
	Continue(ctx context.Context, req AgentContinueRequest) (AgentTurnResult, error)
	Stop(requestID string)
	Answer(ctx context.Context, req AnswerRequest) error
	Turn(ctx context.Context, messageID string) (AgentTurnLog, error)
	RestoreBefore(ctx context.Context, turnID string, seq int, anyway bool) error
	Settings(ctx context.Context) (AgentSettings, error)
	SaveSettings(ctx context.Context, s AgentSettings) (AgentSettings, error)
}

// AgentService runs agent turns: the mode per chat, run, continue, stop,
// approvals, and the agent's settings. Bound.
type AgentService struct {
	ctx   func() context.Context
	agent Agent
}

// NewAgentService builds the service.
func NewAgentService(ctx func() context.Context, a Agent) *AgentService {
	return &AgentService{ctx: ctx, agent: a}
}

// Limits of AgentSettings the page may set.
const (
	MaxStepLimit        = 200
	MaxTimeLimitSeconds = 24 * 3600
	MaxSpendCapUSD      = 1000
)

// AllowableDangers are the kinds of command that ask even with
// AutoApprove, and that a setting may let run without asking (a command
// the shell cannot parse always asks).
var AllowableDangers = []string{"delete_outside", "pipe_to_shell", "upload", "git_push", "print_env", "kill_server", "new_packages"}

func validMode(m string) bool {
	return m == ModeAgent || m == ModeAsk || m == ModePlan || m == ModeQuick
}

func needID(v, what string) error {
	if strings.TrimSpace(v) == "" {
		return apperr.Newf(apperr.Invalid, "The request has no %s; reload the project and try again.", what)
	}
	return nil
}

// Mode returns the chat's mode: the one the person chose, else Agent for a
// model that takes tool calls and Quick for one that does not.
func (s *AgentService) Mode(req AgentModeRequest) (string, error) {
	if err := needID(req.ProjectID, "project"); err != nil {
		return "", err
	}
	return s.agent.Mode(s.ctx(), req.ProjectID, req.ProviderID, req.ModelID)
}

// SetMode remembers the chat's mode.
func (s *AgentService) SetMode(req SetAgentModeRequest) error {
	if err := needID(req.ProjectID, "project"); err != nil {
		return err
	}
	if !validMode(req.Mode) {
		return apperr.Newf(apperr.Invalid, "%q is not a mode; choose Agent, Ask, Plan or Quick.", req.Mode)
	}
	return s.agent.SetMode(s.ctx(), req.ProjectID, req.Mode)
}

// Run runs an agent turn to its end and returns how it ended; its steps
// stream on "agent:events:<requestId>". A limit pauses the turn (status
// paused, Continue goes on); Stop ends it (status stopped).
func (s *AgentService) Run(req AgentTurnRequest) (AgentTurnResult, error) {
	for _, f := range [][2]string{{req.RequestID, "request id"}, {req.ProjectID, "project"}, {req.ProviderID, "provider"}, {req.ModelID, "model"}} {
		if err := needID(f[0], f[1]); err != nil {
			return AgentTurnResult{}, err
		}
	}
	if req.Mode == ModeQuick || !validMode(req.Mode) {
		return AgentTurnResult{}, apperr.Newf(apperr.Invalid, "%q is not a mode for an agent turn; choose Agent, Ask or Plan.", req.Mode)
	}
	if strings.TrimSpace(req.Text) == "" && strings.TrimSpace(req.Plan) == "" {
		return AgentTurnResult{}, apperr.New(apperr.Invalid, "Write what the agent should do first.")
	}
	if req.Plan != "" && req.Mode != ModeAgent {
		return AgentTurnResult{}, apperr.New(apperr.Invalid, "A plan is built in Agent mode.")
	}
	return s.agent.Run(s.ctx(), req)
}

// Continue goes on with a paused or interrupted turn.
func (s *AgentService) Continue(req AgentContinueRequest) (AgentTurnResult, error) {
	for _, f := range [][2]string{{req.RequestID, "request id"}, {req.TurnID, "turn"}} {
		if err := needID(f[0], f[1]); err != nil {
			return AgentTurnResult{}, err
		}
	}
	return s.agent.Continue(s.ctx(), req)
}

// Stop ends a running turn at once: the model call ends and every process
// the turn started is killed; the steps so far are kept.
func (s *AgentService) Stop(requestID string) { s.agent.Stop(requestID) }

// Answer answers an approval card. Only an answer given here lets the step
// run; a card nobody answers never becomes yes.
func (s *AgentService) Answer(req AnswerRequest) error {
	if err := needID(req.ApprovalID, "approval"); err != nil {
		return err
	}
	switch req.Decision {
	case DecisionAllow, DecisionDeny:
	case DecisionAlways:
		if err := needID(req.Tool, "tool"); err != nil {
			return err
		}
	default:
		return apperr.Newf(apperr.Invalid, "%q is not an answer; choose Allow, Deny or Always.", req.Decision)
	}
	return s.agent.Answer(s.ctx(), req)
}

// Turn returns the turn a saved agent answer is kept with, and its steps
// (the log, for replay; an interrupted turn offers Continue). NotFound
// when the answer was not an agent turn.
func (s *AgentService) Turn(messageID string) (AgentTurnLog, error) {
	if err := needID(messageID, "message"); err != nil {
		return AgentTurnLog{}, err
	}
	return s.agent.Turn(s.ctx(), messageID)
}

// RestoreBefore puts the files a turn changed back to what they were
// before its step seq, byte for byte, as a new version (nothing is lost:
// Versions has the one before). Refused while the agent works; a
// Conflict when the person edited one of those files since, unless Anyway.
func (s *AgentService) RestoreBefore(req RestoreBeforeRequest) error {
	if err := needID(req.TurnID, "turn"); err != nil {
		return err
	}
	if req.Seq < 1 {
		return apperr.New(apperr.Invalid, "Choose a step of the turn to restore to before.")
	}
	return s.agent.RestoreBefore(s.ctx(), req.TurnID, req.Seq, req.Anyway)
}

// Settings returns the agent's limits and per-tool approvals.
func (s *AgentService) Settings() (AgentSettings, error) { return s.agent.Settings(s.ctx()) }

// SaveSettings checks and saves the agent's limits and per-tool approvals;
// bad input changes nothing.
func (s *AgentService) SaveSettings(in AgentSettings) (AgentSettings, error) {
	if err := checkAgentSettings(in); err != nil {
		return AgentSettings{}, err
	}
	return s.agent.SaveSettings(s.ctx(), in)
}

func checkAgentSettings(in AgentSettings) error {
	switch {
	case in.StepLimit < 1 || in.StepLimit > MaxStepLimit:
		return apperr.Newf(apperr.Invalid, "The step limit must be between 1 and %d.", MaxStepLimit).InField("stepLimit")
	case in.SpendCapUSD < 0 || in.SpendCapUSD > MaxSpendCapUSD || in.SpendCapUSD != in.SpendCapUSD:
		return apperr.Newf(apperr.Invalid, "The spend cap must be between $0 (no cap) and $%d.", MaxSpendCapUSD).InField("spendCapUsd")
	case in.TimeLimitSeconds < 0 || in.TimeLimitSeconds > MaxTimeLimitSeconds:
		return apperr.New(apperr.Invalid, "The time limit must be between 0 (none) and 24 hours.").InField("timeLimitSeconds")
	}
	for kind := range in.Allow {
		if !slices.Contains(AllowableDangers, kind) {
			return apperr.Newf(apperr.Invalid, "%q is not a kind of command that can be let run without asking.", kind).InField("allow")
		}
	}
	for tool, v := range in.Tools {
		if v != ToolAsk && v != ToolAlways && v != ToolNever {
			return apperr.Newf(apperr.Invalid, "%q is not a choice for %s; choose ask, always or never.", v, tool).InField("tools")
		}
	}
	return nil
}
