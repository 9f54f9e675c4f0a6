package agent

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Output caps: what one tool result may put in the model's context. A
// result cut says how much was cut and how to narrow the call, so the
// model asks for less instead of trying again (Dyad #2509: 900 grep
// matches overflowed the context).
const (
	MaxOutputChars = 16_000 // command output, head + tail
	MaxReadLines   = 2_000  // read_file lines per call
	MaxReadChars   = 48_000 // read_file characters per call
	MaxMatches     = 100    // search matches
	MaxLineChars   = 500    // characters per search match line
	MaxListPaths   = 1_000  // list_files paths
	MaxErrorChars  = 4_000  // an error sentence with its detail
)

// capOutput keeps the head and the tail of s within max characters
// (bytes, on rune boundaries), with a marker in the middle saying how
// much was left out. It returns the cut text and the original length (0
// when nothing was cut).
func capOutput(s string, max int) (string, int) {
	if len(s) <= max {
		return s, 0
	}
	marker := fmt.Sprintf("\n… [%d characters cut from the middle] …\n", len(s)-max)
	keep := max - len(marker)
	if keep < 0 {
		keep = 0
	}
	head := keep / 3 // the tail (the error, the summary line) matters more
	tail := keep - head
	h := s[:runeStart(s, head)]
	t := s[runeStart(s, len(s)-tail):]
	return h + marker + t, len(s)
}

func runeStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// clipLine cuts one line to n characters.
func clipLine(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:runeStart(s, n)] + "…"
}

// commandOutput joins a command's streams for the model: stderr first (it
// is where the error is), then stdout, each labelled when both have text.
func commandOutput(stdout, stderr string) string {
	stdout, stderr = strings.TrimRight(stdout, "\n"), strings.TrimRight(stderr, "\n")
	switch {
	case stderr == "":
		return stdout
	case stdout == "":
		return stderr
	}
	return "[stderr]\n" + stderr + "\n[stdout]\n" + stdout
}

// boundedBuffer keeps at most max bytes of head and max bytes of tail of
// what is written (a command may print gigabytes).
type boundedBuffer struct {
	max   int
	head  []byte
	tail  []byte
	total int
}

func (b *boundedBuffer) Write(p []byte) {
	b.total += len(p)
	if room := b.max - len(b.head); room > 0 {
		n := min(room, len(p))
		b.head = append(b.head, p[:n]...)
		p = p[n:]
	}
	if len(p) == 0 {
		return
	}
	b.tail = append(b.tail, p...)
	if len(b.tail) > b.max {
		b.tail = append(b.tail[:0], b.tail[len(b.tail)-b.max:]...)
	}
}

func (b *boundedBuffer) String() string {
	kept := len(b.head) + len(b.tail)
	if kept >= b.total {
		return string(b.head) + string(b.tail)
	}
	return string(b.head) + fmt.Sprintf("\n… [%d bytes not kept] …\n", b.total-kept) + string(b.tail)
}
