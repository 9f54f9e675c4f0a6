package fragment

import (
	"strings"

	"tessera/backend/apperr"
)

// maxCandidates bounds how many '{' positions Extract tries, keeping it
// linear-ish on adversarial prose full of braces.
const maxCandidates = 64

// Extract finds the fragment's JSON object in an answer from a model that
// was not constrained to JSON: it prefers the first ```json (or bare ```)
// fence whose body is an object, then the first balanced object in the
// text that looks like JSON ('{' followed by '"' or '}'). Brace matching
// skips braces inside strings, so code containing "}" does not end the
// object early. The error is apperr.Invalid.
func Extract(text string) (string, error) {
	tried := 0
	try := func(start int) (string, bool) {
		tried++
		if !looksLikeObject(text[start:]) {
			return "", false
		}
		if end, ok := matchObject(text, start); ok {
			return text[start:end], true
		}
		return "", false
	}
	// Fences first: prose before a fence often contains braces.
	for off := 0; off < len(text) && tried < maxCandidates; {
		j := strings.Index(text[off:], "```")
		if j < 0 {
			break
		}
		k := off + j + 3
		// Skip the info string ("json", "JSON", ...) up to the end of line.
		if nl := strings.IndexByte(text[k:], '\n'); nl >= 0 && nl < 20 {
			k += nl + 1
		}
		for k < len(text) && isSpace(text[k]) {
			k++
		}
		if k < len(text) && text[k] == '{' {
			if s, ok := try(k); ok {
				return s, nil
			}
		}
		off = k
	}
	for off := 0; off < len(text) && tried < maxCandidates+16; {
		j := strings.IndexByte(text[off:], '{')
		if j < 0 {
			break
		}
		if s, ok := try(off + j); ok {
			return s, nil
		}
		off += j + 1
	}
	return "", apperr.New(apperr.Invalid, "The answer does not contain a JSON object. Try again, or pick a model that supports structured output.")
}

func looksLikeObject(s string) bool {
	for i := 1; i < len(s); i++ {
		if isSpace(s[i]) {
			continue
		}
		return s[i] == '"' || s[i] == '}'
	}
	return false
}

// matchObject returns the end (exclusive) of the object starting at
// text[start] == '{'.
func matchObject(text string, start int) (int, bool) {
	depth, inStr, esc := 0, false, false
	for i := start; i < len(text); i++ {
		c := text[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, c == '}'
			}
			if depth < 0 {
				return 0, false
			}
		}
	}
	return 0, false
}

// Parse parses a complete answer (JSON, fenced or surrounded by prose)
// into a normalised fragment.
func Parse(text string) (*Fragment, error) {
	p := NewParser()
	if _, err := p.Feed(text); err != nil {
		return nil, err
	}
	return p.Final()
}
