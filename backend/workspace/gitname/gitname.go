// Package gitname is Tessera's one rule for names git, Windows or macOS
// would take for the history folder ".git". A project file may never be
// written under such a name: git itself refuses them (so a commit of it
// fails, and every later turn with it), and on a case- and dot-insensitive
// file system the file would land inside the real .git, where a hook runs
// on the person's next checkout.
//
// The rule is the union of the three systems' (git's core.protectHFS and
// core.protectNTFS checks, which git's own verify_path applies), so it is
// the strictest of them, on every platform:
//
//   - case is ignored (".GIT", ".Git");
//   - the code points HFS+ leaves out when it compares names are ignored
//     wherever they stand (zero-width joiners and non-joiners, direction
//     marks, embeddings and overrides, the shaping controls U+206A–U+206F,
//     the byte order mark), as git's is_hfs_dotgit does;
//   - trailing dots and spaces are ignored, and so is an NTFS stream
//     suffix after ":" (".git.", ".git ", ".git::$INDEX_ALLOCATION"), as
//     Windows does and git's is_ntfs_dotgit refuses;
//   - the 8.3 short names NTFS gives ".git" are refused: "GIT~1" (and, to
//     be safe, any "GIT~n") and the hashed form "GIxxxx~n".
//
// Written from the behaviour git documents and its tests describe, not
// from its source.
package gitname

import (
	"strings"
	"unicode/utf8"
)

// hfsIgnored are the code points HFS+ ignores in names.
func hfsIgnored(r rune) bool {
	return (r >= 0x200c && r <= 0x200f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x206a && r <= 0x206f) || r == 0xfeff
}

// IsDotGit reports whether one path component would be taken for ".git"
// by git, Windows or macOS.
func IsDotGit(name string) bool {
	if !utf8.ValidString(name) {
		return false // not a name any of them would fold to ".git"
	}
	n := strings.Map(func(r rune) rune {
		if hfsIgnored(r) {
			return -1
		}
		return r
	}, name)
	if i := strings.IndexByte(n, ':'); i >= 0 {
		n = n[:i] // an NTFS stream of the name
	}
	n = strings.TrimRight(n, ". ")
	if strings.EqualFold(n, ".git") {
		return true
	}
	return shortName(strings.ToLower(n))
}

// shortName matches "git~<digits>" and "gi<4 hex>~<digits>".
func shortName(n string) bool {
	base, num, ok := strings.Cut(n, "~")
	if !ok || num == "" || strings.Trim(num, "0123456789") != "" {
		return false
	}
	if base == "git" {
		return true
	}
	return len(base) == 6 && strings.HasPrefix(base, "gi") && strings.Trim(base[2:], "0123456789abcdef") == ""
}

// InPath returns the first component of a slash or backslash path that
// IsDotGit, and whether there is one.
func InPath(p string) (string, bool) {
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if IsDotGit(part) {
			return part, true
		}
	}
	return "", false
}
