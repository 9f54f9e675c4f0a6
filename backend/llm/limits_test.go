package llm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
)

// countingWriter counts what the fake provider managed to send: when the
// client stops the answer, the rest is never written.
type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n.Add(int64(n))
	return n, err
}

func (w countingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// hostileRig is a provider that streams one answer whose file is 50 MB.
type hostileRig struct {
	c    *Client
	sent *atomic.Int64
	h    *llmtest.Handler
}

const hostileSize = 50 << 20

func newHostileRig(tb testing.TB) *hostileRig {
	tb.Helper()
	h := llmtest.NewHandler()
	sent := &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(countingWriter{w, sent}, r)
	}))
	tb.Cleanup(srv.Close)
	tb.Cleanup(h.Close)
	var ext Extensions
	for _, p := range DefaultCatalog().Providers() {
		ext.Providers = append(ext.Providers, ProviderExtension{ID: p.ID, BaseURL: srv.URL + "/v1"})
	}
	b, _ := json.Marshal(ext)
	cat, err := NewCatalog(b)
	if err != nil {
		tb.Fatal(err)
	}
	return &hostileRig{c: NewClient(cat, allKeys, srv.Client()), sent: sent, h: h}
}

var hostileText = sync.OnceValue(func() string {
	return `{"commentary":"Here is your data.","template":"code-interpreter-v1","title":"Data","description":"d",` +
		`"file_path":"data.csv","code":"` + strings.Repeat("1,2,3,4,5,6,7,8\\n", hostileSize/18) + `"}`
})

func (r *hostileRig) answer(tb testing.TB) (fragment.Partial, error) {
	r.sent.Store(0)
	r.h.Push(llmtest.Response{Text: hostileText(), ChunkSize: 8 << 10})
	var last fragment.Partial
	_, _, err := r.c.StreamFragment(context.Background(), userReq("openai", "m1"), func(p fragment.Partial) { last = p }, nil)
	return last, err
}

// The 50 MB file is refused when it passes 4 MB, and the provider is
// stopped: it never gets to send the rest.
func TestHostileAnswerIsCutWhileItStreams(t *testing.T) {
	r := newHostileRig(t)
	start := time.Now()
	last, err := r.answer(t)
	var le *fragment.LimitError
	if !errors.As(err, &le) || le.Limit != fragment.LimitFile || le.Path != "data.csv" {
		t.Fatalf("err = %v, want the one-file limit for data.csv", err)
	}
	if last.Commentary != "Here is your data." {
		t.Fatalf("the text so far was not streamed: %q", last.Commentary)
	}
	if sent := r.sent.Load(); sent > 3*fragment.MaxFileBytes {
		t.Fatalf("the provider sent %d MB after the limit at %d MB; the answer was not stopped", sent>>20, fragment.MaxFileBytes>>20)
	}
	t.Logf("cut after %.1f MB of the 50 MB answer in %v", float64(r.sent.Load())/(1<<20), time.Since(start).Round(time.Millisecond))
}

// heapBytes is the live heap now (runtime/metrics; no stop-the-world).
func heapBytes(s []metrics.Sample) uint64 {
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// BenchmarkHostileAnswerMemory reports the peak heap above idle while a
// model streams a 50 MB file (the limit: under 100 MB).
func BenchmarkHostileAnswerMemory(b *testing.B) {
	r := newHostileRig(b)
	hostileText()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var worst uint64
	for b.Loop() {
		runtime.GC()
		idle := heapBytes(sample)
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			for {
				if h := heapBytes(s); h > peak.Load() {
					peak.Store(h)
				}
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()
		if _, err := r.answer(b); err == nil {
			b.Fatal("a 50 MB file was accepted")
		}
		close(stop)
		<-done
		if p := peak.Load(); p > idle && p-idle > worst {
			worst = p - idle
		}
	}
	b.ReportMetric(float64(worst)/(1<<20), "peak-heap-MB")
	if worst > 100<<20 {
		b.Fatalf("peak heap %d MB above idle; the bound is 100 MB", worst>>20)
	}
}
