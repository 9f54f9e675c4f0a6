package e2b

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"
)

// retryMode says when a call may be repeated.
type retryMode int

const (
	// onlyUnsent is for calls that must not run twice (create, process
	// start): repeat only when the connection could not even be opened.
	// A timeout, reset or 5xx may mean the server acted, so it is returned.
	onlyUnsent retryMode = iota
	// idempotent calls (get, list, kill, timeout, connect, file writes...)
	// are repeated on transport failures, 429 and 5xx.
	idempotent
)

// attempt is the outcome of the final attempt of a unary call.
type attempt struct {
	resp *resty.Response
	n    int // 1-based attempt number that produced resp
}

// do runs a unary request with a per-attempt timeout, retrying according
// to mode and c.retry. It returns the last response whatever its status;
// err is set only when no response arrived, already mapped to apperr.
func (c *Client) do(ctx context.Context, o op, mode retryMode, rc *resty.Client, method, url string, build func(*resty.Request)) (attempt, error) {
	p := c.retry
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeoutCause(ctx, c.reqTO, errAttemptTimeout)
		req := rc.R().SetContext(actx)
		if build != nil {
			build(req)
		}
		resp, err := req.Execute(method, url)
		if err != nil && context.Cause(actx) == errAttemptTimeout && ctx.Err() == nil {
			err = errAttemptTimeoutWrap{err}
		}
		cancel()
		last := n >= p.MaxAttempts
		if err != nil {
			if ctx.Err() != nil || last {
				return attempt{n: n}, transportError(ctx, o, err)
			}
			if !(notSent(err) || mode == idempotent && retryableTransport(err)) {
				return attempt{n: n}, transportError(ctx, o, err)
			}
			c.log.Debug("e2b: retrying after transport error", "op", o.what, "attempt", n, "err", err)
			if err := sleep(ctx, backoff(p, n)); err != nil {
				return attempt{n: n}, transportError(ctx, o, err)
			}
			continue
		}
		st := resp.StatusCode()
		// A 429 means E2B did not act on the request, so even a call that
		// must not run twice (create) is tried once more after the wait.
		once429 := st == http.StatusTooManyRequests && mode == onlyUnsent && n == 1
		if last || !once429 && (mode != idempotent || !retryableStatus(st)) {
			return attempt{resp: resp, n: n}, nil
		}
		wait := backoff(p, n)
		if st == http.StatusTooManyRequests {
			w, ok := rateWait(p, retryAfter(resp.Header(), time.Now()), n)
			if !ok {
				// The server wants a long pause: let the caller decide.
				return attempt{resp: resp, n: n}, nil
			}
			wait = w
			tellWait(ctx, Wait{What: o.what, For: wait, Sentence: rateSentence(o, wait)})
		}
		c.log.Debug("e2b: retrying after status", "op", o.what, "attempt", n, "status", st, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return attempt{n: n}, transportError(ctx, o, err)
		}
	}
}

// errAttemptTimeoutWrap marks a transport error caused by our own
// per-attempt deadline (as opposed to the caller's).
type errAttemptTimeoutWrap struct{ err error }

func (e errAttemptTimeoutWrap) Error() string {
	return errAttemptTimeout.Error() + ": " + e.err.Error()
}
func (e errAttemptTimeoutWrap) Unwrap() []error {
	return []error{errAttemptTimeout, e.err}
}

// backoff is "full jitter": a uniform wait in [0, min(max, base*2^(n-1))],
// which spreads many clients out better than a fixed schedule.
func backoff(p RetryPolicy, n int) time.Duration {
	ceil := p.BaseDelay
	for i := 1; i < n && ceil < p.MaxDelay; i++ {
		ceil *= 2
	}
	if ceil > p.MaxDelay {
		ceil = p.MaxDelay
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
