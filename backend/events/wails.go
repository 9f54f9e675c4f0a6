package events

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Wails emits through the Wails runtime. ctx must be the context Wails gave
// OnStartup (runtime calls log.Fatalf on any other context).
type Wails struct{ ctx context.Context }

// NewWails returns an Emitter bound to the Wails startup context.
func NewWails(ctx context.Context) *Wails { return &Wails{ctx: ctx} }

// Emit implements Emitter.
func (w *Wails) Emit(topic string, payload any) { runtime.EventsEmit(w.ctx, topic, payload) }
