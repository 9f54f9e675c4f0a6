package webassets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testFS(t *testing.T) fs.FS {
	big := strings.Repeat("console.log('tessera');\n", 2000)
	return GunzipFS(fstest.MapFS{
		"dist/index.html":          {Data: []byte("<!doctype html><script src=/assets/app.js></script>")},
		"dist/assets/app.js.gz":    {Data: gz(t, big)},
		"dist/assets/small.css":    {Data: []byte("body{}")},
		"dist/assets/broken.js.gz": {Data: []byte("this is not gzip data at all")},
		"dist/assets/both.js":      {Data: []byte("plain wins")},
		"dist/assets/both.js.gz":   {Data: gz(t, "compressed loses")},
	})
}

func TestOpen(t *testing.T) {
	fsys := testFS(t)
	big := strings.Repeat("console.log('tessera');\n", 2000)
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"dist/assets/app.js", big, nil},
		{"dist/assets/small.css", "body{}", nil},
		{"dist/assets/both.js", "plain wins", nil},
		{"dist/index.html", "<!doctype html><script src=/assets/app.js></script>", nil},
		{"dist/assets/missing.js", "", fs.ErrNotExist},
		{"dist/assets/app.js.gz.gz", "", fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := fsys.Open(tc.name)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Open: %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			info, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("content %.40q…, want %.40q…", got, tc.want)
			}
			if info.Size() != int64(len(tc.want)) || info.Name() != tc.name[strings.LastIndex(tc.name, "/")+1:] {
				t.Fatalf("stat %q %d, want the served name and %d bytes", info.Name(), info.Size(), len(tc.want))
			}
		})
	}
}

func TestBrokenArchiveIsAnError(t *testing.T) {
	if _, err := testFS(t).Open("dist/assets/broken.js"); err == nil {
		t.Fatal("a corrupt compressed file opened without an error")
	}
}

func TestReadDirShowsServedNames(t *testing.T) {
	entries, err := fs.ReadDir(testFS(t), "dist/assets")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if e.Name() == "app.js" {
			info, err := e.Info()
			if err != nil || info.Size() != int64(len("console.log('tessera');\n")*2000) {
				t.Fatalf("Info of app.js: %v %v", info, err)
			}
		}
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "app.js,") || strings.Contains(got, "app.js.gz") {
		t.Fatalf("listing %s", got)
	}
}
