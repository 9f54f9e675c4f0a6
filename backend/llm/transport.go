package llm

import (
	"context"
	"io"
	"net/http"
	"sync"
)

// go-openai turns an HTTP error into an APIError without the response
// headers, so Retry-After would be lost, and it reads the stream without
// telling anyone bytes arrived, so a stall cannot be told from a slow
// answer. respMeta, carried in the request's context (one per call, no
// shared state), collects both at the transport.
type respMeta struct {
	mu       sync.Mutex
	status   int
	header   http.Header
	activity func() // called whenever response bytes arrive; may be nil
}

func (m *respMeta) set(status int, h http.Header) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.status, m.header = status, h
}

func (m *respMeta) get() (int, http.Header) {
	if m == nil {
		return 0, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status, m.header
}

type metaKey struct{}

func withMeta(ctx context.Context, m *respMeta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// metaTransport records status and headers of each response and wraps the
// body so reads report activity.
type metaTransport struct{ base http.RoundTripper }

func (t metaTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	m, _ := req.Context().Value(metaKey{}).(*respMeta)
	if err != nil || m == nil {
		return resp, err
	}
	m.set(resp.StatusCode, resp.Header.Clone())
	if m.activity != nil {
		m.activity()
		resp.Body = &activityBody{ReadCloser: resp.Body, activity: m.activity}
	}
	return resp, nil
}

type activityBody struct {
	io.ReadCloser
	activity func()
}

func (b *activityBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.activity()
	}
	return n, err
}

// wrapHTTPClient returns a client for LLM calls built on hc's transport.
// hc.Timeout is deliberately not copied: a whole-request timeout would cut
// long generations; StreamFragment has its own stall detection and every
// call carries a context.
func wrapHTTPClient(hc *http.Client) *http.Client {
	base := http.DefaultTransport
	out := &http.Client{}
	if hc != nil {
		if hc.Transport != nil {
			base = hc.Transport
		}
		out.CheckRedirect, out.Jar = hc.CheckRedirect, hc.Jar
	}
	out.Transport = metaTransport{base: base}
	return out
}
