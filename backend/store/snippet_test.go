package store

import "testing"

func TestSnippetOf(t *testing.T) {
	const S, E = MarkStart, MarkEnd
	long := "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty target end"
	for _, tc := range []struct {
		name, query, text string
		want              string
		line              int
		ok                bool
	}{
		{"plain", "cat", "the cat sat", "the " + S + "cat" + E + " sat", 1, true},
		{"no match", "dog", "the cat sat", "", 0, false},
		{"prefix on the last word only", "the ca", "the cat; then catalog", S + "the" + E + " " + S + "cat" + E + "; then " + S + "catalog" + E, 1, true},
		{"earlier words are exact", "ca sat", "the cat sat", "the cat " + S + "sat" + E, 1, true},
		{"diacritics and case", "CAFE", "Un Café, s'il vous plaît", "Un " + S + "Café" + E + ", s'il vous plaît", 1, true},
		{"cyrillic", "мир", "Привет, Мир!", "Привет, " + S + "Мир" + E + "!", 1, true},
		{"cjk run is one word", "東京", "東京 天気", S + "東京" + E + " 天気", 1, true},
		{"line of the first match, lines joined", "needle", "a\n  b\n\tneedle here\nneedle", "a b " + S + "needle" + E + " here " + S + "needle" + E, 3, true},
		{"identifier parts", "count_pelicans", "def count_pelicans(n):", "def " + S + "count" + E + "_" + S + "pelicans" + E + "(n):", 1, true},
		{"window with ellipses", "target", long, "…seventeen eighteen nineteen twenty " + S + "target" + E + " end", 1, true},
		{"cut after the window", "one", long, S + "one" + E + " two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen…", 1, true},
		{"invalid utf-8 dropped", "cat", "cat \xff!", S + "cat" + E + " !", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, line, ok := newMatcher(tc.query).snippetOf(tc.text)
			if got != tc.want || line != tc.line || ok != tc.ok {
				t.Errorf("snippetOf(%q, %q) = %q, %d, %v; want %q, %d, %v", tc.query, tc.text, got, line, ok, tc.want, tc.line, tc.ok)
			}
		})
	}
}
