package agent

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"tessera/backend/llm"
)

// The text protocol, for models without native tool calls: the tools are
// described in the system prompt and the model answers with at most one
//
//	<tool name="read_file">
//	<arg name="path">src/app.py</arg>
//	</tool>
//
// per reply (OpenHands' converter pattern); the result comes back as a
// user message <tool_result name="...">…</tool_result>. A reply without a
// <tool> tag is the final answer. A reply that tries and fails (a tag
// without its end, an unknown tool) is malformed: the model is told what
// was wrong once; two in a row end the turn in Quick mode.

var (
	toolOpen = regexp.MustCompile(`<tool\s+name\s*=\s*"([^"]*)"\s*>`)
	argRe    = regexp.MustCompile(`(?s)<arg\s+name\s*=\s*"([^"]+)"\s*>(.*?)</arg>`)
)

// textPrompt describes the tools for the system prompt.
func textPrompt(ts []*tool) string {
	var b strings.Builder
	b.WriteString("\n\n## Tools\nYou work by calling tools. To call one, answer with exactly one block like this and nothing after it:\n\n" +
		"<tool name=\"TOOL\">\n<arg name=\"ARG\">VALUE</arg>\n</tool>\n\n" +
		"Values are plain text (not quoted); lists and objects are JSON. After each call you get <tool_result>. " +
		"When you are done, answer without a <tool> block.\n\nThe tools:\n")
	for _, t := range ts {
		fmt.Fprintf(&b, "- %s: %s Arguments (JSON schema): %s\n", t.name, t.desc, t.schema)
	}
	return b.String()
}

// parseText reads a text-protocol reply: the call it makes (nil = a final
// answer), or an error saying what is malformed.
func parseText(text string, ts []*tool) (*llm.ToolCall, error) {
	loc := toolOpen.FindStringSubmatchIndex(text)
	if loc == nil {
		if strings.Contains(text, "<tool") {
			return nil, fmt.Errorf(`a <tool> tag must be written <tool name="NAME"> with the name in double quotes`)
		}
		return nil, nil
	}
	name := text[loc[2]:loc[3]]
	rest := text[loc[1]:]
	end := strings.Index(rest, "</tool>")
	if end < 0 {
		return nil, fmt.Errorf("the <tool name=%q> block has no </tool> end", name)
	}
	t := find(ts, name)
	if t == nil {
		return nil, fmt.Errorf("there is no tool %q", name)
	}
	var schema struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	_ = json.Unmarshal([]byte(t.schema), &schema)
	args := map[string]any{}
	for _, m := range argRe.FindAllStringSubmatch(rest[:end], -1) {
		// A value written as a block (a newline right after the tag)
		// loses that newline and the one before </arg>; an inline value
		// is kept exactly.
		key, raw := m[1], m[2]
		if strings.HasPrefix(raw, "\n") {
			raw = strings.TrimSuffix(strings.TrimPrefix(raw, "\n"), "\n")
		}
		switch schema.Properties[key].Type {
		case "integer", "number":
			n, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
			if err != nil {
				return nil, fmt.Errorf("the argument %q of %s must be a number", key, name)
			}
			args[key] = n
		case "boolean":
			args[key] = strings.TrimSpace(raw) == "true"
		case "array", "object":
			var v any
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return nil, fmt.Errorf("the argument %q of %s must be JSON", key, name)
			}
			args[key] = v
		default:
			args[key] = raw
		}
	}
	b, _ := json.Marshal(args)
	return &llm.ToolCall{ID: "text_call", Name: name, Arguments: string(b)}, nil
}

// renderResult is a tool result as the model reads it: a header with the
// result's fields, the output, and the hint. Plain text, not JSON, so the
// output's newlines are not doubled by escaping (the caps are in
// characters the model reads).
func renderResult(res ToolResult, notice string) string {
	var b strings.Builder
	b.WriteString("[ok=" + strconv.FormatBool(res.OK))
	if res.ExitCode != nil {
		b.WriteString(" exit_code=" + strconv.Itoa(*res.ExitCode))
	}
	if res.TruncatedFrom > 0 {
		b.WriteString(" truncated_from=" + strconv.Itoa(res.TruncatedFrom))
	}
	b.WriteString("]\n")
	b.WriteString(res.Output)
	if res.Hint != "" {
		b.WriteString("\n[hint: " + res.Hint + "]")
	}
	if notice != "" {
		b.WriteString("\n[notice from Tessera: " + notice + "]")
	}
	return b.String()
}
