package sandbox

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"tessera/backend/store"
)

// readCounting counts the usage reads a status makes.
type readCounting struct {
	Store
	reads atomic.Int64
}

func (c *readCounting) Usage(ctx context.Context, projectID string, now time.Time) (int64, int64, error) {
	c.reads.Add(1)
	return c.Store.Usage(ctx, projectID, now)
}

func (c *readCounting) UsageDays(ctx context.Context, projectID string, from, to time.Time) ([]store.UsageDay, error) {
	c.reads.Add(1)
	return c.Store.UsageDays(ctx, projectID, from, to)
}

// A state change emits a status without reading the store: the running
// time is read once per project (and month), then kept in memory, and the
// figures the page sees stay those of the store.
func TestStateChangesReadNoUsageFromTheStore(t *testing.T) {
	var counted *readCounting
	e := newEnv(t, func(c *Config) { counted = &readCounting{Store: c.Store}; c.Store = counted })
	p := e.project("books", "")
	e.ensure(p.ID, "")
	first := counted.reads.Load()
	if first == 0 || first > 2 {
		t.Fatalf("the first status read the store %d times", first)
	}
	for range 3 {
		e.clock.Advance(90 * time.Second)
		e.m.Tick(e.ctx) // records the running time
		if err := e.m.Pause(e.ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		e.ensure(p.ID, "")
	}
	if n := counted.reads.Load() - first; n != 0 {
		t.Fatalf("%d usage reads for 6 state changes", n)
	}
	if len(e.rec.Topic("sandbox:status:"+p.ID)) < 6 {
		t.Fatalf("statuses emitted: %d", len(e.rec.Topic("sandbox:status:"+p.ID)))
	}
	// What the books say is what the store holds.
	if err := e.m.Pause(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	st := e.m.Status(p.ID)
	today, total, err := e.st.Usage(e.ctx, p.ID, e.clock.Now())
	if err != nil || st.RunningSecondsTotal != total || st.RunningSecondsToday != today || total < 270 {
		t.Fatalf("status %d/%d, store %d/%d (%v)", st.RunningSecondsToday, st.RunningSecondsTotal, today, total, err)
	}
	// A new manager (a restart) reads them once again.
	before := counted.reads.Load()
	e.restart()
	if st := e.m.Status(p.ID); st.RunningSecondsTotal != total || counted.reads.Load()-before > 2 {
		t.Fatalf("after restart: %d (reads %d)", st.RunningSecondsTotal, counted.reads.Load()-before)
	}
}
