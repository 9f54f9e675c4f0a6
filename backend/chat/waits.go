package chat

import (
	"context"
	"fmt"
	"time"

	"tessera/backend/e2b"
)

// DefaultSlowStep is how long a sandbox step may take before the turn says
// what it is waiting for.
const DefaultSlowStep = 5 * time.Second

// DefaultWriteWait bounds the files step: the E2B client tries a hanging
// write up to four times a minute each, which would hold the turn for
// minutes.
const DefaultWriteWait = 90 * time.Second

// watchStep makes a sandbox step say what it waits for: a wait the E2B
// client makes (a 429's Retry-After) is told at once, and a step still
// running after cfg.SlowStep is told every SlowStep with how long it has
// taken so far. The returned stop clears the sentence. waitingFor reads
// as "the sandbox to start".
func (s *Service) watchStep(ctx context.Context, b *batcher, waitingFor string) (context.Context, func()) {
	ctx = e2b.WithWaits(ctx, func(w e2b.Wait) { b.add(Event{Type: EventWait, Text: w.Sentence}) })
	every := s.cfg.SlowStep
	start := time.Now()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				b.add(Event{Type: EventWait, Text: fmt.Sprintf("Still waiting for %s (%d seconds so far).", waitingFor, int(now.Sub(start).Seconds()))})
			}
		}
	}()
	said := false
	return ctx, func() {
		if said {
			return
		}
		said = true
		close(done)
		<-stopped
		b.add(Event{Type: EventWait}) // no longer waiting
	}
}
