package e2b

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/go-resty/resty/v2"
)

// v2OrV1 POSTs to the v2 endpoint that current E2B serves (e2b 2.51.0 creates
// and connects through /v2/sandboxes and marks the v1 calls deprecated) and
// falls back to v1 when the server answers 404 for the route itself, as a
// self-hosted E2B older than v2 does (a plain "404 page not found"). A 404
// with E2B's JSON error ("no such template/sandbox") is an answer, not a
// missing route. Once v1 succeeded after a v2 404,
// the server is known not to have v2 and later calls go to v1 directly.
func (c *Client) v2OrV1(ctx context.Context, o op, mode retryMode, v2, v1 string, set func(r *resty.Request, v1 bool)) (attempt, error) {
	if !c.noV2.Load() {
		a, err := c.do(ctx, o, mode, c.api, http.MethodPost, v2, func(r *resty.Request) { set(r, false) })
		if err != nil || a.resp.StatusCode() != http.StatusNotFound || isAPIError(a.resp.Body()) {
			return a, err
		}
	}
	a, err := c.do(ctx, o, mode, c.api, http.MethodPost, v1, func(r *resty.Request) { set(r, true) })
	if err == nil && a.resp.StatusCode() < 300 && !c.noV2.Load() {
		c.noV2.Store(true)
		c.log.Debug("e2b: the API has no v2 sandbox endpoints; using v1")
	}
	return a, err
}

func cloneAny(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// isAPIError reports whether body is E2B's error JSON with a message.
func isAPIError(body []byte) bool {
	var e struct {
		Message string `json:"message"`
	}
	return json.Unmarshal(body, &e) == nil && e.Message != ""
}
