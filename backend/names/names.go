// Package names checks the names a person gives things (projects, files)
// so that what the app shows is what was typed: one Unicode spelling
// (NFC), at least one character that can be seen, no invisible formatting
// characters that reorder or hide text, and a length counted the way a
// person counts it (user-perceived characters, i.e. grapheme clusters).
package names

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"

	"tessera/backend/apperr"
)

// maxClusterRunes bounds one perceived character: the longest emoji ZWJ
// sequences (a kiss with two skin tones) take 10 code points, so 16 leaves
// room while a letter buried under hundreds of stacked accents ("Zalgo")
// cannot pass as one character.
const maxClusterRunes = 16

const (
	zwnj = '\u200C'
	zwj  = '\u200D'
	// blackFlag starts the emoji tag sequences (subdivision flags such as
	// England's), the only place tag characters belong.
	blackFlag = '\U0001F3F4'
)

// Len is the number of characters a person sees in s (grapheme clusters).
func Len(s string) int { return uniseg.GraphemeClusterCount(s) }

// Cut returns at most n perceived characters of s, never splitting one,
// with "…" at the end when something was cut.
func Cut(s string, n int) string {
	if Len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	return Prefix(s, n-1) + "…"
}

// Prefix returns the first n perceived characters of s (no ellipsis).
func Prefix(s string, n int) string {
	g := uniseg.NewGraphemes(s)
	end := 0
	for i := 0; i < n && g.Next(); i++ {
		_, end = g.Positions()
	}
	return s[:end]
}

// Normalize trims s and brings it to NFC, the one spelling under which
// "é" typed as one code point and as "e" plus an accent compare equal.
func Normalize(s string) string {
	return strings.TrimSpace(norm.NFC.String(s))
}

// Check normalises a one-line name and checks it. what names the thing in
// the sentences ("A project name"); max is the most perceived characters
// it may have. It returns the name to store.
func Check(s, what string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", apperr.Newf(apperr.Invalid, "%s must be plain text.", what)
	}
	n := Normalize(s)
	if strings.ContainsAny(n, "\r\n\u2028\u2029") {
		return "", apperr.Newf(apperr.Invalid, "%s must be on one line.", what)
	}
	// Before the hidden characters: NFC puts a U+034F after every 30
	// stacked marks (the stream-safe format), which would be misnamed.
	g := uniseg.NewGraphemes(n)
	for g.Next() {
		if len(g.Runes()) > maxClusterRunes {
			return "", apperr.Newf(apperr.Invalid, "%s has a character with too many accents or marks stacked on it.", what)
		}
	}
	if r, ok := firstHidden(n); ok {
		return "", apperr.Newf(apperr.Invalid, "%s cannot contain invisible or direction-changing characters (%s was found). Type the name again without it.", what, codePoint(r))
	}
	if !Visible(n) {
		return "", apperr.Newf(apperr.Invalid, "%s needs at least one letter, digit or symbol that can be seen.", what)
	}
	if l := Len(n); l > max {
		return "", apperr.Newf(apperr.Invalid, "%s can have at most %d characters (this one has %d).", what, max, l)
	}
	return n, nil
}

// Visible reports whether s has at least one character that draws
// something: a letter, digit, punctuation or symbol that is not one of the
// letters Unicode defines as blank (Hangul fillers) or the blank Braille
// pattern. Spaces, combining marks alone and format characters draw
// nothing a person can read.
func Visible(s string) bool {
	for _, r := range s {
		if seen(r) {
			return true
		}
	}
	return false
}

func seen(r rune) bool {
	if r == '\u2800' || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// Hidden reports whether r is a character that is never shown on its own
// and can change how the text around it reads: controls, format
// characters (bidi overrides and isolates, zero-width spaces, the BOM, soft
// hyphens), and the other default-ignorable code points.
func Hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// firstHidden finds the first hidden character in s that is not part of a
// legitimate sequence: a joiner (ZWJ/ZWNJ) between two visible characters,
// as in emoji families and in Persian or Indic words, and tag characters
// inside a flag sequence that starts with the black flag.
func firstHidden(s string) (rune, bool) {
	var found rune
	ok := false
	eachHidden(s, func(r rune) {
		if !ok {
			found, ok = r, true
		}
	})
	return found, ok
}

// eachHidden calls refuse for every hidden character of s that is not
// where it belongs.
func eachHidden(s string, refuse func(rune)) {
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		rs := g.Runes()
		_, end := g.Positions()
		next, _ := utf8.DecodeRuneInString(s[end:])
		for i, r := range rs {
			if Hidden(r) && !belongs(rs, i, next) {
				refuse(r)
			}
		}
	}
}

// belongs says whether the hidden rs[i] is where it may be. A joiner may
// end its cluster when visible text follows (Persian writes ZWNJ between
// two letters that must not join, and the segmenter keeps it with the
// letter before); next is the first character after the cluster (0 at
// the end).
func belongs(rs []rune, i int, next rune) bool {
	r := rs[i]
	switch {
	case r == zwj || r == zwnj:
		if i == 0 || Hidden(rs[i-1]) {
			return false
		}
		after := next
		if i < len(rs)-1 {
			after = rs[i+1]
		}
		return after != 0 && after != utf8.RuneError && !Hidden(after) && !unicode.IsSpace(after)
	case r >= 0xE0020 && r <= 0xE007F:
		return rs[0] == blackFlag
	}
	return false
}

// Strip removes every hidden character that Check would refuse, for names
// that reach the app from elsewhere (an imported archive, an old row).
func Strip(s string) string {
	if _, ok := firstHidden(s); !ok {
		return s
	}
	var b strings.Builder
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		rs := g.Runes()
		_, end := g.Positions()
		next, _ := utf8.DecodeRuneInString(s[end:])
		for i, r := range rs {
			if !Hidden(r) || belongs(rs, i, next) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }
