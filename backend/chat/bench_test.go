package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
)

// jsonEmitter costs what the Wails emitter costs per event (the payload is
// marshalled to JSON for the page) and remembers when the last batch left.
type jsonEmitter struct {
	mu    sync.Mutex
	last  time.Time
	bytes int
	n     int
}

func (e *jsonEmitter) Emit(_ string, payload any) {
	b, _ := json.Marshal(payload)
	e.mu.Lock()
	e.last = time.Now()
	e.bytes += len(b)
	e.n++
	e.mu.Unlock()
}

// timedHandler records when the fake LLM started and finished writing.
type timedHandler struct {
	h          http.Handler
	mu         sync.Mutex
	start, end time.Time
}

func (t *timedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		t.h.ServeHTTP(w, r)
		return
	}
	s := time.Now()
	t.h.ServeHTTP(w, r)
	e := time.Now()
	t.mu.Lock()
	t.start, t.end = s, e
	t.mu.Unlock()
}

// BenchmarkStream20kTokens streams a 20,000-token fragment at full speed
// from the fake LLM through the client, the incremental parser and the
// batched events, and reports how much later than the fake's own last
// write the last event left for the page ("overhead-%").
func BenchmarkStream20kTokens(b *testing.B) {
	code := strings.Repeat("x = 1\n", 20000*4/6)
	f := pyFragment(code)
	text := llmtest.FragmentText(f)
	h := llmtest.NewHandler()
	defer h.Close()
	th := &timedHandler{h: h}
	srv := httptest.NewServer(th)
	defer srv.Close()
	ext := fmt.Sprintf(`{"providers":[{"id":"custom","base_url":%q,"models":[{"id":"m1"}]}]}`, srv.URL+"/v1")
	cat, err := llm.NewCatalog([]byte(ext))
	if err != nil {
		b.Fatal(err)
	}
	g := LLMGenerator{Client: func() *llm.Client { return llm.NewClient(cat, keys{}, srv.Client()) }}
	req := GenerateRequest{ProviderID: "custom", ModelID: "m1", System: "s", Turns: []Turn{{Role: "user", Content: "go"}}}
	var overhead, emitMS, lagMS, finalMS float64
	var batches int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Push(llmtest.Response{Text: text, ChunkSize: 4}) // ~1 token per chunk
		em := &jsonEmitter{}
		bt := newBatcher(em, "t")
		var lastPartial time.Time
		_, _, err := g.Generate(context.Background(), req,
			func(p fragment.Partial) {
				lastPartial = time.Now()
				bt.addPartial(p)
			}, func(string) {})
		genDone := time.Now()
		bt.add(Event{Type: EventDone})
		bt.close()
		if err != nil {
			b.Fatal(err)
		}
		th.mu.Lock()
		emit := th.end.Sub(th.start)
		over := em.last.Sub(th.end)
		th.mu.Unlock()
		overhead += float64(over) / float64(emit) * 100
		lagMS += float64(lastPartial.Sub(th.end)) / float64(time.Millisecond)
		finalMS += float64(genDone.Sub(lastPartial)) / float64(time.Millisecond)
		emitMS += float64(emit) / float64(time.Millisecond)
		batches += em.n
	}
	b.ReportMetric(overhead/float64(b.N), "overhead-%")
	b.ReportMetric(emitMS/float64(b.N), "fake-emit-ms")
	b.ReportMetric(float64(batches)/float64(b.N), "batches")
	b.ReportMetric(lagMS/float64(b.N), "last-partial-lag-ms")
	b.ReportMetric(finalMS/float64(b.N), "final-parse-ms")
	b.ReportMetric(float64(len(text)/4), "tokens")
}
