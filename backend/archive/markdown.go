package archive

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"tessera/backend/store"
)

// fragmentView is the part of a fragment the Markdown shows.
type fragmentView struct {
	Title    string `json:"title"`
	FilePath string `json:"file_path"`
	Code     string `json:"code"`
	Files    []struct {
		FilePath string `json:"file_path"`
		Code     string `json:"code"`
	} `json:"files"`
}

// Markdown renders the chat for a person to read: each message under a
// heading with who and when, the code an answer wrote in fenced blocks.
func Markdown(m Manifest, msgs []store.Message) string { return markdown(m, msgs, nil) }

// markdown is Markdown with each agent answer's steps (turns by message id).
func markdown(m Manifest, msgs []store.Message, turns map[string]*AgentTurn) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", m.Project.Name)
	if m.Project.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", m.Project.Description)
	}
	fmt.Fprintf(&b, "_Exported from Tessera on %s._\n", m.ExportedAt.UTC().Format("2006-01-02 15:04 UTC"))
	for _, msg := range msgs {
		who := map[string]string{"user": "You", "assistant": "Tessera", "system": "System"}[msg.Role]
		if who == "" {
			who = msg.Role
		}
		fmt.Fprintf(&b, "\n## %s · %s\n\n", who, msg.CreatedAt.UTC().Format("2006-01-02 15:04"))
		if c := strings.TrimSpace(msg.Content); c != "" {
			b.WriteString(c + "\n")
		}
		if len(msg.Attachments) > 0 {
			fmt.Fprintf(&b, "\n_%d image(s) attached (kept in chat.json)._\n", len(msg.Attachments))
		}
		if msg.Status != "" && msg.Status != store.MessageDone {
			fmt.Fprintf(&b, "\n_(%s)_\n", msg.Status)
		}
		if t := turns[msg.ID]; t != nil {
			writeSteps(&b, t)
		}
		var f fragmentView
		if len(msg.Fragment) == 0 || json.Unmarshal(msg.Fragment, &f) != nil {
			continue
		}
		if f.Code != "" {
			writeCode(&b, f.FilePath, f.Code)
		}
		for _, ff := range f.Files {
			writeCode(&b, ff.FilePath, ff.Code)
		}
	}
	return b.String()
}

// writeSteps lists what an agent turn did: one line per step, its output
// (capped already) in a fenced block under it.
func writeSteps(b *strings.Builder, t *AgentTurn) {
	fmt.Fprintf(b, "\n**Agent steps** (%s mode, %s", t.Mode, t.Status)
	if t.Reason != "" && t.Reason != t.Status {
		fmt.Fprintf(b, ": %s", t.Reason)
	}
	b.WriteString(")\n\n")
	for _, st := range t.Steps {
		fmt.Fprintf(b, "%d. `%s` %s — %s", st.Seq, st.Tool, st.Args, st.Status)
		if st.ExitCode != nil {
			fmt.Fprintf(b, " (exit code %d)", *st.ExitCode)
		}
		b.WriteString("\n")
		if out := strings.TrimRight(st.Output, "\n"); out != "" {
			fence := "```"
			for strings.Contains(out, fence) {
				fence += "`"
			}
			fmt.Fprintf(b, "\n   %s\n%s\n   %s\n\n", fence, indent(out, "   "), fence)
		}
	}
}

func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}

// writeCode writes a fenced block longer than any run of backticks in the
// code, so code holding ``` cannot end it early.
func writeCode(b *strings.Builder, file, code string) {
	fence := "```"
	for strings.Contains(code, fence) {
		fence += "`"
	}
	if file != "" {
		fmt.Fprintf(b, "\n`%s`\n", file)
	}
	lang := strings.TrimPrefix(path.Ext(file), ".")
	fmt.Fprintf(b, "\n%s%s\n%s\n%s\n", fence, lang, strings.TrimRight(code, "\n"), fence)
}
