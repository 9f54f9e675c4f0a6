package e2b_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

// stream answers /execute with the given lines, pausing between them.
func stream(lines []string, pause time.Duration) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusOK)
		for _, l := range lines {
			_, _ = io.WriteString(w, l+"\n")
			w.(http.Flusher).Flush()
			time.Sleep(pause)
		}
	}
}

func TestExecuteStreamBehaviour(t *testing.T) {
	const keep = `{"type": "keepalive"}`
	start := `{"type": "number_of_executions", "execution_count": 1}`
	end := `{"type": "end_of_execution"}`
	big := `{"type": "stdout", "text": "` + strings.Repeat("x", 3000) + `"}`
	tests := []struct {
		name   string
		answer []func(w http.ResponseWriter) // one per request
		check  func(t *testing.T, x *e2b.Execution, evs []e2b.ExecEvent, err error, requests int)
	}{
		{"keepalives keep a silent cell alive past the idle limit",
			[]func(http.ResponseWriter){stream([]string{start, keep, keep, keep, keep, keep, keep, `{"type": "stdout", "text": "done\n"}`, end}, 100*time.Millisecond)},
			func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent, err error, _ int) {
				if err != nil || strings.Join(x.Stdout, "") != "done\n" {
					t.Fatalf("%+v %v", x, err)
				}
			}},
		{"silence without keepalives is cut",
			[]func(http.ResponseWriter){stream([]string{start}, 2*time.Second)},
			func(t *testing.T, _ *e2b.Execution, _ []e2b.ExecEvent, err error, _ int) {
				if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(apperr.MessageOf(err), "stopped answering") {
					t.Fatalf("err %v", err)
				}
			}},
		{"a cell the server never starts is retried once",
			[]func(http.ResponseWriter){stream([]string{keep, keep, keep, keep, keep, keep, keep, keep}, 100*time.Millisecond),
				stream([]string{start, `{"type": "result", "text": "2", "is_main_result": true}`, end}, 0)},
			func(t *testing.T, x *e2b.Execution, evs []e2b.ExecEvent, err error, n int) {
				if err != nil || x.Text() != "2" || n != 2 {
					t.Fatalf("%+v %v after %d requests", x, err, n)
				}
				if evs[0].Type != e2b.EventStderr || !strings.Contains(evs[0].Text, "running the cell again") ||
					!strings.Contains(x.Stderr[0], "running the cell again") {
					t.Fatalf("no notice: %+v", evs[0])
				}
			}},
		{"output over the total bound is cut with one notice, the cell runs on",
			[]func(http.ResponseWriter){stream([]string{start, big, big, big, `{"type": "stderr", "text": "late"}`,
				`{"type": "result", "text": "r", "is_main_result": true}`, end}, 0)},
			func(t *testing.T, x *e2b.Execution, evs []e2b.ExecEvent, err error, _ int) {
				if err != nil || !x.Truncated || x.Text() != "r" {
					t.Fatalf("%+v %v", x, err)
				}
				out := strings.Join(x.Stdout, "")
				if strings.Count(out, "x") != 5000 || !strings.Contains(out, "kept the first") || len(x.Stderr) != 0 {
					t.Fatalf("kept %d x, stdout tail %q, stderr %q", strings.Count(out, "x"), out[len(out)-80:], x.Stderr)
				}
				if n := len(evs); n != 5 { // start, big, cut big + notice, result, end
					t.Fatalf("%d events", n)
				}
			}},
		{"a line over the line bound is a notice, not a failure",
			[]func(http.ResponseWriter){stream([]string{start, `{"type": "stdout", "text": "` + strings.Repeat("y", 20000) + `"}`, end}, 0)},
			func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent, err error, _ int) {
				if err != nil || !x.Truncated || !strings.HasPrefix(x.Stdout[0], strings.Repeat("y", 4000)) || !strings.Contains(x.Stdout[0], "left out") {
					t.Fatalf("%+v %v", x, err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			ip := interpClient(t, func(w http.ResponseWriter, r *http.Request) {
				k := int(n.Add(1)) - 1
				if k >= len(tt.answer) {
					http.Error(w, "unexpected request", http.StatusTeapot)
					return
				}
				tt.answer[k](w)
			}, func(c *e2b.Config) {
				c.StreamIdleTimeout = 350 * time.Millisecond
				c.ExecStartTimeout = 250 * time.Millisecond
				c.MaxExecOutput = 5000
				c.MaxExecLine = 10000
			})
			var evs []e2b.ExecEvent
			x, err := ip.Execute(context.Background(), "cell", "", func(ev e2b.ExecEvent) { evs = append(evs, ev) })
			tt.check(t, x, evs, err, int(n.Load()))
			if t.Failed() {
				fmt.Println(evs)
			}
		})
	}
}

// The fake reproduces the server's post-interrupt race; the client
// recovers with one retry and says so.
func TestExecuteRecoversFromAStuckCellAtTheFake(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f, func(c *e2b.Config) { c.ExecStartTimeout = 300 * time.Millisecond })
	sb := create(t, c, e2b.CreateOptions{})
	ip := c.Interpreter(sb)
	// A warm kernel (a cold one takes longer than this test's bound).
	if _, err := newClient(t, f).Interpreter(sb).Execute(context.Background(), "0", "", nil); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls(e2btest.EndpointExecute)
	f.FailNext(e2btest.EndpointExecute, e2btest.FaultStuckCell)
	var evs []e2b.ExecEvent
	x, err := ip.Execute(context.Background(), "21 * 2", "", func(ev e2b.ExecEvent) { evs = append(evs, ev) })
	if err != nil || x.Text() != "42" || f.Calls(e2btest.EndpointExecute) != calls+2 {
		t.Fatalf("%+v %v after %d calls", x, err, f.Calls(e2btest.EndpointExecute))
	}
	if evs[0].Type != e2b.EventStderr || !strings.Contains(evs[0].Text, "running the cell again") {
		t.Fatalf("first event %+v", evs[0])
	}
	f.FailNext(e2btest.EndpointExecute, e2btest.FaultStuckCell)
	f.FailNth(e2btest.EndpointExecute, f.Calls(e2btest.EndpointExecute)+2, e2btest.FaultStuckCell)
	_, err = ip.Execute(context.Background(), "1", "", nil)
	if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(apperr.MessageOf(err), "did not start the cell") {
		t.Fatalf("stuck twice: %v", err)
	}
}

// ipykernel (and the fake) send output written at once as ONE line: a burst
// larger than every bound still runs to the end and shows its start.
func TestExecuteHugeBurstAtTheFake(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f, func(c *e2b.Config) { c.MaxExecLine = 1 << 20; c.MaxExecOutput = 512 << 10 })
	sb := create(t, c, e2b.CreateOptions{})
	x, err := c.Interpreter(sb).Execute(context.Background(), "import sys\nsys.stdout.write('z' * 3_000_000)\nsys.stdout.flush()\n'after'", "", nil)
	if err != nil || x.Text() != "after" || !x.Truncated {
		t.Fatalf("%v, text %q, truncated %v", err, x.Text(), x.Truncated)
	}
	out := strings.Join(x.Stdout, "")
	if !strings.HasPrefix(out, strings.Repeat("z", 500_000)) || len(out) > 600<<10 || !strings.Contains(out, "left out") {
		t.Fatalf("kept %d bytes, tail %q", len(out), out[len(out)-120:])
	}
}
