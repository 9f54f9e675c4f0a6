package llm

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// preferences rank, per provider, the model families a person building
// small apps would pick first: capable at code, fast, not the most
// expensive tier. Among the ids one pattern matches the newest version
// wins ("gpt-5.1" over "gpt-5", "gemini-3-flash" over "gemini-2.5-flash",
// the latest dated snapshot). Used only over ids the provider lists, so a
// retired model is never the default.
var preferences = map[string][]*regexp.Regexp{
	"openai":     res(`^gpt-5(\.\d+)?$`, `^gpt-5(\.\d+)?-mini$`, `^gpt-4\.1$`, `^gpt-4o$`, `^gpt-`),
	"anthropic":  res(`^claude-sonnet-\d+(-\d+)?(-\d{8})?$`, `^claude-opus-\d+(-\d+)?(-\d{8})?$`, `^claude-haiku-\d+(-\d+)?(-\d{8})?$`, `^claude-3-7-sonnet`, `^claude-`),
	"google":     res(`^gemini-\d+(\.\d+)?-flash$`, `^gemini-\d+(\.\d+)?-pro$`, `^gemini-\d+(\.\d+)?-flash`, `^gemini-`),
	"mistral":    res(`^mistral-medium-latest$`, `^mistral-large-latest$`, `^devstral-medium`, `^mistral-small-latest$`, `^magistral-medium-latest$`),
	"groq":       res(`^openai/gpt-oss-120b$`, `^moonshotai/kimi-k2`, `^qwen/qwen3-32b$`, `^llama-3\.3-70b`),
	"fireworks":  res(`qwen3-coder-480b`, `kimi-k2`, `deepseek-v3`, `glm-4`, `qwen3`),
	"togetherai": res(`(?i)qwen3-coder-480b`, `(?i)kimi-k2`, `(?i)deepseek-v3`, `(?i)llama-3\.3-70b`),
	"xai":        res(`^grok-code-fast`, `^grok-4(\.\d+)?$`, `^grok-4`, `^grok-3$`),
	"deepseek":   res(`^deepseek-chat$`, `^deepseek-reasoner$`),
	"openrouter": res(`^anthropic/claude-sonnet-4\.5$`, `^anthropic/claude-sonnet`, `^openai/gpt-5(\.\d+)?$`, `^google/gemini-\d+(\.\d+)?-pro$`, `^qwen/qwen3-coder$`),
	// Local servers: a coder model if one is pulled, else what is there.
	"ollama":   res(`(?i)coder`, `(?i)^qwen3`, `(?i)^llama3`),
	"lmstudio": res(`(?i)coder`, `(?i)qwen3`, `(?i)llama`),
}

func res(ps ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(ps))
	for i, p := range ps {
		out[i] = regexp.MustCompile(p)
	}
	return out
}

// DefaultModel picks the provider's default among the ids it offers now:
// the first preference that matches any, newest version first; else the
// first id. "" when nothing is offered.
func DefaultModel(providerID string, offered []string) string {
	if len(offered) == 0 {
		return ""
	}
	for _, p := range preferences[providerID] {
		var hits []string
		for _, id := range offered {
			if p.MatchString(id) {
				hits = append(hits, id)
			}
		}
		if len(hits) > 0 {
			sort.SliceStable(hits, func(i, j int) bool { return newer(hits[i], hits[j]) })
			return hits[0]
		}
	}
	return offered[0]
}

var numRun = regexp.MustCompile(`\d+`)

// newer compares ids by their version numbers, left to right ("gpt-5.1"
// > "gpt-5", "gemini-3-flash" > "gemini-2.5-flash",
// "claude-sonnet-4-5-20250929" > "claude-sonnet-4-20250514"), then by
// their snapshot dates (numbers of 6 digits or more).
func newer(a, b string) bool {
	va, da := versionParts(a)
	vb, db := versionParts(b)
	if c := compareInts(va, vb); c != 0 {
		return c > 0
	}
	if c := compareInts(da, db); c != 0 {
		return c > 0
	}
	return strings.Compare(a, b) < 0
}

func versionParts(id string) (version, dates []int) {
	for _, n := range numRun.FindAllString(id, -1) {
		v, _ := strconv.Atoi(n)
		if len(n) >= 6 {
			dates = append(dates, v)
		} else {
			version = append(version, v)
		}
	}
	return version, dates
}

// compareInts compares lexicographically; a missing part counts as -1.
func compareInts(a, b []int) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		x, y := -1, -1
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x > y {
				return 1
			}
			return -1
		}
	}
	return 0
}
