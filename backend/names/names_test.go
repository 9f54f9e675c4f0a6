package names

import (
	"strings"
	"testing"

	"tessera/backend/apperr"
)

const family = "👨‍👩‍👧‍👦"

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"plain", "  Todo app ", "Todo app", ""},
		{"nfc", "Cafe\u0301", "Café", ""},
		{"emoji only", "🚀", "🚀", ""},
		{"twenty families", strings.Repeat(family, 20), strings.Repeat(family, 20), ""},
		{"flag of England", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", ""},
		{"persian zwnj", "می\u200Cخواهم", "می\u200Cخواهم", ""},
		{"hindi", "क्षत्रिय", "क्षत्रिय", ""},
		{"skin tone kiss", "👩🏽‍❤️‍💋‍👨🏿", "👩🏽‍❤️‍💋‍👨🏿", ""},
		{"empty", "   ", "", "at least one"},
		{"zero width only", "\u200B\u200B\u200B", "", "U+200B"},
		{"bidi override", "\u202Egnp.exe", "", "U+202E"},
		{"bidi isolate", "abc\u2067def", "", "U+2067"},
		{"lrm", "abc\u200E", "", "U+200E"},
		{"bom", "\uFEFFname", "", "U+FEFF"},
		{"soft hyphen", "na\u00ADme", "", "U+00AD"},
		{"leading zwj", "\u200Dabc", "", "U+200D"},
		{"trailing zwj", "abc\u200D", "", "U+200D"},
		{"tag outside flag", "a\U000E0067", "", "U+E0067"},
		{"combining marks only", "\u0301\u0301\u0301", "", "at least one"},
		{"hangul filler", "\u3164\u3164", "", "U+3164"},
		{"braille blank", "\u2800\u2800", "", "at least one"},
		{"tab", "a\tb", "", "U+0009"},
		{"newline", "a\nb", "", "one line"},
		{"nul", "a\x00b", "", "U+0000"},
		{"invalid utf8", "a\xffb", "", "plain text"},
		{"zalgo", "a" + strings.Repeat("\u0301", 40), "", "stacked"},
		{"too long", strings.Repeat("x", 101), "", "at most 100 characters (this one has 101)"},
		{"long accents are one each", strings.Repeat("e\u0301", 100), strings.Repeat("é", 100), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Check(tc.in, "A project name", 100)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Check(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Check(%q) = %q, %v; want an invalid error with %q", tc.in, got, err, tc.err)
			}
		})
	}
}

func TestLenAndCut(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		len  int
		want string
	}{
		{"hello", 10, 5, "hello"},
		{"hello world", 5, 11, "hell…"},
		{strings.Repeat(family, 3), 2, 3, family + "…"},
		{"e\u0301e\u0301e\u0301", 2, 3, "e\u0301…"},
		{"abc", 0, 3, ""},
	} {
		if got := Len(tc.in); got != tc.len {
			t.Errorf("Len(%q) = %d, want %d", tc.in, got, tc.len)
		}
		if got := Cut(tc.in, tc.n); got != tc.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestStrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\u202Egnp.exe", "gnp.exe"},
		{"a\u200Bb\uFEFF", "ab"},
		{family + "\u200E", family},
		{"می\u200Cخواهم", "می\u200Cخواهم"},
		{"plain", "plain"},
	} {
		if got := Strip(tc.in); got != tc.want {
			t.Errorf("Strip(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
