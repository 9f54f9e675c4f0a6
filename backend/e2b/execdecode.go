package e2b

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxExecLine bounds one line of the /execute stream kept in
// memory. Lines carry whole results (a PNG chart is a few MB of base64),
// and ipykernel merges output written within ~0.2 s into ONE stdout line,
// which can be any size: a longer line is not an error, it is skipped
// (without buffering it) and stands as a truncation notice.
const DefaultMaxExecLine = 32 << 20

// eventKeepalive is the server's `{"type": "keepalive"}` (every 5 s while
// a cell is silent). It proves the stream alive; callers never see it.
const eventKeepalive = "keepalive"

type wireExecLine struct {
	Type           string          `json:"type"`
	Text           *string         `json:"text"`
	Timestamp      string          `json:"timestamp"`
	ExecutionCount int             `json:"execution_count"`
	Name           string          `json:"name"`
	Value          string          `json:"value"`
	Traceback      json.RawMessage `json:"traceback"`
	IsMainResult   bool            `json:"is_main_result"`
	HTML           string          `json:"html"`
	Markdown       string          `json:"markdown"`
	SVG            string          `json:"svg"`
	PNG            string          `json:"png"`
	JPEG           string          `json:"jpeg"`
	PDF            string          `json:"pdf"`
	LaTeX          string          `json:"latex"`
	JavaScript     string          `json:"javascript"`
	JSON           json.RawMessage `json:"json"`
	Chart          json.RawMessage `json:"chart"`
	Data           json.RawMessage `json:"data"`
	Extra          map[string]any  `json:"extra"`
}

// execDecoder turns the newline-delimited JSON stream into events. It keeps
// at most one line (up to max bytes) in memory.
type execDecoder struct {
	br      *bufio.Reader
	max     int
	line    []byte
	scratch []byte // reused by the fast path's unescaping
}

func newExecDecoder(r io.Reader, maxLine int) *execDecoder {
	if maxLine <= 0 {
		maxLine = DefaultMaxExecLine
	}
	return &execDecoder{br: bufio.NewReaderSize(r, min(64<<10, maxLine)), max: maxLine}
}

// ErrExecStreamEnded means the stream stopped before end_of_execution.
var ErrExecStreamEnded = errors.New("execute: stream ended before end_of_execution")

// readLine returns the next line without its newline, cut to max bytes;
// dropped counts the bytes left out. A last line without a newline is
// returned as it is (the parser judges it).
func (d *execDecoder) readLine() (line []byte, dropped int, err error) {
	d.line = d.line[:0]
	for {
		chunk, err := d.br.ReadSlice('\n')
		keep := min(len(chunk), d.max+1-len(d.line)) // +1: the newline
		d.line = append(d.line, chunk[:keep]...)
		dropped += len(chunk) - keep
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && (len(d.line) > 0 || dropped > 0):
			return d.line, dropped, nil
		case err != nil:
			return nil, 0, err
		}
		return bytes.TrimSuffix(d.line, []byte("\n")), dropped, nil
	}
}

// next returns the next event, keepalives included (unknown types are
// skipped). After the "end" event it returns io.EOF.
func (d *execDecoder) next() (ExecEvent, error) {
	for {
		line, dropped, err := d.readLine()
		if err != nil {
			if err == io.EOF {
				return ExecEvent{}, ErrExecStreamEnded
			}
			return ExecEvent{}, err
		}
		if dropped > 0 {
			return overlongLine(line, len(line)+dropped), nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ev, ok := fastExecLine(line, &d.scratch)
		if !ok {
			if ev, ok, err = slowExecLine(line); err != nil {
				return ExecEvent{}, err
			}
		}
		if ok {
			return ev, nil
		}
	}
}

// overlongLine stands for a line longer than the decoder keeps: a notice
// in the stream the line belonged to, marked Truncated.
// For stdout/stderr the text of the kept prefix is salvaged: a cell that
// printed 40 MB in one burst still shows its beginning.
func overlongLine(prefix []byte, size int) ExecEvent {
	ev := ExecEvent{Type: EventStdout, Truncated: true}
	var rest []byte
	switch {
	case bytes.HasPrefix(prefix, fastExecStderr):
		ev.Type, rest = EventStderr, prefix[len(fastExecStderr):]
	case bytes.HasPrefix(prefix, fastExecStdout):
		rest = prefix[len(fastExecStdout):]
	default:
		ev.Text = fmt.Sprintf("\n[Tessera left out a result of %s that is too large to show.]\n", sizeText(size))
		return ev
	}
	ev.Text = salvageJSONString(rest) + fmt.Sprintf("\n[Tessera kept the start of %s of output written at once; the rest was left out.]\n", sizeText(size))
	return ev
}

// salvageJSONString decodes the start of a JSON string whose end was cut
// off: an escape cut in the middle is dropped, as is a cut UTF-8 sequence.
func salvageJSONString(raw []byte) string {
	if end, _ := scanJSONString(raw); end >= 0 {
		raw = raw[:end] // the string did end (the line was long after it)
	}
	// A partial escape is at most `\uXXXX\uXXXX` long: cut at the first
	// backslash of the last run within the tail.
	if i := bytes.LastIndexByte(raw[max(0, len(raw)-12):], '\\'); i >= 0 {
		i += max(0, len(raw)-12)
		for i > 0 && raw[i-1] == '\\' {
			i--
		}
		raw = raw[:i]
	}
	b, ok := unescapeJSON(nil, raw)
	if !ok {
		return ""
	}
	for k := 0; k < 3 && len(b) > 0 && !utf8.Valid(b); k++ {
		b = b[:len(b)-1] // a rune cut at the end
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

// slowExecLine decodes any line with encoding/json. ok is false for lines
// to skip (types newer than this client).
func slowExecLine(line []byte) (ExecEvent, bool, error) {
	var w wireExecLine
	if err := json.Unmarshal(line, &w); err != nil {
		return ExecEvent{}, false, fmt.Errorf("execute: invalid line: %w", err)
	}
	ev := ExecEvent{}
	if w.Timestamp != "" {
		ev.Timestamp, _ = time.Parse(time.RFC3339Nano, w.Timestamp)
	}
	switch w.Type {
	case "stdout", "stderr":
		ev.Type = w.Type
		if w.Text != nil {
			ev.Text = *w.Text
		}
	case "result":
		ev.Type = EventResult
		r := &Result{HTML: w.HTML, Markdown: w.Markdown, SVG: w.SVG, PNG: w.PNG, JPEG: w.JPEG,
			PDF: w.PDF, LaTeX: w.LaTeX, JavaScript: w.JavaScript, JSON: w.JSON, Chart: w.Chart,
			Data: w.Data, IsMainResult: w.IsMainResult, Extra: w.Extra}
		if w.Text != nil {
			r.Text = *w.Text
		}
		ev.Result = r
	case "error":
		ev.Type = EventError
		ev.Error = &ExecError{Name: w.Name, Value: w.Value, Traceback: traceback(w.Traceback)}
	case "number_of_executions":
		ev.Type = EventNumberOfExecutions
		ev.ExecutionCount = w.ExecutionCount
	case "end_of_execution":
		ev.Type = EventEnd
	case eventKeepalive:
		ev.Type = eventKeepalive
	default:
		return ExecEvent{}, false, nil // a type newer than this client
	}
	return ev, true, nil
}

// traceback accepts the server's single string or a list of lines.
func traceback(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return strings.Join(lines, "\n")
	}
	return string(raw)
}
