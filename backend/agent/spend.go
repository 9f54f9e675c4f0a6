package agent

import (
	"context"
	"unicode/utf8"

	"tessera/backend/llm"
	"tessera/backend/spend"
	"tessera/backend/store"
)

// Spend is what a turn needs of the spend package.
type Spend interface {
	Allow(ctx context.Context, projectID string) error
	Record(ctx context.Context, c spend.Call) (store.ModelCall, error)
}

// allowSpend refuses a turn (or its Continue) once the project's model
// budget is reached; the sentence names that budget.
func (s *Service) allowSpend(ctx context.Context, projectID string) error {
	if s.cfg.Spend == nil {
		return nil
	}
	return s.cfg.Spend.Allow(ctx, projectID)
}

// recordSpend stores one model call of the turn, a failed or stopped
// one too (the provider bills what it streamed). The sizes are for the
// estimate when the provider reported no usage. A failure to record
// costs the row, not the step: logged.
func (r *run) recordSpend(ctx context.Context, rep llm.Reply) {
	if r.s.cfg.Spend == nil {
		return
	}
	var prompt int
	for _, m := range r.msgs {
		prompt += utf8.RuneCountInString(m.Content)
		for _, c := range m.ToolCalls {
			prompt += utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Arguments)
		}
	}
	reply := utf8.RuneCountInString(rep.Text) + utf8.RuneCountInString(rep.Reasoning)
	for _, c := range rep.ToolCalls {
		reply += utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Arguments)
	}
	_, err := r.s.cfg.Spend.Record(ctx, spend.Call{ProjectID: r.projectID, TurnID: r.turn.ID, Kind: spend.KindAgent,
		ProviderID: r.provider, ModelID: r.model, Usage: rep.Usage, PromptChars: prompt, ReplyChars: reply})
	if err != nil {
		r.s.cfg.Logger.Warn("spend: a model call's usage was not recorded", "project", r.projectID, "turn", r.turn.ID, "err", err)
	}
}
