package env

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// LogHandler redacts a log record before the next handler writes it
// (issue 30: logs are stored): the message and every string or error
// attribute. A record names its project with the "project" attribute
// (the convention across Tessera's logs); that project's secrets are
// replaced, and the app's keys in every record. The Redactor is set after
// the logger is made (it needs the database), hence Use.
type LogHandler struct {
	next    slog.Handler
	r       *atomic.Pointer[Redactor]
	project string // from WithAttrs
}

// NewLogHandler wraps next; until Use is called records pass unchanged.
func NewLogHandler(next slog.Handler) *LogHandler {
	return &LogHandler{next: next, r: &atomic.Pointer[Redactor]{}}
}

// Use starts redacting with r.
func (h *LogHandler) Use(r *Redactor) { h.r.Store(r) }

// Enabled implements slog.Handler.
func (h *LogHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *LogHandler) Handle(ctx context.Context, rec slog.Record) error {
	r := h.r.Load()
	if r == nil {
		return h.next.Handle(ctx, rec)
	}
	project := h.project
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "project" {
			project = a.Value.String()
		}
		return true
	})
	out := slog.NewRecord(rec.Time, rec.Level, r.Redact(project, rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(r, project, a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func redactAttr(r *Redactor, project string, a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.Redact(project, v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = redactAttr(r, project, x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, r.Redact(project, err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// WithAttrs implements slog.Handler.
func (h *LogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	n := &LogHandler{next: h.next, r: h.r, project: h.project}
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		if a.Key == "project" {
			n.project = a.Value.String()
		}
		red[i] = a
		if r := h.r.Load(); r != nil {
			red[i] = redactAttr(r, n.project, a)
		}
	}
	n.next = h.next.WithAttrs(red)
	return n
}

// WithGroup implements slog.Handler.
func (h *LogHandler) WithGroup(name string) slog.Handler {
	return &LogHandler{next: h.next.WithGroup(name), r: h.r, project: h.project}
}
