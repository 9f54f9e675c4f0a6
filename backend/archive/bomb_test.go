package archive

import (
	"archive/zip"
	"compress/flate"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
)

// zeroZip writes a zip with one entry of n zeros (a bomb: ~1000:1).
func zeroZip(t *testing.T, n int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bomb.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "zeros.bin", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(chunk)) {
		if _, err := w.Write(chunk[:min(int64(len(chunk)), left)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return p
}

// TestZipBombRefusedFromItsHeaders: a zip whose files would inflate past
// the limit is refused from its headers, before inflating, within a
// second and well under 64 MB, with a sentence naming the limit.
func TestZipBombRefusedFromItsHeaders(t *testing.T) {
	p := zeroZip(t, 128<<20)
	lim := DefaultLimits
	lim.MaxBytes = 64 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	a, err := Open(context.Background(), p, lim)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil {
		a.Close()
		t.Fatal("the bomb opened")
	}
	msg := apperr.MessageOf(err)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(msg, "64.0 MiB") {
		t.Fatalf("sentence %q (%v); want the limit named", msg, err)
	}
	if took > time.Second {
		t.Errorf("refused after %s, want under 1 s", took)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MiB refusing it, want under 64", alloc>>20)
	}
	t.Logf("refused in %s, %d KiB allocated", took, (after.TotalAlloc-before.TotalAlloc)>>10)
}

// TestZipLyingHeaderIsStopped: an entry inflating past the size its header
// declares is stopped at that size (Go's zip reader), as damaged.
func TestZipLyingHeaderIsStopped(t *testing.T) {
	real := zeroZip(t, 32<<20)
	zr, err := zip.OpenReader(real)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	raw, err := zr.File[0].OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "liar.zip")
	out, _ := os.Create(p)
	zw := zip.NewWriter(out)
	h := zr.File[0].FileHeader
	h.UncompressedSize64 = 1 << 10 // says 1 KiB
	w, err := zw.CreateRaw(&h)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(w, raw)
	zw.Close()
	out.Close()
	start := time.Now()
	_, err = Open(context.Background(), p, DefaultLimits)
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a lying header: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("stopped after %s", took)
	}
}

// TestZipNamesInTheDOSCodePage: names without the UTF-8 flag that are not
// UTF-8 are CP437 (the zip default), as Windows and old tools write them.
func TestZipNamesInTheDOSCodePage(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dos.zip")
	out, _ := os.Create(p)
	zw := zip.NewWriter(out)
	for name, body := range map[string]string{"Caf\x82.txt": "café", "Gr\x94\xe1e/\x81ber.md": "ü", "plain.txt": "p"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, NonUTF8: true, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	// A UTF-8 name without the flag (many writers) stays as it is.
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "naïve.txt", NonUTF8: true})
	w.Write([]byte("n"))
	zw.Close()
	out.Close()
	a, err := Open(context.Background(), p, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var got []string
	for _, f := range a.Files {
		got = append(got, f.Path)
	}
	sort.Strings(got)
	if want := []string{"Café.txt", "Größe/über.md", "naïve.txt", "plain.txt"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
}
