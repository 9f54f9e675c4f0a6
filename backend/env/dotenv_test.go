package env

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The .env is read back the same by the readers people use: python-dotenv,
// Node's dotenv (e2e/node_modules, installed by scripts/setup.sh) and
// `source` in bash.
func TestDotenvReadersAgree(t *testing.T) {
	vars := map[string]string{
		"DQUOTE":    `say "hi"`,
		"DOLLAR":    "$HOME and $1",
		"BRACES":    "${HOME}/x and ${UNSET:-default}",
		"SUBST":     "$(echo no) `echo no`",
		"HASH":      "a # not a comment",
		"HASH0":     "#start",
		"SPACES":    "  lead and trail  ",
		"UNICODE":   "ünï 日本 🙂",
		"EQUALS":    "a=b=c",
		"EMPTY":     "",
		"SEMICOLON": "a; echo no",
	}
	refused := map[string]string{"QUOTE": "it's", "BACKSLASH": `a\b`, "NEWLINE": "a\nb"}
	all := map[string]string{}
	for k, v := range vars {
		all[k] = v
	}
	for k, v := range refused {
		all[k] = v
	}
	content, left := Dotenv(all)
	if strings.Join(left, ",") != "BACKSLASH,NEWLINE,QUOTE" {
		t.Fatalf("left = %v", left)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	namesJSON, _ := json.Marshal(names)
	_, self, _, _ := runtime.Caller(0)
	nodeModules := filepath.Join(filepath.Dir(self), "..", "..", "e2e", "node_modules")
	// python-dotenv expands ${…} whatever the quotes (it has no escape
	// for it): dotenv_values is checked on the others; load_dotenv, what
	// apps call, keeps the value the process environment already has
	// (the sandbox gives every process the variables), so os.environ is
	// right for all.
	sandboxEnv := []string{}
	for k, v := range vars {
		sandboxEnv = append(sandboxEnv, k+"="+v)
	}
	readers := []struct {
		name string
		cmd  *exec.Cmd
		env  []string
		skip func(value string) bool
	}{
		{"python-dotenv values", exec.Command("python3", "-c", `import json, sys, dotenv; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))`, path), nil,
			func(v string) bool { return strings.Contains(v, "${") }},
		{"python-dotenv load", exec.Command("python3", "-c", `import json, os, sys, dotenv; dotenv.load_dotenv(sys.argv[1]); print(json.dumps({k: os.environ[k] for k in json.loads(sys.argv[2]) if k in os.environ}))`, path, string(namesJSON)), sandboxEnv, nil},
		{"node dotenv", exec.Command("node", "-e", `const d = require("dotenv"); const fs = require("fs"); console.log(JSON.stringify(d.parse(fs.readFileSync(process.argv[1]))))`, path), nil, nil},
		{"bash source", exec.Command("bash", "-c", `set -a; . "$1"; python3 -c 'import json, os, sys; print(json.dumps({k: os.environ[k] for k in json.loads(sys.argv[1]) if k in os.environ}))' "$2"`, "bash", path, string(namesJSON)), nil, nil},
	}
	for _, r := range readers {
		t.Run(r.name, func(t *testing.T) {
			r.cmd.Env = append(append(os.Environ(), "NODE_PATH="+nodeModules, "HOME=/home/tessera-test"), r.env...)
			out, err := r.cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s failed (run scripts/setup.sh): %v\n%s", r.name, err, out)
			}
			var got map[string]string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s printed %s", r.name, out)
			}
			for k, want := range vars {
				if r.skip != nil && r.skip(want) {
					continue
				}
				if g, ok := got[k]; !ok || g != want {
					t.Errorf("%s: %s = %q (present %v), want %q", r.name, k, g, ok, want)
				}
			}
			for k := range refused {
				if _, ok := got[k]; ok {
					t.Errorf("%s: %s was read though it was left out", r.name, k)
				}
			}
		})
	}
}
