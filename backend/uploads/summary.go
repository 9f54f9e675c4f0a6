package uploads

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// Kinds of upload, for the summary and the page's icon.
const (
	KindCSV    = "csv"
	KindText   = "text"
	KindBinary = "binary"
)

// What a summary may hold: the model is told enough to write code that
// reads the file, never the file itself.
const (
	sniffBytes     = 64 << 10 // how much of a file is looked at
	headLines      = 5        // first lines of a text file
	headRows       = 3        // first data rows of a CSV
	maxLineRunes   = 160      // one line or row, cut
	maxColumns     = 60       // CSV columns listed
	maxSummaryLen  = 1500     // the whole summary, cut
	countRowsLimit = 64 << 20 // rows are counted only in files this small
)

// Summarize says what a file is for the model: its kind and, for text,
// the first lines, or for a CSV (or TSV) its columns, first rows and row
// count. Binary files get their detected type only.
func Summarize(name string, b []byte) (kind, summary string) {
	head := b
	if len(head) > sniffBytes {
		head = head[:sniffBytes]
	}
	if !isText(head, len(b) > sniffBytes) {
		return KindBinary, "binary (" + http.DetectContentType(head) + "); not shown, read it with code"
	}
	text := strings.TrimPrefix(string(head), "\ufeff")
	ext := strings.ToLower(path.Ext(name))
	if ext == ".csv" || ext == ".tsv" {
		if s, ok := csvSummary(text, ext == ".tsv", b); ok {
			return KindCSV, s
		}
	}
	return KindText, textSummary(text, b)
}

// isText: valid UTF-8 (a rune cut at the sniff boundary allowed) and no
// NUL bytes.
func isText(head []byte, cut bool) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if cut {
		for i := 0; i < utf8.UTFMax && len(head) > 0 && !utf8.Valid(head); i++ {
			head = head[:len(head)-1]
		}
	}
	return utf8.Valid(head)
}

func lineCount(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	n := bytes.Count(b, []byte{'\n'})
	if b[len(b)-1] != '\n' {
		n++
	}
	return n
}

func textSummary(text string, all []byte) string {
	lines := strings.SplitN(text, "\n", headLines+1)
	if len(lines) > headLines {
		lines = lines[:headLines]
	}
	var sb strings.Builder
	if len(all) <= countRowsLimit {
		fmt.Fprintf(&sb, "text, %d lines; first lines:\n", lineCount(all))
	} else {
		sb.WriteString("text; first lines:\n")
	}
	for _, l := range lines {
		sb.WriteString("  " + cut(strings.TrimRight(l, "\r")) + "\n")
	}
	return limit(strings.TrimRight(sb.String(), "\n"))
}

func csvSummary(text string, tsv bool, all []byte) (string, bool) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if tsv {
		r.Comma = '\t'
	}
	header, err := r.Read()
	if err != nil || len(header) == 0 {
		return "", false
	}
	var rows [][]string
	for len(rows) < headRows {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			break // a row cut at the sniff boundary: the ones before are enough
		}
		rows = append(rows, rec)
	}
	cols := header
	more := ""
	if len(cols) > maxColumns {
		more = fmt.Sprintf(" … (%d columns in all)", len(cols))
		cols = cols[:maxColumns]
	}
	var sb strings.Builder
	kind := "CSV"
	if tsv {
		kind = "TSV (tab-separated)"
	}
	if len(all) <= countRowsLimit {
		fmt.Fprintf(&sb, "%s, %d data rows, %d columns: %s%s", kind, max(lineCount(all)-1, 0), len(header), strings.Join(cols, ", "), more)
	} else {
		fmt.Fprintf(&sb, "%s, %d columns: %s%s", kind, len(header), strings.Join(cols, ", "), more)
	}
	if len(rows) > 0 {
		sb.WriteString("\nfirst rows:")
		sep := ","
		if tsv {
			sep = "\t"
		}
		for _, row := range rows {
			sb.WriteString("\n  " + cut(strings.Join(row, sep)))
		}
	}
	return limit(sb.String()), true
}

func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxLineRunes {
		return s
	}
	return string([]rune(s)[:maxLineRunes]) + "…"
}

func limit(s string) string {
	if len(s) <= maxSummaryLen {
		return s
	}
	return strings.ToValidUTF8(s[:maxSummaryLen], "") + "…"
}

// HumanSize is a byte count for a sentence ("12.5 MB").
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
