package fragment

import (
	"errors"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

// feedUntil streams s in chunks of n bytes and returns how many bytes were
// fed when the parser refused one, and its error.
func feedUntil(p *Parser, s string, n int) (int, error) {
	for i := 0; i < len(s); i += n {
		end := min(i+n, len(s))
		if err := p.Write(s[i:end]); err != nil {
			return end, err
		}
	}
	return len(s), nil
}

func TestLimitsWhileStreaming(t *testing.T) {
	big := strings.Repeat("x", 50<<20) // a hostile 50 MB
	chunk := 4096
	for _, tc := range []struct {
		name, prefix, body string
		limit, path        string
		stopBy             int // the parser must refuse by this many bytes
	}{
		{"one file, main code", `{"commentary":"ok","file_path":"data.csv","code":"`, big, LimitFile, "data.csv", MaxFileBytes + 2*chunk},
		{"one file of files", `{"commentary":"ok","files":[{"path":"a.txt","content":"`, big, LimitFile, "a.txt", MaxFileBytes + 2*chunk},
		{"content before its path", `{"files":[{"content":"`, big, LimitFile, "", MaxFileBytes + 2*chunk},
		{"files together", `{"files":[`, strings.Repeat(`{"path":"f","content":"`+strings.Repeat("y", 3<<20)+`"},`, 10), LimitFiles, "", MaxFilesBytes + 8*chunk},
		{"the answer", `{"commentary":"`, big, LimitAnswer, "", MaxAnswerBytes + chunk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser()
			n, err := feedUntil(p, tc.prefix+tc.body, chunk)
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != tc.limit || le.Path != tc.path || !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("after %d bytes: %v, want the %s limit (path %q)", n, err, tc.limit, tc.path)
			}
			if n > tc.stopBy {
				t.Fatalf("refused only after %d bytes; the limit is %d", n, tc.stopBy)
			}
			if msg := apperr.MessageOf(err); !strings.Contains(msg, "limit") || !strings.Contains(msg, "kept the answer's text") {
				t.Fatalf("sentence %q", msg)
			}
			if err2 := p.Write("more"); !errors.As(err2, &le) {
				t.Fatalf("a Write after the limit: %v", err2)
			}
		})
	}
	// At the limit exactly is fine.
	p := NewParser()
	if _, err := feedUntil(p, `{"commentary":"c","file_path":"a","code":"`+strings.Repeat("z", MaxFileBytes)+`"}`, chunk); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Final(); err != nil {
		t.Fatal(err)
	}
}
