package workspace

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"

	"tessera/backend/names"
)

// Folder names are capped well under the 255 bytes most file systems allow,
// leaving room for a " (n)" suffix and for the files inside; the count is
// of perceived characters (grapheme clusters), never splitting one.
const (
	maxNameChars = 64
	maxNameBytes = 180
)

// reserved are names Windows refuses for a file or folder, with or without
// an extension; refused everywhere so a workspace can move between systems.
var reserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true}

// SafeName turns a project name into a folder name: it is brought to NFC
// (macOS would otherwise show two folders that look the same), Unicode
// letters are kept, invisible and direction-changing characters go (a
// folder "\u202Egnp.exe" would read "exe.png" in a file manager),
// separators and characters some system refuses become "-", leading dots
// (hidden, "..") and trailing dots and spaces (Windows) go, reserved
// device names get a "_", and the length is capped.
func SafeName(name string) string {
	var b strings.Builder
	for _, r := range names.Strip(names.Normalize(strings.ToValidUTF8(name, ""))) {
		switch {
		case unicode.IsControl(r):
			continue
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('-')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	s = strings.TrimLeft(s, ". ")
	s = capName(s)
	s = strings.TrimRight(s, ". ")
	if !names.Visible(s) {
		return "Project"
	}
	base, _, _ := strings.Cut(strings.ToLower(s), ".")
	if reserved[base] {
		s += "_"
	}
	return s
}

func capName(s string) string {
	g := uniseg.NewGraphemes(s)
	end := 0
	for n := 0; n < maxNameChars && g.Next(); n++ {
		_, to := g.Positions()
		if to > maxNameBytes {
			break
		}
		end = to
	}
	return s[:end]
}

// uniqueName returns base, or base with " (2)", " (3)"… so that taken
// says no. Callers compare without case: macOS and Windows fold it.
func uniqueName(base string, taken func(string) bool) string {
	for n := 1; ; n++ {
		c := base
		if n > 1 {
			c = fmt.Sprintf("%s (%d)", base, n)
		}
		if !taken(c) {
			return c
		}
	}
}

// validFolder checks a folder name read back from the database: one plain
// path element, so a damaged row cannot point outside the root.
func validFolder(f string) bool {
	return f != "" && f != "." && f != ".." && !strings.HasPrefix(f, ".") &&
		!strings.ContainsAny(f, `/\`+"\x00") && len(f) <= 255
}
