package e2b

import (
	"bytes"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Fast path for the /execute stream. Nearly all bytes of a long run are
// stdout/stderr lines, which the server writes with Python's json.dumps as
//
//	{"type": "stdout", "text": "...", "timestamp": "..."}
//
// encoding/json decodes those at ~100 MB/s; this path finds the string with
// bytes.IndexByte and unescapes it segment by segment, several times
// faster. Any line that does not have exactly this shape (other key order,
// other spacing, invalid UTF-8, odd escapes) returns ok=false and goes
// through encoding/json, so the fast path never changes what is decoded.

var (
	fastExecStdout = []byte(`{"type": "stdout", "text": "`)
	fastExecStderr = []byte(`{"type": "stderr", "text": "`)
	fastExecTS     = []byte(`, "timestamp": "`)
)

func fastExecLine(line []byte, scratch *[]byte) (ExecEvent, bool) {
	var typ string
	var rest []byte
	switch {
	case bytes.HasPrefix(line, fastExecStdout):
		typ, rest = EventStdout, line[len(fastExecStdout):]
	case bytes.HasPrefix(line, fastExecStderr):
		typ, rest = EventStderr, line[len(fastExecStderr):]
	default:
		return ExecEvent{}, false
	}
	end, escaped := scanJSONString(rest)
	if end < 0 {
		return ExecEvent{}, false
	}
	raw := rest[:end]
	tail := bytes.TrimRight(rest[end+1:], " \t\r")
	var ts time.Time
	switch {
	case len(tail) == 1 && tail[0] == '}':
	case len(tail) >= len(fastExecTS)+2 && bytes.HasPrefix(tail, fastExecTS) && bytes.HasSuffix(tail, []byte(`"}`)):
		v := tail[len(fastExecTS) : len(tail)-2]
		if bytes.IndexByte(v, '"') >= 0 || bytes.IndexByte(v, '\\') >= 0 || hasControl(v) {
			return ExecEvent{}, false
		}
		ts, _ = time.Parse(time.RFC3339Nano, string(v))
	default:
		return ExecEvent{}, false
	}
	if !utf8.Valid(raw) {
		return ExecEvent{}, false
	}
	text := ""
	if escaped {
		b, ok := unescapeJSON((*scratch)[:0], raw)
		*scratch = b
		if !ok {
			return ExecEvent{}, false
		}
		text = string(b)
	} else {
		if hasControl(raw) {
			return ExecEvent{}, false
		}
		text = string(raw)
	}
	return ExecEvent{Type: typ, Text: text, Timestamp: ts}, true
}

// scanJSONString returns the index of the closing quote of a JSON string
// whose opening quote was just before b, or -1.
func scanJSONString(b []byte) (end int, escaped bool) {
	i := 0
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1, false
		}
		p := i + q
		k := 0
		for k < p && b[p-1-k] == '\\' {
			k++
		}
		if k > 0 {
			escaped = true
		}
		if k%2 == 0 {
			if !escaped {
				escaped = bytes.IndexByte(b[:p], '\\') >= 0
			}
			return p, escaped
		}
		i = p + 1
	}
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// unescapeJSON appends the decoded body of a JSON string to out. Lone
// surrogates become U+FFFD, as in encoding/json.
func unescapeJSON(out, s []byte) ([]byte, bool) {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			if hasControl(s) {
				return out, false
			}
			out = append(out, s...)
			break
		}
		if hasControl(s[:i]) {
			return out, false
		}
		out = append(out, s[:i]...)
		s = s[i:]
		if len(s) < 2 {
			return out, false
		}
		switch s[1] {
		case '"', '\\', '/':
			out = append(out, s[1])
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			r, ok := hex4(s[2:])
			if !ok {
				return out, false
			}
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					if r2, ok := hex4(s[2:]); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							s = s[6:]
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return out, false
		}
		s = s[2:]
	}
	return out, true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
