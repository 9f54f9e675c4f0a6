package fragment

// Strings: where a string value goes (startString picks the field from the
// enclosing key), what happens when it ends, and how its bytes are written.

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

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
						p.filesDone = 0
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
	if p.destFile && !p.destPath && p.strDest != nil {
		p.filesDone += p.strDest.Len()
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
