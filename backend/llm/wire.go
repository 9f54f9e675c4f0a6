package llm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Tessera speaks the wire itself rather than through go-openai's client:
// providers disagree on the error body (an object, a bare string, a JSON
// array from Gemini, xAI's {"code","error":"<string>"}), put errors inside
// 200 streams after SSE comments, and go-openai folds comment lines into
// its error accumulator and drops the response headers. go-openai's types
// are still used to build the request body.

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// apiFailure is a provider's refusal: an HTTP error status, or an error
// event inside a stream (Status 0 unless the event carried a code).
type apiFailure struct {
	Status  int
	Header  http.Header
	Message string
	Code    string
	Type    string
	Param   string
	// RetryDelay is Gemini's google.rpc.RetryInfo.
	RetryDelay time.Duration
	// DailyQuota: Gemini's google.rpc.QuotaFailure names a per-day quota,
	// which no short wait will lift.
	DailyQuota bool
	// Finish is "error" when the event came as a chunk with
	// finish_reason "error" (OpenRouter).
	Finish string
}

func (f *apiFailure) Error() string {
	var b strings.Builder
	if f.Status != 0 {
		fmt.Fprintf(&b, "status %d: ", f.Status)
	} else {
		b.WriteString("stream error: ")
	}
	b.WriteString(f.Message)
	if f.Code != "" {
		fmt.Fprintf(&b, " (code %s)", f.Code)
	}
	if f.Type != "" {
		fmt.Fprintf(&b, " (type %s)", f.Type)
	}
	if f.Param != "" {
		fmt.Fprintf(&b, " (param %s)", f.Param)
	}
	return b.String()
}

// parseErrorBody reads any of the error shapes providers send into f.
func parseErrorBody(body []byte, f *apiFailure) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		// HTML from a proxy, or plain text: summarised, never pasted.
		f.Message = bodySummary(f, body)
		return
	}
	readErrorValue(v, f, 0)
	if f.Message == "" {
		f.Message = bodySummary(f, body)
	}
	f.Message = pageSummary(f)
}

func readErrorValue(v any, f *apiFailure, depth int) {
	if depth > 4 {
		return
	}
	switch t := v.(type) {
	case []any: // Gemini: [{"error": {...}}]
		if len(t) > 0 {
			readErrorValue(t[0], f, depth+1)
		}
	case string: // a bare JSON string
		f.Message = unescapeMessage(t)
	case map[string]any:
		if e, ok := t["error"]; ok {
			switch ev := e.(type) {
			case string: // xAI: {"code": "...", "error": "<message>"}
				f.Message = unescapeMessage(ev)
				f.Code = scalar(t["code"])
			case map[string]any:
				readErrorObject(ev, f, depth)
			}
			return
		}
		// vLLM / LM Studio: {"object": "error", "message": "..."}; some
		// servers: {"detail": "..."}.
		readErrorObject(t, f, depth)
	}
}

func readErrorObject(o map[string]any, f *apiFailure, depth int) {
	if m := scalar(o["message"]); m != "" {
		f.Message = unescapeMessage(m)
	} else if m := scalar(o["detail"]); m != "" {
		f.Message = m
	}
	f.Type = scalar(o["type"])
	if f.Type == "" {
		f.Type = scalar(o["status"]) // Gemini: "RESOURCE_EXHAUSTED", "INVALID_ARGUMENT"
	}
	f.Code = scalar(o["code"])
	f.Param = scalar(o["param"])
	if n, err := strconv.Atoi(f.Code); err == nil && n >= 400 && n < 600 && f.Status == 0 {
		// OpenRouter's mid-stream errors carry the HTTP-like code.
		f.Status = n
	}
	if details, ok := o["details"].([]any); ok {
		for _, d := range details {
			dm, _ := d.(map[string]any)
			switch typ := scalar(dm["@type"]); {
			case strings.HasSuffix(typ, "google.rpc.RetryInfo"):
				if d, err := time.ParseDuration(scalar(dm["retryDelay"])); err == nil {
					f.RetryDelay = d
				}
			case strings.HasSuffix(typ, "google.rpc.QuotaFailure"):
				vs, _ := dm["violations"].([]any)
				for _, v := range vs {
					vm, _ := v.(map[string]any)
					if strings.Contains(scalar(vm["quotaId"]), "PerDay") {
						f.DailyQuota = true
					}
				}
			case strings.HasSuffix(typ, "google.rpc.ErrorInfo"):
				if r := scalar(dm["reason"]); r != "" && f.Code == "" {
					f.Code = r // "API_KEY_INVALID"
				}
			}
		}
	}
	// OpenRouter wraps the upstream provider's error in metadata.raw; its
	// message is the one that says what was wrong.
	if md, ok := o["metadata"].(map[string]any); ok {
		if raw := scalar(md["raw"]); raw != "" {
			var inner apiFailure
			parseErrorBody([]byte(raw), &inner)
			if inner.Message != "" {
				f.Message = strings.TrimRight(f.Message, ". ") + ": " + inner.Message
				if inner.Param != "" {
					f.Param = inner.Param
				}
				if f.Code == "" || f.Code == strconv.Itoa(f.Status) {
					f.Code = inner.Code
				}
			}
		}
	}
}

// unescapeMessage undoes xAI's URL-encoded messages ("Incorrect%20API%20key").
func unescapeMessage(s string) string {
	if strings.Contains(s, "%20") {
		if u, err := url.PathUnescape(s); err == nil {
			return u
		}
	}
	return s
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

// do sends a request to the provider and returns the response when the
// status is 2xx; otherwise the body is read into an *apiFailure.
func (c *Client) do(ctx context.Context, method, endpoint, key string, body []byte, stream bool) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if stream {
		req.Header.Set("Accept", "text/event-stream")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	f := &apiFailure{Status: resp.StatusCode, Header: resp.Header.Clone()}
	parseErrorBody(b, f)
	return nil, f
}

// sseReader reads Server-Sent Events: comment lines (": OPENROUTER
// PROCESSING") are skipped, multi-line data fields are joined, and a
// data line that follows a complete one without a blank line in between
// (some servers) still ends the previous event.
type sseReader struct {
	r       *bufio.Reader
	pending []byte
	has     bool
}

func newSSEReader(r io.Reader) *sseReader { return &sseReader{r: bufio.NewReaderSize(r, 64<<10)} }

// next returns the next event's data; io.EOF at the end of the body or
// after "[DONE]".
func (s *sseReader) next() ([]byte, error) {
	for {
		line, err := s.r.ReadBytes('\n')
		if len(line) > 0 {
			line = bytes.TrimRight(line, "\r\n")
			switch {
			case len(line) == 0:
				if s.has {
					return s.take()
				}
			case line[0] == ':':
				// comment / keep-alive
			case bytes.HasPrefix(line, []byte("data:")):
				d := bytes.TrimPrefix(bytes.TrimPrefix(line, []byte("data:")), []byte(" "))
				if s.has && json.Valid(s.pending) {
					out, _ := s.take()
					s.pending, s.has = append(s.pending, d...), true
					return out, nil
				}
				if s.has {
					s.pending = append(s.pending, '\n')
				}
				s.pending, s.has = append(s.pending, d...), true
			default:
				// event:, id:, retry: fields carry nothing we use.
			}
		}
		if err != nil {
			if s.has {
				return s.take()
			}
			return nil, err
		}
	}
}

func (s *sseReader) take() ([]byte, error) {
	out := bytes.TrimSpace(s.pending)
	s.pending, s.has = nil, false
	if string(out) == "[DONE]" {
		return nil, io.EOF
	}
	return append([]byte(nil), out...), nil
}
