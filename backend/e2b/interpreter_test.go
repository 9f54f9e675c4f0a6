package e2b_test

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

func TestExecute(t *testing.T) {
	_, c, sb := newSandbox(t)
	ip := c.Interpreter(sb)
	ctx := context.Background()
	cid, err := ip.CreateContext(ctx, "/home/user", "python")
	if err != nil {
		t.Fatal(err)
	}
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG fake"))
	tests := []struct {
		name  string
		code  string
		check func(t *testing.T, x *e2b.Execution, events []e2b.ExecEvent)
	}{
		{"stdout and value", "print('hi')\nx = 41\nx + 1", func(t *testing.T, x *e2b.Execution, ev []e2b.ExecEvent) {
			if strings.Join(x.Stdout, "") != "hi\n" || x.Text() != "42" || x.Error != nil {
				t.Fatalf("%+v", x)
			}
			if ev[0].Type != e2b.EventNumberOfExecutions || ev[len(ev)-1].Type != e2b.EventEnd {
				t.Fatalf("event order %v", types(ev))
			}
		}},
		{"state persists", "x * 2", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if x.Text() != "82" {
				t.Fatalf("text %q", x.Text())
			}
		}},
		{"string result unquoted", "'abc'", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if x.Text() != "abc" {
				t.Fatalf("text %q", x.Text())
			}
		}},
		{"stderr", "import sys\nprint('warn', file=sys.stderr)", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if strings.Join(x.Stderr, "") != "warn\n" || len(x.Results) != 0 {
				t.Fatalf("%+v", x)
			}
		}},
		{"traceback", "def f():\n    return 1/0\nf()", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if x.Error == nil || x.Error.Name != "ZeroDivisionError" || x.Error.Value != "division by zero" ||
				!strings.Contains(x.Error.Traceback, "return 1/0") || strings.Contains(x.Error.Traceback, "e2btest_kernel") {
				t.Fatalf("error %+v", x.Error)
			}
		}},
		{"syntax error", "def (", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if x.Error == nil || x.Error.Name != "SyntaxError" {
				t.Fatalf("error %+v", x.Error)
			}
		}},
		{"display formats", "display(HTML('<b>b</b>'), Markdown('# m'))\ndisplay({'image/png': '" + png + "', 'text/plain': 'img', 'application/json': {'a': 1}, 'image/svg+xml': '<svg/>', 'text/latex': '$x$', 'application/javascript': 'x()', 'application/vnd.e2b.chart+json': {'type': 'line'}, 'application/vnd.e2b.data+json': {'d': [1]}, 'application/pdf': 'UERG', 'image/jpeg': 'SlBH', 'text/x-custom': 'c'}, raw=True)", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if len(x.Results) != 3 {
				t.Fatalf("results %+v", x.Results)
			}
			if x.Results[0].HTML != "<b>b</b>" || x.Results[1].Markdown != "# m" || x.Results[0].IsMainResult {
				t.Fatalf("results %+v", x.Results[:2])
			}
			r := x.Results[2]
			if r.PNG != png || r.Text != "img" || string(r.JSON) != `{"a": 1}` || r.SVG != "<svg/>" || r.LaTeX != "$x$" ||
				r.JavaScript != "x()" || string(r.Chart) != `{"type": "line"}` || string(r.Data) != `{"d": [1]}` ||
				r.PDF != "UERG" || r.JPEG != "SlBH" || r.Extra["text/x-custom"] != "c" {
				t.Fatalf("result %+v", r)
			}
		}},
		{"files are the sandbox's", "open('/home/user/from_py.txt', 'w').write('py')\nimport os\nos.getcwd()", func(t *testing.T, x *e2b.Execution, _ []e2b.ExecEvent) {
			if x.Text() != "/home/user" {
				t.Fatalf("cwd %q", x.Text())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var events []e2b.ExecEvent
			x, err := ip.Execute(ctx, tt.code, cid, func(ev e2b.ExecEvent) { events = append(events, ev) })
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, x, events)
		})
	}
	got, err := c.Envd(sb).ReadFile(ctx, "/home/user/from_py.txt")
	if err != nil || string(got) != "py" {
		t.Fatalf("file written by python: %q %v", got, err)
	}
}

func types(ev []e2b.ExecEvent) []string {
	var out []string
	for _, e := range ev {
		out = append(out, e.Type)
	}
	return out
}

func TestExecuteContexts(t *testing.T) {
	f, c, sb := newSandbox(t)
	ip := c.Interpreter(sb)
	ctx := context.Background()
	// The default context keeps state too.
	if _, err := ip.Execute(ctx, "v = 'default'", "", nil); err != nil {
		t.Fatal(err)
	}
	x, err := ip.Execute(ctx, "v", "", nil)
	if err != nil || x.Text() != "default" {
		t.Fatalf("%v %v", x, err)
	}
	a, err := ip.CreateContext(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ip.CreateContext(ctx, "/home/user/proj", "python")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ip.Execute(ctx, "v = 'a'", a, nil); err != nil {
		t.Fatal(err)
	}
	x, _ = ip.Execute(ctx, "v", b, nil)
	if x.Error == nil || x.Error.Name != "NameError" {
		t.Fatalf("contexts share state: %+v", x)
	}
	x, _ = ip.Execute(ctx, "import os; os.getcwd()", b, nil)
	if x.Text() != "/home/user/proj" {
		t.Fatalf("cwd %q", x.Text())
	}
	list, err := ip.ListContexts(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("contexts %v %v", list, err)
	}
	if err := ip.DeleteContext(ctx, a); err != nil {
		t.Fatal(err)
	}
	_, err = ip.Execute(ctx, "1", a, nil)
	wantCode(t, err, apperr.NotFound)
	_, err = ip.Execute(ctx, "1", "../x", nil)
	wantCode(t, err, apperr.Invalid)
	_, err = ip.Execute(ctx, " ", b, nil)
	wantCode(t, err, apperr.Invalid)

	// Env vars for one execution only.
	x, err = ip.ExecuteWith(ctx, e2b.ExecuteRequest{Code: "import os; os.environ.get('ONCE')", ContextID: b, EnvVars: map[string]string{"ONCE": "1"}}, nil)
	if err != nil || x.Text() != "1" {
		t.Fatalf("%+v %v", x, err)
	}
	x, _ = ip.Execute(ctx, "import os; os.environ.get('ONCE')", b, nil)
	if x.Text() != "" || len(x.Results) != 0 {
		t.Fatalf("env var leaked: %+v", x.Results)
	}
	// Not retried: the code may have run.
	f.FailNext(e2btest.EndpointExecute, e2btest.Fault5xx)
	before := f.Calls(e2btest.EndpointExecute)
	_, err = ip.Execute(ctx, "1", b, nil)
	wantCode(t, err, apperr.Unavailable)
	if f.Calls(e2btest.EndpointExecute)-before != 1 {
		t.Fatal("execute was retried")
	}
}

func TestExecuteStreamsAndCancels(t *testing.T) {
	_, c, sb := newSandbox(t)
	ip := c.Interpreter(sb)
	cid, err := ip.CreateContext(context.Background(), "", "python")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var seen []string
	got := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	var x *e2b.Execution
	go func() {
		var err error
		x, err = ip.Execute(ctx, "import time\nprint('tick', flush=True)\ntime.sleep(60)\nprint('never')", cid, func(ev e2b.ExecEvent) {
			mu.Lock()
			seen = append(seen, ev.Type)
			mu.Unlock()
			if ev.Type == e2b.EventStdout {
				once.Do(func() { close(got) })
			}
		})
		done <- err
	}()
	select {
	case <-got: // delivered while the cell still runs
	case <-time.After(20 * time.Second):
		t.Fatal("stdout not delivered while running")
	}
	cancel()
	select {
	case err := <-done:
		wantCode(t, err, apperr.Canceled)
		if x == nil || strings.Join(x.Stdout, "") != "tick\n" {
			t.Fatalf("partial execution %+v", x)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Execute did not return after cancel")
	}
	// The kernel was interrupted: the context is usable again at once.
	x2, err := ip.Execute(context.Background(), "'alive'", cid, nil)
	if err != nil || x2.Text() != "alive" {
		t.Fatalf("after cancel: %+v %v", x2, err)
	}
}

func TestExecuteSandboxGone(t *testing.T) {
	f, c, sb := newSandbox(t)
	ip := c.Interpreter(sb)
	f.Expire(sb.SandboxID)
	_, err := ip.Execute(context.Background(), "1", "", nil)
	wantCode(t, err, apperr.NotFound)
	_, err = ip.CreateContext(context.Background(), "", "")
	wantCode(t, err, apperr.NotFound)
}

func TestStreamHeaderTimeouts(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f, func(c *e2b.Config) { c.RequestTimeout = 300 * time.Millisecond })
	sb := create(t, c, e2b.CreateOptions{Secure: true})
	f.Latency(e2btest.EndpointExecute, 10*time.Second)
	f.Latency(e2btest.EndpointProcess, 10*time.Second)
	start := time.Now()
	_, err := c.Interpreter(sb).Execute(context.Background(), "1", "", nil)
	wantCode(t, err, apperr.Unavailable)
	_, err = c.Envd(sb).Run(context.Background(), e2b.ProcessOptions{Cmd: "true"})
	wantCode(t, err, apperr.Unavailable)
	if time.Since(start) > 8*time.Second {
		t.Fatal("header timeout did not apply")
	}
}
