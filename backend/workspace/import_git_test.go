package workspace

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
)

// TestImportRepoBringsTagsAndBareRepositories: tags (lightweight and
// annotated) of the imported history come along, tags of other branches
// do not; a bare repository imports as its history, not as its internals.
func TestImportRepoBringsTagsAndBareRepositories(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := threeVersions(t)
	src := w.Root()
	for _, args := range [][]string{
		{"tag", "light", "HEAD~1"},
		{"tag", "-a", "-m", "release one", "v1.0", "HEAD"},
		{"tag", "-a", "-m", "tag of a tag", "v1.0-again", "v1.0"},
		{"checkout", "-q", "-b", "other", "HEAD~2"},
		{"commit", "-q", "--allow-empty", "-m", "elsewhere"},
		{"tag", "elsewhere"},
		{"checkout", "-q", "main"},
	} {
		if out, err := realGit(src, args...); err != nil {
			t.Fatal(args, err, out)
		}
	}
	nw, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "imported"), src, DefaultImportLimits)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := realGit(nw.Root(), "tag", "--list")
	if err != nil {
		t.Fatal(err, tags)
	}
	if got := strings.Fields(tags); !reflect.DeepEqual(got, []string{"light", "v1.0", "v1.0-again"}) {
		t.Errorf("tags = %v", got)
	}
	for _, tag := range []string{"light", "v1.0", "v1.0-again"} {
		want, _ := realGit(src, "rev-parse", tag+"^{commit}")
		if got, _ := realGit(nw.Root(), "rev-parse", tag+"^{commit}"); got != want {
			t.Errorf("%s names %s, want %s", tag, got, want)
		}
	}
	if msg, _ := realGit(nw.Root(), "tag", "-l", "--format=%(contents:subject)", "v1.0"); strings.TrimSpace(msg) != "release one" {
		t.Errorf("the annotated tag lost its message: %q", msg)
	}
	if out, err := realGit(nw.Root(), "fsck", "--full"); err != nil {
		t.Fatalf("fsck: %v\n%s", err, out)
	}

	// A bare clone: the same history and files, no internals as files.
	bare := filepath.Join(t.TempDir(), "p.git")
	if out, err := realGit(filepath.Dir(bare), "clone", "-q", "--bare", src, bare); err != nil {
		t.Fatal(err, out)
	}
	bw, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "from-bare"), bare, DefaultImportLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := historyOf(t, bw), historyOf(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	files := tree(t, bw)
	for p := range files {
		if p == "HEAD" || strings.HasPrefix(p, "objects/") || strings.HasPrefix(p, "refs/") || p == "config" {
			t.Errorf("git's internals imported as a file: %s", p)
		}
	}
	if !reflect.DeepEqual(files, tree(t, w)) {
		t.Errorf("files = %v, want %v", files, tree(t, w))
	}
}

// TestEOLCRLFRepositoryMakesNoExtraVersion: in a repository whose
// .gitattributes says eol=crlf, git's checkout writes CRLF while history
// keeps LF; that is no change for Tessera, and its commits keep LF.
func TestEOLCRLFRepositoryMakesNoExtraVersion(t *testing.T) {
	for _, how := range []string{"gitattributes", "autocrlf"} {
		t.Run(how, func(t *testing.T) { testCRLF(t, how) })
	}
}

func testCRLF(t *testing.T, how string) {
	needGit(t)
	ctx := context.Background()
	src := t.TempDir()
	if how == "gitattributes" {
		os.WriteFile(filepath.Join(src, ".gitattributes"), []byte("*.txt text eol=crlf\n"), 0o644)
	}
	os.WriteFile(filepath.Join(src, "notes.txt"), []byte("one\ntwo\n"), 0o644)
	os.WriteFile(filepath.Join(src, "app.py"), []byte("print(1)\n"), 0o644)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "first"}} {
		if out, err := realGit(src, args...); err != nil {
			t.Fatal(args, err, out)
		}
	}
	w, err := ImportRepo(ctx, filepath.Join(t.TempDir(), "crlf"), src, DefaultImportLimits)
	if err != nil {
		t.Fatal(err)
	}
	// The person's git checks the file out again: CRLF on disk.
	os.Remove(filepath.Join(w.Root(), "notes.txt"))
	if how == "autocrlf" {
		if out, err := realGit(w.Root(), "config", "core.autocrlf", "true"); err != nil {
			t.Fatal(err, out)
		}
	}
	if out, err := realGit(w.Root(), "-c", "core.autocrlf="+map[bool]string{true: "true", false: "false"}[how == "autocrlf"], "checkout", "--", "notes.txt"); err != nil {
		t.Fatal(err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(w.Root(), "notes.txt")); string(b) != "one\r\ntwo\r\n" {
		t.Fatalf("git's checkout wrote %q", b)
	}
	before, _ := w.History(ctx, 0)
	if v, ch, err := w.Sweep(ctx); err != nil || len(ch) != 0 || v.ID != "" {
		t.Fatalf("a CRLF checkout made a version: %+v %v", ch, err)
	}
	v, _, err := w.RecordTurn(ctx, []File{{Path: "app.py", Content: []byte("print(2)\n")}}, "turn", "m", "model")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.FilesChanged, []string{"app.py"}) {
		t.Errorf("the turn changed %v, want only app.py", v.FilesChanged)
	}
	if after, _ := w.History(ctx, 0); len(after) != len(before)+1 {
		t.Errorf("%d versions, want %d", len(after), len(before)+1)
	}
	if got := tree(t, w)["notes.txt"]; got != "one\ntwo\n" {
		t.Errorf("history holds %q, want LF", got)
	}
	if out, _ := realGit(w.Root(), "-c", "core.autocrlf="+map[bool]string{true: "true", false: "false"}[how == "autocrlf"], "status", "--porcelain"); strings.TrimSpace(out) != "" {
		ls, _ := realGit(w.Root(), "ls-files", "-s", "--debug", "notes.txt")
		diff, _ := realGit(w.Root(), "diff", "--stat")
		t.Errorf("git status shows changes: %q\n%s\n%s", out, ls, diff)
	}
	// An edit in CRLF is one version, stored with LF.
	os.WriteFile(filepath.Join(w.Root(), "notes.txt"), []byte("one\r\ntwo\r\nthree\r\n"), 0o644)
	if _, ch, err := w.CommitOutside(ctx, "notes.txt"); err != nil || len(ch) != 1 {
		t.Fatalf("a real edit: %+v %v", ch, err)
	}
	if got := tree(t, w)["notes.txt"]; got != "one\ntwo\nthree\n" {
		t.Errorf("history holds %q, want LF", got)
	}
}

// packWithBlob is a one-object pack whose blob header declares size (its
// data is a few bytes: a pack bomb's header).
func packWithBlob(size int64) []byte {
	var b bytes.Buffer
	b.WriteString("PACK")
	binary.Write(&b, binary.BigEndian, uint32(2))
	binary.Write(&b, binary.BigEndian, uint32(1))
	c := byte(3<<4) | byte(size&0x0f) // type blob
	size >>= 4
	for size > 0 {
		b.WriteByte(c | 0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	b.WriteByte(c)
	zw := zlib.NewWriter(&b)
	zw.Write([]byte("x"))
	zw.Close()
	return b.Bytes()
}

// TestPackBombRefusedFromItsHeader: an object declaring 16 GiB is refused
// before inflating, within a second and well under 64 MB, naming the limit.
func TestPackBombRefusedFromItsHeader(t *testing.T) {
	pack := packWithBlob(16 << 30)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := CheckPack(context.Background(), bytes.NewReader(pack), DefaultImportLimits.MaxBytes, 4<<30)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "at most 4 GiB") {
		t.Fatalf("err = %v", err)
	}
	if took > time.Second || after.TotalAlloc-before.TotalAlloc > 64<<20 {
		t.Errorf("refused in %s with %d MiB", took, (after.TotalAlloc-before.TotalAlloc)>>20)
	}
}
