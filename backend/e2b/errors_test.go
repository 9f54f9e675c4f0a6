package e2b

import (
	"net/http"
	"strings"
	"testing"

	"tessera/backend/apperr"
)

// Sentences quote what E2B said only as one short line; a page from a proxy
// is named, never pasted.
func TestErrorSentencesNeverPasteBodies(t *testing.T) {
	o := op{what: "create the sandbox"}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"html 400", 400, "<html><body>upstream down</body></html>", "E2B refused to create the sandbox: the server answered with an error page (HTTP 400). Check"},
		{"json 400", 400, `{"code":400,"message":"Template not found"}`, "E2B refused to create the sandbox: Template not found. Check"},
		{"message is a page", 400, `{"code":400,"message":"<html><head><title>400</title></head></html>"}`, "the server answered with an error page (HTTP 400)"},
		{"fastapi 422", 422, `{"detail":[{"loc":["body","code"],"msg":"field required","type":"value_error.missing"}]}`, "E2B refused to create the sandbox: code: field required. Check"},
		{"multi-line text", 400, "bad\nrequest\t here", "E2B refused to create the sandbox: bad request here. Check"},
		{"binary", 400, "\x00\x01\x02\x03", "the server answered with data that is not text (HTTP 400)"},
		{"empty", 400, "", "E2B refused to create the sandbox: Bad Request. Check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := statusError(o, tc.status, http.Header{}, []byte(tc.body))
			msg := apperr.MessageOf(err)
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "<") || strings.Contains(msg, "upstream down") {
				t.Fatalf("sentence %q, want it to contain %q", msg, tc.want)
			}
		})
	}
	// The sandbox proxy's JSON 502 is still read (§3: port not open).
	err := envdError(op{what: "open the preview"}, http.StatusBadGateway,
		[]byte(`{"sandboxId":"x","message":"The sandbox is running but port is not open","port":3000,"code":502}`))
	if !strings.Contains(apperr.MessageOf(err), "not listening yet") {
		t.Fatalf("port not open: %q", apperr.MessageOf(err))
	}
	err = envdError(op{what: "read the file"}, http.StatusBadRequest, []byte("<!DOCTYPE html><html><body>Bad</body></html>"))
	if m := apperr.MessageOf(err); strings.Contains(m, "<") || !strings.Contains(m, "error page (HTTP 400)") {
		t.Fatalf("envd page: %q", m)
	}
}
