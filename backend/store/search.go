package store

import (
	"context"
	"encoding/json"
	"math"
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
	for _, w := range strings.FieldsFunc(input, unicode.IsSpace) {
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
	q := FTSQuery(query)
	if q == "" {
		return []SearchGroup{}, nil
	}
	if limit <= 0 || limit > MaxSearchLimit {
		limit = MaxSearchLimit
	}
	// Two passes, each evaluating the full-text query once. Ranking costs a
	// row lookup per match, so a word found in most of 100k messages would
	// take most of a second to rank in full: FTS5 walks matches in rowid
	// order and stops early, so pass one takes the newest searchCandidates
	// matches (ids grow with every write) and ranks only those by bm25.
	// Pass two builds snippets (and finds a file hit's line) for the rows
	// kept. It must not be driven row by row (a join on rowid would rerun
	// the query, prefix expansion included, once per hit): CROSS JOIN keeps
	// search_fts outermost, the rowid range is handed to FTS5 and the
	// unary + keeps the IN list away from it.
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, rank FROM (
			SELECT rowid AS id, rank FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?
		) ORDER BY rank LIMIT ?`, q, searchCandidates, limit)
	if err != nil {
		return nil, dbErr(err, "search")
	}
	rank := map[int64]float64{}
	var order []int64
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for rows.Next() {
		var id int64
		var r float64
		if err := rows.Scan(&id, &r); err != nil {
			rows.Close()
			return nil, dbErr(err, "search")
		}
		rank[id] = r
		order = append(order, id)
		lo, hi = min(lo, id), max(hi, id)
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
		SELECT search_fts.rowid, d.kind, d.project_id, d.ref, p.name,
			snippet(search_fts, -1, ?1, ?2, '…', 16),
			CASE WHEN d.kind = 'file' THEN instr(highlight(search_fts, 1, ?1, ?2), ?1) ELSE 0 END,
			CASE WHEN d.kind = 'file' THEN search_fts.body ELSE '' END,
			coalesce(m.seq, 0)
		FROM search_fts
		CROSS JOIN search_docs d ON d.id = search_fts.rowid
		CROSS JOIN projects p ON p.id = d.project_id
		LEFT JOIN messages m ON d.kind IN ('message', 'fragment') AND m.id = d.ref
		WHERE search_fts MATCH ?3 AND search_fts.rowid BETWEEN ?4 AND ?5
			AND +search_fts.rowid IN (SELECT value FROM json_each(?6))`,
		MarkStart, MarkEnd, q, lo, hi, string(ids))
	if err != nil {
		return nil, dbErr(err, "search")
	}
	defer rows.Close()
	type hitIn struct {
		hit       SearchHit
		projectID string
		name      string
	}
	found := map[int64]hitIn{}
	for rows.Next() {
		var id int64
		var h hitIn
		var ref, body string
		var markAt int
		if err := rows.Scan(&id, &h.hit.Kind, &h.projectID, &ref, &h.name, &h.hit.Snippet, &markAt, &body, &h.hit.Seq); err != nil {
			return nil, dbErr(err, "search")
		}
		switch h.hit.Kind {
		case HitMessage, HitFragment:
			h.hit.MessageID = ref
		case HitFile:
			h.hit.Path = ref
			h.hit.Line = lineAt(body, markAt)
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

// lineAt returns the 1-based line holding the character at 1-based
// position pos of text (SQLite's instr counts characters), or 0 when pos
// is 0 (the match was not in the text).
func lineAt(text string, pos int) int {
	if pos <= 0 {
		return 0
	}
	line, n := 1, 0
	for _, r := range text {
		n++
		if n >= pos {
			break
		}
		if r == '\n' {
			line++
		}
	}
	return line
}
