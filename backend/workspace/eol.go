package workspace

// Line endings. A repository whose .gitattributes says `eol=crlf` (or the
// old `crlf`) keeps LF in its history and CRLF in the folder: git's
// checkout writes CRLF, git's add turns it back ("clean"). go-git does
// neither, so without this a folder checked out by git would read as
// every text file changed (an extra version, shown as modified). Tessera
// applies the clean conversion where it compares and where it commits.

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/gitattributes"
)

// eolRule is how a project keeps line endings: its .gitattributes, and
// core.autocrlf=true (git for Windows' default), under which every text
// file is CRLF in the folder.
type eolRule struct {
	m        gitattributes.Matcher
	autocrlf bool
}

// eolRules are the project's line-ending rules (nil when nothing asks for
// a conversion). Called with w.mu held.
func (w *Workspace) eolRules() *eolRule {
	r := &eolRule{}
	if cfg, err := w.repo.ConfigScoped(config.GlobalScope); err == nil && cfg.Raw != nil {
		r.autocrlf = strings.EqualFold(cfg.Raw.Section("core").Option("autocrlf"), "true")
	}
	if b, err := w.readInside(".gitattributes"); err == nil && bytes.Contains(b, []byte("crlf")) || err == nil && bytes.Contains(b, []byte("text")) {
		if attrs, err := gitattributes.ReadAttributes(bytes.NewReader(b), nil, true); err == nil {
			r.m = gitattributes.NewMatcher(attrs)
		}
	}
	if r.m == nil && !r.autocrlf {
		return nil // the fast, common case
	}
	return r
}

// wantsCRLF says whether git keeps rel with CRLF in the folder and LF in
// history: eol=crlf (text not unset), the old crlf attribute, or
// core.autocrlf=true for a file not marked otherwise.
func wantsCRLF(r *eolRule, rel string) bool {
	if r == nil {
		return false
	}
	if r.m == nil {
		return r.autocrlf
	}
	res, _ := r.m.Match(strings.Split(rel, "/"), []string{"text", "eol", "crlf", "binary"})
	if a, ok := res["text"]; ok && a.IsUnset() {
		return false
	}
	if a, ok := res["binary"]; ok && a.IsSet() {
		return false
	}
	if a, ok := res["eol"]; ok && a.IsValueSet() {
		return a.Value() == "crlf"
	}
	if a, ok := res["crlf"]; ok && a.IsSet() {
		return true
	}
	return r.autocrlf
}

// cleanEOL is git's clean conversion for a CRLF file: CRLF to LF. A file
// with a NUL (binary) is left as it is, as git's text detection does.
func cleanEOL(b []byte) []byte {
	if !bytes.Contains(b, []byte("\r\n")) || bytes.IndexByte(b, 0) >= 0 {
		return b
	}
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

// cleanIndex re-stages, with LF, the files of the index that the rules
// keep with CRLF in the folder (w.mu and index.lock held, after adding the
// folder): their history stays LF, so a checkout by git is no change.
func (w *Workspace) cleanIndex(m *eolRule) error {
	if m == nil {
		return nil
	}
	idx, err := w.repo.Storer.Index()
	if err != nil {
		return err
	}
	changed := false
	for _, e := range idx.Entries {
		if !e.Mode.IsFile() || !wantsCRLF(m, e.Name) {
			continue
		}
		b, err := w.readInside(e.Name)
		if err != nil {
			continue
		}
		clean := cleanEOL(b)
		if len(clean) == len(b) {
			continue
		}
		obj := w.repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		obj.SetSize(int64(len(clean)))
		wr, err := obj.Writer()
		if err != nil {
			return err
		}
		if _, err := wr.Write(clean); err != nil {
			return err
		}
		wr.Close()
		h, err := w.repo.Storer.SetEncodedObject(obj)
		if err != nil {
			return err
		}
		if e.Hash != h {
			// The size and time are the file's on disk, as git records them.
			e.Hash, e.Size, changed = h, uint32(len(b)), true
			if fi, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(e.Name))); err == nil {
				e.ModifiedAt = fi.ModTime()
			}
		}
	}
	if !changed {
		return nil
	}
	return w.repo.Storer.SetIndex(idx)
}
