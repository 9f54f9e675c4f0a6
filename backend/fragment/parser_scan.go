package fragment

// Scanning: the byte-level JSON state machine, escapes and literals.

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

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
