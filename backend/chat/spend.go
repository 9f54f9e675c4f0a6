package chat

import (
	"context"
	"unicode/utf8"

	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/spend"
)

// allowSpend refuses a turn before anything is stored when the
// project's model budget is reached (the sentence names that budget).
func (s *Service) allowSpend(ctx context.Context, projectID string) error {
	if s.cfg.Spend == nil {
		return nil
	}
	return s.cfg.Spend.Allow(ctx, projectID)
}

// recordSpend stores one answer's model call: the provider's usage, or
// an estimate from the request's and the answer's sizes when it sent
// none. A failure to record costs the row, not the turn: logged.
func (s *Service) recordSpend(ctx context.Context, t turn, messageID string, gen GenerateRequest, u Usage, reply int) {
	if s.cfg.Spend == nil {
		return
	}
	prompt := utf8.RuneCountInString(gen.System)
	for _, m := range gen.Turns {
		prompt += utf8.RuneCountInString(m.Content)
	}
	_, err := s.cfg.Spend.Record(ctx, spend.Call{ProjectID: t.Project.ID, TurnID: messageID, Kind: spend.KindOneShot,
		ProviderID: t.ProviderID, ModelID: t.ModelID, PromptChars: prompt, ReplyChars: reply,
		Usage: llm.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens,
			CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}})
	if err != nil {
		s.cfg.Logger.Warn("spend: the answer's usage was not recorded", "project", t.Project.ID, "message", messageID, "err", err)
	}
}

// partialChars is the size of what the model wrote so far.
func partialChars(p fragment.Partial) int {
	n := utf8.RuneCountInString(p.Commentary) + utf8.RuneCountInString(p.Title) + utf8.RuneCountInString(p.Description)
	for _, f := range p.Files {
		n += utf8.RuneCountInString(f.Content) + utf8.RuneCountInString(f.Path)
	}
	return n
}
