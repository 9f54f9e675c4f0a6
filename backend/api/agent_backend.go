package api

import (
	"context"
	"time"

	"tessera/backend/agent"
	"tessera/backend/apperr"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// AgentTurns finds the turn a saved answer is kept with (*store.Store).
type AgentTurns interface {
	TurnForMessage(ctx context.Context, messageID string) (store.AgentTurn, error)
}

// AgentBackend is the Agent that AgentService calls: backend/agent's
// Service, with the person's limits and approvals from AgentSettingsStore.
type AgentBackend struct {
	Service *agent.Service
	Turns   AgentTurns
	Prefs   AgentSettingsStore
}

// AgentModel is the agent's model over the current LLM client (it is
// rebuilt when the person changes providers in Settings).
type AgentModel struct{ Client func() *llm.Client }

// Converse implements agent.Model.
func (m AgentModel) Converse(ctx context.Context, req llm.ConverseRequest, onText, onReasoning func(string)) (llm.Reply, error) {
	return m.Client().Converse(ctx, req, onText, onReasoning)
}

// SupportsTools implements agent.Model: the catalog's word on the provider.
func (m AgentModel) SupportsTools(providerID, modelID string) bool {
	return agent.LLM{Client: m.Client()}.SupportsTools(providerID, modelID)
}

// NoTimeLimit is the wall clock a turn gets when the person set none
// (agent.Limits reads 0 as its default, 20 minutes).
const NoTimeLimit = 24 * time.Hour

// Policy is the agent's approval policy from the settings (agent.Config.Policy).
func (b AgentBackend) Policy(ctx context.Context) agent.Policy {
	s, err := b.Prefs.Load(ctx)
	if err != nil {
		s = DefaultAgentSettings()
	}
	p := agent.Policy{AutoApprove: s.AutoApprove, Tools: map[string]agent.Consent{}, Allow: map[agent.Danger]bool{}}
	for tool, c := range s.Tools {
		p.Tools[tool] = agent.Consent(c)
	}
	for kind, on := range s.Allow {
		if on {
			p.Allow[agent.Danger(kind)] = true
		}
	}
	return p
}

func (b AgentBackend) limits(ctx context.Context) (*agent.Limits, error) {
	s, err := b.Prefs.Load(ctx)
	if err != nil {
		return nil, err
	}
	l := agent.DefaultLimits()
	l.MaxSteps, l.MaxUSD = s.StepLimit, s.SpendCapUSD
	if l.MaxUSD == 0 {
		// The person chose no cap (agent.Limits reads 0 as its $1 default).
		l.MaxUSD = -1
	}
	l.MaxDuration = time.Duration(s.TimeLimitSeconds) * time.Second
	if l.MaxDuration == 0 {
		l.MaxDuration = NoTimeLimit
	}
	return &l, nil
}

// Mode implements Agent.
func (b AgentBackend) Mode(ctx context.Context, projectID, providerID, modelID string) (string, error) {
	m, err := b.Service.Mode(ctx, projectID, providerID, modelID)
	return string(m), err
}

// SetMode implements Agent.
func (b AgentBackend) SetMode(ctx context.Context, projectID, mode string) error {
	return b.Service.SetMode(ctx, projectID, agent.Mode(mode))
}

// Run implements Agent.
func (b AgentBackend) Run(ctx context.Context, req AgentTurnRequest) (AgentTurnResult, error) {
	lim, err := b.limits(ctx)
	if err != nil {
		return AgentTurnResult{}, err
	}
	r, err := b.Service.Run(ctx, agent.TurnRequest{RequestID: req.RequestID, ProjectID: req.ProjectID, Text: req.Text,
		ProviderID: req.ProviderID, ModelID: req.ModelID, Mode: agent.Mode(req.Mode), Params: llm.Params(req.Params.domain()),
		Plan: req.Plan, Limits: lim})
	return toTurnResult(r), err
}

// Continue implements Agent: the turn goes on with fresh limits.
func (b AgentBackend) Continue(ctx context.Context, req AgentContinueRequest) (AgentTurnResult, error) {
	lim, err := b.limits(ctx)
	if err != nil {
		return AgentTurnResult{}, err
	}
	r, err := b.Service.Continue(ctx, agent.ContinueRequest{RequestID: req.RequestID, TurnID: req.TurnID, Limits: lim})
	return toTurnResult(r), err
}

// Stop implements Agent.
func (b AgentBackend) Stop(requestID string) { b.Service.Stop(requestID) }

// Answer implements Agent. Always sets the tool's approval to always
// (dangerous commands still ask), then allows this call.
func (b AgentBackend) Answer(ctx context.Context, req AnswerRequest) error {
	d := agent.Approve
	switch req.Decision {
	case DecisionDeny:
		d = agent.Decline
	case DecisionAlways:
		s, err := b.Prefs.Load(ctx)
		if err != nil {
			return err
		}
		s.Tools[req.Tool] = ToolAlways
		if err := b.Prefs.Save(ctx, s); err != nil {
			return err
		}
	}
	return b.Service.Answer(req.ApprovalID, d)
}

// Turn implements Agent.
func (b AgentBackend) Turn(ctx context.Context, messageID string) (AgentTurnLog, error) {
	t, err := b.Turns.TurnForMessage(ctx, messageID)
	if err != nil {
		return AgentTurnLog{}, err
	}
	r, err := b.Service.Turn(ctx, t.ID)
	if err != nil {
		return AgentTurnLog{}, err
	}
	steps, err := b.Service.Steps(ctx, t.ID)
	if err != nil {
		return AgentTurnLog{}, err
	}
	out := AgentTurnLog{Turn: toTurnResult(r), StepsList: make([]AgentStep, 0, len(steps))}
	for _, st := range steps {
		out.StepsList = append(out.StepsList, toStep(st))
	}
	return out, nil
}

// RestoreBefore implements Agent.
func (b AgentBackend) RestoreBefore(ctx context.Context, turnID string, seq int, anyway bool) error {
	if anyway {
		return b.Service.RestoreBeforeAnyway(ctx, turnID, seq)
	}
	return b.Service.RestoreBefore(ctx, turnID, seq)
}

// UndoAgentTurn implements chat.AgentUndoer: the chat's Undo of an
// exchange whose answers are agent turns reverts only the files those
// turns changed, newest turn first. current is the version before the
// first revert (what Redo brings back).
func (b AgentBackend) UndoAgentTurn(ctx context.Context, projectID string, messageIDs []string, anyway bool) (handled bool, current string, restored bool, err error) {
	for i := len(messageIDs) - 1; i >= 0; i-- {
		t, err := b.Turns.TurnForMessage(ctx, messageIDs[i])
		if apperr.Is(err, apperr.NotFound) {
			continue // a one-shot answer
		} else if err != nil {
			return handled, current, restored, err
		}
		if t.ProjectID != projectID {
			continue
		}
		u, err := b.Service.UndoTurn(ctx, t.ID, anyway)
		if agent.IsNoChanges(err) {
			continue // the turn changed no file
		} else if err != nil {
			return handled, current, restored, err
		}
		if !handled {
			current = u.Before
		}
		handled, restored = true, restored || u.Restored
	}
	return handled, current, restored, nil
}

// Settings implements Agent.
func (b AgentBackend) Settings(ctx context.Context) (AgentSettings, error) { return b.Prefs.Load(ctx) }

// SaveSettings implements Agent.
func (b AgentBackend) SaveSettings(ctx context.Context, s AgentSettings) (AgentSettings, error) {
	if err := b.Prefs.Save(ctx, s); err != nil {
		return AgentSettings{}, err
	}
	return b.Prefs.Load(ctx)
}

func toUsage(u llm.Usage) AgentUsage {
	return AgentUsage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
}

func stepTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func toStep(s agent.Step) AgentStep {
	out := AgentStep{ID: s.ID, TurnID: s.TurnID, Seq: s.Seq, Tool: s.Tool, Args: s.Args, Title: s.Title, Status: string(s.Status),
		ApprovalID: s.ApprovalID, Usage: toUsage(s.Usage), CostUSD: s.CostUSD, StartedAt: stepTime(s.StartedAt), EndedAt: stepTime(s.EndedAt),
		DurationMS: s.DurationMS, Changed: s.Changed}
	if r := s.Result; r != nil {
		out.Result = &AgentToolResult{OK: r.OK, ExitCode: r.ExitCode, Output: r.Output, TruncatedFrom: r.TruncatedFrom, Hint: r.Hint}
	}
	return out
}

func toTurnResult(r agent.TurnResult) AgentTurnResult {
	out := AgentTurnResult{TurnID: r.TurnID, MessageID: r.MessageID, Mode: string(r.Mode), Status: r.Status, Reason: string(r.Reason),
		Summary: r.Summary, Notice: r.Notice, CanContinue: r.CanContinue, Steps: r.Steps, Usage: toUsage(r.Usage), CostUSD: r.CostUSD,
		Priced: r.Priced, VersionID: r.VersionID, Partial: r.Partial, Checked: r.Checked}
	for _, t := range r.Todos {
		out.Todos = append(out.Todos, AgentTodo{Text: t.Text, Done: t.Done})
	}
	return out
}

var _ Agent = AgentBackend{}
