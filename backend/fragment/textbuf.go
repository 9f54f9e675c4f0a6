package fragment

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// textBuf is an append-only text buffer whose contents are handed out as
// strings without copying, like strings.Builder. It differs where it
// matters for a parser fed a few bytes at a time:
//
//   - an append that fits in the capacity stores only the new length. A
//     strings.Builder re-stores its slice pointer on every append, which
//     costs a GC write barrier while a collection is running; with one
//     append per token that was a fifth of the streaming time;
//   - it doubles its capacity (append grows large slices by 1.25×, which
//     allocates about 5× and copies about 4× the final size when text
//     arrives in small pieces).
//
// Safety of String: bytes below len(b) are never written again. Appends
// write only beyond the current length, growing copies to a new array and
// Reset drops the array instead of reusing it, so a string handed out
// earlier keeps seeing the same bytes.
type textBuf struct{ b []byte }

// WriteString appends s.
func (t *textBuf) WriteString(s string) {
	n := len(t.b)
	if len(s) > cap(t.b)-n {
		t.grow(len(s))
	}
	// Reslicing a field to itself stores only the length: no write barrier.
	t.b = t.b[:n+len(s)]
	copy(t.b[n:], s)
}

// grow makes room for k more bytes. It is kept out of line so that
// WriteString is inlined.
//
//go:noinline
func (t *textBuf) grow(k int) {
	c := 2 * cap(t.b)
	if c > 8<<20 {
		// Past 8 MB (only pathological answers get there; MaxAnswerBytes is
		// 64 MB) grow by a quarter so that the slack stays moderate.
		c = cap(t.b) + cap(t.b)/4
	}
	nb := make([]byte, len(t.b), max(c, len(t.b)+k, 64))
	copy(nb, t.b)
	t.b = nb
}

// WriteRune appends the UTF-8 encoding of r.
func (t *textBuf) WriteRune(r rune) {
	var a [utf8.UTFMax]byte
	n := utf8.EncodeRune(a[:], r)
	t.WriteString(unsafe.String(&a[0], n))
}

// String returns the text so far, sharing memory with the buffer.
func (t *textBuf) String() string { return unsafe.String(unsafe.SliceData(t.b), len(t.b)) }

// Len is the length of the text so far.
func (t *textBuf) Len() int { return len(t.b) }

// Reset empties the buffer, leaving strings handed out untouched.
func (t *textBuf) Reset() { t.b = nil }

// rawText keeps the answer as it arrived, for Final's fallback. It is
// appended to on every Write but read only when streaming lost track, so it
// is a list of blocks: appending never copies what came before (a doubling
// buffer copies it once more and allocates twice its size), and String
// joins the blocks only when asked.
type rawText struct {
	full []string // filled blocks, in order
	cur  []byte   // the block being filled
	n    int      // total length
}

// maxRawBlock bounds the block size: blocks double from 256 bytes up to
// it, so a short answer stays small and a long one makes few allocations.
const maxRawBlock = 64 << 10

// WriteString appends s.
func (r *rawText) WriteString(s string) {
	n := len(r.cur)
	if len(s) > cap(r.cur)-n {
		r.newBlock(len(s))
		n = 0
	}
	r.cur = r.cur[:n+len(s)] // stores only the length, see textBuf
	copy(r.cur[n:], s)
	r.n += len(s)
}

// room is how many bytes fit in the current block.
func (r *rawText) room() int { return cap(r.cur) - len(r.cur) }

func (r *rawText) newBlock(k int) {
	if len(r.cur) > 0 {
		r.full = append(r.full, unsafe.String(unsafe.SliceData(r.cur), len(r.cur)))
	}
	// One chunk larger than a block (a whole answer at once) gets a block
	// of its own size.
	r.cur = make([]byte, 0, max(k, min(2*cap(r.cur), maxRawBlock), 256))
}

// tail returns the last k bytes, which must all be in the current block.
// Like textBuf.String it shares memory: those bytes are never rewritten.
func (r *rawText) tail(k int) string {
	return unsafe.String(unsafe.SliceData(r.cur[len(r.cur)-k:]), k)
}

// Len is the length of the text so far.
func (r *rawText) Len() int { return r.n }

// String returns the whole text.
func (r *rawText) String() string {
	cur := unsafe.String(unsafe.SliceData(r.cur), len(r.cur))
	if len(r.full) == 0 {
		return cur
	}
	return strings.Join(append(r.full[:len(r.full):len(r.full)], cur), "")
}
