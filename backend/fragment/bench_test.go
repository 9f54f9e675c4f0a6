package fragment

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// bigAnswer is a ~200 KB fragment as a model would stream it.
func bigAnswer(size int) string {
	var code strings.Builder
	for i := 0; code.Len() < size; i++ {
		fmt.Fprintf(&code, "export function item%d(props: { label: string }) {\n\treturn <li className=\"item\">{props.label} — \"%d\"</li>\n}\n", i, i)
	}
	b, _ := json.Marshal(Fragment{
		Commentary: "I will build a long list of components.", Template: "nextjs-developer", Title: "List",
		Description: "Many items.", Port: intp(3000), FilePath: "pages/index.tsx", Code: code.String(),
		Files: []File{{Path: "components/a.tsx", Content: "export const A = 1\n"}},
	})
	return string(b)
}

// tokens cuts s into ~4-byte pieces, about one token each.
func tokens(s string) []string { return split(s, 4) }

// BenchmarkParseIncremental parses a 200 KB fragment written in 1-token
// (~4-byte) chunks. Compare with BenchmarkParseWhole (same parser, one
// chunk): the ratio is the cost of streaming; it must stay a small constant
// (no re-parsing from the start per chunk).
func BenchmarkParseIncremental(b *testing.B) {
	chunks := tokens(bigAnswer(200 << 10))
	b.SetBytes(int64(len(strings.Join(chunks, ""))))
	b.ReportAllocs()
	for b.Loop() {
		p := NewParser()
		for _, c := range chunks {
			if err := p.Write(c); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := p.Final(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFeedIncremental is BenchmarkParseIncremental plus a Partial
// snapshot after every chunk, as StreamFragment emits them.
func BenchmarkFeedIncremental(b *testing.B) {
	chunks := tokens(bigAnswer(200 << 10))
	b.SetBytes(int64(len(strings.Join(chunks, ""))))
	b.ReportAllocs()
	for b.Loop() {
		p := NewParser()
		for _, c := range chunks {
			if _, err := p.Feed(c); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := p.Final(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseWhole(b *testing.B) {
	text := bigAnswer(200 << 10)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSONUnmarshal(b *testing.B) {
	text := []byte(bigAnswer(200 << 10))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		var f Fragment
		if err := json.Unmarshal(text, &f); err != nil {
			b.Fatal(err)
		}
	}
}
