// Package events carries backend-to-page notifications. Domain packages take
// an Emitter; production uses the Wails adapter (wails.go), tests a Recorder.
package events

import (
	"sync"
)

// Emitter publishes one event on a topic. Implementations must be safe for
// concurrent use and must not block for long.
type Emitter interface {
	Emit(topic string, payload any)
}

// Discard drops every event.
type Discard struct{}

// Emit implements Emitter.
func (Discard) Emit(string, any) {}

// Event is one recorded emission.
type Event struct {
	Topic   string
	Payload any
}

// Recorder keeps every event in order, for tests.
type Recorder struct {
	mu     sync.Mutex
	events []Event
	notify chan struct{}
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{notify: make(chan struct{}, 1)} }

// Emit implements Emitter.
func (r *Recorder) Emit(topic string, payload any) {
	r.mu.Lock()
	r.events = append(r.events, Event{Topic: topic, Payload: payload})
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// Events returns a copy of the recorded events.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Topic returns the payloads emitted on one topic, in order.
func (r *Recorder) Topic(topic string) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []any
	for _, e := range r.events {
		if e.Topic == topic {
			out = append(out, e.Payload)
		}
	}
	return out
}

// Late forwards to an Emitter set later (the Wails one exists only once the
// window started); until then events are dropped.
type Late struct {
	mu sync.RWMutex
	to Emitter
}

// Set installs the target emitter.
func (l *Late) Set(e Emitter) {
	l.mu.Lock()
	l.to = e
	l.mu.Unlock()
}

// Emit implements Emitter.
func (l *Late) Emit(topic string, payload any) {
	l.mu.RLock()
	to := l.to
	l.mu.RUnlock()
	if to != nil {
		to.Emit(topic, payload)
	}
}
