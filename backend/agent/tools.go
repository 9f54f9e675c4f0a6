package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"tessera/backend/llm"
)

// Tool kinds decide what a mode offers.
type toolKind int

const (
	kindRead  toolKind = iota // reads only
	kindWrite                 // changes project files (revertible: versions)
	kindExec                  // runs something in the sandbox
	kindMeta                  // to-dos, questions, finish
)

// outcome is what running a tool produced beyond its result.
type outcome struct {
	res      ToolResult
	undo     []fileUndo
	changed  []string
	finish   *finish
	question string
	invalid  bool // the call itself was wrong (bad arguments, unknown path)
}

type finish struct {
	Summary string   `json:"summary"`
	Checked []string `json:"checked"`
}

type tool struct {
	name   string
	kind   toolKind
	desc   string
	schema string
	// command renders the shell line the call would run ("" = none),
	// for the approval rules and the card.
	command func(args map[string]any) string
	title   func(args map[string]any) string
	run     func(ctx context.Context, r *run, args map[string]any) outcome
}

// toolList is every tool, in the order offered.
func toolList() []*tool {
	return []*tool{
		{name: "list_files", kind: kindRead, desc: "List the project's files (paths relative to the project folder), optionally under a folder.",
			schema: `{"type":"object","properties":{"path":{"type":"string","description":"folder to list, default the whole project"}}}`,
			title:  func(a map[string]any) string { return "list " + orDefault(str(a, "path"), ".") }, run: toolListFiles},
		{name: "read_file", kind: kindRead, desc: "Read a text file, optionally a range of lines (1-based, inclusive). At most 2000 lines per call.",
			schema: `{"type":"object","properties":{"path":{"type":"string"},"start_line":{"type":"integer"},"end_line":{"type":"integer"}},"required":["path"]}`,
			title:  titleRead, run: toolReadFile},
		{name: "search", kind: kindRead, desc: "Search the project's files for a text or a regular expression; at most 100 matches.",
			schema: `{"type":"object","properties":{"pattern":{"type":"string"},"regex":{"type":"boolean"},"path":{"type":"string","description":"folder or file to search in"},"glob":{"type":"string","description":"file name pattern such as *.tsx"}},"required":["pattern"]}`,
			title:  func(a map[string]any) string { return "search " + str(a, "pattern") }, run: toolSearch},
		{name: "write_file", kind: kindWrite, desc: "Create a file, or replace a whole file you have read in this turn.",
			schema: `{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]}`,
			title:  func(a map[string]any) string { return "write " + str(a, "path") }, run: toolWriteFile},
		{name: "edit_file", kind: kindWrite, desc: "Edit a file you have read: each block replaces one exact, unique occurrence of search with replace, in order.",
			schema: `{"type":"object","properties":{"path":{"type":"string"},"edits":{"type":"array","items":{"type":"object","properties":{"search":{"type":"string"},"replace":{"type":"string"}},"required":["search","replace"]}}},"required":["path","edits"]}`,
			title:  func(a map[string]any) string { return "edit " + str(a, "path") }, run: toolEditFile},
		{name: "delete_path", kind: kindWrite, desc: "Delete a file of the project.",
			schema: `{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}`,
			title:  func(a map[string]any) string { return "delete " + str(a, "path") }, run: toolDelete},
		{name: "move_path", kind: kindWrite, desc: "Move or rename a file of the project.",
			schema: `{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"]}`,
			title:  func(a map[string]any) string { return "move " + str(a, "from") + " → " + str(a, "to") }, run: toolMove},
		{name: "run_command", kind: kindExec, desc: "Run a shell command in the project folder of the sandbox (bash). Default time limit 120 s; background=true starts a long-running process and returns at once.",
			schema:  `{"type":"object","properties":{"command":{"type":"string"},"timeout_seconds":{"type":"integer"},"background":{"type":"boolean"}},"required":["command"]}`,
			command: func(a map[string]any) string { return str(a, "command") },
			title:   func(a map[string]any) string { return "$ " + clipLine(str(a, "command"), 80) }, run: toolRunCommand},
		{name: "read_console", kind: kindRead, desc: "Read the recent output of the app's dev server (or of a background process by pid), optionally only lines containing filter, or only errors.",
			schema: `{"type":"object","properties":{"lines":{"type":"integer"},"filter":{"type":"string"},"errors_only":{"type":"boolean"},"pid":{"type":"integer"}}}`,
			title:  func(a map[string]any) string { return "console" }, run: toolReadConsole},
		{name: "run_checks", kind: kindExec, desc: "Run the project's checks (type-check, lint, tests, build as the template declares). Refused when no file changed since the last run.",
			schema:  `{"type":"object","properties":{"check":{"type":"string","description":"one check by name; default all"}}}`,
			command: nil, title: func(a map[string]any) string { return "checks " + str(a, "check") }, run: toolRunChecks},
		{name: "view_preview", kind: kindRead, desc: "Fetch the app's preview: HTTP status, the page's text, and the errors on the dev server's console.",
			schema: `{"type":"object","properties":{"path":{"type":"string","description":"URL path, default /"}}}`,
			title:  func(a map[string]any) string { return "preview " + orDefault(str(a, "path"), "/") }, run: toolViewPreview},
		{name: "install_packages", kind: kindExec, desc: "Install packages with npm or pip (asks the person first).",
			schema:  `{"type":"object","properties":{"packages":{"type":"array","items":{"type":"string"}},"manager":{"type":"string","enum":["npm","pip"]}},"required":["packages"]}`,
			command: installCommand,
			title:   func(a map[string]any) string { return "install " + strings.Join(strs(a, "packages"), " ") }, run: toolInstall},
		{name: "update_todos", kind: kindMeta, desc: "Replace your to-do list for this task.",
			schema: `{"type":"object","properties":{"todos":{"type":"array","items":{"type":"object","properties":{"text":{"type":"string"},"done":{"type":"boolean"}},"required":["text"]}}},"required":["todos"]}`,
			title:  func(a map[string]any) string { return "to-dos" }, run: toolTodos},
		{name: "ask_user", kind: kindMeta, desc: "Ask the person a question and end this turn; their answer comes as the next message.",
			schema: `{"type":"object","properties":{"question":{"type":"string"}},"required":["question"]}`,
			title:  func(a map[string]any) string { return "question" }, run: toolAsk},
		{name: "finish", kind: kindMeta, desc: "End the task with a summary of what changed and what you checked (a web app: its page answered without console errors; Python: it ran without a traceback).",
			schema: `{"type":"object","properties":{"summary":{"type":"string"},"checked":{"type":"array","items":{"type":"string"}}},"required":["summary"]}`,
			title:  func(a map[string]any) string { return "finish" }, run: toolFinish},
	}
}

// offered is the tool set of a mode under a policy: never = not offered.
func offered(m Mode, p Policy) []*tool {
	var out []*tool
	for _, t := range toolList() {
		if p.ConsentFor(t.name) == ConsentNever {
			continue
		}
		if m.ReadOnly() && (t.kind == kindWrite || t.kind == kindExec) {
			continue
		}
		if m == ModeAsk && t.name == "update_todos" {
			continue
		}
		out = append(out, t)
	}
	return out
}

func defs(ts []*tool) []llm.ToolDef {
	out := make([]llm.ToolDef, 0, len(ts))
	for _, t := range ts {
		out = append(out, llm.ToolDef{Name: t.name, Description: t.desc, Parameters: json.RawMessage(t.schema)})
	}
	return out
}

func find(ts []*tool, name string) *tool {
	for _, t := range ts {
		if t.name == name {
			return t
		}
	}
	return nil
}

// parseArgs decodes a call's arguments; the model may send "" for none.
func parseArgs(raw string) (map[string]any, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return map[string]any{}, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// normalArgs is the arguments in a canonical form, for the loop guard.
func normalArgs(m map[string]any) string {
	b, _ := json.Marshal(m) // map keys are sorted
	return string(b)
}

func str(a map[string]any, k string) string {
	s, _ := a[k].(string)
	return s
}

func num(a map[string]any, k string) int {
	switch v := a[k].(type) {
	case float64:
		return int(v)
	case string:
		var n int
		if _, err := fmt.Sscan(v, &n); err == nil {
			return n
		}
	}
	return 0
}

func boolean(a map[string]any, k string) bool {
	switch v := a[k].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func strs(a map[string]any, k string) []string {
	var out []string
	switch v := a[k].(type) {
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
	case string:
		out = strings.Fields(v)
	}
	return out
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func titleRead(a map[string]any) string {
	t := "read " + str(a, "path")
	if s, e := num(a, "start_line"), num(a, "end_line"); s > 0 || e > 0 {
		t += fmt.Sprintf(":%d-%d", max(s, 1), e)
	}
	return t
}

func invalid(format string, args ...any) outcome {
	return outcome{res: ToolResult{OK: false, Output: fmt.Sprintf(format, args...)}, invalid: true}
}

func failed(output, hint string) outcome {
	return outcome{res: ToolResult{OK: false, Output: output, Hint: hint}}
}

func okResult(output string) outcome { return outcome{res: ToolResult{OK: true, Output: output}} }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
