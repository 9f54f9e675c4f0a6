package env

import (
	"fmt"
	"strings"
)

// StartupWarning says when a variable changes how programs start in the
// sandbox (issue 30): the dynamic loader's LD_* variables, NODE_OPTIONS,
// PYTHONPATH and the like. They are allowed (a person may need them), but
// a wrong value makes every node or python command fail, so the person is
// told. "" for any other name.
func StartupWarning(name string) string {
	n := strings.ToUpper(strings.TrimSpace(name))
	switch {
	case strings.HasPrefix(n, "LD_"):
		return n + " changes how every program in the sandbox is loaded: a wrong value can make every command fail."
	case n == "NODE_OPTIONS":
		return "NODE_OPTIONS is read by every node command in the sandbox: a wrong value makes each of them fail, the app's server too."
	case n == "PYTHONPATH", n == "PYTHONHOME", n == "PYTHONSTARTUP":
		return n + " changes how every Python program in the sandbox starts, the cells too: a wrong value can make them fail."
	case n == "PATH":
		return "PATH decides which programs the sandbox's commands find: a wrong value can make every command fail."
	}
	return ""
}

// NameList joins names for a sentence: at most max, then "and N more";
// each name cut to 40 characters.
func NameList(names []string, max int) string {
	shown := names
	if len(shown) > max {
		shown = shown[:max]
	}
	out := make([]string, len(shown))
	for i, n := range shown {
		out[i] = Cut(n, 40)
	}
	s := strings.Join(out, ", ")
	if rest := len(names) - len(shown); rest > 0 {
		s += fmt.Sprintf(" and %d more", rest)
	}
	return s
}

// Cut shortens s to at most n runes for a sentence, marking the cut.
func Cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
