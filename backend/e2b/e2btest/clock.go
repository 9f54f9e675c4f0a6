package e2btest

import (
	"sync"
	"time"
)

// Clock is the fake's notion of now. It only moves when Advance or Set is
// called, so sandbox timeouts expire exactly when a test says so.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	hooks []func()
}

// NewClock returns a clock stopped at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the current fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward; sandboxes whose end time passed are
// auto-paused or killed before it returns.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	hooks := append([]func(){}, c.hooks...)
	c.mu.Unlock()
	for _, h := range hooks {
		h()
	}
}

// Set moves the clock to t (which must not be in the past).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	hooks := append([]func(){}, c.hooks...)
	c.mu.Unlock()
	for _, h := range hooks {
		h()
	}
}

func (c *Clock) onAdvance(h func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hooks = append(c.hooks, h)
}
