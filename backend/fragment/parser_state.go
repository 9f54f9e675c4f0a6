package fragment

// The parser's state: the fragment being assembled (fields), the states of
// the JSON state machine, the keys it recognises, and the stack of open
// objects and arrays.

import (
	"strings"
)

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
