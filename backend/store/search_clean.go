package store

import (
	"context"
	"strings"
	"unicode"

	"tessera/backend/names"
)

// CleanQuery makes any bytes a search: invalid UTF-8, control characters
// (a NUL would end FTS5's string early and make the query a syntax error)
// and invisible formatting characters become spaces, so they separate
// words as the index's tokenizer does, and the result is NFC.
func CleanQuery(q string) string {
	q = strings.ToValidUTF8(q, " ")
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, q)
	return names.Strip(names.Normalize(q))
}

// searchSymbols finds the projects whose name contains query as written,
// for queries with no letter or digit (an emoji-only name has no word in
// the full-text index). Newest activity first; the snippet is the name
// with the match marked.
func (s *Store) searchSymbols(ctx context.Context, query string, limit int) ([]SearchGroup, error) {
	query = strings.TrimSpace(query)
	if !names.Visible(query) {
		return []SearchGroup{}, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM projects WHERE instr(name, ?) > 0
		ORDER BY last_activity_at DESC LIMIT ?`, query, limit)
	if err != nil {
		return nil, dbErr(err, "search")
	}
	defer rows.Close()
	groups := []SearchGroup{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, dbErr(err, "search")
		}
		i := strings.Index(name, query)
		snip := name[:i] + MarkStart + query + MarkEnd + name[i+len(query):]
		groups = append(groups, SearchGroup{ProjectID: id, ProjectName: name,
			Hits: []SearchHit{{Kind: HitProject, Snippet: oneLine(snip)}}})
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "search")
	}
	return groups, nil
}
