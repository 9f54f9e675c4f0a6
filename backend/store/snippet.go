package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Snippets are built here rather than with FTS5's snippet(): snippet()
// needs a second evaluation of the full-text query, and a prefix query on
// a common word costs as much to evaluate as to rank (FTS5 merges every
// matching doclist before it returns one row). The tokenizer follows
// unicode61 with remove_diacritics 2 closely enough to mark what FTS5
// matched: letters and digits are word characters, everything else splits
// words, and words compare lowercased without diacritics.

// snippetWords is the number of words a snippet shows.
const snippetWords = 16

// snippetLead is how many words before the first match a snippet starts.
const snippetLead = 4

// matcher holds a query's words, folded: every one must equal a word of
// the text, except the last, which may begin one.
type matcher struct {
	exact  map[string]bool
	prefix string
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// fold lowercases a word and removes its diacritics ("Café" -> "cafe").
func fold(w string) string {
	d := norm.NFD.String(strings.ToLower(w))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, d)
}

// splitWords returns the words of s (unicode61's idea of them).
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

// newMatcher builds a matcher from what the person typed, the same input
// FTSQuery turns into the FTS5 query.
func newMatcher(input string) matcher {
	m := matcher{exact: map[string]bool{}}
	var words []string
	for _, w := range strings.FieldsFunc(input, unicode.IsSpace) {
		words = append(words, splitWords(w)...)
	}
	for i, w := range words {
		f := fold(w)
		if i == len(words)-1 {
			m.prefix = f
		} else {
			m.exact[f] = true
		}
	}
	return m
}

func (m matcher) matches(word string) bool {
	f := fold(word)
	return m.exact[f] || (m.prefix != "" && strings.HasPrefix(f, m.prefix))
}

type span struct{ start, end int } // byte offsets of a word

// words returns the byte spans of the words of s.
func wordSpans(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

// snippetOf returns a window of text around its first match with every
// matched word between MarkStart and MarkEnd, "…" where text was cut, and
// the 1-based line of the first match (0 and ok false when nothing in the
// text matches).
func (m matcher) snippetOf(text string) (snippet string, line int, ok bool) {
	spans := wordSpans(text)
	first := -1
	for i, sp := range spans {
		if m.matches(text[sp.start:sp.end]) {
			first = i
			break
		}
	}
	if first < 0 {
		return "", 0, false
	}
	line = 1 + strings.Count(text[:spans[first].start], "\n")
	from := max(0, first-snippetLead)
	to := min(len(spans), from+snippetWords)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	begin := spans[from].start
	if from == 0 {
		begin = 0
	}
	pos := begin
	for _, sp := range spans[from:to] {
		b.WriteString(text[pos:sp.start])
		w := text[sp.start:sp.end]
		if m.matches(w) {
			b.WriteString(MarkStart + w + MarkEnd)
		} else {
			b.WriteString(w)
		}
		pos = sp.end
	}
	if to < len(spans) {
		b.WriteString("…")
	} else {
		b.WriteString(text[pos:])
	}
	return oneLine(b.String()), line, true
}

// oneLine collapses the snippet's line breaks and indentation into single
// spaces (it is shown on a line or two) and drops invalid UTF-8.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
}
