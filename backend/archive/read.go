package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
	"tessera/backend/workspace/gitname"
)

// Limits bound what an import reads. Sizes are counted on the bytes
// actually decompressed, so an archive lying in its headers (a zip bomb)
// is stopped at the limit.
type Limits struct {
	MaxArchiveBytes int64 // the zip file itself
	MaxEntries      int
	MaxFiles        int
	MaxBytes        int64 // the project's files together
	MaxPackBytes    int64 // the history as stored (compressed)
	MaxHistory      int64 // the history's objects once inflated, all together
	MaxChatBytes    int64 // chat.json (with its images)
}

// DefaultLimits suit a desktop: a few GB at most, well past any project
// an LLM writes, short of filling a disk by surprise.
var DefaultLimits = Limits{
	MaxArchiveBytes: 4 << 30,
	MaxEntries:      50000,
	MaxFiles:        workspace.DefaultImportLimits.MaxFiles,
	MaxBytes:        workspace.DefaultImportLimits.MaxBytes,
	MaxPackBytes:    2 << 30,
	MaxHistory:      4 << 30,
	MaxChatBytes:    512 << 20,
}

// Workspace returns the limits on the files of the current version.
func (l Limits) Workspace() workspace.ImportLimits {
	return workspace.ImportLimits{MaxFiles: l.MaxFiles, MaxBytes: l.MaxBytes, MaxHistory: l.MaxHistory}
}

// tooBig names the limit an archive's part (what) went over: never how
// much of the budget was left, which is no number the person can act on.
func (l Limits) tooBig(what string, limit int64) error {
	return apperr.Newf(apperr.Invalid, "That archive is too large to import: its %s would take more than %s, the most Tessera imports. Tessera imports projects of at most %d files and %s of files.",
		what, size(limit), l.MaxFiles, size(l.MaxBytes))
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d KiB", n>>10)
	}
}

// Archive is a zip read and checked by Open. Close it when done.
type Archive struct {
	// Manifest is nil for a zip that is not a Tessera export (its files
	// are the project, without history or chat).
	Manifest *Manifest
	// Files are the project's files: of a plain zip, or an export's
	// files/ (informative: an export's history is the authority).
	Files    []workspace.File
	Messages []store.Message
	// Skipped counts files left out of a plain zip (ignored by default,
	// such as node_modules, or system litter such as __MACOSX).
	Skipped int

	zc   *zip.ReadCloser
	pack *zip.File
	lim  Limits
}

// Close releases the zip file.
func (a *Archive) Close() error { return a.zc.Close() }

// HasHistory says whether the archive carries the project's history.
func (a *Archive) HasHistory() bool {
	return a.pack != nil && a.Manifest != nil && a.Manifest.Head != ""
}

// Pack opens the history for reading, bounded by the limits.
func (a *Archive) Pack() (io.ReadCloser, error) {
	if a.pack == nil {
		return nil, apperr.New(apperr.Invalid, "That archive carries no history.")
	}
	rc, err := a.pack.Open()
	if err != nil {
		return nil, damaged(PackName, err)
	}
	return &limited{r: io.LimitReader(rc, a.lim.MaxPackBytes+1), c: rc, n: a.lim.MaxPackBytes, lim: a.lim}, nil
}

type limited struct {
	r    io.Reader
	c    io.Closer
	n    int64
	read int64
	lim  Limits
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.read += int64(n)
	if l.read > l.n {
		return n, l.lim.tooBig("history", l.n)
	}
	return n, err
}

func (l *limited) Close() error { return l.c.Close() }

func damaged(name string, err error) error {
	return apperr.Wrap(err, apperr.Invalid, "The archive is damaged ("+name+" could not be read). Export the project again, or check the file was copied whole.")
}

// Open reads and checks the zip at p: every name, every limit, the
// manifest, the chat. It writes nothing.
func Open(ctx context.Context, p string, lim Limits) (*Archive, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.NotFound, "Tessera could not find "+p+".")
	}
	if fi.IsDir() {
		return nil, apperr.Newf(apperr.Invalid, "%s is a folder, not a zip file.", p)
	}
	if fi.Size() > lim.MaxArchiveBytes {
		return nil, lim.tooBig("zip file", lim.MaxArchiveBytes)
	}
	zc, err := zip.OpenReader(p)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "That file is not a zip archive Tessera can read. Choose a .zip exported from Tessera, or a zip of a project's files.")
	}
	a := &Archive{zc: zc, lim: lim}
	if err := a.read(ctx); err != nil {
		zc.Close()
		return nil, err
	}
	return a, nil
}

func (a *Archive) read(ctx context.Context) error {
	if len(a.zc.File) > a.lim.MaxEntries {
		return apperr.Newf(apperr.Invalid, "That archive has %d entries; Tessera imports at most %d.", len(a.zc.File), a.lim.MaxEntries)
	}
	decodeNames(a.zc.File)
	byName := map[string]*zip.File{}
	for _, f := range a.zc.File {
		name := strings.ReplaceAll(f.Name, "\\", "/")
		if f.Mode()&fs.ModeSymlink != 0 {
			return apperr.Newf(apperr.Invalid, "The archive holds a link (%q). Tessera imports only plain files, so nothing was imported.", f.Name)
		}
		if f.FileInfo().IsDir() || strings.HasSuffix(name, "/") {
			continue
		}
		if g, ok := gitname.InPath(name); ok && !isGitEntry(name) {
			// Another spelling of .git is no zipped working copy: on Windows
			// or macOS it would land inside the real history folder.
			return apperr.Newf(apperr.Invalid, "The archive holds %q: git, Windows or macOS would take %q for the history folder .git, so nothing was imported.", f.Name, g)
		}
		if _, err := workspace.CleanPath(name); err != nil && !isGitEntry(name) {
			return apperr.Newf(apperr.Invalid, "The archive holds %q, which would land outside the project folder, so nothing was imported.", f.Name)
		}
		if _, dup := byName[strings.ToLower(name)]; dup {
			return apperr.Newf(apperr.Invalid, "The archive holds %q twice, so nothing was imported.", f.Name)
		}
		byName[strings.ToLower(name)] = f
	}
	if mf, ok := byName[ManifestName]; ok {
		return a.readExport(ctx, mf, byName)
	}
	return a.readPlain(ctx)
}

// isGitEntry: a .git folder in a plain zip (a zipped working copy) is
// skipped, not an attack.
func isGitEntry(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if part == ".git" {
			return true
		}
	}
	return false
}

// named is the limit a sentence names for what: the files' whole limit,
// not the part of it the files before used up.
func (a *Archive) named(what string, max int64) int64 {
	if what == "files" {
		return a.lim.MaxBytes
	}
	return max
}

// decodeNames turns names a zip stores in the old DOS code page (CP437,
// the zip format's default: no UTF-8 flag, and not valid UTF-8, as
// Windows' own zip and old tools write them) into UTF-8, so "Café.txt" is
// that file, not a name "outside the project".
func decodeNames(files []*zip.File) {
	dec := charmap.CodePage437.NewDecoder()
	for _, f := range files {
		if f.Flags&0x800 != 0 || utf8.ValidString(f.Name) {
			continue
		}
		if n, err := dec.String(f.Name); err == nil {
			f.Name = n
		}
	}
}

func (a *Archive) readAll(f *zip.File, max int64, what string) ([]byte, error) {
	// The header first: a bomb is refused before a byte is inflated (Go's
	// zip reader holds every entry to the size its header declares).
	if f.UncompressedSize64 > uint64(max) {
		return nil, a.lim.tooBig(what, a.named(what, max))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, damaged(f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, damaged(f.Name, err)
	}
	if int64(len(b)) > max {
		return nil, a.lim.tooBig(what, a.named(what, max))
	}
	return b, nil
}

func (a *Archive) readExport(ctx context.Context, mf *zip.File, byName map[string]*zip.File) error {
	b, err := a.readAll(mf, 1<<20, "description")
	if err != nil {
		return err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return damaged(ManifestName, err)
	}
	if m.App != "tessera" || m.Format < 1 {
		return apperr.New(apperr.Invalid, "The archive's "+ManifestName+" is not a Tessera project description, so nothing was imported.")
	}
	if m.Format > Format {
		return apperr.New(apperr.Invalid, "That project was exported by a newer Tessera. Update Tessera to import it.")
	}
	a.Manifest = &m
	if m.Head != "" {
		if a.pack = byName[PackName]; a.pack == nil {
			return apperr.New(apperr.Invalid, "The archive names a history but holds no "+PackName+", so nothing was imported. Export the project again.")
		}
	}
	if cf, ok := byName[ChatJSONName]; ok {
		b, err := a.readAll(cf, a.lim.MaxChatBytes, "chat")
		if err != nil {
			return err
		}
		var chat Chat
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&chat); err != nil {
			return damaged(ChatJSONName, err)
		}
		for i, msg := range chat.Messages {
			if msg.Role != "user" && msg.Role != "assistant" && msg.Role != "system" {
				return apperr.Newf(apperr.Invalid, "Message %d of the archive's chat has the role %q, which Tessera does not know; nothing was imported.", i+1, msg.Role)
			}
			if (len(msg.Fragment) > 0 && !json.Valid(msg.Fragment)) || (len(msg.Result) > 0 && !json.Valid(msg.Result)) {
				return damaged(ChatJSONName, errors.New("invalid embedded JSON"))
			}
			if len(msg.Attachments) == 0 {
				msg.Attachments = nil
			}
			a.Messages = append(a.Messages, store.Message{ID: msg.ID, Role: msg.Role, Content: msg.Content, Fragment: msg.Fragment,
				Result: msg.Result, Status: msg.Status, CreatedAt: msg.CreatedAt, Attachments: msg.Attachments})
		}
	}
	var files []*zip.File
	for _, f := range a.zc.File {
		if n := strings.ReplaceAll(f.Name, "\\", "/"); strings.HasPrefix(n, FilesDir) && !strings.HasSuffix(n, "/") {
			files = append(files, f)
		}
	}
	return a.readFiles(ctx, files, FilesDir, nil)
}

// readPlain takes every file of a plain zip; a single top folder (as
// GitHub's "Download ZIP" makes) is dropped from the paths.
func (a *Archive) readPlain(ctx context.Context) error {
	var files []*zip.File
	top, one := "", true
	for _, f := range a.zc.File {
		n := strings.ReplaceAll(f.Name, "\\", "/")
		if f.FileInfo().IsDir() || strings.HasSuffix(n, "/") || litter(n) {
			if !f.FileInfo().IsDir() && !strings.HasSuffix(n, "/") {
				a.Skipped++
			}
			continue
		}
		first, _, nested := strings.Cut(n, "/")
		if !nested || (top != "" && first != top) {
			one = false
		}
		top = first
		files = append(files, f)
	}
	if len(files) == 0 {
		return apperr.New(apperr.Invalid, "That archive holds no files to import.")
	}
	prefix := ""
	if one {
		prefix = top + "/"
	}
	return a.readFiles(ctx, files, prefix, NewIgnore(nil))
}

// litter is what systems add to a zip that no project wants.
func litter(n string) bool {
	base := path.Base(n)
	return strings.HasPrefix(n, "__MACOSX/") || base == ".DS_Store" || base == "Thumbs.db" || isGitEntry(n)
}

func (a *Archive) readFiles(ctx context.Context, zfs []*zip.File, prefix string, ign *Ignore) error {
	type entry struct {
		f     *zip.File
		clean string
	}
	// Names and the headers' sizes together first: a bomb is refused
	// before anything is inflated.
	var take []entry
	var declared uint64
	for _, f := range zfs {
		rel := strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), prefix)
		clean, err := workspace.CleanPath(rel)
		if err != nil {
			return err
		}
		if ign != nil && ign.Match(clean, false) {
			a.Skipped++
			continue
		}
		if len(take) >= a.lim.MaxFiles {
			return a.lim.Workspace().TooBig()
		}
		if declared += f.UncompressedSize64; declared > uint64(a.lim.MaxBytes) {
			return a.lim.tooBig("files", a.lim.MaxBytes)
		}
		take = append(take, entry{f, clean})
	}
	var total int64
	for _, e := range take {
		if err := ctx.Err(); err != nil {
			return apperr.Wrap(err, apperr.Canceled, "The import was stopped.")
		}
		b, err := a.readAll(e.f, a.lim.MaxBytes-total, "files")
		if err != nil {
			return err
		}
		total += int64(len(b))
		a.Files = append(a.Files, workspace.File{Path: e.clean, Content: b})
	}
	return nil
}
