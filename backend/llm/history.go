package llm

// Token estimates are deliberately pessimistic: code tokenises at about
// three characters per token, prose at about four, and a refused request
// ("context too long") costs the person more than a slightly shorter
// history.
const (
	charsPerToken    = 3
	tokensPerMessage = 4
	tokensPerImage   = 1500
)

// EstimateTokens is a quick, tokenizer-free upper estimate of what a message
// costs in the prompt.
func EstimateTokens(m Message) int {
	n := len(m.Content)
	for _, c := range m.ToolCalls { // an agent's calls cost their arguments
		n += len(c.Name) + len(c.Arguments)
	}
	return tokensPerMessage + (n+charsPerToken-1)/charsPerToken + tokensPerImage*len(m.Images)
}

// EstimateTotal is EstimateTokens summed over msgs.
func EstimateTotal(msgs []Message) int {
	n := 0
	for _, m := range msgs {
		n += EstimateTokens(m)
	}
	return n
}

// TrimHistory drops the oldest turns until msgs fit in budgetTokens. System
// messages are always kept, and so is the newest message (the person's
// request) even when it alone is over budget: the provider then says
// "context too long", which is the truthful answer. The kept conversation
// starts with a user message, as several providers require. Order is
// preserved; msgs is not modified.
func TrimHistory(msgs []Message, budgetTokens int) []Message {
	if EstimateTotal(msgs) <= budgetTokens {
		return msgs
	}
	used := 0
	for _, m := range msgs {
		if m.Role == RoleSystem {
			used += EstimateTokens(m)
		}
	}
	keep := make([]bool, len(msgs))
	newest := true
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == RoleSystem {
			continue
		}
		cost := EstimateTokens(msgs[i])
		if !newest && used+cost > budgetTokens {
			break
		}
		keep[i], newest = true, false
		used += cost
	}
	// Drop kept assistant turns that would now open the conversation.
	for i := range msgs {
		if msgs[i].Role == RoleSystem || !keep[i] {
			continue
		}
		if msgs[i].Role == RoleUser || isLastKept(keep, msgs, i) {
			break
		}
		keep[i] = false
	}
	out := make([]Message, 0, len(msgs))
	for i, m := range msgs {
		if m.Role == RoleSystem || keep[i] {
			out = append(out, m)
		}
	}
	return out
}

func isLastKept(keep []bool, msgs []Message, i int) bool {
	for j := i + 1; j < len(msgs); j++ {
		if keep[j] && msgs[j].Role != RoleSystem {
			return false
		}
	}
	return true
}
