package api

import (
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/store"
)

func TestSearchService(t *testing.T) {
	st := newStore(t)
	p, err := st.CreateProject(bg(), store.NewProject{Name: "Tide tables"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.AddMessage(bg(), store.Message{ProjectID: p.ID, Role: "user", Content: "plot the tide heights"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutFiles(bg(), p.ID, []store.File{{Path: "tide.py", Content: "import x\ntide = 3\n"}}); err != nil {
		t.Fatal(err)
	}
	svc := NewSearchService(bg, st)

	for _, tc := range []struct {
		name  string
		req   SearchRequest
		hits  int
		code  apperr.Code
		check func(t *testing.T, r SearchResponse)
	}{
		{name: "all kinds", req: SearchRequest{Query: "tide"}, hits: 3, check: func(t *testing.T, r SearchResponse) {
			if r.Groups[0].ProjectID != p.ID || r.Groups[0].ProjectName != "Tide tables" {
				t.Errorf("group = %+v", r.Groups[0])
			}
			for _, h := range r.Groups[0].Hits {
				switch h.Kind {
				case "message":
					if h.MessageID != m.ID || h.Seq != m.Seq || !strings.Contains(h.Snippet, "\u0002tide\u0003") {
						t.Errorf("message hit %+v", h)
					}
				case "file":
					if h.Path != "tide.py" || h.Line != 2 {
						t.Errorf("file hit %+v", h)
					}
				}
			}
		}},
		{name: "limit", req: SearchRequest{Query: "tide", Limit: 1}, hits: 1},
		{name: "nothing searchable", req: SearchRequest{Query: `" * -`}, hits: 0},
		{name: "too long", req: SearchRequest{Query: strings.Repeat("a", maxQueryLen+1)}, code: apperr.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := svc.Search(tc.req)
			if tc.code != "" {
				if !apperr.Is(err, tc.code) {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, g := range r.Groups {
				n += len(g.Hits)
			}
			if n != tc.hits || r.Groups == nil {
				t.Fatalf("hits = %d, want %d (%+v)", n, tc.hits, r)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}
