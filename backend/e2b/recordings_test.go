package e2b_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// recording is one HTTP exchange with E2B's real code-interpreter server
// (shared/e2b/recordings/interpreter).
type recording struct {
	name, method, path, reqBody string
	status                      int
	header                      http.Header
	body                        []byte
}

var cutMarker = regexp.MustCompile(`\n\.\.\. \[truncated here: the body continues to (\d+) bytes, then the end lines below\]\n`)

func loadRecordings(t *testing.T) []recording {
	dir := filepath.Join("..", "..", "..", "shared", "e2b", "recordings", "interpreter")
	files, _ := filepath.Glob(filepath.Join(dir, "[0-9]*.txt"))
	if len(files) == 0 {
		t.Skipf("interpreter recordings skipped: none in %s", dir)
	}
	var out []recording
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head, body, ok := bytes.Cut(b, []byte("<<BODY\n"))
		if !ok {
			t.Fatalf("%s: no body marker", f)
		}
		r := recording{name: filepath.Base(f), header: http.Header{}, body: body}
		for i, line := range strings.Split(strings.TrimSuffix(string(head), "\n"), "\n") {
			switch {
			case i == 0:
				r.method, r.path, _ = strings.Cut(strings.TrimPrefix(line, "> "), " ")
			case i == 1:
				r.reqBody = strings.TrimPrefix(strings.TrimPrefix(line, ">"), " ")
			case i == 2:
				r.status, _ = strconv.Atoi(strings.TrimPrefix(line, "< "))
			case strings.HasPrefix(line, "< ") && !strings.HasPrefix(line, "< ("):
				k, v, _ := strings.Cut(line[2:], ": ")
				r.header.Set(k, v)
			}
		}
		// The two 10 MB bodies were cut in the middle: put back as many
		// bytes of the line's own character, so sizes are real again.
		if m := cutMarker.FindSubmatchIndex(r.body); m != nil {
			total, _ := strconv.Atoi(string(r.body[m[2]:m[3]]))
			pre, post := r.body[:m[0]], r.body[m[1]:]
			fill := bytes.Repeat(pre[len(pre)-1:], total-len(pre)-len(post))
			r.body = append(append(append([]byte{}, pre...), fill...), post...)
		}
		out = append(out, r)
	}
	return out
}

// replay serves one recorded answer for every request. A stream that the
// real server never ended is held open until the client hangs up.
func replay(t *testing.T, r recording, hits *atomic.Int32, cfg func(*e2b.Config)) *e2b.Interpreter {
	return interpClient(t, func(w http.ResponseWriter, req *http.Request) {
		hits.Add(1)
		for k, v := range r.header {
			w.Header()[k] = v
		}
		w.WriteHeader(r.status)
		_, _ = w.Write(r.body)
		w.(http.Flusher).Flush()
		if r.status == http.StatusOK && strings.HasSuffix(r.path, "/execute") && !bytes.Contains(r.body, []byte(`"end_of_execution"`)) {
			<-req.Context().Done()
		}
	}, cfg)
}

// interpClient is an Interpreter whose every request reaches h.
func interpClient(t *testing.T, h http.HandlerFunc, cfg func(*e2b.Config)) *e2b.Interpreter {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
	c := e2b.Config{APIKey: "e2b_rec", Domain: "e2b.test", Scheme: "http", HTTPClient: hc,
		Getenv: func(string) string { return "" }, Retry: e2b.RetryPolicy{MaxAttempts: 1}}
	if cfg != nil {
		cfg(&c)
	}
	cl, err := e2b.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return cl.Interpreter(&e2b.Sandbox{SandboxID: "irecordings0000000000", EnvdAccessToken: "tok"})
}

// wireLines are the recorded stream's lines, keepalives left out.
func wireLines(t *testing.T, body []byte) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 32<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("recorded line is not JSON: %v", err)
		}
		if m["type"] != "keepalive" {
			out = append(out, m)
		}
	}
	return out
}

var resultKeys = map[string]func(*e2b.Result) bool{
	"text": func(r *e2b.Result) bool { return r.Text != "" }, "html": func(r *e2b.Result) bool { return r.HTML != "" },
	"markdown": func(r *e2b.Result) bool { return r.Markdown != "" }, "svg": func(r *e2b.Result) bool { return r.SVG != "" },
	"png": func(r *e2b.Result) bool { return r.PNG != "" }, "json": func(r *e2b.Result) bool { return len(r.JSON) > 0 },
	"data": func(r *e2b.Result) bool { return len(r.Data) > 0 }, "chart": func(r *e2b.Result) bool { return len(r.Chart) > 0 },
	"extra": func(r *e2b.Result) bool { return r.Extra != nil },
}

// TestRecordedInterpreterAnswers decodes every answer E2B's real
// code-interpreter server gave into the events it stands for.
func TestRecordedInterpreterAnswers(t *testing.T) {
	for _, r := range loadRecordings(t) {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			// Short limits where the recording is about them (a stream that
			// never ends); ceilings that only end a hung run elsewhere: 10 MB
			// decoded beside the other recordings under -race on a busy
			// machine took longer than 2 s between reads.
			idle, limit := 2*time.Second, 5*time.Second
			if bytes.Contains(r.body, []byte(`"end_of_execution"`)) || r.status != http.StatusOK {
				idle, limit = 60*time.Second, 120*time.Second
			}
			ip := replay(t, r, &hits, func(c *e2b.Config) {
				c.ExecStartTimeout = 300 * time.Millisecond
				c.StreamIdleTimeout = idle
			})
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			switch {
			case r.method == "POST" && r.path == "/execute":
				checkExecute(ctx, t, ip, r, &hits)
			case r.method == "GET" && r.path == "/contexts":
				cs, err := ip.ListContexts(ctx)
				if err != nil || len(cs) == 0 || cs[0].ID == "" || cs[0].Language == "" || cs[0].Cwd == "" {
					t.Fatalf("contexts %+v, %v", cs, err)
				}
			case r.method == "POST" && r.path == "/contexts" && r.status == 200:
				if id, err := ip.CreateContext(ctx, "", ""); err != nil || id == "" {
					t.Fatalf("context %q, %v", id, err)
				}
			case r.method == "POST" && strings.HasSuffix(r.path, "/restart"):
				id := strings.TrimSuffix(strings.TrimPrefix(r.path, "/contexts/"), "/restart")
				err := ip.RestartContext(ctx, id)
				if want := map[int]apperr.Code{200: "", 404: apperr.NotFound}[r.status]; apperr.CodeOf(err) != want {
					t.Fatalf("restart: %v, want %q", err, want)
				}
			case r.method == "DELETE":
				err := ip.DeleteContext(ctx, strings.TrimPrefix(r.path, "/contexts/"))
				if want := map[int]apperr.Code{200: "", 204: "", 404: apperr.NotFound}[r.status]; apperr.CodeOf(err) != want {
					t.Fatalf("delete: %v, want %q", err, want)
				}
			default:
				t.Skipf("%s %s is not a call the client makes", r.method, r.path)
			}
		})
	}
}

func checkExecute(ctx context.Context, t *testing.T, ip *e2b.Interpreter, r recording, hits *atomic.Int32) {
	var req struct {
		Code      string `json:"code"`
		ContextID string `json:"context_id"`
	}
	_ = json.Unmarshal([]byte(r.reqBody), &req)
	if req.Code == "" {
		t.Skip("a raw request the client never sends")
	}
	var events []e2b.ExecEvent
	x, err := ip.Execute(ctx, req.Code, req.ContextID, func(ev e2b.ExecEvent) { events = append(events, ev) })
	if r.status != http.StatusOK {
		want := map[int]apperr.Code{400: apperr.Invalid, 404: apperr.NotFound, 422: apperr.Invalid, 500: apperr.Unavailable}[r.status]
		if apperr.CodeOf(err) != want {
			t.Fatalf("HTTP %d gave %v, want %q", r.status, err, want)
		}
		return
	}
	lines := wireLines(t, r.body)
	ended := len(lines) > 0 && lines[len(lines)-1]["type"] == "end_of_execution"
	switch {
	case ended:
		if err != nil {
			t.Fatalf("execute: %v", err)
		}
	case len(lines) == 0:
		// Never started: the server's post-interrupt race. One retry,
		// then a sentence.
		if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(apperr.MessageOf(err), "did not start the cell") || hits.Load() != 2 {
			t.Fatalf("stuck cell: %v after %d requests", err, hits.Load())
		}
		if len(events) != 1 || !strings.Contains(events[0].Text, "interrupted it") {
			t.Fatalf("events %+v", events)
		}
		return
	default:
		// Started, then cut by the recorder: it runs until we stop it.
		if apperr.CodeOf(err) != apperr.Canceled && apperr.CodeOf(err) != apperr.Unavailable {
			t.Fatalf("unended stream: %v", err)
		}
	}
	if len(events) != len(lines) {
		t.Fatalf("%d events for %d recorded lines", len(events), len(lines))
	}
	wantType := map[string]string{"end_of_execution": e2b.EventEnd}
	for k, ev := range events {
		w := lines[k]
		typ, _ := w["type"].(string)
		if v, ok := wantType[typ]; ok {
			typ = v
		}
		if ev.Type != typ {
			t.Fatalf("event %d is %q, recorded %q", k, ev.Type, typ)
		}
		switch typ {
		case e2b.EventStdout, e2b.EventStderr:
			if ev.Text != w["text"] && !ev.Truncated {
				t.Errorf("event %d text %.40q, recorded %.40q", k, ev.Text, w["text"])
			}
		case e2b.EventResult:
			for key := range w {
				if has, known := resultKeys[key]; known && !has(ev.Result) && w[key] != "" {
					t.Errorf("event %d: recorded %q lost", k, key)
				}
			}
			if ev.Result.IsMainResult != (w["is_main_result"] == true) {
				t.Errorf("event %d: is_main_result lost", k)
			}
		case e2b.EventError:
			if ev.Error.Name != w["name"] || ev.Error.Value != w["value"] {
				t.Errorf("event %d: error %+v, recorded %v", k, ev.Error, w)
			}
		case e2b.EventNumberOfExecutions:
			if float64(ev.ExecutionCount) != w["execution_count"] {
				t.Errorf("execution count %d, recorded %v", ev.ExecutionCount, w["execution_count"])
			}
		}
	}
	if ended && len(x.Errors) != countType(lines, "error") {
		t.Errorf("%d errors kept, %d recorded", len(x.Errors), countType(lines, "error"))
	}
}

func countType(lines []map[string]any, typ string) int {
	n := 0
	for _, l := range lines {
		if l["type"] == typ {
			n++
		}
	}
	return n
}
