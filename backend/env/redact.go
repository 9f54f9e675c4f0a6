package env

// Redaction at every exit (issue 30). A secret given to the sandbox comes
// back in what the sandbox says: printed, in a traceback, in a URL, in a
// file. Whatever leaves Tessera for the model, is stored or is exported
// goes through Redact first, which replaces every known secret value of
// the project, and the E2B and LLM keys, by "[secret NAME]".
//
// Not only the raw value: also the forms programs commonly print it in.
// URL-encoded (a query string, a logged request), base64 (an Authorization
// header, a config dump), JSON string escapes (a JSON log line, a stored
// run result) and the backslash escapes of a Python repr or traceback. A
// value is only matched whole: a secret cut in half by a line wrap, or
// folded into a longer base64 block at an offset not a multiple of 3, is
// not found. Values shorter than MinRedactLen are not matched at all:
// replacing every "ab" of a text would wreck it and hide nothing.
//
// The matcher is a strings.Replacer (a trie over every form, one pass
// over the text, safe for concurrent use), built once per project after a
// change of its variables or of the keys and cached; see
// BenchmarkRedact for what one pass costs.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// MinRedactLen is the shortest secret value Redact replaces (bytes).
const MinRedactLen = 4

// MinKeyRedactLen is the shortest app key (E2B, LLM) Redact replaces: real
// API keys are far longer, while a local model's placeholder key
// ("ollama", "none", "lm-studio") is a word the chat is full of.
const MinKeyRedactLen = 12

// Redacter is what a caller needs: s with the project's secrets replaced.
// projectID "" redacts only the E2B and LLM keys. Implemented by
// *Redactor; a nil *Redactor returns s unchanged. Safe for concurrent use
// and cheap once built (one pass over s), so call it on every piece of
// text that came from the sandbox before it goes to the model, to the
// database or to the page: a tool's result in agent mode, a command's
// output, a file read back. Declare the same one-method interface where
// it is used rather than importing a concrete type.
type Redacter interface {
	Redact(projectID, s string) string
}

// KeySource gives the app-wide keys to redact, by the name they are shown
// as (e.g. "E2B_API_KEY" -> the key). Missing keys are simply absent.
type KeySource func(ctx context.Context) map[string]string

// Redactor replaces secret values. Safe for concurrent use.
type Redactor struct {
	env  *Env
	keys KeySource
	ctx  func() context.Context

	mu       sync.Mutex
	projects map[string]*strings.Replacer // cached per project
	global   []pair                       // the keys' forms; nil = not read
	// gen counts invalidations: a matcher built from values read before
	// an invalidation is used once but never cached.
	gen uint64
}

type pair struct{ from, to string }

// resolveWait bounds the keychain reads of one build: Redact has no
// context of its own (it sits on paths that must not fail).
const resolveWait = 10 * time.Second

// NewRedactor builds a Redactor over env's projects and the keys; ctx
// returns the app's root context (a build is cancelled with it). It
// registers itself with env, so a change of variables takes effect on the
// next Redact.
func NewRedactor(ctx func() context.Context, e *Env, keys KeySource) *Redactor {
	r := &Redactor{env: e, keys: keys, ctx: ctx, projects: map[string]*strings.Replacer{}}
	if e != nil {
		prev := e.changed
		e.OnChange(func(id string) {
			if prev != nil {
				prev(id)
			}
			r.Invalidate(id)
		})
	}
	return r
}

// Invalidate drops the project's matcher (its variables changed).
func (r *Redactor) Invalidate(projectID string) {
	r.mu.Lock()
	delete(r.projects, projectID)
	r.gen++
	r.mu.Unlock()
}

// InvalidateKeys drops every matcher (an E2B or LLM key changed).
func (r *Redactor) InvalidateKeys() {
	r.mu.Lock()
	r.projects = map[string]*strings.Replacer{}
	r.global = nil
	r.gen++
	r.mu.Unlock()
}

// Redact returns s with every known secret value of the project (and the
// app's keys) replaced by "[secret NAME]". When the values cannot be read
// (a locked keychain) the sandbox did not get them either; the project's
// matcher is then not cached, so the next call tries again.
func (r *Redactor) Redact(projectID, s string) string {
	out, _ := r.RedactChecked(projectID, s)
	return out
}

// RedactChecked is Redact that also says whether every secret value could
// be read (false: a locked keychain; what was known is still replaced).
// The agent's tool results use it to withhold what cannot be checked: a
// sandbox made before the keychain locked still holds the values.
func (r *Redactor) RedactChecked(projectID, s string) (string, bool) {
	if r == nil || s == "" {
		return s, true
	}
	rep, complete := r.replacer(projectID)
	if rep == nil {
		return s, complete
	}
	return rep.Replace(s), complete
}

// RedactBytes is Redact for JSON or text held as bytes (a stored run
// result): "[secret NAME]" needs no escaping inside a JSON string.
func (r *Redactor) RedactBytes(projectID string, b []byte) []byte {
	if r == nil || len(b) == 0 {
		return b
	}
	out := r.Redact(projectID, string(b))
	if len(out) == len(b) && out == string(b) {
		return b
	}
	return []byte(out)
}

func (r *Redactor) replacer(projectID string) (*strings.Replacer, bool) {
	r.mu.Lock()
	rep, ok := r.projects[projectID]
	gen := r.gen
	r.mu.Unlock()
	if ok {
		return rep, true // only complete matchers are cached
	}
	base := context.Background()
	if r.ctx != nil {
		base = r.ctx()
	}
	ctx, cancel := context.WithTimeout(base, resolveWait)
	defer cancel()
	pairs, cache := r.pairs(ctx, projectID)
	if len(pairs) > 0 {
		rep = newReplacer(pairs)
	}
	if cache {
		r.mu.Lock()
		if r.gen == gen {
			r.projects[projectID] = rep
		}
		r.mu.Unlock()
	}
	return rep, cache
}

// pairs lists every form of every secret; cache is false when a value
// could not be read.
func (r *Redactor) pairs(ctx context.Context, projectID string) (out []pair, cache bool) {
	r.mu.Lock()
	global, gen := r.global, r.gen
	r.mu.Unlock()
	if global == nil {
		global = []pair{}
		if r.keys != nil {
			for name, v := range r.keys(ctx) {
				if len(v) >= MinKeyRedactLen {
					global = append(global, forms(name, v)...)
				}
			}
		}
		r.mu.Lock()
		if r.gen == gen {
			r.global = global
		}
		r.mu.Unlock()
	}
	out = append(out, global...)
	cache = true
	if projectID != "" && r.env != nil {
		vs, err := r.env.resolve(ctx, projectID)
		if err != nil {
			cache = false
		}
		for _, v := range vs {
			if v.Secret {
				out = append(out, forms(v.Name, v.Value)...)
			}
		}
	}
	return out, cache
}

// forms are the ways a program commonly writes value, each mapped to the
// marker.
func forms(name, value string) []pair {
	if len(value) < MinRedactLen {
		return nil
	}
	to := "[secret " + name + "]"
	seen := map[string]bool{}
	var out []pair
	add := func(f string) {
		if len(f) >= MinRedactLen && !seen[f] {
			seen[f] = true
			out = append(out, pair{f, to})
		}
	}
	add(value)
	add(url.QueryEscape(value))
	add(url.PathEscape(value))
	add(strings.ReplaceAll(url.QueryEscape(value), "+", "%20"))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		add(enc.EncodeToString([]byte(value)))
	}
	if j, err := json.Marshal(value); err == nil { // Go's JSON: <, >, & as \u003c...
		add(string(j[1 : len(j)-1]))
	}
	add(jsonEscape(value))
	add(pyEscape(value, '\''))
	add(pyEscape(value, '"'))
	return out
}

// jsonEscape is the JSON string escape most encoders write (no HTML
// escaping: Python's json.dumps, JavaScript's JSON.stringify).
func jsonEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// pyEscape is what Python's repr makes of s inside the quote q (a
// traceback shows arguments and locals that way).
func pyEscape(s string, q rune) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == q:
			b.WriteRune('\\')
			b.WriteRune(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// newReplacer orders the forms longest first: strings.Replacer takes, at
// one position, the first listed pattern that matches, and a secret that
// contains another must win over it.
func newReplacer(pairs []pair) *strings.Replacer {
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	return strings.NewReplacer(args...)
}
