package agent

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"
	"time"

	"tessera/backend/apperr"
)

// Command tools run in the sandbox through Sandbox; every command leads
// its own process group there, so a timeout or a Stop kills what it
// started (envd alone signals only the pid, PROTOCOL.md §4.5).

const (
	defaultCommandTimeout = 120 * time.Second
	maxCommandTimeout     = 30 * time.Minute
)

func intp(n int) *int { return &n }

func toolRunCommand(ctx context.Context, r *run, a map[string]any) outcome {
	line := strings.TrimSpace(str(a, "command"))
	if line == "" {
		return invalid("Give the command to run.")
	}
	if r.s.cfg.Sandbox == nil {
		return failed("This project has no sandbox to run commands in.", "")
	}
	if boolean(a, "background") {
		out := &lockedBuffer{b: boundedBuffer{max: MaxOutputChars}}
		pid, err := r.s.cfg.Sandbox.Background(context.WithoutCancel(ctx), r.projectID, Exec{Line: line,
			OnOutput: func(_ string, b []byte) { out.Write(r.redact(string(b))) }})
		if err != nil {
			return failed(r.redact(apperr.MessageOf(err)), "")
		}
		r.startedBackground(pid, out)
		return okResult(fmt.Sprintf("Started in the background as pid %d. Read its output with read_console pid=%d.", pid, pid))
	}
	timeout := time.Duration(num(a, "timeout_seconds")) * time.Second
	if timeout <= 0 {
		timeout = defaultCommandTimeout
	}
	timeout = min(timeout, maxCommandTimeout)
	stdout, stderr := &boundedBuffer{max: MaxOutputChars}, &boundedBuffer{max: MaxOutputChars}
	code, err := r.s.cfg.Sandbox.Exec(ctx, r.projectID, Exec{Line: line, Timeout: timeout, OnOutput: func(stream string, b []byte) {
		if stream == "stderr" {
			stderr.Write(b)
		} else {
			stdout.Write(b)
		}
	}})
	text := r.redact(commandOutput(stdout.String(), stderr.String()))
	total := stdout.total + stderr.total
	capped, cut := capOutput(text, MaxOutputChars)
	if cut > 0 || total > len(text) {
		cut = max(cut, total)
	}
	res := ToolResult{Output: capped, TruncatedFrom: cut}
	if cut > 0 {
		res.Hint = fmt.Sprintf("The output was %d characters; the start and the end are kept. Pipe through grep, head or tail to see the part you need.", cut)
	}
	if err != nil {
		res.Output = strings.TrimSpace(res.Output + "\n" + r.redact(apperr.MessageOf(err)))
		if ctx.Err() == nil && strings.Contains(apperr.MessageOf(err), "time limit") {
			res.Hint = "Raise timeout_seconds, or run it with background=true."
		}
		return outcome{res: res}
	}
	res.ExitCode = intp(code)
	res.OK = code == 0
	if res.OK && !webTemplate(r.template) && r.changedSinceCheck && strings.Contains(line, "python") {
		r.checked = appendOnce(r.checked, "`"+clipLine(line, 80)+"` ran without an error")
	}
	if res.OK && strings.Contains(res.Output, "Traceback (most recent call last)") {
		res.OK = false
		res.Hint = "The command printed a traceback."
	}
	if res.Output == "" {
		res.Output = fmt.Sprintf("(no output; exit code %d)", code)
	}
	return outcome{res: res}
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\r`)

var errorLine = regexp.MustCompile(`(?i)\b(error|failed|exception|traceback|unhandled|cannot|module not found|typeerror|referenceerror|syntaxerror)\b`)

func toolReadConsole(ctx context.Context, r *run, a map[string]any) outcome {
	var text string
	if pid := num(a, "pid"); pid > 0 {
		b := r.backgroundOutput(uint32(pid))
		if b == nil {
			return invalid("No background process %d was started in this turn.", pid)
		}
		text = b.String()
	} else {
		if r.s.cfg.Sandbox == nil {
			return failed("This project has no sandbox, so there is no console.", "")
		}
		c, err := r.s.cfg.Sandbox.Console(ctx, r.projectID)
		if err != nil {
			return failed(r.redact(apperr.MessageOf(err)), "")
		}
		text = r.redact(c)
	}
	lines := strings.Split(ansi.ReplaceAllString(text, ""), "\n")
	filter, errorsOnly := str(a, "filter"), boolean(a, "errors_only")
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if filter != "" && !strings.Contains(strings.ToLower(l), strings.ToLower(filter)) {
			continue
		}
		if errorsOnly && !errorLine.MatchString(l) {
			continue
		}
		kept = append(kept, l)
	}
	n := num(a, "lines")
	if n <= 0 || n > 500 {
		n = 200
	}
	res := ToolResult{OK: true}
	if len(kept) > n {
		res.TruncatedFrom = len(kept)
		res.Hint = fmt.Sprintf("%d lines; the last %d are shown. Use filter or errors_only to narrow.", len(kept), n)
		kept = kept[len(kept)-n:]
	}
	res.Output, _ = capOutput(strings.Join(kept, "\n"), MaxOutputChars)
	if res.Output == "" {
		res.Output = "(the console is empty)"
		if filter == "" && !errorsOnly {
			res.Hint = "If the dev server was just started, its output appears after the next step; read the console again then."
		}
	}
	return outcome{res: res}
}

var tags = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]+>`)

func toolViewPreview(ctx context.Context, r *run, a map[string]any) outcome {
	if r.s.cfg.Sandbox == nil {
		return failed("This project has no sandbox, so there is no preview.", "")
	}
	p := str(a, "path")
	if p == "" || !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	pv, err := r.s.cfg.Sandbox.Preview(ctx, r.projectID, p)
	if err != nil {
		return failed(r.redact(apperr.MessageOf(err)), "Start the dev server (read_console shows whether it runs), then look again.")
	}
	body := pv.Body
	if strings.Contains(pv.ContentType, "html") {
		body = html.UnescapeString(tags.ReplaceAllString(body, " "))
		body = strings.Join(strings.Fields(body), " ")
	}
	body, _ = capOutput(r.redact(body), 6000)
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s → HTTP %d\n", p, pv.Status)
	b.WriteString("Page text: " + orDefault(body, "(empty)") + "\n")
	errs := 0
	if c, err := r.s.cfg.Sandbox.Console(ctx, r.projectID); err == nil {
		var lines []string
		for _, l := range strings.Split(ansi.ReplaceAllString(r.redact(c), ""), "\n") {
			if errorLine.MatchString(l) {
				lines = append(lines, clipLine(l, MaxLineChars))
			}
		}
		if len(lines) > 20 {
			lines = lines[len(lines)-20:]
		}
		errs = len(lines)
		if errs > 0 {
			b.WriteString("Errors on the dev server's console:\n" + strings.Join(lines, "\n"))
		} else {
			b.WriteString("No errors on the dev server's console.")
		}
	}
	ok := pv.Status >= 200 && pv.Status < 400 && errs == 0
	if ok {
		r.checked = appendOnce(r.checked, fmt.Sprintf("the preview %s answered HTTP %d without console errors", p, pv.Status))
	}
	return outcome{res: ToolResult{OK: ok, Output: b.String()}}
}

// Check is one of a template's checks.
type Check struct {
	Name    string `json:"name"`
	Command string `json:"command"`
}

// DefaultChecks are the checks a template declares when the project sets
// none (Config.Checks overrides per project).
func DefaultChecks(template string) []Check {
	switch template {
	case "nextjs-developer":
		return []Check{{"type-check", "npx --no-install tsc --noEmit"}, {"lint", "npx --no-install next lint"}}
	case "vue-developer":
		return []Check{{"type-check", "npx --no-install vue-tsc --noEmit"}}
	case "streamlit-developer", "gradio-developer", "code-interpreter-v1":
		return []Check{{"compile", "python3 -m compileall -q ."}}
	}
	return []Check{{"compile", "python3 -m compileall -q . 2>/dev/null || true"}}
}

func toolRunChecks(ctx context.Context, r *run, a map[string]any) outcome {
	if r.checksRan && !r.changedSinceCheck {
		return outcome{res: ToolResult{OK: false, Output: "The checks were refused: no file changed since they last ran, so they would say the same.",
			Hint: "Change a file first, or finish if the checks passed."}, invalid: true}
	}
	checks := DefaultChecks(r.template)
	if r.s.cfg.Checks != nil {
		if cs := r.s.cfg.Checks(ctx, r.projectID); len(cs) > 0 {
			checks = cs
		}
	}
	if name := str(a, "check"); name != "" {
		var one []Check
		for _, c := range checks {
			if c.Name == name {
				one = append(one, c)
			}
		}
		if len(one) == 0 {
			names := make([]string, 0, len(checks))
			for _, c := range checks {
				names = append(names, c.Name)
			}
			return invalid("There is no check %q; the checks are %s.", name, strings.Join(names, ", "))
		}
		checks = one
	}
	r.checksRan, r.changedSinceCheck = true, false
	var b strings.Builder
	allOK := true
	last := 0
	for _, c := range checks {
		o := toolRunCommand(ctx, r, map[string]any{"command": c.Command, "timeout_seconds": float64(300)})
		status := "passed"
		if !o.res.OK {
			status, allOK = "failed", false
		}
		if o.res.ExitCode != nil {
			last = *o.res.ExitCode
		}
		fmt.Fprintf(&b, "== %s (%s): %s\n%s\n", c.Name, c.Command, status, o.res.Output)
		if ok := o.res.OK; ok {
			r.checked = appendOnce(r.checked, "the "+c.Name+" check passed")
		}
	}
	out, cut := capOutput(b.String(), MaxOutputChars)
	res := ToolResult{OK: allOK, Output: out, TruncatedFrom: cut, ExitCode: intp(last)}
	return outcome{res: res}
}

func installCommand(a map[string]any) string {
	pkgs := strs(a, "packages")
	quoted := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		quoted = append(quoted, shellQuote(p))
	}
	if str(a, "manager") == "pip" {
		return "pip install " + strings.Join(quoted, " ")
	}
	return "npm install " + strings.Join(quoted, " ")
}

var packageName = regexp.MustCompile(`^(@[a-z0-9][\w.-]*/)?[A-Za-z0-9][\w.\-\[\],]*([<>=!~^@]=?[\w.*\-+]+)?$`)

func toolInstall(ctx context.Context, r *run, a map[string]any) outcome {
	pkgs := strs(a, "packages")
	if len(pkgs) == 0 {
		return invalid("Give the packages to install.")
	}
	for _, p := range pkgs {
		if !packageName.MatchString(p) {
			return invalid("%q is not a package name.", p)
		}
	}
	if r.s.cfg.Sandbox == nil {
		return failed("This project has no sandbox to install packages in.", "")
	}
	out := &boundedBuffer{max: MaxOutputChars}
	err := r.s.cfg.Sandbox.Install(ctx, r.projectID, installCommand(a), func(_ string, b []byte) { out.Write(b) })
	text, cut := capOutput(r.redact(out.String()), MaxOutputChars)
	if err != nil {
		return outcome{res: ToolResult{OK: false, Output: strings.TrimSpace(text + "\n" + r.redact(apperr.MessageOf(err))), TruncatedFrom: cut}}
	}
	r.changedSinceCheck = true
	return outcome{res: ToolResult{OK: true, Output: orDefault(text, "Installed."), TruncatedFrom: cut}}
}

func toolTodos(_ context.Context, r *run, a map[string]any) outcome {
	raw, _ := a["todos"].([]any)
	var todos []Todo
	for _, x := range raw {
		m, _ := x.(map[string]any)
		if t := strings.TrimSpace(str(m, "text")); t != "" {
			todos = append(todos, Todo{Text: clipLine(t, 200), Done: boolean(m, "done")})
		}
	}
	if len(todos) > 50 {
		return invalid("At most 50 to-dos.")
	}
	r.setTodos(todos)
	open := 0
	for _, t := range todos {
		if !t.Done {
			open++
		}
	}
	return okResult(fmt.Sprintf("To-do list saved: %d open, %d done.", open, len(todos)-open))
}

func toolAsk(_ context.Context, _ *run, a map[string]any) outcome {
	q := strings.TrimSpace(str(a, "question"))
	if q == "" {
		return invalid("Give the question to ask.")
	}
	return outcome{res: ToolResult{OK: true, Output: "Asked; the turn ends here."}, question: q}
}

// Done means checked: a turn that changed files may finish only after
// its result was seen working (the preview answered without console
// errors, a check passed, a command ran cleanly). The first finish
// without that is refused with a hint; a second one is accepted, and
// the result says nothing was checked.
func toolFinish(_ context.Context, r *run, a map[string]any) outcome {
	s := strings.TrimSpace(str(a, "summary"))
	if s == "" {
		return invalid("Give a summary of what you did.")
	}
	if r.uncheckedOnce() {
		return failed("Not finished: you changed files but have not checked the result.", r.howToCheck()+" Then finish.")
	}
	return outcome{res: ToolResult{OK: true, Output: "Finished."}, finish: &finish{Summary: s, Checked: strs(a, "checked")}}
}

// uncheckedOnce reports, once per turn, that the turn changed files and
// checked nothing; the second time it lets the turn end and says so.
func (r *run) uncheckedOnce() bool {
	if len(r.changed) == 0 || len(r.checked) > 0 || r.mode.ReadOnly() {
		return false
	}
	if r.finishRefused {
		r.addNotice("The agent finished without checking its result.")
		return false
	}
	r.finishRefused = true
	return true
}

func (r *run) howToCheck() string {
	if webTemplate(r.template) {
		return "Look at the preview (view_preview) and make sure it answers without console errors, or run the checks (run_checks)."
	}
	return "Run it (run_command) and make sure it ends without a traceback, or run the checks (run_checks)."
}

func webTemplate(t string) bool {
	switch t {
	case "nextjs-developer", "vue-developer", "streamlit-developer", "gradio-developer":
		return true
	}
	return false
}

func appendOnce(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// lockedBuffer is a boundedBuffer written from a background stream.
type lockedBuffer struct {
	mu sync.Mutex
	b  boundedBuffer
}

func (l *lockedBuffer) Write(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write([]byte(s))
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
