package chat

import (
	"errors"

	"tessera/backend/fragment"
)

// refusedForSize reports whether the answer was stopped at a size limit
// while it streamed (fragment.LimitError).
func refusedForSize(err error) bool {
	var le *fragment.LimitError
	return errors.As(err, &le)
}

// maxKeptPartial bounds the file contents written with a streaming
// answer's row (keepPartial runs every keepEvery): rewriting a growing
// multi-megabyte fragment again and again made a large answer's turn
// quadratic in its size. Past it the files are kept with their paths, and
// the whole fragment is written once it is complete.
const maxKeptPartial = 1 << 20

// boundPartial is p with file contents past maxKeptPartial left out.
func boundPartial(p fragment.Partial) fragment.Partial {
	total := 0
	for _, f := range p.Files {
		total += len(f.Content)
	}
	if total <= maxKeptPartial {
		return p
	}
	files := make([]fragment.File, len(p.Files))
	room := maxKeptPartial
	for i, f := range p.Files {
		files[i].Path = f.Path
		if len(f.Content) <= room {
			files[i].Content = f.Content
			room -= len(f.Content)
		}
	}
	p.Files = files
	return p
}
