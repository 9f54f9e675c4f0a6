// Package spend owns what model calls cost: the usage each call reports
// (checked, estimated when the provider sent none), the dated price
// table shipped with Tessera, the price a call was made at, and the
// monthly model budget per project (issue 26). Agent turns and one-shot
// answers both record through a Recorder; nothing else writes
// model_calls.
package spend

import (
	"strings"

	"tessera/backend/llm"
)

// PricesDate is the day the shipped table was read from the providers'
// price pages; a call keeps it with its price.
const PricesDate = "2026-11-01"

// Price is a model's list price in US dollars per million tokens.
type Price struct {
	Input, CachedInput, Output float64
}

// Cost is what u costs at p. Cached input tokens are billed at the
// cached price (the input price when there is none); reasoning tokens
// are part of the completion tokens and billed as output.
func (p Price) Cost(u llm.Usage) float64 {
	cached := min(max(u.CachedTokens, 0), u.PromptTokens)
	cachedPrice := p.CachedInput
	if cachedPrice == 0 {
		cachedPrice = p.Input
	}
	return (float64(u.PromptTokens-cached)*p.Input + float64(cached)*cachedPrice + float64(u.CompletionTokens)*p.Output) / 1e6
}

// Prices is a table of list prices by provider and model id; a model id
// ending in "*" matches by prefix (dated snapshots), the longest prefix
// first.
type Prices map[string]map[string]Price

// Lookup returns a model's price; ok is false for a model the table
// does not have (its cost is unknown, never $0).
func (p Prices) Lookup(providerID, modelID string) (Price, bool) {
	models := p[providerID]
	if pr, ok := models[modelID]; ok {
		return pr, true
	}
	best, bestLen := Price{}, -1
	for id, pr := range models {
		if prefix, ok := strings.CutSuffix(id, "*"); ok && strings.HasPrefix(modelID, prefix) && len(prefix) > bestLen {
			best, bestLen = pr, len(prefix)
		}
	}
	return best, bestLen >= 0
}

// Price prices a call; ok is false for a model without a price.
func (p Prices) Price(providerID, modelID string, u llm.Usage) (float64, bool) {
	pr, ok := p.Lookup(providerID, modelID)
	if !ok {
		return 0, false
	}
	return pr.Cost(u), true
}

// DefaultPrices are the providers' published list prices for the
// catalog's main models (USD per million tokens, standard tier), as of
// PricesDate. Local servers cost nothing.
func DefaultPrices() Prices {
	return Prices{
		"openai": {
			"gpt-5": {1.25, 0.125, 10}, "gpt-5-mini": {0.25, 0.025, 2}, "gpt-5-nano": {0.05, 0.005, 0.4},
			"gpt-4.1": {2, 0.5, 8}, "gpt-4.1-mini": {0.4, 0.1, 1.6}, "gpt-4.1-nano": {0.1, 0.025, 0.4},
			"gpt-4o": {2.5, 1.25, 10}, "gpt-4o-mini": {0.15, 0.075, 0.6}, "o3": {2, 0.5, 8}, "o4-mini": {1.1, 0.275, 4.4}, "o3-mini": {1.1, 0.55, 4.4},
		},
		"anthropic": {
			"claude-opus-4-5*": {5, 0.5, 25}, "claude-sonnet-4-5*": {3, 0.3, 15}, "claude-haiku-4-5*": {1, 0.1, 5},
			"claude-opus-4-1*": {15, 1.5, 75}, "claude-opus-4-2*": {15, 1.5, 75}, "claude-sonnet-4-2*": {3, 0.3, 15}, "claude-3-5-haiku*": {0.8, 0.08, 4},
		},
		"google": {
			"gemini-2.5-pro*": {1.25, 0.31, 10}, "gemini-2.5-flash-lite*": {0.1, 0.025, 0.4}, "gemini-2.5-flash*": {0.3, 0.075, 2.5},
		},
		"deepseek": {"deepseek-chat": {0.28, 0.028, 0.42}, "deepseek-reasoner": {0.28, 0.028, 0.42}},
		"mistral":  {"mistral-large*": {2, 0, 6}, "mistral-medium*": {0.4, 0, 2}, "codestral*": {0.3, 0, 0.9}, "devstral*": {0.4, 0, 2}},
		"xai":      {"grok-4*": {3, 0.75, 15}, "grok-code-fast*": {0.2, 0.02, 1.5}},
		"ollama":   {"*": {}},
		"lmstudio": {"*": {}},
	}
}
