package env

import (
	"sort"
	"strings"
)

// Dotenv renders variables as a .env file in the grammar the common
// readers share (issue 30): python-dotenv, Node's dotenv and bash's
// `source` (also Next.js and Vite, which use dotenv). Every value is in
// single quotes, which all three read literally: no `$`/`${…}`
// interpolation (python-dotenv and bash expand them in double quotes and
// bare values), no `#` comment, no escape, spaces and non-ASCII kept.
//
// A single quote, a backslash or a line break cannot be written so that
// all three read it back the same (bash has no escape inside single
// quotes, python-dotenv decodes \\ and \' there, Node's dotenv decodes
// nothing), so such a value is left out of the file and named in left.
// store.ValidateEnvValue refuses those characters, so left is empty for
// every value saved through Tessera.
func Dotenv(vars map[string]string) (content []byte, left []string) {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# Written by Tessera from the project's environment. Edit the variables in Tessera, not here.\n")
	for _, k := range names {
		v := vars[k]
		if !Writable(v) {
			left = append(left, k)
			b.WriteString("# " + k + " is left out: its value has a quote, a backslash or a line break.\n")
			continue
		}
		b.WriteString(k + "='" + v + "'\n")
	}
	return []byte(b.String()), left
}

// Writable reports whether Dotenv can carry v.
func Writable(v string) bool { return !strings.ContainsAny(v, "'\\\n\r\x00") }
