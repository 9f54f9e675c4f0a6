package fragment

import (
	"fmt"
	"strings"
)

// SystemPrompt builds the system message for a turn: Fragments' prompt, the
// template(s) the model may use (pass one for a chosen template, all of them
// for Auto), the answer format, and the project's current files so that the
// model edits the existing app instead of starting over.
//
// Files are included verbatim; the caller decides which files matter (for
// a large project, the ones the person is working on) and should count the
// prompt against the model's context (llm.EstimateTokens).
func SystemPrompt(templates []Template, files []File) string {
	var b strings.Builder
	b.WriteString("You are a skilled software engineer. You do not make mistakes. Generate a fragment. " +
		"You can install additional dependencies. " +
		"Do not touch project dependencies files like package.json, package-lock.json, requirements.txt, etc. " +
		"Do not wrap code in backticks. Always break the lines correctly. ")
	switch len(templates) {
	case 0:
		b.WriteString("\n")
	case 1:
		b.WriteString("Use the following template:\n")
	default:
		b.WriteString("You can use one of the following templates:\n")
	}
	for i, t := range templates {
		port := "none"
		if t.Port > 0 {
			port = fmt.Sprint(t.Port)
		}
		fmt.Fprintf(&b, "%d. %s: %q. File: %s. Dependencies installed: %s. Port: %s.\n",
			i+1, t.ID, t.Instructions, orDash(t.File), orDash(strings.Join(t.Libraries, ", ")), port)
	}

	b.WriteString(`
Answer with one JSON object and nothing else (no prose around it, no markdown fences). Its fields, in this order:
- "commentary": ` + descCommentary + `
- "template": ` + descTemplate + ` Use the template's id exactly as listed above.
- "title": ` + descTitle + `
- "description": ` + descDescription + `
- "additional_dependencies": ` + descDeps + `
- "has_additional_dependencies": ` + descHasDeps + `
- "install_dependencies_command": ` + descInstall + `
- "port": ` + descPort + `
- "file_path": the main file: the template's entry file, relative to the project root.
- "code": the complete content of the main file. ` + descCode + `
- "files": ` + descFiles + ` Format: [{"path": "...", "content": "..."}].
Paths are always relative to the project root: never absolute, never containing "..".
`)

	if len(files) == 0 {
		return b.String()
	}
	b.WriteString(`
This is a persistent project: the app below already exists and runs in the sandbox. Edit it, do not start over:
make only the changes the user asks for, keep everything else working, and return the complete new content of
the main file plus every other file you change or add. Files you do not return stay as they are.
The project's current files:
`)
	for _, f := range files {
		fmt.Fprintf(&b, "<file path=%q>\n%s", f.Path, f.Content)
		if !strings.HasSuffix(f.Content, "\n") {
			b.WriteByte('\n')
		}
		b.WriteString("</file>\n")
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// EnvPrompt tells the model which environment variables the project's
// sandbox has (their names only: values, secret or not, never reach the
// model). "" when there are none.
func EnvPrompt(names []string) string {
	var ok []string
	for _, n := range names {
		if envNameOK(n) {
			ok = append(ok, n)
		}
	}
	if len(ok) == 0 {
		return ""
	}
	return "\nThe project has these environment variables set in the sandbox (read them from the environment, for example " +
		"os.environ[\"NAME\"] in Python or process.env.NAME in JavaScript; web servers also find them in the .env file of the project root). " +
		"Never write their values into the code, and do not create or edit the .env file: " + strings.Join(ok, ", ") + ".\n"
}

// envNameOK keeps anything but a plain variable name out of the prompt.
func envNameOK(n string) bool {
	if n == "" || len(n) > 128 || n[0] >= '0' && n[0] <= '9' {
		return false
	}
	for _, r := range n {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
