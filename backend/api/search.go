package api

import (
	"context"

	"tessera/backend/apperr"
	"tessera/backend/names"
	"tessera/backend/store"
)

// maxQueryLen bounds a search query (characters); longer input is a paste
// by mistake, not a search.
const maxQueryLen = 500

// defaultSearchLimit is the number of hits a query returns when the page
// does not say.
const defaultSearchLimit = 50

// SearchStore is what SearchService needs from the database.
type SearchStore interface {
	Search(ctx context.Context, query string, limit int) ([]store.SearchGroup, error)
}

// SearchService searches everything the person made: project names and
// descriptions, messages, fragment titles, file paths and contents. Bound.
type SearchService struct {
	ctx   func() context.Context
	store SearchStore
}

// NewSearchService builds the service.
func NewSearchService(ctx func() context.Context, s SearchStore) *SearchService {
	return &SearchService{ctx: ctx, store: s}
}

// SearchRequest is one query as typed; limit 0 = the default.
type SearchRequest struct {
	Query string `json:"query"`
	Limit int    `json:"limit"`
}

// SearchHit is one match. Snippet marks each matched term with \u0002 and
// \u0003 (the page splits on them and renders plain text). A message or
// fragment hit has messageId and seq; a file hit has path and line (0 when
// only the path matched).
type SearchHit struct {
	Kind      string `json:"kind" ts_type:"'project' | 'message' | 'fragment' | 'file'"`
	Snippet   string `json:"snippet"`
	MessageID string `json:"messageId"`
	Seq       int64  `json:"seq"`
	Path      string `json:"path"`
	Line      int    `json:"line"`
}

// SearchGroup is one project's hits, best first.
type SearchGroup struct {
	ProjectID   string      `json:"projectId"`
	ProjectName string      `json:"projectName"`
	Hits        []SearchHit `json:"hits"`
}

// SearchResponse is the groups, the project with the best hit first.
type SearchResponse struct {
	Query  string        `json:"query"`
	Groups []SearchGroup `json:"groups"`
}

// Search runs one query. Any text is a valid query; one with nothing
// searchable in it returns no groups.
func (s *SearchService) Search(req SearchRequest) (SearchResponse, error) {
	// Bytes first: counting what a person sees in a huge paste costs time.
	if len(req.Query) > 64*maxQueryLen || names.Len(req.Query) > maxQueryLen {
		return SearchResponse{}, apperr.Newf(apperr.Invalid, "Search for at most %d characters.", maxQueryLen)
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	groups, err := s.store.Search(s.ctx(), req.Query, min(limit, store.MaxSearchLimit))
	if err != nil {
		return SearchResponse{}, err
	}
	out := SearchResponse{Query: req.Query, Groups: make([]SearchGroup, 0, len(groups))}
	for _, g := range groups {
		dg := SearchGroup{ProjectID: g.ProjectID, ProjectName: g.ProjectName, Hits: make([]SearchHit, 0, len(g.Hits))}
		for _, h := range g.Hits {
			dg.Hits = append(dg.Hits, SearchHit{Kind: h.Kind, Snippet: h.Snippet, MessageID: h.MessageID, Seq: h.Seq, Path: h.Path, Line: h.Line})
		}
		out.Groups = append(out.Groups, dg)
	}
	return out, nil
}
