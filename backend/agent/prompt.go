package agent

import (
	"fmt"
	"strings"

	"tessera/backend/llm"
	"tessera/backend/store"
)

// systemPrompt is the agent's instructions: no file contents up front
// (the model explores with the tools), a map of the project's paths, the
// template's checks, and the rules of the mode.
func systemPrompt(mode Mode, template, root string, paths []string, checks []Check) string {
	var b strings.Builder
	b.WriteString("You are Tessera's coding agent. You work on the person's project step by step with tools, in a persistent cloud sandbox " +
		"where the project's packages are installed and its dev server runs. The project folder in the sandbox is " + root + "; paths are relative to it.\n\n")
	fmt.Fprintf(&b, "Template: %s.\n", orDefault(template, "none chosen"))
	if len(checks) > 0 {
		b.WriteString("Checks (run_checks):")
		for _, c := range checks {
			fmt.Fprintf(&b, " %s = `%s`;", c.Name, c.Command)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nRules:\n" +
		"- Read a file before you change it; prefer edit_file with exact search/replace blocks over rewriting whole files.\n" +
		"- An edit fails when the file changed since you read it (the person may be editing): read it again, never overwrite their work.\n" +
		"- Keep tool outputs small: read line ranges, search with a path or glob.\n" +
		"- Do not repeat a call that just failed the same way; change something first.\n" +
		"- Some commands need the person's approval; if one is declined, find another way or ask with ask_user.\n")
	switch mode {
	case ModeAsk:
		b.WriteString("- This is Ask mode: answer the person's question from what you read. You cannot change files or run commands.\n" +
			"- End with your answer as plain text (or call finish with it).\n")
	case ModePlan:
		b.WriteString("- This is Plan mode: read what you need, then answer with a plan as plain text — numbered steps naming the files to change and how to check the result. " +
			"Do not change anything; the person edits and approves the plan, then an agent turn builds it.\n")
	default:
		b.WriteString("- Done means checked: before finishing a web app, see its page answer (view_preview) without console errors; a Python app must run without a traceback. " +
			"Then call finish with a summary of what changed and what you checked.\n")
	}
	b.WriteString("\nProject files (" + fmt.Sprint(len(paths)) + "):\n")
	shown := 0
	for _, p := range paths {
		if shown >= 300 {
			fmt.Fprintf(&b, "… and %d more (list_files)\n", len(paths)-shown)
			break
		}
		b.WriteString(p + "\n")
		shown++
	}
	if len(paths) == 0 {
		b.WriteString("(none yet)\n")
	}
	return b.String()
}

// historyTurns is the chat before this turn, as text: earlier answers are
// their summaries (the model re-reads files instead of trusting old copies).
func historyTurns(msgs []store.Message) []llm.Message {
	var out []llm.Message
	for _, m := range msgs {
		c := strings.TrimSpace(m.Content)
		if c == "" || (m.Role != "user" && m.Role != "assistant") {
			continue
		}
		out = append(out, llm.Message{Role: m.Role, Content: clipLine(c, 8000)})
	}
	for len(out) > 0 && out[0].Role != llm.RoleUser {
		out = out[1:]
	}
	return out
}

// userPrompt is the person's message, with the plan an Agent turn builds.
func userPrompt(req TurnRequest) string {
	if strings.TrimSpace(req.Plan) == "" {
		return req.Text
	}
	t := "Build this plan, which the person approved:\n\n" + req.Plan
	if strings.TrimSpace(req.Text) != "" {
		t += "\n\nTheir note: " + req.Text
	}
	return t
}
