package agent

import (
	"tessera/backend/llm"
	"tessera/backend/spend"
)

// Pricer prices a model call from the usage the provider reported.
type Pricer interface {
	// Price returns the call's cost in US dollars; ok is false for a
	// model without a known price (the spend cap then does not apply,
	// and the page says the cost is unknown rather than $0).
	Price(providerID, modelID string, u llm.Usage) (usd float64, ok bool)
}

// Price and Prices are the spend package's (its table is the one
// Tessera ships, dated spend.PricesDate).
type (
	Price  = spend.Price
	Prices = spend.Prices
)

// DefaultPrices are the shipped list prices (spend.DefaultPrices).
func DefaultPrices() Prices { return spend.DefaultPrices() }
