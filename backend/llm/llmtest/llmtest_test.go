package llmtest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want int
	}{
		{"abcdef", 2, 3},
		{"abc", 10, 1},
		{"", 3, 0},
		{"héllo", 2, 3}, // "hé" is 3 bytes, never split inside é
	}
	for _, tt := range tests {
		got := Split(tt.in, tt.n)
		if len(got) != tt.want || strings.Join(got, "") != tt.in {
			t.Errorf("Split(%q, %d) = %q", tt.in, tt.n, got)
		}
	}
}

func TestScript(t *testing.T) {
	srv := New(t)
	post := func() (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL()+"/chat/completions", strings.NewReader(`{"model":"m","stream":true}`))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post(); code != 500 {
		t.Errorf("unscripted: %d", code)
	}
	srv.Push(ErrorResponse(429, "slow"))
	srv.SetCycle(Response{Text: "A", Usage: &Usage{TotalTokens: 3}}, Response{Text: "B", ToolCall: true})
	want := []struct {
		code int
		has  string
	}{{429, `"slow"`}, {200, `"content":"A"`}, {200, `"arguments":"B"`}, {200, `"content":"A"`}}
	for i, w := range want {
		code, body := post()
		if code != w.code || !strings.Contains(body, w.has) {
			t.Errorf("request %d: %d %s", i, code, body)
		}
		if code == 200 && !strings.HasSuffix(body, "data: [DONE]\n\n") {
			t.Errorf("request %d: no [DONE]", i)
		}
	}
	if n := srv.RequestCount(); n != 5 {
		t.Errorf("RequestCount = %d", n)
	}
	if m := srv.Requests()[0].Chat().Model; m != "m" {
		t.Errorf("recorded model %q", m)
	}
}
