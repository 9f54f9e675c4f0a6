package uploads

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

func TestSummarize(t *testing.T) {
	long := strings.Repeat("x", 500)
	cases := []struct {
		name, file, content string
		kind                string
		want                []string
		not                 []string
	}{
		{"csv", "a.csv", "date,city,temp\n2024-01-01,Zürich,3\n2024-01-02,Bern,4\n2024-01-03,Basel,5\n2024-01-04,Chur,6\n", KindCSV,
			[]string{"CSV, 4 data rows, 3 columns: date, city, temp", "2024-01-01,Zürich,3", "2024-01-03,Basel,5"}, []string{"Chur"}},
		{"csv with BOM and quotes", "b.CSV", "\ufeff\"name\",\"note, with comma\"\nx,\"y\"\n", KindCSV,
			[]string{"2 columns: name, note, with comma", "x,y"}, []string{"\ufeff"}},
		{"tsv", "t.tsv", "a\tb\n1\t2\n", KindCSV, []string{"TSV (tab-separated), 1 data rows, 2 columns: a, b"}, nil},
		{"text", "n.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\n", KindText,
			[]string{"text, 7 lines", "  one", "  five"}, []string{"six"}},
		{"long line cut", "l.txt", long + "\n", KindText, []string{strings.Repeat("x", maxLineRunes) + "…"}, []string{long}},
		{"binary", "p.png", "\x89PNG\r\n\x1a\n\x00\x00", KindBinary, []string{"binary (image/png)"}, nil},
		{"nul byte is binary", "x.txt", "ab\x00cd", KindBinary, []string{"binary"}, nil},
		{"invalid utf-8 is binary", "x.csv", "a,b\n\xff\xfe\n", KindBinary, nil, nil},
		{"empty", "e.txt", "", KindText, []string{"text, 0 lines"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind, s := Summarize(c.file, []byte(c.content))
			if kind != c.kind {
				t.Fatalf("kind %q, want %q (%s)", kind, c.kind, s)
			}
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("summary lacks %q:\n%s", w, s)
				}
			}
			for _, n := range c.not {
				if strings.Contains(s, n) {
					t.Errorf("summary has %q:\n%s", n, s)
				}
			}
			if len(s) > maxSummaryLen+len("…") {
				t.Errorf("summary of %d bytes", len(s))
			}
		})
	}
}

// A file larger than the sniffed head, cut inside a rune, is still text.
func TestSummarizeLargeTextCutInARune(t *testing.T) {
	b := bytes.Repeat([]byte("é"), sniffBytes) // 2 bytes each: the head ends on a rune boundary or inside one
	b = append([]byte("x"), b...)
	if kind, _ := Summarize("big.txt", b); kind != KindText {
		t.Fatalf("kind %q", kind)
	}
}

func TestCleanName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"sales.csv", "data/sales.csv"},
		{"C:\\Users\\me\\Städte.csv", "data/Städte.csv"},
		{"/etc/passwd", "data/passwd"},
		{"../../x.txt", "data/x.txt"},
		{"  spaced name.txt ", "data/spaced name.txt"},
		{"", ""},
		{"..", ""},
		{"a\nb.txt", ""},
		{".git", ""},
		{strings.Repeat("a", 201), ""},
		{"\u202Egnp.exe", ""}, // shows as "exe.png"
		{"a\u200b.csv", ""},   // a hidden character
		{strings.Repeat("👨‍👩‍👧‍👦", 20) + ".csv", ""},                                   // 24 characters, but 504 bytes: too long for the disk
		{strings.Repeat("👍", 50) + ".csv", "data/" + strings.Repeat("👍", 50) + ".csv"}, // 54 characters, 204 bytes
		{"Cafe\u0301.csv", "data/Caf\u00e9.csv"},                                       // one spelling (NFC)
	}
	for _, c := range cases {
		got, err := CleanName(c.in)
		if c.want == "" {
			if !apperr.Is(err, apperr.Invalid) {
				t.Errorf("%q: %q, %v; want refused", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

type rig struct {
	st    *store.Store
	files *projectfiles.Owner
	up    *Service
	proj  store.Project
	root  string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root := t.TempDir()
	m := workspace.NewManager(root)
	p, err := st.CreateProject(ctx, store.NewProject{Name: "Data"})
	if err != nil {
		t.Fatal(err)
	}
	files := projectfiles.New(projectfiles.Config{Workspaces: m, Store: st})
	return &rig{st: st, files: files, root: root, proj: p, up: New(Config{Store: st, Files: files})}
}

func TestUploadKeepsFilesInTheWorkspaceAndTheStore(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	res, err := r.up.Upload(ctx, r.proj.ID, []File{{Name: "sales.csv", Content: []byte("a,b\n1,2\n")}, {Name: "pic.bin", Content: []byte{0, 1, 2}}}, MaxInlineBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) != 2 || res.Uploads[0].Kind != KindCSV || res.Uploads[1].Kind != KindBinary || res.Uploads[1].Size != 3 || res.Warning != "" {
		t.Fatalf("%+v", res)
	}
	p, _ := r.st.GetProject(ctx, r.proj.ID)
	dir := filepath.Join(r.root, p.Workspace)
	if b, err := os.ReadFile(filepath.Join(dir, "data", "pic.bin")); err != nil || !bytes.Equal(b, []byte{0, 1, 2}) {
		t.Fatalf("workspace copy: %v %v", b, err)
	}
	w, err := workspace.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := w.History(ctx, 10)
	if err != nil || len(vs) != 1 || vs[0].Trailers[workspace.TrailerKind] != "upload" || !strings.Contains(vs[0].Message, "data/sales.csv") {
		t.Fatalf("versions %+v %v", vs, err)
	}
	fs, _ := r.st.ListFiles(ctx, r.proj.ID)
	if len(fs) != 2 || fs[1].Path != "data/sales.csv" || fs[0].Content != "\x00\x01\x02" {
		t.Fatalf("project_files %+v", fs)
	}
	// The same file again: no new version, still one upload.
	if _, err := r.up.Upload(ctx, r.proj.ID, []File{{Name: "sales.csv", Content: []byte("a,b\n1,2\n")}}, MaxInlineBytes); err != nil {
		t.Fatal(err)
	}
	if ups, _ := r.up.List(ctx, r.proj.ID); len(ups) != 2 {
		t.Fatalf("%+v", ups)
	}
	// A restore that drops a file from project_files drops it from the list.
	if err := r.st.DeleteFile(ctx, r.proj.ID, "data/pic.bin"); err != nil {
		t.Fatal(err)
	}
	if ups, _ := r.up.List(ctx, r.proj.ID); len(ups) != 1 || ups[0].Path != "data/sales.csv" {
		t.Fatalf("%+v", ups)
	}
}

func TestUploadRefusalsChangeNothing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	big := make([]byte, 11)
	many := make([]File, MaxFiles+1)
	for i := range many {
		many[i] = File{Name: "f" + string(rune('a'+i)) + ".txt"}
	}
	cases := []struct {
		name string
		in   []File
		max  int64
		want string
	}{
		{"too large", []File{{Name: "ok.txt", Content: []byte("x")}, {Name: "big.bin", Content: big}}, 10, "big.bin is 11 bytes; files up to 10 bytes can be uploaded by dropping them. Use the Upload button"},
		{"bad name", []File{{Name: "ok.txt"}, {Name: "bad\x01.txt"}}, 10, "characters Tessera cannot use"},
		{"twice the same name", []File{{Name: "a.txt"}, {Name: "A.txt"}}, 10, "Two files are named"},
		{"too many", many, 10, "At most 20 files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.up.Upload(ctx, r.proj.ID, c.in, c.max)
			if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), c.want) {
				t.Fatalf("%v", err)
			}
			if fs, _ := r.st.ListFiles(ctx, r.proj.ID); len(fs) != 0 {
				t.Fatalf("something was kept: %+v", fs)
			}
		})
	}
	if _, err := r.up.Upload(ctx, "nope", []File{{Name: "a.txt"}}, 10); !apperr.Is(err, apperr.NotFound) {
		t.Fatal(err)
	}
}

func TestUploadPathsReadsChosenFiles(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "Messwerte.csv")
	if err := os.WriteFile(p, []byte("t,v\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := r.up.UploadPaths(ctx, r.proj.ID, []string{p})
	if err != nil || len(res.Uploads) != 1 || res.Uploads[0].Path != "data/Messwerte.csv" {
		t.Fatalf("%+v %v", res, err)
	}
	for _, bad := range []string{dir, filepath.Join(dir, "missing.csv")} {
		if _, err := r.up.UploadPaths(ctx, r.proj.ID, []string{bad}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestPromptSection(t *testing.T) {
	if PromptSection(nil, "/home/user") != "" {
		t.Fatal("no uploads, no section")
	}
	s := PromptSection([]store.Upload{{Path: "data/a.csv", Size: 2048, Kind: KindCSV, Summary: "CSV, 1 data rows"}}, "/home/user")
	for _, w := range []string{`path="data/a.csv"`, `absolute_path="/home/user/data/a.csv"`, `size="2.0 KB"`, "CSV, 1 data rows"} {
		if !strings.Contains(s, w) {
			t.Errorf("lacks %q: %s", w, s)
		}
	}
}

// The project's limit counts what it will hold: a file uploaded again
// replaces the old one instead of adding to it.
func TestUploadProjectLimit(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.up = New(Config{Store: r.st, Files: r.files, ProjectLimit: 4 << 10})
	big := make([]byte, 1<<10)
	for i := range 4 {
		if _, err := r.up.Upload(ctx, r.proj.ID, []File{{Name: "part" + string(rune('0'+i)) + ".bin", Content: big}}, MaxInlineBytes); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.up.Upload(ctx, r.proj.ID, []File{{Name: "part0.bin", Content: big}}, MaxInlineBytes); err != nil {
		t.Fatalf("a replacement must fit: %v", err)
	}
	_, err := r.up.Upload(ctx, r.proj.ID, []File{{Name: "one-more.txt", Content: []byte("x")}}, MaxInlineBytes)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "would take 4.0 KB; a project holds at most 4.0 KB of uploaded files") {
		t.Fatal(err)
	}
}
