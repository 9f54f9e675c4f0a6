package e2b

import (
	"context"
	"strconv"
	"time"
)

// Wait is a pause the client makes before it tries a call again, told to
// whoever asked (WithWaits) so the person sees why nothing happens yet.
type Wait struct {
	What string        // the operation, "create the sandbox"
	For  time.Duration // how long the client waits
	// Sentence says it for the person: "E2B is limiting requests; Tessera
	// tries to create the sandbox again in 7 s."
	Sentence string
}

type waitsKey struct{}

// WithWaits returns a context whose E2B calls report their waits to f
// (called on the calling goroutine, before the wait begins).
func WithWaits(ctx context.Context, f func(Wait)) context.Context {
	return context.WithValue(ctx, waitsKey{}, f)
}

func tellWait(ctx context.Context, w Wait) {
	if f, ok := ctx.Value(waitsKey{}).(func(Wait)); ok && f != nil {
		f(w)
	}
}

// rateWait is how long to wait after a 429 before trying again, and
// whether to: the server's Retry-After when it gave one it is reasonable
// to wait for, else the backoff (at least a second: a 429 is rarely over
// sooner). ok is false when the server asks for longer than MaxRetryAfter:
// the caller then says so and lets the person decide.
func rateWait(p RetryPolicy, ra time.Duration, n int) (time.Duration, bool) {
	if ra > p.MaxRetryAfter {
		return 0, false
	}
	if ra > 0 {
		return ra, true
	}
	return max(backoff(p, n), min(time.Second, p.MaxRetryAfter)), true
}

func rateSentence(o op, d time.Duration) string {
	return "E2B is limiting requests; Tessera tries to " + o.what + " again in " + waitText(d) + "."
}

func waitText(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s <= 1 {
		return "a second"
	}
	return strconv.Itoa(s) + " seconds"
}
