package chat

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"

	"tessera/backend/fragment"
	"tessera/backend/llm"
)

// LLMGenerator generates fragments with the llm package (any provider of
// the catalog, through its OpenAI-compatible API).
type LLMGenerator struct {
	// Client returns the current client (it is rebuilt when the person
	// changes the provider list in Settings).
	Client func() *llm.Client
	// Models, when set, records models that answered 404 (the picker stops
	// offering them) and knows the provider's last fetched list, so the
	// error can name the provider's current default.
	Models ModelFacts
}

// ModelFacts is what LLMGenerator keeps about models (store.Store).
type ModelFacts interface {
	MarkModelGone(ctx context.Context, providerID, modelID string, at time.Time) error
	ModelList(ctx context.Context, providerID string) (store.ModelList, bool, error)
	GoneModels(ctx context.Context, providerID string) (map[string]bool, error)
}

// RefusesImages implements Generator: only models the catalog knows and
// marks as text-only refuse images.
func (g LLMGenerator) RefusesImages(providerID, modelID string) bool {
	m, ok := g.Client().Catalog().Model(providerID, modelID)
	return ok && !m.Multimodal
}

// Generate implements Generator.
func (g LLMGenerator) Generate(ctx context.Context, req GenerateRequest, onPartial func(fragment.Partial), onReasoning func(string)) (*fragment.Fragment, Usage, error) {
	msgs := make([]llm.Message, 0, len(req.Turns)+1)
	msgs = append(msgs, llm.Message{Role: llm.RoleSystem, Content: req.System})
	for _, t := range req.Turns {
		m := llm.Message{Role: t.Role, Content: t.Content}
		for _, im := range t.Images {
			data, err := base64.StdEncoding.DecodeString(im.Data)
			if err != nil {
				continue // validated on send; an old damaged row is skipped
			}
			m.Images = append(m.Images, llm.Image{MIME: im.MIME, Data: data})
		}
		msgs = append(msgs, m)
	}
	frag, usage, err := g.Client().StreamFragment(ctx, llm.Request{ProviderID: req.ProviderID, ModelID: req.ModelID,
		Messages: msgs, Params: req.Params, Schema: fragment.JSONSchema(req.Templates...)}, onPartial, onReasoning)
	if errors.Is(err, llm.ErrModelGone) && g.Models != nil {
		err = g.modelGone(context.WithoutCancel(ctx), req.ProviderID, req.ModelID, err)
	}
	return frag, Usage{PromptTokens: usage.PromptTokens, CompletionTokens: usage.CompletionTokens, TotalTokens: usage.TotalTokens,
		CachedTokens: usage.CachedTokens, ReasoningTokens: usage.ReasoningTokens}, err
}

// modelGone marks the model as gone and names the provider's current
// default in the sentence.
func (g LLMGenerator) modelGone(ctx context.Context, providerID, modelID string, err error) error {
	_ = g.Models.MarkModelGone(ctx, providerID, modelID, time.Now())
	p, ok := g.Client().Catalog().Provider(providerID)
	if !ok {
		return err
	}
	var ids []string
	if l, ok, lerr := g.Models.ModelList(ctx, providerID); lerr == nil && ok {
		ids = l.Models
	} else {
		for _, m := range p.Models {
			ids = append(ids, m.ID)
		}
	}
	gone, _ := g.Models.GoneModels(ctx, providerID)
	offered := ids[:0:0]
	for _, id := range ids {
		if id != modelID && !gone[id] {
			offered = append(offered, id)
		}
	}
	def := llm.DefaultModel(providerID, offered)
	if def == "" {
		return err
	}
	return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf("%s Tessera now offers %s, %s's current default, in the model menu.",
		apperr.MessageOf(err), def, p.Name))
}

// ModeStore is where the structured-output mode that works for a model is
// kept (store.Store).
type ModeStore interface {
	ModelMode(ctx context.Context, providerID, modelID string) (string, bool, error)
	SetModelMode(ctx context.Context, providerID, modelID, mode string) error
}

// ModeMemory adapts a ModeStore to llm.ModeMemory. A database that cannot
// be read means "nothing remembered": the fallback chain still works, it
// just starts from the top.
type ModeMemory struct{ Store ModeStore }

// Mode implements llm.ModeMemory.
func (m ModeMemory) Mode(ctx context.Context, providerID, modelID string) (llm.Mode, bool) {
	s, ok, err := m.Store.ModelMode(ctx, providerID, modelID)
	if err != nil || !ok {
		return llm.ModeAuto, false
	}
	return llm.Mode(s), true
}

// RememberMode implements llm.ModeMemory.
func (m ModeMemory) RememberMode(ctx context.Context, providerID, modelID string, mode llm.Mode) error {
	return m.Store.SetModelMode(ctx, providerID, modelID, string(mode))
}
