// Package wiretext turns what a server said when it refused a request into
// something that can stand inside a sentence for a person: an error page is
// named as one ("the server answered with an error page (HTTP 502)"), never
// pasted; plain text is kept to one short line of printable characters;
// bytes that are not text are named as such. Providers (llm) and E2B (e2b)
// both use it, so the rule is written once.
package wiretext

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"tessera/backend/names"
)

// MaxDetail is the most characters of a server's own text quoted in a
// sentence.
const MaxDetail = 160

// pagePrefix starts every summary of a body that is not a message, so
// callers can tell a summary from a quoted message.
const pagePrefix = "the server answered with "

// markup finds the tags that give an HTML or XML page away.
var markup = regexp.MustCompile(`(?i)<\s*(!doctype|html|head|body|title|h1|h2|p|div|center|pre|hr|br|\?xml|error|script|style|meta)\b`)

// Summary returns text to quote from a non-2xx answer whose body is not the
// server's structured error: "" for an empty body, a summary naming an
// error page or unreadable bytes, else the text itself cleaned to one line.
func Summary(status int, contentType string, body []byte) string {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return ""
	}
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "html") || strings.Contains(ct, "xml") || IsPage(string(b)) {
		return Page(status)
	}
	if !looksLikeText(b) {
		return fmt.Sprintf("%sdata that is not text (HTTP %d)", pagePrefix, status)
	}
	return Line(string(b))
}

// Message cleans a message read out of a structured error (a JSON
// "message"): servers put whole pages there too.
func Message(status int, msg string) string {
	if IsPage(msg) {
		return Page(status)
	}
	return Line(msg)
}

// Page names an error page without quoting it.
func Page(status int) string {
	if status > 0 {
		return fmt.Sprintf("%san error page (HTTP %d)", pagePrefix, status)
	}
	return pagePrefix + "an error page"
}

// IsSummary reports whether s is one of the summaries above rather than a
// server's own words.
func IsSummary(s string) bool { return strings.HasPrefix(s, pagePrefix) }

// IsPage reports whether s is markup (an HTML or XML page, or a fragment of
// one) rather than a message.
func IsPage(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "<") && markup.MatchString(t) || markup.MatchString(t) && strings.Contains(t, "</")
}

// Line makes s one line of printable text: controls, invisible and
// direction-changing characters go, runs of space become one, and more
// than MaxDetail characters are cut with "…" (never inside a character).
func Line(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(names.Strip(s)), " ")
	return names.Cut(s, MaxDetail)
}

// looksLikeText says whether b is UTF-8 with few controls (a binary body,
// a gzip the transport did not undo, a protobuf).
func looksLikeText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	bad := 0
	for _, r := range string(b) {
		if r != '\n' && r != '\r' && r != '\t' && unicode.IsControl(r) {
			bad++
		}
	}
	return bad*20 < len(b)
}
