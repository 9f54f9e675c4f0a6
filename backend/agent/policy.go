package agent

import (
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Approval is decided by Tessera's own rules, never by the model: a
// command is parsed as the shell would parse it (mvdan.cc/sh), and every
// simple command in it — inside pipes, lists, subshells, $(...) — is
// checked. The model's own claim that a command is safe is not an input.

// Consent is the person's setting for a tool.
type Consent string

const (
	ConsentAsk    Consent = "ask"    // every call asks
	ConsentAlways Consent = "always" // runs without asking (dangers still ask)
	ConsentNever  Consent = "never"  // not offered to the model at all
)

// Danger is a kind of command that asks for approval even when commands
// are auto-approved.
type Danger string

const (
	DangerDeleteOutside Danger = "delete_outside" // rm/find -delete/... outside the project folder
	DangerPipeToShell   Danger = "pipe_to_shell"  // curl x | sh, bash <(curl x)
	DangerUpload        Danger = "upload"         // curl -T/-F/-d @file, scp, rsync to a host, nc
	DangerGitPush       Danger = "git_push"
	DangerPrintEnv      Danger = "print_env"   // env, printenv, cat .env, /proc/*/environ
	DangerKillServer    Danger = "kill_server" // kill, pkill, killall, fuser -k
	DangerNewPackages   Danger = "new_packages"
	DangerUnparsable    Danger = "unparsable" // the shell could not parse it: never run blind
)

var dangerSentence = map[Danger]string{
	DangerDeleteOutside: "it deletes files outside the project folder",
	DangerPipeToShell:   "it runs a script downloaded from the internet",
	DangerUpload:        "it sends files or data to another computer",
	DangerGitPush:       "it pushes to a git remote",
	DangerPrintEnv:      "it prints environment variables, which may hold secrets",
	DangerKillServer:    "it stops processes, perhaps the app's own server",
	DangerNewPackages:   "it installs new packages",
	DangerUnparsable:    "Tessera could not read the command to check it",
}

// Policy is the person's approval settings.
type Policy struct {
	// Tools: per tool ask/always/never; a tool not listed has its
	// default (see defaultConsent).
	Tools map[string]Consent `json:"tools,omitempty"`
	// AutoApprove lets commands outside the allow-list run without
	// asking. Dangers still ask.
	AutoApprove bool `json:"autoApprove"`
	// Allow lets a danger run without asking (each a setting, default
	// none). DangerUnparsable cannot be allowed.
	Allow map[Danger]bool `json:"allow,omitempty"`
	// AllowCommands adds program names to the allow-list.
	AllowCommands []string `json:"allowCommands,omitempty"`
}

// defaultConsent: reads and in-project writes run (versions make them
// revertible), commands are judged by the rules, packages ask.
func defaultConsent(tool string) Consent {
	if tool == "install_packages" {
		return ConsentAsk
	}
	return ConsentAlways
}

// ConsentFor is the setting of one tool.
func (p Policy) ConsentFor(tool string) Consent {
	if c, ok := p.Tools[tool]; ok && (c == ConsentAsk || c == ConsentAlways || c == ConsentNever) {
		return c
	}
	return defaultConsent(tool)
}

// allowList is the programs that run without asking when nothing in the
// command is a danger: reading, building, testing, the project's scripts.
var allowList = map[string]bool{
	"ls": true, "cat": true, "head": true, "tail": true, "wc": true, "grep": true, "rg": true, "find": true,
	"echo": true, "printf": true, "pwd": true, "true": true, "false": true, "test": true, "[": true,
	"sed": true, "awk": true, "tr": true, "cut": true, "basename": true, "dirname": true, "realpath": true, "nl": true, "column": true, "sort": true, "uniq": true, "diff": true, "file": true, "stat": true, "du": true, "tree": true,
	"mkdir": true, "touch": true, "cp": true, "mv": true, "rm": true, "cd": true, "sleep": true, "date": true, "which": true,
	"exit": true, "return": true, "shift": true, "wait": true, ":": true, "unset": true, "local": true, "read": true, "type": true,
	"node": true, "npm": true, "npx": true, "yarn": true, "pnpm": true, "tsc": true, "eslint": true, "prettier": true,
	"vitest": true, "jest": true, "next": true, "vite": true,
	"python": true, "python3": true, "pytest": true, "pip": true, "pip3": true, "ruff": true, "mypy": true, "streamlit": true,
	"git": true, "curl": true, "wget": true, "jq": true,
}

// Verdict is what the rules decided for one call.
type Verdict struct {
	// Ask: the person decides; Reasons say why.
	Ask     bool
	Reasons []string
	Dangers []Danger
}

// Judge decides a tool call: consent first, then, for commands, the
// rules. root is the project folder in the sandbox.
func (p Policy) Judge(tool, command, root string) Verdict {
	var v Verdict
	if p.ConsentFor(tool) == ConsentAsk {
		v.Ask = true
		v.Reasons = append(v.Reasons, "you asked to approve every "+tool+" call")
	}
	if tool == "install_packages" && !p.Allow[DangerNewPackages] {
		v.Ask = true
		v.Dangers = append(v.Dangers, DangerNewPackages)
		v.Reasons = append(v.Reasons, dangerSentence[DangerNewPackages])
	}
	if command == "" {
		return v
	}
	dangers, unknown := Classify(command, root, p.AllowCommands)
	for _, d := range dangers {
		if d != DangerUnparsable && p.Allow[d] || slices.Contains(v.Dangers, d) {
			continue // allowed, or said already (install_packages above)
		}
		v.Ask = true
		v.Dangers = append(v.Dangers, d)
		v.Reasons = append(v.Reasons, dangerSentence[d])
	}
	if len(unknown) > 0 && !p.AutoApprove && p.ConsentFor(tool) != ConsentAsk {
		v.Ask = true
		v.Reasons = append(v.Reasons, "it runs "+strings.Join(unknown, ", ")+", which is not on the allow-list")
	}
	return v
}

// Classify finds the dangers in a shell command and the programs it runs
// that are not on the allow-list.
func Classify(command, root string, extra []string) (dangers []Danger, unknown []string) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(command), "")
	if err != nil {
		return []Danger{DangerUnparsable}, nil
	}
	seen := map[Danger]bool{}
	add := func(d Danger) {
		if !seen[d] {
			seen[d] = true
			dangers = append(dangers, d)
		}
	}
	allowed := func(name string) bool {
		if allowList[name] {
			return true
		}
		for _, e := range extra {
			if e == name {
				return true
			}
		}
		return false
	}
	unknownSeen := map[string]bool{}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.BinaryCmd:
			if x.Op == syntax.Pipe || x.Op == syntax.PipeAll {
				if fetches(x.X) && runsShell(x.Y) {
					add(DangerPipeToShell)
				}
			}
		case *syntax.ProcSubst:
			// bash <(curl x)
			for _, s := range x.Stmts {
				if fetches(s) {
					add(DangerPipeToShell)
				}
			}
		case *syntax.DeclClause:
			// export / declare / typeset with no names, or -p / -x only,
			// print the environment.
			if v := x.Variant; v != nil && (v.Value == "export" || v.Value == "declare" || v.Value == "typeset") {
				names := 0
				for _, a := range x.Args {
					if a.Name != nil || (a.Value != nil && !strings.HasPrefix(strings.Join(literalWords([]*syntax.Word{a.Value}), ""), "-")) {
						names++
					}
				}
				if names == 0 {
					add(DangerPrintEnv)
				}
			}
		case *syntax.CallExpr:
			words := unwrap(literalWords(x.Args))
			if len(words) == 0 {
				return true
			}
			name := path.Base(words[0])
			// sh -c "$(curl ...)" and eval "$(curl ...)"
			if (isShell(name) || name == "eval") && containsFetch(x) {
				add(DangerPipeToShell)
			}
			ds := commandDangers(name, words[1:], root)
			for _, d := range ds {
				add(d)
			}
			// A program a danger rule judged is not also "unknown".
			if len(ds) == 0 && !allowed(name) && !unknownSeen[name] && !isShell(name) {
				unknownSeen[name] = true
				unknown = append(unknown, name)
			}
		}
		return true
	})
	return dangers, unknown
}

// unwrap skips the wrappers that run another command (env FOO=1 cmd,
// nice, nohup, time, timeout 10 cmd), so that command is judged. env
// alone prints the environment and stays.
func unwrap(words []string) []string {
	for len(words) > 1 {
		switch path.Base(words[0]) {
		case "env", "nice", "nohup", "time", "command", "exec":
			rest := words[1:]
			for len(rest) > 0 && (strings.HasPrefix(rest[0], "-") || strings.Contains(rest[0], "=")) {
				rest = rest[1:]
			}
			if len(rest) == 0 {
				return words
			}
			words = rest
		case "timeout":
			rest := words[1:]
			for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
				rest = rest[1:]
			}
			if len(rest) < 2 {
				return words
			}
			words = rest[1:]
		default:
			return words
		}
	}
	return words
}

func commandDangers(name string, args []string, root string) []Danger {
	var out []Danger
	switch name {
	case "rm", "rmdir", "shred", "unlink":
		for _, a := range args {
			if !strings.HasPrefix(a, "-") && outside(a, root) {
				out = append(out, DangerDeleteOutside)
				break
			}
		}
	case "find":
		del := false
		for _, a := range args {
			if a == "-delete" || a == "-exec" || a == "-execdir" {
				del = true
			}
		}
		if del {
			for _, a := range args {
				if !strings.HasPrefix(a, "-") && outside(a, root) {
					out = append(out, DangerDeleteOutside)
					break
				}
			}
		}
	case "git":
		for _, a := range args {
			if a == "push" {
				out = append(out, DangerGitPush)
				break
			}
		}
	case "env", "printenv", "set", "compgen":
		if name == "set" && len(args) > 0 {
			break // set -e
		}
		if name == "env" && len(nonFlags(args)) > 0 && !strings.Contains(args[len(args)-1], "=") {
			break // unwrap kept env: env FOO=1 with nothing after prints
		}
		out = append(out, DangerPrintEnv)
	case "kill", "pkill", "killall", "fuser":
		if name != "fuser" || hasAny(args, "-k") {
			out = append(out, DangerKillServer)
		}
	case "scp", "sftp", "nc", "ncat", "netcat", "ftp":
		out = append(out, DangerUpload)
	case "rsync":
		for _, a := range args {
			if strings.Contains(a, ":") && !strings.HasPrefix(a, "-") {
				out = append(out, DangerUpload)
				break
			}
		}
	case "curl":
		for i, a := range args {
			switch {
			case a == "-T" || a == "--upload-file" || a == "-F" || a == "--form" || strings.HasPrefix(a, "--form-string"):
				out = append(out, DangerUpload)
			case (a == "-d" || a == "--data" || a == "--data-binary" || a == "--data-raw" || a == "--data-urlencode") && i+1 < len(args) && strings.HasPrefix(args[i+1], "@"):
				out = append(out, DangerUpload)
			}
		}
	case "wget":
		if hasAny(args, "--post-file", "--body-file") {
			out = append(out, DangerUpload)
		}
	case "npm", "pnpm", "yarn", "bun", "pip", "pip3", "uv", "poetry", "apt", "apt-get", "conda", "gem", "cargo", "go":
		if installsNew(name, args) {
			out = append(out, DangerNewPackages)
		}
	}
	// Reading a .env file or a process's environment prints secrets.
	if name == "cat" || name == "less" || name == "more" || name == "head" || name == "tail" || name == "strings" || name == "xxd" || name == "grep" {
		for _, a := range args {
			b := path.Base(a)
			if strings.HasPrefix(b, ".env") || strings.HasSuffix(a, "/environ") {
				out = append(out, DangerPrintEnv)
				break
			}
		}
	}
	return out
}

func installsNew(name string, args []string) bool {
	pos := nonFlags(args)
	if len(pos) == 0 {
		return false
	}
	verb := pos[0]
	switch name {
	case "npm", "pnpm", "bun":
		return (verb == "install" || verb == "i" || verb == "add") && len(pos) > 1
	case "yarn":
		return verb == "add"
	case "pip", "pip3":
		return verb == "install" && (len(pos) > 1 && !hasAny(args, "-r", "--requirement"))
	case "uv":
		return verb == "add" || (verb == "pip" && len(pos) > 2 && pos[1] == "install")
	case "poetry", "cargo":
		return verb == "add"
	case "apt", "apt-get", "conda", "gem":
		return verb == "install"
	case "go":
		return verb == "get" || (verb == "install" && len(pos) > 1)
	}
	return false
}

// outside reports whether a path argument reaches outside root: absolute
// paths elsewhere, the home folder, parent folders, variables the rules
// cannot see through.
func outside(arg, root string) bool {
	switch {
	case arg == "":
		return false
	case strings.HasPrefix(arg, "~"), strings.Contains(arg, "$"), strings.Contains(arg, "`"):
		return true
	case strings.HasPrefix(arg, "/"):
		clean := path.Clean(arg)
		return root == "" || (clean != root && !strings.HasPrefix(clean, strings.TrimRight(root, "/")+"/"))
	}
	clean := path.Clean(arg)
	return clean == ".." || strings.HasPrefix(clean, "../")
}

// literalWords renders a call's words; a part that is not literal
// (a variable, a substitution) is kept as its source text, so "$HOME"
// stays visible to the rules.
func literalWords(ws []*syntax.Word) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		var b strings.Builder
		for _, p := range w.Parts {
			switch x := p.(type) {
			case *syntax.Lit:
				b.WriteString(x.Value)
			case *syntax.SglQuoted:
				b.WriteString(x.Value)
			case *syntax.DblQuoted:
				for _, q := range x.Parts {
					if l, ok := q.(*syntax.Lit); ok {
						b.WriteString(l.Value)
					} else {
						b.WriteString("$")
					}
				}
			case *syntax.ParamExp:
				b.WriteString("$" + x.Param.Value)
			default:
				b.WriteString("$")
			}
		}
		out = append(out, b.String())
	}
	return out
}

func firstWord(n syntax.Node) string {
	var name string
	syntax.Walk(n, func(m syntax.Node) bool {
		if name != "" {
			return false
		}
		if c, ok := m.(*syntax.CallExpr); ok {
			if ws := literalWords(c.Args); len(ws) > 0 {
				name = path.Base(ws[0])
			}
			return false
		}
		return true
	})
	return name
}

func fetches(n syntax.Node) bool {
	switch firstWord(n) {
	case "curl", "wget", "fetch", "http", "aria2c":
		return true
	}
	return false
}

func runsShell(n syntax.Node) bool {
	name := firstWord(n)
	if name == "sudo" || name == "env" || name == "exec" {
		return true // sudo sh, env bash: judged as the worst case
	}
	return isShell(name) || name == "python" || name == "python3" || name == "node" || name == "perl" || name == "ruby" || name == "eval"
}

func isShell(name string) bool {
	switch name {
	case "sh", "bash", "zsh", "dash", "ksh", "fish":
		return true
	}
	return false
}

func containsFetch(c *syntax.CallExpr) bool {
	found := false
	for _, w := range c.Args[1:] {
		syntax.Walk(w, func(n syntax.Node) bool {
			if cs, ok := n.(*syntax.CmdSubst); ok {
				for _, s := range cs.Stmts {
					if fetches(s) {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

func nonFlags(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

func hasAny(args []string, flags ...string) bool {
	for _, a := range args {
		for _, f := range flags {
			if a == f {
				return true
			}
		}
	}
	return false
}
