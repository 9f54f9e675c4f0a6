package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestHistoryPagesBySize(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p := mustProject(t, s, "big rows", "")
	// An old refused answer as an earlier Tessera stored it: 40 MB.
	huge := mustMessage(t, s, p.ID, "assistant", "Here is the data."+strings.Repeat(" pad", 1<<20), nil)
	frag, _ := json.Marshal(map[string]string{"code": strings.Repeat("x", 40<<20)})
	if err := s.UpdateMessage(ctx, huge.ID, MessageUpdate{Fragment: frag}); err != nil {
		t.Fatal(err)
	}
	// Three turns of 3 MB each, then small ones.
	for i := 0; i < 3; i++ {
		m := mustMessage(t, s, p.ID, "assistant", "files", nil)
		f, _ := json.Marshal(map[string]string{"code": strings.Repeat("y", 3<<20)})
		if err := s.UpdateMessage(ctx, m.ID, MessageUpdate{Fragment: f}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		mustMessage(t, s, p.ID, "user", "small", nil)
	}

	page, more, err := s.ListMessagesPage(ctx, p.ID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	// 5 small + two 3 MB turns fit 8 MB; the third does not.
	if len(page) != 7 || !more {
		t.Fatalf("first page: %d messages, more %v", len(page), more)
	}
	// The last 3 MB turn and the huge row (sent as its start only).
	start := time.Now()
	page2, more, err := s.ListMessagesPage(ctx, p.ID, page[0].Seq, 50)
	took := time.Since(start)
	if err != nil || len(page2) != 2 || more {
		t.Fatalf("second page: %d messages, more %v, %v", len(page2), more, err)
	}
	h := page2[0]
	if h.ID != huge.ID || h.Fragment != nil || len(h.Content) > 80<<10 ||
		!strings.HasPrefix(h.Content, "Here is the data.") || !strings.Contains(h.Content, "too large to show") {
		t.Fatalf("huge row sent as %d bytes of text, fragment %d bytes", len(h.Content), len(h.Fragment))
	}
	if took > time.Second {
		t.Fatalf("the page with the huge row took %v", took)
	}
	t.Logf("page with a 44 MB row: %v", took)
}
