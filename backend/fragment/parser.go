package fragment

import (
	"strings"

	"tessera/backend/apperr"
)

// MaxAnswerBytes bounds what a Parser accepts; a model stuck in a loop
// should not exhaust memory. It leaves room for MaxFilesBytes of files as
// JSON escapes them, and the prose around them.
const MaxAnswerBytes = 24 << 20

// Partial is a fragment while it streams: every field holds what has
// arrived so far. Strings share memory with the parser's buffers (they are
// immutable Go strings, so keeping a Partial is safe).
type Partial struct {
	Commentary  string   `json:"commentary"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Template    string   `json:"template"`
	FilePaths   []string `json:"file_paths"`
	// Code is the code so far of the file being written (or written last).
	Code string `json:"code"`
	// Files holds every file so far, the main file (file_path/code) first.
	Files []File `json:"files"`
	// Done is true once the fragment's JSON object is complete.
	Done bool `json:"done"`
	// Setup is what the sandbox needs before the code, as soon as the
	// stream has settled it.
	Setup Setup `json:"-"`
}

// Setup is the part of a fragment that prepares the sandbox: the template
// and the dependency install. Each field is set only once its value is
// complete in the stream, so a sandbox can be started (and the install
// run) while the code is still being written.
type Setup struct {
	// Template is the template id once its string is complete, else "".
	Template string
	// Done: the install is settled too — has_additional_dependencies and
	// install_dependencies_command are complete, or the code has begun
	// (the schema puts them first, so they are not coming).
	Done bool
	// Install is the install command when Done and dependencies are
	// declared; "" when there is nothing to install.
	Install string
}

// Parser turns a streamed answer into partial fragments. Each byte is looked
// at once: Feed costs O(len(chunk)) plus O(number of files) to build the
// Partial, never a re-parse from the start. It is tolerant the way LLM
// output needs: prose or a ```json fence before the object is skipped, a
// false start ("{braces}" in prose) is abandoned at the first byte that
// cannot be JSON and scanning resumes after it, raw newlines inside strings
// are accepted, text after the object is ignored. The raw text is kept so
// that Final can fall back to Extract when streaming scanning lost track.
//
// A Parser is not safe for concurrent use.
type Parser struct {
	raw   rawText
	final bool
	// limit is the limit the answer passed (limits.go): once set, every
	// Write returns it. filesDone counts the bytes of files that ended.
	limit     error
	filesDone int

	st    pstate
	stack []frame
	// after a string, number or literal ends we return to the state implied
	// by the enclosing frame; strKey tells whether the string was a key.
	strKey  bool
	strDest *textBuf // nil: discard
	// pending counts the bytes at the end of raw (all in its current
	// block) that belong to strDest but have not been copied there yet
	// (see Write).
	pending int
	// destFile/destPath tell whether strDest is part of a file, so that
	// the cached Files/FilePaths snapshots know when to rebuild.
	destFile, destPath bool
	keyBuf             []byte
	keyLong            bool
	esc                escState
	hex                [4]byte
	hexN               int
	hiSurr             rune
	numBuf             []byte
	lit                string
	litPos             int

	// rootFields is set once the current root object has a recognised key;
	// the first such key of a new root object clears what a previous,
	// abandoned object left behind.
	rootFields bool
	anyFields  bool
	// brokeAt is where (about) the last object with fragment fields turned
	// out not to be JSON; 0 if none did.
	brokeAt int

	f fields

	// Snapshots handed out in Partials. They are never modified after
	// being handed out, only replaced, so Partials may be kept and read
	// from other goroutines; rebuilding them only when a file changed keeps
	// Feed cheap while the commentary streams.
	filesVer, pathsVer         uint64
	snapFilesVer, snapPathsVer uint64
	snapFiles                  []File
	snapPaths                  []string
	// slab hands out Files snapshots from one allocation per many chunks
	// (each snapshot is a capacity-capped, never rewritten window), which
	// keeps 1-token Feeds from allocating while code streams.
	slab []File
}

// NewParser returns a parser ready for the first chunk.
func NewParser() *Parser { return &Parser{} }

// Feed consumes the next chunk of the answer and returns the fragment so
// far: Write followed by Partial. It fails only when the answer exceeds
// MaxAnswerBytes or after Final.
//
// The body is Partial's rather than a call to it: returning Partial's
// result through here cost a copy of the struct right after it was
// written, which the CPU handles slowly (store forwarding); see Partial.
func (p *Parser) Feed(chunk string) (out Partial, err error) {
	err = p.Write(chunk)
	p.snapshot()
	f := &p.f
	out.Commentary = f.commentary.String()
	out.Title = f.title.String()
	out.Description = f.description.String()
	out.Template = f.template.String()
	if f.last != nil {
		out.Code = f.last.String()
	}
	out.Files, out.FilePaths = p.snapFiles, p.snapPaths
	out.Done = f.done
	out.Setup = f.setup()
	return out, err
}

// Write consumes the next chunk without building a Partial, for callers
// that look at the fragment less often than chunks arrive.
//
// Write is called once per token, so its fixed cost decides whether
// streaming stays within a small factor of parsing the whole text at once
// (BenchmarkStreamingRatio). The common chunk while code streams is a
// piece of a string value with neither its closing quote nor an escape in
// it: such a chunk is only appended to raw and counted in pending, and the
// whole run reaches its field with one copy from raw when something else
// happens (flush). Everything else goes through the state machine.
func (p *Parser) Write(chunk string) error {
	if p.final || p.limit != nil || p.raw.Len()+len(chunk) > MaxAnswerBytes {
		return p.writeError()
	}
	if p.st == sString && p.esc == escNone && p.strDest != nil && p.hiSurr == 0 &&
		len(chunk) <= p.raw.room() && plainLen(chunk) == len(chunk) {
		// strDest != nil: a value that is kept (not a key, not a value
		// that is discarded); hiSurr == 0: no \uD8xx waiting for its low
		// half, which plain text would have to replace with U+FFFD; room:
		// the pending run stays within raw's current block.
		p.raw.WriteString(chunk)
		p.pending += len(chunk)
		if p.destFile {
			return p.checkLimits()
		}
		return nil
	}
	if p.st == sDone {
		// The rest is trailing prose: no need to keep it for Final's fallback.
		return nil
	}
	p.flush()
	p.raw.WriteString(chunk)
	if p.st == sString && p.esc == escNone {
		// Inside a string, scanString skips the dispatch.
		if i := p.scanString(chunk, 0); i < len(chunk) {
			p.scan(chunk[i:])
		}
		return p.checkLimits()
	}
	p.scan(chunk)
	return p.checkLimits()
}

// flush delivers the pending run of plain string content, the last
// p.pending bytes of raw, to the string being read. Everything that reads
// or changes the fields (the state machine, Partial, Final) runs after it.
func (p *Parser) flush() {
	if p.pending == 0 {
		return
	}
	p.strDest.WriteString(p.raw.tail(p.pending))
	p.pending = 0
	p.touch()
}

// writeError is why Write refuses a chunk (kept out of line so that Write's
// common path stays small).
func (p *Parser) writeError() error {
	switch {
	case p.final:
		return apperr.New(apperr.Internal, "The answer was already complete.")
	case p.limit == nil:
		p.limit = limitErr(LimitAnswer, "", MaxAnswerBytes)
	}
	return p.limit
}

// plainLen is the length of s's prefix that is ordinary string content:
// up to the first '"' or '\\', or len(s).
func plainLen(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			return i
		}
	}
	return len(s)
}

// Partial returns the fragment so far without feeding anything.
//
// Callers take one after every chunk (StreamFragment does; Feed repeats
// this body), so it only reads the fields; the work is in snapshot, and
// only when a file changed. The fields are stored straight into the
// result: building the struct elsewhere and copying it, or filling it
// through a pointer (which costs write barriers while the GC runs), made
// a Partial about twice as expensive.
func (p *Parser) Partial() (out Partial) {
	p.snapshot()
	f := &p.f
	out.Commentary = f.commentary.String()
	out.Title = f.title.String()
	out.Description = f.description.String()
	out.Template = f.template.String()
	if f.last != nil {
		out.Code = f.last.String()
	}
	out.Files, out.FilePaths = p.snapFiles, p.snapPaths
	out.Done = f.done
	out.Setup = f.setup()
	return out
}

// snapshot flushes and renews the Files and FilePaths snapshots when
// a file changed since the last Partial.
func (p *Parser) snapshot() {
	p.flush()
	f := &p.f
	if p.snapFilesVer != p.filesVer {
		p.snapFilesVer = p.filesVer
		p.snapFiles = nil
		n := len(f.files)
		if f.filePathSeen || f.codeSeen {
			n++
		}
		if n > 0 {
			if len(p.slab)+n > cap(p.slab) {
				p.slab = make([]File, 0, max(64*n, 256))
			}
			start := len(p.slab)
			if f.filePathSeen || f.codeSeen {
				p.slab = append(p.slab, File{Path: f.filePath.String(), Content: f.code.String()})
			}
			for _, fa := range f.files {
				p.slab = append(p.slab, File{Path: fa.pathString(), Content: fa.content.String()})
			}
			p.snapFiles = p.slab[start:len(p.slab):len(p.slab)]
		}
	}
	if p.snapPathsVer != p.pathsVer {
		p.snapPathsVer = p.pathsVer
		p.snapPaths = nil
		for _, fl := range p.snapFiles {
			if fl.Path != "" {
				p.snapPaths = append(p.snapPaths, fl.Path)
			}
		}
	}
}

func (fa *fileAcc) pathString() string {
	if fa.path.Len() > 0 {
		return fa.path.String()
	}
	return fa.altPath.String()
}

// Final ends the answer and returns the normalised fragment. When streaming
// scanning did not find a complete object it retries on Extract(raw), which
// prefers ```json fences. Errors are apperr.Invalid with a sentence that
// says what was wrong with the answer.
func (p *Parser) Final() (*Fragment, error) {
	p.final = true
	p.flush() // defensive: nothing is pending once the object is complete
	if p.st == sDone {
		return p.build()
	}
	raw := p.raw.String()
	if ext, err := Extract(raw); err == nil {
		q := NewParser()
		q.scan(ext)
		if q.st == sDone {
			return q.build()
		}
	}
	switch {
	case strings.TrimSpace(raw) == "":
		return nil, apperr.New(apperr.Invalid, "The model sent an empty answer. Try again.")
	case p.brokeAt > 0:
		return nil, apperr.Newf(apperr.Invalid, "The answer is not valid JSON (it breaks near character %d). Try again.", p.brokeAt)
	case p.anyFields:
		return nil, apperr.New(apperr.Invalid, "The answer stopped before the fragment was complete. Try again, or raise the output token limit.")
	default:
		return nil, apperr.New(apperr.Invalid, "The answer is not a fragment (no JSON object with code was found). Try again, or pick a model that supports structured output.")
	}
}

func (p *Parser) build() (*Fragment, error) {
	f := &p.f
	fr := &Fragment{
		Commentary:                 f.commentary.String(),
		Template:                   f.template.String(),
		Title:                      f.title.String(),
		Description:                f.description.String(),
		AdditionalDependencies:     append([]string{}, f.deps...),
		HasAdditionalDependencies:  f.hasDeps,
		InstallDependenciesCommand: f.install.String(),
		Port:                       f.port,
		FilePath:                   f.filePath.String(),
		Code:                       f.code.String(),
	}
	if f.depsStr.Len() > 0 {
		// "additional_dependencies": "numpy pandas" instead of a list.
		fr.AdditionalDependencies = append(fr.AdditionalDependencies, strings.FieldsFunc(f.depsStr.String(), func(r rune) bool {
			return r == ',' || r == ' ' || r == '\n' || r == '\t'
		})...)
	}
	for _, fa := range f.files {
		fr.Files = append(fr.Files, File{Path: fa.pathString(), Content: fa.content.String()})
	}
	if err := fr.Normalize(); err != nil {
		return nil, err
	}
	return fr, nil
}
