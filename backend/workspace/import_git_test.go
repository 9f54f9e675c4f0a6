package workspace

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
