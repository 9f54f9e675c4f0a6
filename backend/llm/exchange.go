package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"tessera/backend/apperr"
)

// exchange is one chat-completions request, streamed or whole, shared by
// the fragment path (attempt) and tool calls (converseOnce). Each chunk's
// JSON goes to add (whole: the non-streamed answer). started reports when
// the answer's first useful token arrived: from then on silence is a
// stall, not thinking, and the watchdog switches from the first-byte
// timeout to the idle one. decode is the caller's: the sentence for JSON
// it could not read is made here, the same for both.
func (c *Client) exchange(ctx context.Context, r resolved, model string, body []byte, stream bool,
	add func(data []byte, whole bool) error, started func() bool) error {
	info := call{provider: r.p, model: model, baseURL: r.base, idle: c.firstTimeout}

	// The watchdog cancels the request when no byte arrived for too long.
	// Activity is signalled from the transport, so SSE keep-alive
	// comments count as life.
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	activity := make(chan struct{}, 1)
	meta := &respMeta{activity: func() {
		select {
		case activity <- struct{}{}:
		default:
		}
	}}
	var begun atomic.Bool
	first := c.firstTimeout
	if !stream {
		// A whole answer sends nothing until it is complete.
		first *= 2
	}
	go watchdog(sctx, cancel, activity, &begun, first, c.idleTimeout)
	sctx = withMeta(sctx, meta)

	resp, err := c.do(sctx, http.MethodPost, r.base+"/chat/completions", r.key, body, stream)
	if err != nil {
		var f *apiFailure
		if errors.As(err, &f) {
			return f
		}
		return mapError(ctx, context.Cause(sctx), err, info)
	}
	defer resp.Body.Close()
	info.idle = c.idleTimeout

	if !stream {
		b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
		if err != nil {
			return mapError(ctx, context.Cause(sctx), err, info)
		}
		if err := add(b, true); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return stopped(ctx)
		}
		return nil
	}
	sse := newSSEReader(resp.Body)
	for {
		data, err := sse.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return mapError(ctx, context.Cause(sctx), err, info)
		}
		if ctx.Err() != nil {
			return stopped(ctx)
		}
		err = add(data, false)
		if started() && !begun.Load() {
			// The bytes of this chunk were signalled before it was
			// parsed, so signal again for the watchdog to switch to the
			// idle timeout now.
			begun.Store(true)
			meta.activity()
		}
		if err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return stopped(ctx)
	}
	return nil
}

func stopped(ctx context.Context) error {
	return apperr.Wrap(ctx.Err(), apperr.Canceled, "The answer was stopped.")
}

// unreadable is the sentence for an answer (whole) or a stream chunk whose
// JSON could not be read.
func unreadable(err error, provider string, whole bool) error {
	what := "a stream"
	if whole {
		what = "an answer"
	}
	return apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("%s sent %s Tessera could not read. Try again.", provider, what))
}
