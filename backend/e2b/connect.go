package e2b

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Connect protocol envelope flags (§4.4).
const (
	flagCompressed = 0x01
	flagEndStream  = 0x02
)

// DefaultMaxEnvelope bounds one Connect message. envd data chunks are at
// most 32 KiB of raw output (~44 KiB as base64 JSON), so 16 MiB leaves room
// for big unary-style messages while refusing absurd lengths before any
// allocation.
const DefaultMaxEnvelope = 16 << 20

// Errors of the envelope decoder; they are wrapped with details.
var (
	ErrTruncatedEnvelope = errors.New("connect: stream ended inside an envelope")
	ErrEnvelopeTooLarge  = errors.New("connect: envelope larger than allowed")
	ErrCompressed        = errors.New("connect: compressed envelope not supported")
	ErrBadFlags          = errors.New("connect: unknown envelope flags")
)

// envelopeReader decodes Connect envelopes from a stream. The payload it
// returns is only valid until the next call: the buffer is reused so memory
// stays flat however long the stream is.
type envelopeReader struct {
	r   io.Reader
	max int
	hdr [5]byte
	buf []byte
}

func newEnvelopeReader(r io.Reader, max int) *envelopeReader {
	if max <= 0 {
		max = DefaultMaxEnvelope
	}
	return &envelopeReader{r: r, max: max}
}

// next returns the flags and payload of the next envelope. A clean end of
// input at an envelope boundary is io.EOF; anything else that stops early is
// ErrTruncatedEnvelope.
func (e *envelopeReader) next() (byte, []byte, error) {
	if _, err := io.ReadFull(e.r, e.hdr[:]); err != nil {
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err == io.ErrUnexpectedEOF {
			return 0, nil, fmt.Errorf("%w (header)", ErrTruncatedEnvelope)
		}
		return 0, nil, err
	}
	flags := e.hdr[0]
	n := binary.BigEndian.Uint32(e.hdr[1:])
	if flags&flagCompressed != 0 {
		return 0, nil, ErrCompressed
	}
	if flags&^flagEndStream != 0 {
		return 0, nil, fmt.Errorf("%w 0x%02x", ErrBadFlags, flags)
	}
	if uint64(n) > uint64(e.max) {
		return 0, nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrEnvelopeTooLarge, n, e.max)
	}
	size := int(n)
	// Grow as bytes actually arrive rather than trusting the header: a
	// truncated stream that claims 16 MiB then costs only what it sent.
	e.buf = e.buf[:0]
	for len(e.buf) < size {
		if len(e.buf) == cap(e.buf) {
			c := max(2*cap(e.buf), 64<<10)
			c = min(c, size)
			nb := make([]byte, len(e.buf), c)
			copy(nb, e.buf)
			e.buf = nb
		}
		want := min(cap(e.buf), size)
		m, err := e.r.Read(e.buf[len(e.buf):want])
		e.buf = e.buf[:len(e.buf)+m]
		if err != nil && len(e.buf) < size {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return 0, nil, fmt.Errorf("%w (%d of %d payload bytes)", ErrTruncatedEnvelope, len(e.buf), size)
			}
			return 0, nil, err
		}
	}
	return flags, e.buf, nil
}

// appendEnvelope appends one data envelope carrying payload.
func appendEnvelope(dst []byte, flags byte, payload []byte) []byte {
	var hdr [5]byte
	hdr[0] = flags
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(payload)))
	dst = append(dst, hdr[:]...)
	return append(dst, payload...)
}

// ConnectError is a Connect-protocol error (end-of-stream or unary body).
type ConnectError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *ConnectError) Error() string {
	if e.Message == "" {
		return "connect: " + e.Code
	}
	return "connect: " + e.Code + ": " + e.Message
}

// endStream is the payload of the 0x02 envelope.
type endStream struct {
	Error    *ConnectError       `json:"error"`
	Metadata map[string][]string `json:"metadata"`
}

func parseEndStream(p []byte) (*ConnectError, error) {
	var es endStream
	if err := json.Unmarshal(p, &es); err != nil {
		return nil, fmt.Errorf("connect: invalid end-of-stream message: %w", err)
	}
	if es.Error != nil && es.Error.Code == "" {
		es.Error.Code = "unknown"
	}
	return es.Error, nil
}

// codeForStatus maps an HTTP status to a Connect code for answers that
// are not Connect errors (proxy, envd auth), as the Python SDK does.
func codeForStatus(status int) string {
	switch status {
	case 400:
		return "invalid_argument"
	case 401:
		return "unauthenticated"
	case 403:
		return "permission_denied"
	case 404:
		return "not_found"
	case 409:
		return "already_exists"
	case 429:
		return "resource_exhausted"
	case 499:
		return "canceled"
	case 502, 503:
		return "unavailable"
	case 504:
		return "deadline_exceeded"
	case 501:
		return "unimplemented"
	}
	return "unknown"
}
