// Package webassets serves the page's files from the binary. The build
// stores the larger ones gzip-compressed (frontend/scripts/compress.mjs),
// which keeps about a megabyte out of the executable (issue 17's binary
// target); GunzipFS hands them to Wails' asset server decompressed, under
// their original names, so nothing else knows they were compressed.
package webassets

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Suffix marks a compressed file: "assets/app.js.gz" is served as
// "assets/app.js".
const Suffix = ".gz"

// GunzipFS wraps fsys: opening "x" opens "x" when it exists, else "x.gz"
// decompressed. Directory listings show the original names.
func GunzipFS(fsys fs.FS) fs.FS { return gunzipFS{fsys} }

type gunzipFS struct{ fsys fs.FS }

func (g gunzipFS) Open(name string) (fs.File, error) {
	f, err := g.fsys.Open(name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || strings.HasSuffix(name, Suffix) {
		return f, err
	}
	zf, zerr := g.fsys.Open(name + Suffix)
	if zerr != nil {
		return nil, err // the original name's "not found"
	}
	return openCompressed(name, zf)
}

// ReadDir lists a directory with the compressed entries under the names
// they are served as.
func (g gunzipFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(g.fsys, name)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), Suffix) {
			entries[i] = renamedEntry{e, g, path.Join(name, strings.TrimSuffix(e.Name(), Suffix))}
		}
	}
	return entries, nil
}

func openCompressed(name string, zf fs.File) (fs.File, error) {
	info, err := zf.Stat()
	if err != nil {
		zf.Close()
		return nil, err
	}
	size, err := uncompressedSize(zf, info.Size())
	if err != nil {
		zf.Close()
		return nil, fmt.Errorf("webassets: %s: %w", name, err)
	}
	zr, err := gzip.NewReader(zf)
	if err != nil {
		zf.Close()
		return nil, fmt.Errorf("webassets: %s: %w", name, err)
	}
	return &gunzipFile{zf: zf, zr: zr, info: fileInfo{info, name, size}}, nil
}

// uncompressedSize reads gzip's trailer (the size modulo 2^32, enough for
// a page's files) so the asset server can send Content-Length; it then
// rewinds the file.
func uncompressedSize(f fs.File, compressed int64) (int64, error) {
	rs, ok := f.(io.ReadSeeker)
	if !ok || compressed < 18 {
		return 0, errors.New("not a seekable gzip file")
	}
	var trailer [4]byte
	if _, err := rs.Seek(-4, io.SeekEnd); err != nil {
		return 0, err
	}
	if _, err := io.ReadFull(rs, trailer[:]); err != nil {
		return 0, err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint32(trailer[:])), nil
}

type gunzipFile struct {
	zf   fs.File
	zr   *gzip.Reader
	info fileInfo
}

func (f *gunzipFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *gunzipFile) Read(p []byte) (int, error) { return f.zr.Read(p) }
func (f *gunzipFile) Close() error {
	zerr := f.zr.Close()
	if err := f.zf.Close(); err != nil {
		return err
	}
	return zerr
}

type fileInfo struct {
	fs.FileInfo
	name string
	size int64
}

func (i fileInfo) Name() string { return path.Base(i.name) }
func (i fileInfo) Size() int64  { return i.size }

// renamedEntry is a compressed file listed under the name it is served as.
type renamedEntry struct {
	fs.DirEntry
	g    gunzipFS
	path string
}

func (e renamedEntry) Name() string { return path.Base(e.path) }
func (e renamedEntry) Info() (fs.FileInfo, error) {
	f, err := e.g.Open(e.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}
