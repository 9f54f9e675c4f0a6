package e2b

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func env(flags byte, payload string) []byte {
	return appendEnvelope(nil, flags, []byte(payload))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// decodeProcessStream runs the same decoding Run does over a whole stream
// and returns the collected output, the exit code and the first error.
func decodeProcessStream(r io.Reader, max int) (stdout, stderr []byte, exit int, err error) {
	er := newEnvelopeReader(r, max)
	var dec procDecoder
	exit = -1
	for {
		flags, p, err := er.next()
		if err != nil {
			return stdout, stderr, exit, err
		}
		if len(p) > max {
			panic("payload over the limit")
		}
		if flags&flagEndStream != 0 {
			ce, err := parseEndStream(p)
			if err != nil {
				return stdout, stderr, exit, err
			}
			if ce != nil {
				return stdout, stderr, exit, ce
			}
			return stdout, stderr, exit, nil
		}
		ev, err := dec.decode(p)
		if err != nil {
			return stdout, stderr, exit, err
		}
		switch ev.kind {
		case evStdout:
			stdout = append(stdout, ev.data...)
		case evStderr:
			stderr = append(stderr, ev.data...)
		case evEnd:
			exit = int(ev.end.ExitCode)
		}
	}
}

func TestEnvelopeDecoding(t *testing.T) {
	ok := cat(
		env(0, `{"event":{"start":{"pid":12}}}`),
		env(0, `{"event":{"data":{"stdout":"aGkK"}}}`),
		env(0, `{"event": {"data": {"stderr": "b29wcwo="}}}`), // spaced: slow path
		env(0, `{"event":{"data":{"stdout":"\/w=="}}}`),       // escaped slash: slow path
		env(0, `{"event":{"keepalive":{}}}`),
		env(0, `{"event":{"end":{"exitCode":3,"exited":true,"status":"exit status 3","error":"exit status 3"}}}`),
		env(flagEndStream, `{}`),
	)
	big := make([]byte, 5)
	binary.BigEndian.PutUint32(big[1:], 1<<31)
	tests := []struct {
		name           string
		in             []byte
		stdout, stderr string
		exit           int
		err            error  // errors.Is target, or nil
		errText        string // substring, or ""
	}{
		{name: "ok", in: ok, stdout: "hi\n\xff", stderr: "oops\n", exit: 3},
		{name: "stream error", in: cat(env(0, `{"event":{"start":{"pid":1}}}`), env(flagEndStream, `{"error":{"code":"deadline_exceeded","message":"timeout"}}`)), errText: "deadline_exceeded"},
		{name: "empty input", in: nil, err: io.EOF},
		{name: "no trailer", in: env(0, `{"event":{"start":{"pid":1}}}`), err: io.EOF},
		{name: "truncated header", in: []byte{0, 0, 0}, err: ErrTruncatedEnvelope},
		{name: "truncated payload", in: env(0, `{"event":{"start":{"pid":1}}}`)[:12], err: ErrTruncatedEnvelope},
		{name: "oversize length", in: append(big, 'x'), err: ErrEnvelopeTooLarge},
		{name: "compressed", in: env(flagCompressed, `{}`), err: ErrCompressed},
		{name: "unknown flags", in: env(0x80, `{}`), err: ErrBadFlags},
		{name: "invalid json", in: env(0, `{"event":`), errText: "process event"},
		{name: "bad base64", in: env(0, `{"event":{"data":{"stdout":"!!"}}}`), errText: "process event"},
		{name: "bad trailer", in: env(flagEndStream, `nope`), errText: "end-of-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time too: the decoder must not depend on how
			// the network splits the stream.
			for _, r := range []io.Reader{bytes.NewReader(tt.in), iotest.OneByteReader(bytes.NewReader(tt.in))} {
				out, errOut, exit, err := decodeProcessStream(r, 1<<20)
				switch {
				case tt.err != nil:
					if !errors.Is(err, tt.err) {
						t.Fatalf("err = %v, want %v", err, tt.err)
					}
				case tt.errText != "":
					if err == nil || !strings.Contains(err.Error(), tt.errText) {
						t.Fatalf("err = %v, want %q", err, tt.errText)
					}
				default:
					if err != nil {
						t.Fatal(err)
					}
					if string(out) != tt.stdout || string(errOut) != tt.stderr || exit != tt.exit {
						t.Fatalf("got %q %q %d", out, errOut, exit)
					}
				}
			}
		})
	}
}

func TestEnvelopeLengthIsNotTrusted(t *testing.T) {
	// A header claiming 16 MiB followed by a few bytes must not allocate
	// 16 MiB.
	hdr := make([]byte, 5)
	binary.BigEndian.PutUint32(hdr[1:], DefaultMaxEnvelope)
	er := newEnvelopeReader(bytes.NewReader(append(hdr, "abc"...)), DefaultMaxEnvelope)
	_, _, err := er.next()
	if !errors.Is(err, ErrTruncatedEnvelope) {
		t.Fatalf("err = %v", err)
	}
	if cap(er.buf) > 64<<10 {
		t.Fatalf("allocated %d bytes for a 3-byte payload", cap(er.buf))
	}
}

func TestExecDecoding(t *testing.T) {
	ok := strings.Join([]string{
		`{"type": "number_of_executions", "execution_count": 3}`,
		`{"type": "stdout", "text": "hi\n", "timestamp": "2026-01-02T03:04:05.123456+00:00"}`,
		`{"type": "keepalive"}`,
		``,
		`{"type": "something_new", "x": 1}`,
		`{"type": "result", "text": "2", "html": "<b>2</b>", "png": "iVBO", "json": {"a": [1]}, "chart": {"type": "bar"}, "data": [1], "is_main_result": true, "extra": {"x/y": 1}}`,
		`{"type": "error", "name": "ValueError", "value": "bad", "traceback": ["line1", "line2"]}`,
		`{"type": "end_of_execution"}`,
	}, "\n") + "\n"
	tests := []struct {
		name    string
		in      string
		types   string
		errText string
	}{
		{"ok", ok, "number_of_executions stdout keepalive result error end", ""},
		{"no end", `{"type": "stdout", "text": "x"}` + "\n", "stdout", "before end_of_execution"},
		{"truncated line", `{"type": "stdout", "te`, "", "invalid line"},
		{"invalid json", "not json\n", "", "invalid line"},
		// A line over the limit is skipped and stands as a notice.
		{"too long", `{"type": "stdout", "text": "` + strings.Repeat("x", 2000) + `"}` + "\n", "stdout", "before end_of_execution"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := newExecDecoder(iotest.HalfReader(strings.NewReader(tt.in)), 1024)
			var types []string
			var evs []ExecEvent
			var err error
			for {
				var ev ExecEvent
				ev, err = dec.next()
				if err != nil {
					break
				}
				types = append(types, ev.Type)
				evs = append(evs, ev)
				if ev.Type == EventEnd {
					break
				}
			}
			if got := strings.Join(types, " "); got != tt.types {
				t.Fatalf("types %q want %q (err %v)", got, tt.types, err)
			}
			if tt.errText == "" {
				if err != nil {
					t.Fatal(err)
				}
				if evs[0].ExecutionCount != 3 || evs[1].Text != "hi\n" || evs[1].Timestamp.IsZero() {
					t.Fatalf("events %+v", evs[:2])
				}
				r := evs[3].Result
				if r.Text != "2" || r.HTML != "<b>2</b>" || r.PNG != "iVBO" || string(r.JSON) != `{"a": [1]}` ||
					string(r.Chart) != `{"type": "bar"}` || string(r.Data) != "[1]" || !r.IsMainResult || r.Extra["x/y"] != 1.0 {
					t.Fatalf("result %+v", r)
				}
				if e := evs[4].Error; e.Name != "ValueError" || e.Value != "bad" || e.Traceback != "line1\nline2" {
					t.Fatalf("error %+v", e)
				}
				return
			}
			if tt.name == "too long" && (!evs[0].Truncated || !strings.HasPrefix(evs[0].Text, strings.Repeat("x", 900)) || !strings.Contains(evs[0].Text, "kept the start of")) {
				t.Fatalf("overlong line gave %+v", evs[0])
			}
			if tt.name == "too long" && (!evs[0].Truncated || !strings.HasPrefix(evs[0].Text, strings.Repeat("x", 900)) || !strings.Contains(evs[0].Text, "kept the start of")) {
				t.Fatalf("overlong line gave %+v", evs[0])
			}
			if err == nil || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("err = %v, want %q", err, tt.errText)
			}
		})
	}
}

// FuzzConnectEnvelope feeds arbitrary bytes to the Connect envelope and
// process-event decoders: errors are fine, panics and payloads over the
// limit are not.
func FuzzConnectEnvelope(f *testing.F) {
	f.Add(cat(env(0, `{"event":{"start":{"pid":12}}}`), env(0, `{"event":{"data":{"stdout":"aGkK"}}}`), env(flagEndStream, `{}`)))
	f.Add(cat(env(0, `{"event":{"end":{"exitCode":-1,"status":"signal: killed"}}}`), env(flagEndStream, `{"error":{"code":"unknown"}}`)))
	f.Add(env(0, `{"event":{"data":{"stdout":"aGk`)[:20])
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff, 1, 2})
	f.Add([]byte{2, 0, 0, 0, 1, '{'})
	f.Add(env(0, `{"event":{"data":{"stdout":"====","stderr":null}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const max = 1 << 16
		_, _, _, err := decodeProcessStream(bytes.NewReader(data), max)
		if err == nil && !bytes.Contains(data, []byte{flagEndStream}) {
			t.Fatal("a stream without an end-of-stream envelope was accepted")
		}
	})
}

// FuzzExecuteStream does the same for the /execute line decoder.
func FuzzExecuteStream(f *testing.F) {
	f.Add([]byte(`{"type": "stdout", "text": "hi\n"}` + "\n" + `{"type": "end_of_execution"}` + "\n"))
	f.Add([]byte(`{"type": "result", "text": "1", "json": {"a": [1, {"b": null}]}, "extra": {"k": [1]}, "is_main_result": true}` + "\n"))
	f.Add([]byte(`{"type": "error", "name": "E", "value": "v", "traceback": 7}` + "\n"))
	f.Add([]byte(`{"type": "stdout", "te`))
	f.Add([]byte("\n\n\x00\xff{"))
	f.Add([]byte(strings.Repeat("x", 5000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := newExecDecoder(bytes.NewReader(data), 4096)
		for i := 0; ; i++ {
			ev, err := dec.next()
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error text")
				}
				return
			}
			if ev.Type == EventEnd {
				return
			}
			if ev.Type == EventResult && ev.Result == nil || ev.Type == EventError && ev.Error == nil {
				t.Fatalf("event %q without payload", ev.Type)
			}
			if i > len(data) {
				t.Fatal("more events than input bytes")
			}
		}
	})
}

// processStream builds size bytes of process output as envd sends it:
// 32 KiB raw chunks, base64 in JSON, one envelope each.
func processStream(size int) []byte {
	chunk := bytes.Repeat([]byte("0123456789abcdef log line of a build\n"), 32<<10/37+1)[:32<<10]
	var out []byte
	out = appendEnvelope(out, 0, []byte(`{"event":{"start":{"pid":1}}}`))
	type data struct {
		Event struct {
			Data struct {
				Stdout []byte `json:"stdout"`
			} `json:"data"`
		} `json:"event"`
	}
	for sent := 0; sent < size; sent += len(chunk) {
		var d data
		d.Event.Data.Stdout = chunk[:min(len(chunk), size-sent)]
		b, _ := json.Marshal(d)
		out = appendEnvelope(out, 0, b)
	}
	out = appendEnvelope(out, 0, []byte(`{"event":{"end":{"exited":true,"status":"exit status 0"}}}`))
	return appendEnvelope(out, flagEndStream, []byte(`{}`))
}

// execStream builds size bytes of /execute output: stdout lines of about
// 1 KiB of text each (Jupyter batches stream output), as json.dumps writes
// them.
func execStream(size int) []byte {
	text := strings.Repeat("a line of program output with some numbers 12345\\n", 20)
	line := fmt.Sprintf(`{"type": "stdout", "text": "%s", "timestamp": "2026-01-02T03:04:05.123456+00:00"}`+"\n", text)
	var b bytes.Buffer
	b.WriteString(`{"type": "number_of_executions", "execution_count": 1}` + "\n")
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString(`{"type": "end_of_execution"}` + "\n")
	return b.Bytes()
}

func BenchmarkDecodeProcessOutput(b *testing.B) {
	for _, size := range []int{1 << 20, 10 << 20} {
		stream := processStream(size)
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				er := newEnvelopeReader(bytes.NewReader(stream), DefaultMaxEnvelope)
				var dec procDecoder
				n := 0
				for {
					flags, p, err := er.next()
					if err != nil {
						b.Fatal(err)
					}
					if flags&flagEndStream != 0 {
						break
					}
					ev, err := dec.decode(p)
					if err != nil {
						b.Fatal(err)
					}
					n += len(ev.data)
				}
				if n != size {
					b.Fatalf("decoded %d of %d bytes", n, size)
				}
			}
		})
	}
}

func BenchmarkDecodeExecuteOutput(b *testing.B) {
	for _, size := range []int{1 << 20, 10 << 20} {
		stream := execStream(size)
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			for b.Loop() {
				dec := newExecDecoder(bytes.NewReader(stream), DefaultMaxExecLine)
				for {
					ev, err := dec.next()
					if err != nil {
						b.Fatal(err)
					}
					if ev.Type == EventEnd {
						break
					}
				}
			}
		})
	}
}

// FuzzExecLineFastPath checks that the fast stdout/stderr path decodes
// exactly what encoding/json decodes whenever it accepts a line.
func FuzzExecLineFastPath(f *testing.F) {
	f.Add([]byte(`{"type": "stdout", "text": "hi\n", "timestamp": "2026-01-02T03:04:05.123456+00:00"}`))
	f.Add([]byte(`{"type": "stderr", "text": "q\"\\\/\b\f\r\t\u00e9\ud83d\ude00\ud800x\udc00"}`))
	f.Add([]byte(`{"type": "stdout", "text": "\\"}`))
	f.Add([]byte(`{"type": "stdout", "text": "a\\\"b", "timestamp": ""}`))
	f.Add([]byte(`{"type": "stdout", "text": "\u12"}`))
	f.Add([]byte("{\"type\": \"stdout\", \"text\": \"\xff\"}"))
	f.Fuzz(func(t *testing.T, line []byte) {
		var scratch []byte
		fast, ok := fastExecLine(line, &scratch)
		if !ok {
			return
		}
		slow, sok, err := slowExecLine(line)
		if err != nil || !sok {
			t.Fatalf("fast path accepted a line encoding/json rejects (%v): %q", err, line)
		}
		if fast.Type != slow.Type || fast.Text != slow.Text || !fast.Timestamp.Equal(slow.Timestamp) {
			t.Fatalf("fast %+v != slow %+v for %q", fast, slow, line)
		}
	})
}

func TestSalvageJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`abc`, "abc"},
		{`ab\n`, "ab"}, // an escape in the tail is dropped (cheap and safe)
		{strings.Repeat("x", 20) + `\u00e9\u00`, strings.Repeat("x", 20) + "é"},
		{strings.Repeat("x", 20) + `\`, strings.Repeat("x", 20)},
		{strings.Repeat("x", 20) + `\\\`, strings.Repeat("x", 20)},
		{`done", "timestamp": "t"`, "done"},
		{strings.Repeat("x", 20) + "\xc3", strings.Repeat("x", 20)},
	}
	for _, tt := range tests {
		if got := salvageJSONString([]byte(tt.in)); got != tt.want {
			t.Errorf("salvage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
