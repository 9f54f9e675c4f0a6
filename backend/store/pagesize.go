package store

import (
	"context"
	"fmt"
)

// A page of the chat is bounded by size as well as by count: fifty turns
// of a few kilobytes open at once, but a turn that carries megabytes of
// files fills a page on its own, and a row older Tesseras let grow past any
// answer's limit (a refused 100 MB answer) is not sent whole at all.
const (
	// pageBytes is about what one page of history may carry; a page has
	// at least one message whatever its size.
	pageBytes = 8 << 20
	// maxShownRow is the largest message sent whole: above every limit an
	// answer has now (fragment.MaxAnswerBytes).
	maxShownRow = 32 << 20
	// shownOfHuge is how much of a huge message's text is sent.
	shownOfHuge = 64 << 10
)

// rowSize is a message's stored size; octet_length reads it from the
// record without loading the value.
const rowSize = `octet_length(content) + coalesce(octet_length(fragment), 0) + coalesce(octet_length(result), 0)`

// pageBySize returns up to limit messages before beforeSeq (0 = newest),
// newest first, that fit pageBytes (at least one), and whether older ones
// exist. Huge rows come with the start of their text and a note instead
// of their fragment and result.
func (s *Store) pageBySize(ctx context.Context, projectID string, beforeSeq int64, limit int) ([]Message, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, `+rowSize+` FROM messages
		WHERE project_id=? AND (?=0 OR seq<?) ORDER BY seq DESC LIMIT ?`, projectID, beforeSeq, beforeSeq, limit+1)
	if err != nil {
		return nil, false, err
	}
	type sized struct{ seq, size int64 }
	var all []sized
	for rows.Next() {
		var r sized
		if err := rows.Scan(&r.seq, &r.size); err != nil {
			rows.Close()
			return nil, false, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(all) == 0 {
		return nil, false, err
	}
	n, total, huge := 0, int64(0), false
	for _, r := range all[:min(limit, len(all))] {
		size := r.size
		if size > maxShownRow {
			size = shownOfHuge // what of it is sent
		}
		if n > 0 && total+size > pageBytes {
			break
		}
		huge = huge || r.size > maxShownRow
		total += size
		n++
	}
	more := n < len(all)
	oldest := all[n-1].seq
	top := all[0].seq
	if !huge {
		out, err := s.queryMessages(ctx, `SELECT `+messageCols+` FROM messages
			WHERE project_id=? AND seq>=? AND seq<=? ORDER BY seq DESC`, projectID, oldest, top)
		return out, more, err
	}
	// Huge rows: the start of the text, no fragment or result, and a note
	// that says what was left out.
	out, err := s.queryMessages(ctx, `SELECT id, project_id, seq, role,
			CASE WHEN `+rowSize+` > ? THEN substr(content, 1, ?) ELSE content END,
			CASE WHEN `+rowSize+` > ? THEN NULL ELSE fragment END,
			CASE WHEN `+rowSize+` > ? THEN NULL ELSE result END,
			status, created_at FROM messages
		WHERE project_id=? AND seq>=? AND seq<=? ORDER BY seq DESC`,
		maxShownRow, shownOfHuge/4, maxShownRow, maxShownRow, projectID, oldest, top)
	if err != nil {
		return nil, false, err
	}
	sizes := map[int64]int64{}
	for _, r := range all[:n] {
		sizes[r.seq] = r.size
	}
	for i := range out {
		if sz := sizes[out[i].Seq]; sz > maxShownRow {
			out[i].Content += fmt.Sprintf("\n\n[Tessera shows only the start of this message: it takes %d MB, too large to show. Later answers are cut while they stream.]", sz>>20)
		}
	}
	return out, more, nil
}
