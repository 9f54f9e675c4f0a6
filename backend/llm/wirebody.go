package llm

import (
	"strings"

	"tessera/backend/wiretext"
)

// bodySummary is what of a provider's unstructured error body may be quoted
// in a sentence: an error page from a proxy is named as one with its status
// ("the server answered with an error page (HTTP 502)"), never pasted.
func bodySummary(f *apiFailure, body []byte) string {
	return wiretext.Summary(f.Status, f.Header.Get("Content-Type"), body)
}

// pageSummary replaces a structured error's message that is itself a page
// (some gateways put the upstream's HTML in "message"). Other messages are
// kept whole: retry hints and token ceilings are read from them later.
func pageSummary(f *apiFailure) string {
	if wiretext.IsPage(f.Message) {
		return wiretext.Page(f.Status)
	}
	return f.Message
}

// summaryDetail joins a summary to a sentence: "…is unavailable right now;
// the server answered with an error page (HTTP 502)." rather than a
// parenthesis inside a parenthesis.
func summaryDetail(msg string) (string, bool) {
	if !wiretext.IsSummary(msg) {
		return "", false
	}
	return "; " + strings.TrimRight(msg, "."), true
}
