package e2b_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

var contextIDPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// TestFakeInterpreterMatchesRecordings sends the recorded requests, in
// order, to the fake's interpreter and compares the answers line by line
// with what E2B's real server sent: status, event types, the keys of every
// line (order aside), error names and values, result texts and JSON.
func TestFakeInterpreterMatchesRecordings(t *testing.T) {
	recs := loadRecordings(t)
	var opts []e2btest.Option
	// Prefer a python3 with the libraries the recorded cells use.
	for _, py := range []string{"/usr/bin/python3"} {
		if exec.Command(py, "-c", "import matplotlib").Run() == nil {
			opts = append(opts, e2btest.WithPython(py))
			break
		}
	}
	f := e2btest.New(t, opts...)
	cfg := f.Config("e2b_recordings")
	c, err := e2b.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sb, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "code-interpreter-v1", Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	base := c.HostURL(sb, e2b.InterpreterPort)
	ids := map[string]string{} // recorded context id -> the fake's
	send := func(r recording) (int, []byte) {
		path := contextIDPattern.ReplaceAllStringFunc(r.path, func(id string) string { return ids[id] })
		body := contextIDPattern.ReplaceAllStringFunc(r.reqBody, func(id string) string {
			if m, ok := ids[id]; ok {
				return m
			}
			return id
		})
		req, _ := http.NewRequest(r.method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := cfg.HTTPClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	missing := func(mod string) bool {
		_, b := send(recording{method: "POST", path: "/execute", reqBody: `{"code":"import ` + mod + `","language":"python"}`})
		return bytes.Contains(b, []byte("ModuleNotFoundError"))
	}
	noPandas, noMatplotlib := missing("pandas"), missing("matplotlib")
	for k := 0; k < len(recs); k++ {
		r := recs[k]
		t.Run(r.name, func(t *testing.T) {
			var lines []map[string]any
			if r.path == "/execute" && r.status == 200 {
				lines = wireLines(t, r.body)
			}
			switch {
			case strings.Contains(r.reqBody, "pandas") && noPandas:
				t.Skip("the fake's python3 has no pandas")
			case strings.Contains(r.reqBody, "matplotlib") && noMatplotlib:
				t.Skip("the fake's python3 has no matplotlib")
			case r.path == "/execute" && r.status == 200 && (len(lines) == 0 || lines[len(lines)-1]["type"] != "end_of_execution"):
				t.Skip("the recorded stream never ended (cancelled or stuck on purpose)")
			}
			var st int
			var got []byte
			if k+1 < len(recs) && strings.HasSuffix(recs[k+1].path, "/restart") && r.path == "/execute" {
				// A restart during the cell: send it once the cell prints.
				done := make(chan struct{})
				go func() {
					defer close(done)
					st, got = send(r)
				}()
				time.Sleep(1500 * time.Millisecond)
				send(recs[k+1])
				<-done
				k++
			} else {
				st, got = send(r)
			}
			if st != r.status {
				t.Fatalf("status %d, recorded %d (body %.200s)", st, r.status, got)
			}
			if st == http.StatusInternalServerError && !bytes.Equal(got, r.body) {
				// A refusal (a kernel the server lacks): E2B's own words.
				t.Errorf("body %q, recorded %q", got, r.body)
			}
			if r.method == "POST" && r.path == "/contexts" && st == 200 {
				var rc, fc e2b.CodeContext
				_ = json.Unmarshal(r.body, &rc)
				_ = json.Unmarshal(got, &fc)
				ids[rc.ID] = fc.ID
				if rc.Language != fc.Language || rc.Cwd != fc.Cwd {
					t.Errorf("context %+v, recorded %+v", fc, rc)
				}
			}
			if r.path != "/execute" || st != 200 {
				return
			}
			compareLines(t, lines, fakeLines(t, got))
		})
	}
}

func fakeLines(t *testing.T, body []byte) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("fake line is not JSON: %.100s", sc.Bytes())
		}
		if m["type"] != "keepalive" {
			out = append(out, m)
		}
	}
	return out
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// compareLines: the recorded machine's font warnings (README) aside, the
// same lines with the same keys and the same deterministic values.
func compareLines(t *testing.T, want, got []map[string]any) {
	t.Helper()
	var w []map[string]any
	for _, l := range want {
		if s, _ := l["text"].(string); l["type"] == "stderr" && strings.Contains(s, "findfont:") {
			continue
		}
		w = append(w, l)
	}
	types := func(ls []map[string]any) string {
		var s []string
		for _, l := range ls {
			s = append(s, l["type"].(string))
		}
		return strings.Join(s, " ")
	}
	if types(w) != types(got) {
		t.Fatalf("fake sent %q\nE2B sent  %q", types(got), types(w))
	}
	for i := range w {
		a, b := w[i], got[i]
		if keys(a) != keys(b) {
			t.Errorf("line %d (%s): fake keys %s, E2B keys %s", i, a["type"], keys(b), keys(a))
		}
		switch a["type"] {
		case "error":
			if a["name"] != b["name"] || (a["value"] != b["value"] && a["name"] != "SyntaxError") {
				t.Errorf("error %v: %v, E2B %v: %v", b["name"], b["value"], a["name"], a["value"])
			}
		case "result":
			for _, k := range []string{"text", "json", "data", "is_main_result", "html", "markdown", "svg"} {
				if k == "text" && strings.HasPrefix(a["text"].(string), "<Figure") {
					continue
				}
				if av, bv := jsonOf(a[k]), jsonOf(b[k]); av != bv && k != "html" {
					t.Errorf("result %s: fake %.120s, E2B %.120s", k, bv, av)
				}
			}
			if ac, ok := a["chart"].(map[string]any); ok {
				bc, _ := b["chart"].(map[string]any)
				if keys(ac) != keys(bc) || jsonOf(ac["type"]) != jsonOf(bc["type"]) || jsonOf(ac["elements"]) != jsonOf(bc["elements"]) {
					t.Errorf("chart: fake %.300s\nE2B %.300s", jsonOf(bc), jsonOf(ac))
				}
			}
		case "stdout", "stderr":
			// The two 10 MB lines were cut in the recording and filled
			// back by size, so only their size can be compared.
			if as, bs := a["text"].(string), b["text"].(string); len(as) > 1<<20 && len(bs) > 1<<20 {
				if d := len(as) - len(bs); d*100 > len(as) || -d*100 > len(as) {
					t.Errorf("%s: fake line of %d bytes, E2B %d", a["type"], len(bs), len(as))
				}
			} else if a["text"] != b["text"] {
				t.Errorf("%s text: fake %.60q, E2B %.60q", a["type"], b["text"], a["text"])
			}
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
