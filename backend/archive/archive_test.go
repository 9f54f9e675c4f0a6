package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

func project(t *testing.T) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	w, err := workspace.Open(filepath.Join(t.TempDir(), "p"))
	if err != nil {
		t.Fatal(err)
	}
	for i, files := range [][]workspace.File{
		{{Path: "app.py", Content: []byte("print(1)\n")}},
		{{Path: "src/ü.txt", Content: []byte("ü")}},
	} {
		if _, _, err := w.RecordTurn(ctx, files, "turn "+string(rune('1'+i)), "m", "x/y"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func messages() []store.Message {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []store.Message{
		{ID: "u1", Role: "user", Content: "make an app", Status: "done", CreatedAt: at,
			Attachments: []store.Attachment{{MIME: "image/png", Data: "iVBORw0KGgo="}}},
		{ID: "a1", Role: "assistant", Content: "Here it is", Status: "done", CreatedAt: at.Add(time.Second),
			Fragment: json.RawMessage(`{"file_path":"app.py","code":"print(1)\n"}`), Result: json.RawMessage(`{"stdout":["1"]}`)},
	}
}

func export(t *testing.T, w *workspace.Workspace) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "out.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	m := Manifest{Project: ProjectInfo{ID: "b7c9e1a2-0000-4000-8000-000000000001", Name: "Demo"}}
	if err := Write(context.Background(), f, Source{Manifest: m, Workspace: w, Messages: messages()}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExportOpenRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := project(t)
	a, err := Open(ctx, export(t, w), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Manifest == nil || a.Manifest.Project.Name != "Demo" || a.Manifest.Files != 3 || !a.HasHistory() {
		t.Fatalf("manifest = %+v", a.Manifest)
	}
	if got, want := a.Messages, messages(); !reflect.DeepEqual(got, want) {
		t.Fatalf("messages = %+v\nwant %+v", got, want)
	}
	var paths []string
	for _, f := range a.Files {
		paths = append(paths, f.Path)
	}
	if want := []string{".gitignore", "app.py", "src/ü.txt"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("files = %v", paths)
	}
	pack, err := a.Pack()
	if err != nil {
		t.Fatal(err)
	}
	defer pack.Close()
	nw, err := workspace.ImportPack(ctx, filepath.Join(t.TempDir(), "n"), pack, a.Manifest.Head, DefaultLimits.Workspace())
	if err != nil {
		t.Fatal(err)
	}
	hw, _ := w.History(ctx, 0)
	hn, _ := nw.History(ctx, 0)
	if !reflect.DeepEqual(hw, hn) {
		t.Fatalf("history differs:\n%+v\n%+v", hw, hn)
	}
}

func TestMarkdown(t *testing.T) {
	md := Markdown(Manifest{Project: ProjectInfo{Name: "Demo"}, ExportedAt: time.Unix(0, 0)}, append(messages(),
		store.Message{Role: "assistant", Content: "fence", Fragment: json.RawMessage(`{"file_path":"a.md","code":"x\n` + "```" + `\ny"}`), Status: "stopped"}))
	for _, want := range []string{"# Demo", "## You · 2026-01-02 03:04", "make an app", "1 image(s) attached", "## Tessera", "```py\nprint(1)\n```", "````md\nx\n```\ny\n````", "_(stopped)_"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

type entry struct {
	name, body string
	symlink    bool
}

func zipOf(t *testing.T, entries []entry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.symlink {
			h.SetMode(os.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, e.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenRefusesHostileArchives(t *testing.T) {
	ctx := context.Background()
	bomb := strings.Repeat("\x00", 8<<20) // 8 MiB of zeros deflate to ~8 KiB
	small := DefaultLimits
	small.MaxBytes = 1 << 20
	small.MaxFiles = 3
	for _, tc := range []struct {
		name    string
		entries []entry
		lim     Limits
		want    string
	}{
		{"zip slip", []entry{{name: "../../evil.sh", body: "x"}}, DefaultLimits, "outside the project"},
		{"zip slip in files", []entry{{name: ManifestName, body: `{"format":1,"app":"tessera"}`}, {name: "files/../../x", body: "x"}}, DefaultLimits, "outside the project"},
		{"absolute", []entry{{name: "/etc/passwd", body: "x"}}, DefaultLimits, "outside the project"},
		{"windows drive", []entry{{name: `C:\x.txt`, body: "x"}}, DefaultLimits, "outside the project"},
		{"backslash traversal", []entry{{name: `a\..\..\x`, body: "x"}}, DefaultLimits, "outside the project"},
		{"link", []entry{{name: "link", body: "/etc/passwd", symlink: true}}, DefaultLimits, "link"},
		{"twice", []entry{{name: "a.txt", body: "1"}, {name: "A.txt", body: "2"}}, DefaultLimits, "twice"},
		{"bomb", []entry{{name: "zeros.bin", body: bomb}}, small, "too large"},
		{"too many files", []entry{{name: "a", body: "1"}, {name: "b", body: "1"}, {name: "c", body: "1"}, {name: "d", body: "1"}}, small, "too large"},
		{"newer format", []entry{{name: ManifestName, body: `{"format":99,"app":"tessera"}`}}, DefaultLimits, "newer Tessera"},
		{"not ours", []entry{{name: ManifestName, body: `{"format":1,"app":"other"}`}}, DefaultLimits, "not a Tessera"},
		{"bad manifest", []entry{{name: ManifestName, body: `{`}}, DefaultLimits, "damaged"},
		{"head without pack", []entry{{name: ManifestName, body: `{"format":1,"app":"tessera","head":"` + strings.Repeat("a", 40) + `"}`}}, DefaultLimits, "history.pack"},
		{"bad role", []entry{{name: ManifestName, body: `{"format":1,"app":"tessera"}`}, {name: ChatJSONName, body: `{"messages":[{"role":"root"}]}`}}, DefaultLimits, "role"},
		{"empty", []entry{{name: "dir/", body: ""}}, DefaultLimits, "no files"},
		{".git. hook", []entry{{name: ".git./hooks/post-checkout", body: "x"}}, DefaultLimits, "history folder .git"},
		{"GIT~1 hook", []entry{{name: "GIT~1/hooks/post-checkout", body: "x"}}, DefaultLimits, "history folder .git"},
		{".GIT hook", []entry{{name: "src/.GIT/config", body: "x"}}, DefaultLimits, "history folder .git"},
		{"invisible .git", []entry{{name: ".g\u200cit/config", body: "x"}}, DefaultLimits, "history folder .git"},
		{"exported .git.", []entry{{name: ManifestName, body: `{"format":1,"app":"tessera"}`}, {name: "files/.git /config", body: "x"}}, DefaultLimits, "history folder .git"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Open(ctx, zipOf(t, tc.entries), tc.lim)
			if err == nil {
				a.Close()
				t.Fatal("opened")
			}
			if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), tc.want) {
				t.Fatalf("err = %q (%v), want invalid with %q", apperr.MessageOf(err), apperr.CodeOf(err), tc.want)
			}
		})
	}
	p := filepath.Join(t.TempDir(), "junk.zip")
	os.WriteFile(p, []byte("not a zip"), 0o644)
	if _, err := Open(ctx, p, DefaultLimits); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("junk: %v", err)
	}
	big := DefaultLimits
	big.MaxArchiveBytes = 4
	if _, err := Open(ctx, p, big); !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "too large") {
		t.Fatalf("file over the limit: %v", err)
	}
}

func TestOpenPlainZip(t *testing.T) {
	a, err := Open(context.Background(), zipOf(t, []entry{
		{name: "repo-main/", body: ""},
		{name: "repo-main/index.js", body: "x"},
		{name: "repo-main/node_modules/a/index.js", body: "dep"},
		{name: "repo-main/.git/config", body: "[core]"},
		{name: "__MACOSX/repo-main/._index.js", body: "junk"},
		{name: "repo-main/src/app.js", body: "y"},
	}), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Manifest != nil || a.HasHistory() {
		t.Fatal("a plain zip read as an export")
	}
	got := map[string]string{}
	for _, f := range a.Files {
		got[f.Path] = string(f.Content)
	}
	if want := map[string]string{"index.js": "x", "src/app.js": "y"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %v", got)
	}
	if a.Skipped != 3 {
		t.Fatalf("skipped = %d, want 3", a.Skipped)
	}
}

func TestReadFolder(t *testing.T) {
	dir := t.TempDir()
	for p, body := range map[string]string{
		"main.py": "print()", "sub/x.txt": "x", "node_modules/a.js": "dep", ".env": "SECRET=1",
		".gitignore": "*.tmp\n", "sub/y.tmp": "tmp", "sub/.gitignore": "local/\n", "sub/local/z": "z", ".git/HEAD": "ref",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644)
	}
	os.Symlink("/etc/passwd", filepath.Join(dir, "link"))
	files, skipped, err := ReadFolder(context.Background(), dir, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	if want := []string{".gitignore", "main.py", "sub/.gitignore", "sub/x.txt"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("paths = %v", paths)
	}
	if skipped != 5 { // .env, sub/y.tmp, link, node_modules/, sub/local/
		t.Fatalf("skipped = %d", skipped)
	}
	small := DefaultLimits
	small.MaxFiles = 1
	if _, _, err := ReadFolder(context.Background(), dir, small); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("limit: %v", err)
	}
	if _, _, err := ReadFolder(context.Background(), filepath.Join(dir, "nope"), DefaultLimits); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("missing: %v", err)
	}
	for _, spelling := range []string{".git.", ".GIT", "git~1", ".g\u200dit"} {
		odd := t.TempDir()
		os.WriteFile(filepath.Join(odd, "main.py"), []byte("x"), 0o644)
		os.MkdirAll(filepath.Join(odd, "sub", spelling, "hooks"), 0o755)
		os.WriteFile(filepath.Join(odd, "sub", spelling, "hooks", "post-checkout"), []byte("x"), 0o644)
		if _, _, err := ReadFolder(context.Background(), odd, DefaultLimits); !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "history folder .git") {
			t.Errorf("a folder holding %q: %v", spelling, err)
		}
	}
}

// A link in the project (made in the folder by the person) is a link in the export's files/, never a plain file
// holding its target's name.
func TestExportKeepsALinkALink(t *testing.T) {
	w := project(t)
	if err := os.Symlink("app.py", filepath.Join(w.Root(), "link.py")); err != nil {
		t.Fatal(err)
	}
	// Versioned with the folder's next commit (links are never read
	// through, so an outside edit does not take them by itself).
	if _, _, err := w.RecordEdit(context.Background(), []workspace.File{{Path: "notes.txt", Content: []byte("n")}}, "edited notes.txt"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(export(t, w))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var seen bool
	for _, f := range zr.File {
		switch f.Name {
		case FilesDir + "link.py":
			seen = true
			if f.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("link.py is stored with mode %v, want a symbolic link", f.Mode())
			}
		case FilesDir + "app.py":
			if f.Mode()&fs.ModeSymlink != 0 {
				t.Errorf("app.py is stored as a link")
			}
		}
	}
	if !seen {
		t.Fatal("the link is missing from files/")
	}
}

// An agent answer carries its steps into chat.json and chat.md: tool,
// short arguments, status, exit code and the output, capped head and tail.
func TestExportKeepsAgentSteps(t *testing.T) {
	w := project(t)
	one := 1
	long := strings.Repeat("a", MaxStepOutput) + strings.Repeat("z", MaxStepOutput)
	turn := AgentTurn{Mode: "agent", Status: "done", Reason: "finished", Steps: []AgentStep{
		{Seq: 1, Tool: "write_file", Args: "src/App.tsx", Status: "ok", Output: "Wrote src/App.tsx.", Changed: []string{"src/App.tsx"}},
		{Seq: 2, Tool: "run_command", Args: "$ npm test " + strings.Repeat("--flag ", 100), Status: "failed", ExitCode: &one, Output: long},
	}}
	p := filepath.Join(t.TempDir(), "out.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	m := Manifest{Project: ProjectInfo{ID: "p1", Name: "Demo"}}
	if err := Write(context.Background(), f, Source{Manifest: m, Workspace: w, Messages: messages(), Agent: map[string]AgentTurn{"a1": turn}}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	read := func(name string) string {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return string(b)
			}
		}
		t.Fatalf("no %s", name)
		return ""
	}
	var chat Chat
	if err := json.Unmarshal([]byte(read(ChatJSONName)), &chat); err != nil {
		t.Fatal(err)
	}
	if chat.Messages[0].Agent != nil {
		t.Fatalf("the person's message has agent steps: %+v", chat.Messages[0].Agent)
	}
	got := chat.Messages[1].Agent
	if got == nil || len(got.Steps) != 2 || got.Status != "done" {
		t.Fatalf("agent = %+v", got)
	}
	s1, s2 := got.Steps[0], got.Steps[1]
	if s1.Tool != "write_file" || s1.Args != "src/App.tsx" || s1.Output != "Wrote src/App.tsx." || !reflect.DeepEqual(s1.Changed, []string{"src/App.tsx"}) {
		t.Errorf("step 1 = %+v", s1)
	}
	if s2.ExitCode == nil || *s2.ExitCode != 1 || s2.Status != "failed" {
		t.Errorf("step 2 = %+v", s2)
	}
	if n := len([]rune(s2.Args)); n > MaxStepArgs {
		t.Errorf("args kept %d characters", n)
	}
	if len(s2.Output) > MaxStepOutput+100 || !strings.HasPrefix(s2.Output, "aaa") || !strings.HasSuffix(s2.Output, "zzz") || !strings.Contains(s2.Output, "characters cut") {
		t.Errorf("output not capped head and tail: %d characters", len(s2.Output))
	}
	md := read(ChatMDName)
	for _, want := range []string{"**Agent steps** (agent mode, done: finished)", "1. `write_file` src/App.tsx — ok", "2. `run_command` $ npm test", "— failed (exit code 1)", "   Wrote src/App.tsx.", "characters cut"} {
		if !strings.Contains(md, want) {
			t.Errorf("chat.md lacks %q", want)
		}
	}
	// The round trip still reads the messages (the steps are for reading).
	a, err := Open(context.Background(), p, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
}
