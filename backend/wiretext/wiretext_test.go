package wiretext

import (
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		name, ct, body string
		status         int
		want           string
	}{
		{"html page", "text/html", "<html><body>upstream down</body></html>", 502, "the server answered with an error page (HTTP 502)"},
		{"html without type", "", "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", 502, "the server answered with an error page (HTTP 502)"},
		{"nginx", "text/plain", "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center></body></html>", 504, "the server answered with an error page (HTTP 504)"},
		{"xml", "application/xml", "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>", 403, "the server answered with an error page (HTTP 403)"},
		{"plain", "text/plain", "  upstream connect error\n  or disconnect  ", 503, "upstream connect error or disconnect"},
		{"empty", "", "  \n ", 500, ""},
		{"binary", "", "\x00\x01\x02\x03\x04\x05binary", 500, "the server answered with data that is not text (HTTP 500)"},
		{"not utf8", "", "\xff\xfe\xfd", 500, "the server answered with data that is not text (HTTP 500)"},
		{"bidi", "", "bad \u202Egnp.exe request", 400, "bad gnp.exe request"},
		{"less than is not a page", "", "value must be < 10", 400, "value must be < 10"},
		{"long", "", strings.Repeat("word ", 100), 500, strings.Repeat("word ", 32)[:MaxDetail-1] + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Summary(tc.status, tc.ct, []byte(tc.body)); got != tc.want {
				t.Errorf("Summary = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	if got := Message(502, "<html><body>upstream down</body></html>"); got != Page(502) || !IsSummary(got) {
		t.Errorf("page in a message: %q", got)
	}
	if got := Message(400, "Invalid\tvalue\n for x"); got != "Invalid value for x" || IsSummary(got) {
		t.Errorf("message: %q", got)
	}
}
