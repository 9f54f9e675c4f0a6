package agent

import (
	"strings"

	"tessera/backend/llm"
)

// Pricer prices a model call from the usage the provider reported.
type Pricer interface {
	// Price returns the call's cost in US dollars; ok is false for a
	// model without a known price (the spend cap then does not apply,
	// and the page says the cost is unknown rather than $0).
	Price(providerID, modelID string, u llm.Usage) (usd float64, ok bool)
}

// Price is a model's list price in US dollars per million tokens.
type Price struct {
	Input, CachedInput, Output float64
}

// Prices is a table of list prices by provider and model id; a model id
// ending in "*" matches by prefix (dated snapshots).
type Prices map[string]map[string]Price

// Price implements Pricer. Cached input tokens are billed at the cached
// price (the input price when there is none); reasoning tokens are part
// of the completion tokens and billed as output.
func (p Prices) Price(providerID, modelID string, u llm.Usage) (float64, bool) {
	pr, ok := p.lookup(providerID, modelID)
	if !ok {
		return 0, false
	}
	cached := min(u.CachedTokens, u.PromptTokens)
	cachedPrice := pr.CachedInput
	if cachedPrice == 0 {
		cachedPrice = pr.Input
	}
	usd := (float64(u.PromptTokens-cached)*pr.Input + float64(cached)*cachedPrice + float64(u.CompletionTokens)*pr.Output) / 1e6
	return usd, true
}

func (p Prices) lookup(providerID, modelID string) (Price, bool) {
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

// DefaultPrices are the providers' published list prices for the
// catalog's main models (USD per million tokens, standard tier). Local
// servers cost nothing.
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
