package chat

import (
	"sync"
	"time"

	"tessera/backend/events"
	"tessera/backend/fragment"
)

// FlushEvery is how often a request's events are sent to the page.
const FlushEvery = 30 * time.Millisecond

// batcher gathers a request's events and emits them as one []Event every
// FlushEvery, so a fast model never floods the page with thousands of
// tiny messages. Consecutive partial fragments collapse into the newest
// one: each partial already holds everything streamed so far.
type batcher struct {
	emit  events.Emitter
	topic string

	mu      sync.Mutex
	pending []Event
	partial int // index of the partial's place in pending, or -1
	// latest is the newest streamed fragment; it is converted for the page
	// only at flush time, so a fast model costs one conversion per batch,
	// not one per token.
	latest fragment.Partial
	stop   chan struct{}
	done   chan struct{}
}

func newBatcher(emit events.Emitter, topic string) *batcher {
	b := &batcher{emit: emit, topic: topic, partial: -1, stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *batcher) add(e Event) {
	b.mu.Lock()
	b.pending = append(b.pending, e)
	b.mu.Unlock()
}

// addPartial records the fragment so far. Consecutive partials collapse
// into the newest: each one already holds everything streamed so far.
func (b *batcher) addPartial(p fragment.Partial) {
	b.mu.Lock()
	b.latest = p
	if b.partial < 0 {
		b.partial = len(b.pending)
		b.pending = append(b.pending, Event{Type: EventPartial})
	}
	b.mu.Unlock()
}

func (b *batcher) flush() {
	b.mu.Lock()
	batch := b.pending
	if b.partial >= 0 {
		batch[b.partial].Partial = toPartial(b.latest)
	}
	b.pending, b.partial = nil, -1
	b.mu.Unlock()
	if len(batch) > 0 {
		b.emit.Emit(b.topic, batch)
	}
}

func (b *batcher) loop() {
	defer close(b.done)
	t := time.NewTicker(FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.flush()
		case <-b.stop:
			b.flush()
			return
		}
	}
}

// close flushes what is left and stops the loop.
func (b *batcher) close() {
	close(b.stop)
	<-b.done
}
