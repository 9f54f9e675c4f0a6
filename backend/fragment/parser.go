package fragment

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"tessera/backend/apperr"
)

// MaxAnswerBytes bounds what a Parser accepts; a model stuck in a loop
// should not exhaust memory.
const MaxAnswerBytes = 64 << 20

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

// fields is the fragment being assembled.
type fields struct {
	commentary, template, title, description, install, filePath, code textBuf
	depsStr                                                           textBuf
	deps                                                              []string
	depsOpen                                                          *textBuf
	hasDeps                                                           bool
	port                                                              *int
	portSeen                                                          bool
	files                                                             []*fileAcc
	codeSeen, filePathSeen                                            bool
	last                                                              *textBuf // the content written last
	done                                                              bool
	complete                                                          uint32 // 1<<key for each root value that ended
}

func (f *fields) completed(k key) bool { return f.complete&(1<<k) != 0 }

// setup is the Setup the fields settle so far.
func (f *fields) setup() (s Setup) {
	if f.completed(kTemplate) {
		s.Template = f.template.String()
	}
	begun := f.codeSeen || f.filePathSeen || len(f.files) > 0
	s.Done = begun || (f.completed(kHasDeps) && (!f.hasDeps || f.completed(kInstall)))
	if s.Done && f.hasDeps && f.completed(kInstall) {
		s.Install = strings.TrimSpace(f.install.String())
	}
	return s
}

type fileAcc struct {
	path, altPath, content textBuf
}

type pstate uint8

const (
	sSeek pstate = iota
	sValue
	sKeyOrEnd    // after '{'
	sKey         // after ',' in an object
	sColon       // after a key
	sObjNext     // after a value in an object
	sValueOrEnd  // after '['
	sArrNext     // after a value in an array
	sString      // inside a string
	sNumber      // inside a number
	sLiteral     // inside true/false/null
	sDone        // root object complete
	sEndOfString // internal: string finished
)

type escState uint8

const (
	escNone escState = iota
	escStart
	escHex
)

type role uint8

const (
	rIgnore role = iota
	rRoot
	rDeps
	rFiles
	rFile
)

type key uint8

const (
	kUnknown key = iota
	kCommentary
	kTemplate
	kTitle
	kDescription
	kDeps
	kHasDeps
	kInstall
	kPort
	kFilePath
	kCode
	kFiles
	kPath
	kAltPath
	kContent
)

var rootKeys = map[string]key{
	"commentary": kCommentary, "template": kTemplate, "title": kTitle, "description": kDescription,
	"additional_dependencies": kDeps, "has_additional_dependencies": kHasDeps,
	"install_dependencies_command": kInstall, "port": kPort, "file_path": kFilePath, "code": kCode,
	"files": kFiles,
}

// fileKeys accepts the documented {path, content} and the shape of
// Fragments' abandoned multi-file schema {file_name, file_path, file_content}.
var fileKeys = map[string]key{
	"path": kPath, "file_path": kPath, "filepath": kPath,
	"file_name": kAltPath, "filename": kAltPath, "name": kAltPath,
	"content": kContent, "file_content": kContent, "contents": kContent, "code": kContent,
}

type frame struct {
	array bool
	role  role
	key   key // object frames: the key whose value comes next
	file  *fileAcc
}

const maxDepth = 256

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
	if p.final || p.raw.Len()+len(chunk) > MaxAnswerBytes {
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
		return nil
	}
	p.scan(chunk)
	return nil
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
	if p.final {
		return apperr.New(apperr.Internal, "The answer was already complete.")
	}
	return apperr.Newf(apperr.Invalid,
		"The answer is larger than %d MB, which is more than a fragment can be. Try again, or ask for a smaller change.", MaxAnswerBytes>>20)
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

// reset abandons the current candidate object (a syntax error): scanning
// resumes at the next '{'. Accumulated fields stay visible until a new
// object brings its own.
func (p *Parser) reset() {
	if p.rootFields {
		p.brokeAt = p.raw.Len()
	}
	p.rootFields = false
	p.st = sSeek
	p.stack = p.stack[:0]
	p.esc, p.hexN, p.hiSurr = escNone, 0, 0
	p.strDest, p.destFile, p.destPath = nil, false, false
}

func (p *Parser) top() *frame { return &p.stack[len(p.stack)-1] }

func (p *Parser) push(array bool) {
	if len(p.stack) >= maxDepth {
		p.reset()
		return
	}
	r := rIgnore
	var fa *fileAcc
	if len(p.stack) == 0 {
		r = rRoot
		p.rootFields = false
	} else {
		t := p.top()
		switch {
		case t.role == rRoot && !t.array && array && t.key == kDeps:
			r = rDeps
		case t.role == rRoot && !t.array && array && (t.key == kFiles || t.key == kCode):
			r = rFiles
		case t.role == rFiles && t.array && !array:
			r = rFile
			fa = &fileAcc{}
			p.f.files = append(p.f.files, fa)
			p.filesVer++
			p.pathsVer++
		}
		if r == rDeps {
			p.f.deps = p.f.deps[:0]
		}
	}
	p.stack = append(p.stack, frame{array: array, role: r, file: fa})
	if array {
		p.st = sValueOrEnd
	} else {
		p.st = sKeyOrEnd
	}
}

// valueDone moves to the state that follows a value in the enclosing
// container, or finishes the root object.
func (p *Parser) valueDone() {
	if len(p.stack) == 0 {
		p.st = sSeek
		return
	}
	if t := p.top(); t.role == rRoot && !t.array && t.key != kUnknown {
		p.f.complete |= 1 << t.key
	}
	if p.top().array {
		p.st = sArrNext
	} else {
		p.st = sObjNext
	}
}

func (p *Parser) pop() {
	fr := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	if len(p.stack) == 0 {
		if fr.role == rRoot && p.rootFields {
			p.st = sDone
			p.f.done = true
			return
		}
		p.st = sSeek // "{}" or an object without fragment keys: keep looking
		return
	}
	p.valueDone()
}

// startString decides where a string's characters go.
func (p *Parser) startString(isKey bool) {
	p.st = sString
	p.strKey = isKey
	p.strDest, p.destFile, p.destPath = nil, false, false
	p.esc, p.hexN, p.hiSurr = escNone, 0, 0
	if isKey {
		p.keyBuf = p.keyBuf[:0]
		p.keyLong = false
		return
	}
	if len(p.stack) == 0 {
		return
	}
	t := p.top()
	f := &p.f
	var b *textBuf
	switch t.role {
	case rRoot:
		switch t.key {
		case kCommentary:
			b = &f.commentary
		case kTemplate:
			b = &f.template
		case kTitle:
			b = &f.title
		case kDescription:
			b = &f.description
		case kInstall:
			b = &f.install
		case kFilePath:
			b = &f.filePath
			f.filePathSeen = true
			p.destFile, p.destPath = true, true
		case kCode:
			b = &f.code
			f.codeSeen = true
			f.last = b
			p.destFile = true
		case kDeps:
			b = &f.depsStr
		case kPort:
			p.numBuf = p.numBuf[:0] // "port": "3000"
		}
	case rDeps:
		b = &textBuf{}
		f.depsOpen = b
	case rFile:
		switch t.key {
		case kPath:
			b = &t.file.path
			p.destFile, p.destPath = true, true
		case kAltPath:
			b = &t.file.altPath
			p.destFile, p.destPath = true, true
		case kContent:
			b = &t.file.content
			f.last = b
			p.destFile = true
		}
	}
	if b != nil {
		b.Reset() // a repeated key replaces the earlier value
		p.touch()
	}
	p.strDest = b
}

// endString delivers a finished string.
func (p *Parser) endString() {
	if p.hiSurr != 0 {
		p.writeRune(utf8.RuneError)
		p.hiSurr = 0
	}
	if p.strKey {
		k := kUnknown
		t := p.top()
		if !p.keyLong {
			switch t.role {
			case rRoot:
				k = rootKeys[string(p.keyBuf)]
				if k != kUnknown && !p.rootFields {
					if p.anyFields {
						p.f = fields{} // a new object replaces an abandoned one
						p.filesVer++
						p.pathsVer++
					}
					p.rootFields, p.anyFields = true, true
				}
			case rFile:
				k = fileKeys[string(p.keyBuf)]
			}
		}
		t.key = k
		p.st = sColon
		return
	}
	if len(p.stack) > 0 {
		t := p.top()
		switch {
		case t.role == rDeps && p.f.depsOpen != nil:
			p.f.deps = append(p.f.deps, p.f.depsOpen.String())
			p.f.depsOpen = nil
		case t.role == rRoot && t.key == kPort:
			p.setPort(string(p.numBuf))
		}
	}
	p.strDest, p.destFile, p.destPath = nil, false, false
	p.valueDone()
}

func (p *Parser) setPort(s string) {
	if p.top().role != rRoot || p.top().key != kPort {
		return
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		p.f.port = &n
	} else if fl, err := strconv.ParseFloat(s, 64); err == nil && fl == float64(int(fl)) {
		n := int(fl)
		p.f.port = &n
	} else {
		p.f.port = nil
	}
}

func (p *Parser) writeRune(r rune) {
	if p.strKey {
		p.keyBytes(string(r))
		return
	}
	if p.strDest != nil {
		p.strDest.WriteRune(r)
		p.touch()
	} else if p.top().role == rRoot && p.top().key == kPort && len(p.numBuf) < 32 {
		p.numBuf = utf8.AppendRune(p.numBuf, r)
	}
}

func (p *Parser) writeString(s string) {
	if p.strKey {
		p.keyBytes(s)
		return
	}
	if p.strDest != nil {
		p.strDest.WriteString(s)
		p.touch()
	} else if len(p.stack) > 0 && p.top().role == rRoot && p.top().key == kPort && len(p.numBuf)+len(s) <= 32 {
		p.numBuf = append(p.numBuf, s...)
	}
}

// touch records that the string being written belongs to a file.
func (p *Parser) touch() {
	if p.destFile {
		p.filesVer++
		if p.destPath {
			p.pathsVer++
		}
	}
}

func (p *Parser) keyBytes(s string) {
	if len(p.keyBuf)+len(s) > 64 {
		p.keyLong = true
		return
	}
	p.keyBuf = append(p.keyBuf, s...)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// scan is the state machine. Each iteration consumes at least one byte,
// except the transitions that end a number (the terminating byte is looked
// at again in the next state), so the loop is linear in len(s).
func (p *Parser) scan(s string) {
	i := 0
	for i < len(s) {
		c := s[i]
		switch p.st {
		case sDone:
			return
		case sSeek:
			j := strings.IndexByte(s[i:], '{')
			if j < 0 {
				return
			}
			i += j + 1
			p.push(false)
			continue
		case sString:
			if p.esc == escNone {
				i = p.scanString(s, i)
				continue
			}
			i++
			p.escape(c)
			continue
		case sNumber:
			if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				if len(p.numBuf) < 32 {
					p.numBuf = append(p.numBuf, c)
				}
				i++
				continue
			}
			if len(p.stack) > 0 && p.top().role == rRoot && p.top().key == kPort {
				p.setPort(string(p.numBuf))
			}
			p.valueDone()
			continue // look at c again in the new state
		case sLiteral:
			i++
			if c != p.lit[p.litPos] {
				p.reset()
				continue
			}
			p.litPos++
			if p.litPos == len(p.lit) {
				p.literalDone()
			}
			continue
		}

		i++
		if isSpace(c) {
			continue
		}
		switch p.st {
		case sKeyOrEnd:
			switch c {
			case '"':
				p.startString(true)
			case '}':
				p.pop()
			default:
				p.reset()
			}
		case sKey:
			if c == '"' {
				p.startString(true)
			} else if c == '}' { // trailing comma, as models write
				p.pop()
			} else {
				p.reset()
			}
		case sColon:
			if c == ':' {
				p.st = sValue
			} else {
				p.reset()
			}
		case sObjNext:
			switch c {
			case ',':
				p.st = sKey
			case '}':
				p.pop()
			default:
				p.reset()
			}
		case sArrNext:
			switch c {
			case ',':
				p.st = sValue
			case ']':
				p.pop()
			default:
				p.reset()
			}
		case sValueOrEnd:
			if c == ']' {
				p.pop()
				continue
			}
			p.value(c)
		case sValue:
			p.value(c)
		}
	}
}

// scanString consumes string content from s[i:] until the closing quote
// (handled), the end of s, or an escape it cannot finish here. Runs of
// ordinary characters and the common two-byte escapes are written without
// going back through the state machine: code is mostly such runs.
func (p *Parser) scanString(s string, i int) int {
	for i < len(s) {
		j := i + plainLen(s[i:])
		if j > i {
			if p.hiSurr != 0 {
				p.writeRune(utf8.RuneError)
				p.hiSurr = 0
			}
			p.writeString(s[i:j])
			i = j
			if i == len(s) {
				return i
			}
		}
		if s[i] == '"' {
			p.endString()
			return i + 1
		}
		// s[i] == '\\'
		if i+1 < len(s) && p.hiSurr == 0 {
			if r := simpleEscape(s[i+1]); r != "" {
				p.writeString(r)
				i += 2
				continue
			}
		}
		p.esc = escStart
		return i + 1
	}
	return i
}

func simpleEscape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case '"':
		return "\""
	case '\\':
		return "\\"
	case '/':
		return "/"
	case 'r':
		return "\r"
	}
	return ""
}

// value starts a value whose first byte is c.
func (p *Parser) value(c byte) {
	switch {
	case c == '"':
		p.startString(false)
	case c == '{':
		p.push(false)
	case c == '[':
		p.push(true)
	case c == '-' || (c >= '0' && c <= '9'):
		p.st = sNumber
		p.numBuf = append(p.numBuf[:0], c)
	case c == 't':
		p.st, p.lit, p.litPos = sLiteral, "true", 1
	case c == 'f':
		p.st, p.lit, p.litPos = sLiteral, "false", 1
	case c == 'n':
		p.st, p.lit, p.litPos = sLiteral, "null", 1
	case c == ']' && len(p.stack) > 0 && p.top().array: // trailing comma
		p.pop()
	default:
		p.reset()
	}
}

func (p *Parser) literalDone() {
	if len(p.stack) > 0 {
		t := p.top()
		if t.role == rRoot {
			switch t.key {
			case kHasDeps:
				p.f.hasDeps = p.lit == "true"
			case kPort:
				p.f.port = nil
			}
		}
	}
	p.valueDone()
}

// escape handles the byte after a backslash, or a \u hex digit.
func (p *Parser) escape(c byte) {
	if p.esc == escHex {
		if !isHex(c) {
			p.reset()
			return
		}
		p.hex[p.hexN] = c
		p.hexN++
		if p.hexN < 4 {
			return
		}
		p.esc, p.hexN = escNone, 0
		v, _ := strconv.ParseUint(string(p.hex[:]), 16, 32)
		r := rune(v)
		switch {
		case p.hiSurr != 0 && r >= 0xDC00 && r <= 0xDFFF:
			p.writeRune(((p.hiSurr - 0xD800) << 10) + (r - 0xDC00) + 0x10000)
			p.hiSurr = 0
		case r >= 0xD800 && r <= 0xDBFF:
			if p.hiSurr != 0 {
				p.writeRune(utf8.RuneError)
			}
			p.hiSurr = r // wait for the low half, which may be in the next chunk
		default:
			if p.hiSurr != 0 {
				p.writeRune(utf8.RuneError)
				p.hiSurr = 0
			}
			if r >= 0xDC00 && r <= 0xDFFF {
				r = utf8.RuneError
			}
			p.writeRune(r)
		}
		return
	}
	// escStart
	if c == 'u' {
		p.esc, p.hexN = escHex, 0
		return
	}
	p.esc = escNone
	if p.hiSurr != 0 {
		p.writeRune(utf8.RuneError)
		p.hiSurr = 0
	}
	switch c {
	case '"', '\\', '/':
		p.writeString(string([]byte{c}))
	case 'n':
		p.writeString("\n")
	case 't':
		p.writeString("\t")
	case 'r':
		p.writeString("\r")
	case 'b':
		p.writeString("\b")
	case 'f':
		p.writeString("\f")
	default:
		// Not JSON, but models write "\'" and "\$": keep the backslash and
		// the character, which is what they meant.
		p.writeString("\\" + string([]byte{c}))
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
