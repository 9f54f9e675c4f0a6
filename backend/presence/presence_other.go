//go:build !linux

package presence

import (
	"context"
	"log/slog"
)

// Watch does nothing here yet: the page's visibility still pauses hidden
// windows. (macOS and Windows equivalents are not wired.)
func Watch(ctx context.Context, log *slog.Logger, on Func) {}
