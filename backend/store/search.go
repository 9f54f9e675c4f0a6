package store

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"
)

// Search hit kinds.
const (
	HitProject  = "project"
	HitMessage  = "message"
	HitFragment = "fragment"
	HitFile     = "file"
)

// Snippet markers: a matched term sits between MarkStart and MarkEnd.
// Control characters never appear in what people type, and the page splits
// on them and renders text nodes, so no markup from the database is ever
// interpreted as HTML.
const (
	MarkStart = "\u0002"
	MarkEnd   = "\u0003"
)

// searchCandidates bounds how many matches are ranked: when a query
// matches more items than this, the newest ones are ranked (see Search).
const searchCandidates = 500

// MaxSearchLimit caps the number of hits one query returns.
const MaxSearchLimit = 200

// SearchHit is one matching item.
type SearchHit struct {
	Kind      string  `json:"kind"`
	Snippet   string  `json:"snippet"`             // text with MarkStart/MarkEnd around matches
	MessageID string  `json:"messageId,omitempty"` // message, fragment
	Seq       int64   `json:"seq,omitempty"`       // message, fragment
	Path      string  `json:"path,omitempty"`      // file
	Line      int     `json:"line,omitempty"`      // file: 1-based line of the first match in the text, 0 = the path matched
	Rank      float64 `json:"rank"`                // bm25: lower is better
}

// SearchGroup is the hits of one project, best first.
type SearchGroup struct {
	ProjectID   string      `json:"projectId"`
	ProjectName string      `json:"projectName"`
	Hits        []SearchHit `json:"hits"`
}

// FTSQuery turns what a person typed into an FTS5 query that can never be
// a syntax error: every word becomes a quoted string (so AND, NEAR, "-",
// ":" and "*" are plain text), words without a letter or digit are dropped,
// and the last word matches as a prefix (search as you type). Words are
// ANDed. It returns "" when nothing searchable is left.
func FTSQuery(input string) string {
	var terms []string
	for _, w := range strings.FieldsFunc(CleanQuery(input), unicode.IsSpace) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	if len(terms) == 0 {
		return ""
	}
	terms[len(terms)-1] += "*"
	return strings.Join(terms, " ")
}

// Search finds projects, messages, fragment titles and files matching
// query, grouped by project (the project with the best hit first) and
// ranked by bm25 within each group. At most limit hits are returned.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]SearchGroup, error) {
	if limit <= 0 || limit > MaxSearchLimit {
		limit = MaxSearchLimit
	}
	query = CleanQuery(query)
	q := FTSQuery(query)
	if q == "" {
		// Nothing the index holds words of (the tokenizer keeps letters
		// and digits only): emoji and other symbols are looked for in
		// project names as they are.
		return s.searchSymbols(ctx, query, limit)
	}
	// One evaluation of the full-text query. Ranking costs a row lookup
	// per match, so a word found in most of 100k messages would take most
	// of a second to rank in full: FTS5 walks matches in rowid order and
	// stops early, so the newest searchCandidates matches (ids grow with
	// every write) are taken and only those are ranked by bm25. The text
	// of the hits kept is then read by rowid and the snippets are built in
	// Go (see snippet.go for why not snippet()).
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, rank FROM (
			SELECT rowid AS id, rank FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?
		) ORDER BY rank LIMIT ?`, q, searchCandidates, limit)
	if err != nil {
		return nil, dbErr(err, "search")
	}
	rank := map[int64]float64{}
	var order []int64
	for rows.Next() {
		var id int64
		var r float64
		if err := rows.Scan(&id, &r); err != nil {
			rows.Close()
			return nil, dbErr(err, "search")
		}
		rank[id] = r
		order = append(order, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "search")
	}
	if len(order) == 0 {
		return []SearchGroup{}, nil
	}
	ids, _ := json.Marshal(order)
	rows, err = s.db.QueryContext(ctx, `
		SELECT d.id, d.kind, d.project_id, d.ref, p.name, f.title, f.body, coalesce(m.seq, 0)
		FROM json_each(?) j
		JOIN search_docs d ON d.id = j.value
		JOIN search_fts f ON f.rowid = d.id
		JOIN projects p ON p.id = d.project_id
		LEFT JOIN messages m ON d.kind IN ('message', 'fragment') AND m.id = d.ref`, string(ids))
	if err != nil {
		return nil, dbErr(err, "search")
	}
	defer rows.Close()
	type hitIn struct {
		hit       SearchHit
		projectID string
		name      string
	}
	match := newMatcher(query)
	found := map[int64]hitIn{}
	for rows.Next() {
		var id int64
		var h hitIn
		var ref, title, body string
		if err := rows.Scan(&id, &h.hit.Kind, &h.projectID, &ref, &h.name, &title, &body, &h.hit.Seq); err != nil {
			return nil, dbErr(err, "search")
		}
		// The text's snippet when the text matched, else the title's
		// (a project's name, a fragment's title, a file's path).
		snip, line, inBody := match.snippetOf(body)
		if !inBody {
			snip, _, _ = match.snippetOf(title)
			if snip == "" {
				snip = oneLine(title)
			}
		}
		h.hit.Snippet = snip
		switch h.hit.Kind {
		case HitMessage, HitFragment:
			h.hit.MessageID = ref
		case HitFile:
			h.hit.Path = ref
			if inBody {
				h.hit.Line = line
			}
		}
		h.hit.Rank = rank[id]
		found[id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "search")
	}
	groups := []SearchGroup{}
	index := map[string]int{}
	for _, id := range order {
		h, ok := found[id] // gone between the passes: deleted meanwhile
		if !ok {
			continue
		}
		i, ok := index[h.projectID]
		if !ok {
			i = len(groups)
			index[h.projectID] = i
			groups = append(groups, SearchGroup{ProjectID: h.projectID, ProjectName: h.name})
		}
		groups[i].Hits = append(groups[i].Hits, h.hit)
	}
	return groups, nil
}
