package fragment

import (
	"fmt"

	"tessera/backend/apperr"
	"tessera/backend/units"
)

// Which limit a streaming answer passed.
const (
	LimitFile   = "file"   // one file over MaxFileBytes
	LimitFiles  = "files"  // all files over MaxFilesBytes
	LimitAnswer = "answer" // the whole answer over MaxAnswerBytes
)

// LimitError is a limit an answer passed while it streamed. The parser
// refuses the byte that passed it, so the caller can stop the model there
// instead of after the whole answer.
type LimitError struct {
	Limit string // LimitFile, LimitFiles or LimitAnswer
	Path  string // the file being written ("" when not known yet)
	Max   int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("fragment: answer passed the %s limit (%d bytes) while streaming (file %q)", e.Limit, e.Max, e.Path)
}

// Sentence says which limit and what Tessera keeps: the answer's text, not
// the files that passed the limit.
func (e *LimitError) Sentence() string {
	kept := "Tessera stopped the model there and kept the answer's text, not its files."
	switch e.Limit {
	case LimitFile:
		name := "One of the answer's files"
		if e.Path != "" {
			name = "The answer's file " + e.Path
		}
		return fmt.Sprintf("%s grew past the %s limit for one file while it streamed, so %s Ask for smaller files, or for code that creates the data when it runs.",
			name, units.Bytes(e.Max), lowerFirst(kept))
	case LimitFiles:
		return fmt.Sprintf("The answer's files grew past the %s limit for one answer while they streamed, so %s Ask for a smaller change.",
			units.Bytes(e.Max), lowerFirst(kept))
	default:
		return fmt.Sprintf("The answer grew past the %s limit while it streamed, which is more than a fragment can be, so %s Try again, or ask for a smaller change.",
			units.Bytes(e.Max), lowerFirst(kept))
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

func limitErr(limit, path string, max int64) error {
	le := &LimitError{Limit: limit, Path: path, Max: max}
	return apperr.Wrap(le, apperr.Invalid, le.Sentence())
}

// checkLimits is run after each chunk: the file being written (its bytes
// so far, pending ones included) and all files so far against their
// limits. It costs two additions, so Write's fast path can afford it.
func (p *Parser) checkLimits() error {
	cur := 0
	if p.destFile && !p.destPath && p.strDest != nil {
		cur = p.strDest.Len() + p.pending
	}
	switch {
	case cur > MaxFileBytes:
		p.limit = limitErr(LimitFile, p.destPathName(), MaxFileBytes)
	case p.filesDone+cur > MaxFilesBytes:
		p.limit = limitErr(LimitFiles, "", MaxFilesBytes)
	}
	return p.limit
}

// destPathName is the path of the file being written, when its path came
// before its content.
func (p *Parser) destPathName() string {
	if p.strDest == &p.f.code {
		return p.f.filePath.String()
	}
	if len(p.stack) > 0 {
		if t := p.top(); t.role == rFile && t.file != nil {
			return t.file.pathString()
		}
	}
	return ""
}
