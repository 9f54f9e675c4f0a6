package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/zalando/go-keyring"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/secrets"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// computer is one Tessera: its database, its projects folder, its
// services.
type computer struct {
	st    *store.Store
	root  string
	ws    *projectfiles.Owner
	ps    *ProjectService
	ts    *TransferService
	adopt *recordingAdopter
	keys  *memKeys
	log   *bytes.Buffer
}

// recordingAdopter stands in for the sandbox manager's Adopt (tested
// against the fake E2B in package sandbox): it answers with the sandbox
// the test put "at E2B" for a project id.
type recordingAdopter struct {
	mu    sync.Mutex
	atE2B map[string]string
	asked []string
	st    *store.Store
}

func (a *recordingAdopter) Adopt(ctx context.Context, projectID string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, projectID)
	id := a.atE2B[projectID]
	if id != "" {
		return id, a.st.SetSandbox(ctx, projectID, id, store.SandboxPaused)
	}
	return "", nil
}

// memKeys is a keychain in memory.
type memKeys struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeys) Set(_, user, pw string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[user] = pw
	return nil
}

func (k *memKeys) Get(_, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeys) Delete(_, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, user)
	return nil
}

func newComputer(t *testing.T) *computer {
	t.Helper()
	home := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(home, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &computer{st: st, root: filepath.Join(home, "Tessera"), log: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(c.log, nil))
	c.ws = projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(c.root), Store: c.st})
	c.keys = &memKeys{m: map[string]string{}}
	keys := secrets.New(c.keys, time.Second)
	c.ps = NewProjectService(bg, c.st, &fakeSandboxes{}, log, WithWorkspaces(c.ws), WithRemoteTokens(keys, log))
	c.adopt = &recordingAdopter{atE2B: map[string]string{}, st: c.st}
	c.ts = NewTransferService(TransferConfig{Ctx: bg, Workspaces: c.ws, Store: c.st, Sandboxes: c.adopt,
		Keys: keys, Version: "test", Log: log})
	return c
}

// made builds a project with three versions and a chat on c.
func (c *computer) made(t *testing.T) Project {
	t.Helper()
	ctx := context.Background()
	p, err := c.ps.Create(CreateProjectRequest{Name: "Weather app", Description: "d", Template: "streamlit-developer"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.ws.Workspace(ctx, p.ID)
	for i, content := range []string{"v1", "v2", "v3"} {
		u, err := c.st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "user", Content: "make it " + content,
			Attachments: []store.Attachment{{MIME: "image/png", Data: "iVBORw0K"}}[:i%2]})
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.st.AddMessage(ctx, store.Message{ProjectID: p.ID, Role: "assistant", Content: "done " + content,
			Fragment: json.RawMessage(`{"file_path":"app.py","code":"` + content + `"}`), Result: json.RawMessage(`{"stdout":["ok"]}`)})
		if err != nil {
			t.Fatal(err)
		}
		files := []workspace.File{{Path: "app.py", Content: []byte(content)}, {Path: "data/ü " + content + ".csv", Content: []byte("a,b\n")}}
		if _, _, err := w.RecordTurn(ctx, files, u.Content, a.ID, "openai/gpt"); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (c *computer) snapshot(t *testing.T, projectID string) (files map[string]string, history [][3]string, msgs []store.Message) {
	t.Helper()
	ctx := context.Background()
	w, err := c.ws.Workspace(ctx, projectID)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := w.Files(ctx)
	files = map[string]string{}
	for _, f := range fs {
		files[f.Path] = string(f.Content)
	}
	vs, _ := w.History(ctx, 0)
	for _, v := range vs {
		history = append(history, [3]string{v.ID, v.Message, v.Trailers[workspace.TrailerMessage]})
	}
	msgs, err = c.st.ListMessages(ctx, projectID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		msgs[i].ProjectID = ""
	}
	return files, history, msgs
}

func TestExportImportRoundTripOnAnotherComputer(t *testing.T) {
	a, b := newComputer(t), newComputer(t)
	p := a.made(t)
	out := filepath.Join(t.TempDir(), "weather")
	ex, err := a.ts.Export(ExportRequest{ProjectID: p.ID, Path: out})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Path != out+".zip" || ex.Files != 5 || ex.Messages != 6 || ex.Bytes == 0 {
		t.Fatalf("export = %+v", ex)
	}
	b.adopt.atE2B[p.ID] = "sb-from-a"
	res, err := b.ts.Import(ex.Path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Project.ID != p.ID || res.Project.Name != "Weather app" || res.Project.Template != "streamlit-developer" || res.Project.Description != "d" {
		t.Fatalf("imported project = %+v", res.Project)
	}
	if res.Sandbox != "adopted" || res.Project.SandboxID != "sb-from-a" || res.Versions != 3 || res.Messages != 6 || res.Files != 5 {
		t.Fatalf("import = %+v", res)
	}
	fa, ha, ma := a.snapshot(t, p.ID)
	fb, hb, mb := b.snapshot(t, p.ID)
	if !reflect.DeepEqual(fa, fb) {
		t.Errorf("files differ:\n%v\n%v", fa, fb)
	}
	if !reflect.DeepEqual(ha, hb) || len(hb) != 3 {
		t.Errorf("history differs:\n%v\n%v", ha, hb)
	}
	if !reflect.DeepEqual(ma, mb) {
		t.Errorf("messages differ:\n%+v\n%+v", ma, mb)
	}
	// The files are on disk in B's projects folder, and in project_files
	// (what a sandbox is rebuilt from).
	if got, _ := os.ReadFile(filepath.Join(b.root, res.Project.Workspace, "app.py")); string(got) != "v3" {
		t.Fatalf("app.py on disk = %q", got)
	}
	if pf, _ := b.st.ListFiles(context.Background(), p.ID); len(pf) != 5 {
		t.Fatalf("project_files = %d", len(pf))
	}

	// Imported again beside itself: a new project, new id, no sandbox.
	res2, err := b.ts.Import(ex.Path)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Project.ID == p.ID || res2.Sandbox != "none" || res2.Project.Workspace == res.Project.Workspace || len(b.adopt.asked) != 1 {
		t.Fatalf("second import = %+v (asked %v)", res2, b.adopt.asked)
	}
	_, h2, m2 := b.snapshot(t, res2.Project.ID)
	if !reflect.DeepEqual(h2, hb) || len(m2) != 6 || m2[0].ID == mb[0].ID || m2[0].Content != mb[0].Content {
		t.Fatalf("second import's history/chat differ")
	}

	// The export also reads without Tessera: chat.md, files/.
	zr, err := zip.OpenReader(ex.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, n := range []string{"tessera-project.json", "history.pack", "chat.json", "chat.md", "files/app.py", "files/data/ü v1.csv"} {
		if !names[n] {
			t.Errorf("export lacks %s (has %v)", n, names)
		}
	}
}

func TestImportOfABadArchiveChangesNothing(t *testing.T) {
	a, b := newComputer(t), newComputer(t)
	p := a.made(t)
	ex, err := a.ts.Export(ExportRequest{ProjectID: p.ID, Path: filepath.Join(t.TempDir(), "x.zip")})
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(ex.Path)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	var slip bytes.Buffer
	zw := zip.NewWriter(&slip)
	f, _ := zw.Create("../../outside.txt")
	f.Write([]byte("x"))
	zw.Close()
	// A pack whose bytes are damaged but whose zip is whole.
	var bad bytes.Buffer
	zr, _ := zip.NewReader(bytes.NewReader(whole), int64(len(whole)))
	zw = zip.NewWriter(&bad)
	for _, e := range zr.File {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Store})
		rc, _ := e.Open()
		var body bytes.Buffer
		body.ReadFrom(rc)
		rc.Close()
		if e.Name == "history.pack" {
			body.Truncate(body.Len() / 2)
		}
		w.Write(body.Bytes())
	}
	zw.Close()
	b.made(t) // B has a project of its own
	before, _ := b.ps.List()
	for name, path := range map[string]string{
		"zip slip":  write("slip.zip", slip.Bytes()),
		"truncated": write("cut.zip", whole[:len(whole)/2]),
		"bad pack":  write("badpack.zip", bad.Bytes()),
		"not a zip": write("junk.zip", []byte("hello")),
		"nothing":   filepath.Join(dir, "missing.zip"),
		"relative":  "x.zip",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := b.ts.Import(path)
			if err == nil {
				t.Fatal("imported")
			}
			if apperr.MessageOf(err) == "" || apperr.CodeOf(err) == apperr.Internal {
				t.Fatalf("err = %v (%v)", err, apperr.CodeOf(err))
			}
		})
	}
	after, _ := b.ps.List()
	if len(after) != len(before) {
		t.Fatalf("projects %d → %d", len(before), len(after))
	}
	ents, _ := os.ReadDir(b.root)
	if len(ents) != 1 {
		t.Fatalf("projects folder holds %v", ents)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "outside.txt")); err == nil {
		t.Fatal("zip slip wrote outside")
	}
}

func TestImportFolderAndRepository(t *testing.T) {
	a, b := newComputer(t), newComputer(t)
	dir := filepath.Join(t.TempDir(), "my site")
	os.MkdirAll(filepath.Join(dir, "node_modules", "x"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>hi</h1>"), 0o644)
	os.WriteFile(filepath.Join(dir, "node_modules", "x", "i.js"), []byte("dep"), 0o644)
	res, err := b.ts.Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Project.Name != "my site" || res.Versions != 1 || res.Skipped != 1 || res.Sandbox != "none" {
		t.Fatalf("folder import = %+v", res)
	}
	if got, _ := os.ReadFile(filepath.Join(b.root, res.Project.Workspace, "index.html")); string(got) != "<h1>hi</h1>" {
		t.Fatalf("index.html = %q", got)
	}
	if len(b.adopt.asked) != 0 {
		t.Fatal("a folder import looked for a sandbox")
	}

	// A git working copy (A's project folder) with a change not committed.
	p := a.made(t)
	w, _ := a.ws.Workspace(context.Background(), p.ID)
	os.WriteFile(filepath.Join(w.Root(), "app.py"), []byte("edited"), 0o644)
	res, err = b.ts.Import(w.Root())
	if err != nil {
		t.Fatal(err)
	}
	if res.Versions != 4 {
		t.Fatalf("repository import has %d versions, want 3 + the uncommitted change", res.Versions)
	}
	_, hb, _ := b.snapshot(t, res.Project.ID)
	_, ha, _ := a.snapshot(t, p.ID)
	if !reflect.DeepEqual(hb[1:], ha) {
		t.Fatalf("history: %v vs %v", hb, ha)
	}

	// A bare repository (here: the .git folder itself) imports as its
	// history, never as git's internals.
	res, err = b.ts.Import(filepath.Join(w.Root(), ".git"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Versions != 3 {
		t.Fatalf("bare import has %d versions, want 3", res.Versions)
	}
	for _, internal := range []string{"HEAD", "config", "objects", "refs"} {
		if _, err := os.Lstat(filepath.Join(b.root, res.Project.Workspace, internal)); err == nil {
			t.Errorf("git's %s was imported as a project file", internal)
		}
	}
}

func TestImportRefusesAHistoryThatInflatesPastTheLimit(t *testing.T) {
	a, b := newComputer(t), newComputer(t)
	p := a.made(t)
	w, _ := a.ws.Workspace(context.Background(), p.ID)
	big := bytes.Repeat([]byte("all work and no play "), 50000) // ~1 MiB, deflates to little
	if _, _, err := w.RecordTurn(context.Background(), []workspace.File{{Path: "big.txt", Content: big}}, "big", "m", "x"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.RecordTurn(context.Background(), []workspace.File{{Path: "big.txt", Content: []byte("small")}}, "small again", "m", "x"); err != nil {
		t.Fatal(err)
	}
	ex, err := a.ts.Export(ExportRequest{ProjectID: p.ID, Path: filepath.Join(t.TempDir(), "big.zip")})
	if err != nil {
		t.Fatal(err)
	}
	b.ts.limits.MaxHistory = 512 << 10 // the current files are small; an old version is not
	before, _ := b.ps.List()
	if _, err := b.ts.Import(ex.Path); !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "too large") {
		t.Fatalf("import = %v", err)
	}
	if after, _ := b.ps.List(); len(after) != len(before) {
		t.Fatal("a refused import left a project")
	}
}

func TestExportImportOfAProjectWithoutVersions(t *testing.T) {
	a, b := newComputer(t), newComputer(t)
	p, err := a.ps.Create(CreateProjectRequest{Name: "Just a chat"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.AddMessage(context.Background(), store.Message{ProjectID: p.ID, Role: "user", Content: "hello?"}); err != nil {
		t.Fatal(err)
	}
	ex, err := a.ts.Export(ExportRequest{ProjectID: p.ID, Path: filepath.Join(t.TempDir(), "chat.zip")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.ts.Import(ex.Path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 1 || res.Project.Name != "Just a chat" {
		t.Fatalf("import = %+v", res)
	}
}

func TestExportPath(t *testing.T) {
	c := newComputer(t)
	p := c.made(t)
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "folder.zip"), 0o755)
	for _, bad := range []string{"", "rel.zip", filepath.Join(dir, "nope", "x.zip"), filepath.Join(dir, "folder.zip")} {
		if _, err := c.ts.Export(ExportRequest{ProjectID: p.ID, Path: bad}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Export(%q) = %v, want invalid", bad, err)
		}
	}
	if _, err := c.ts.Export(ExportRequest{ProjectID: "nope", Path: filepath.Join(dir, "x.zip")}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("unknown project: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("failed exports left %v", ents)
	}
	if _, err := c.ts.ChooseImportFile(); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("no dialogs: %v", err)
	}
}

func TestPushToARemote(t *testing.T) {
	c := newComputer(t)
	p := c.made(t)
	const token = "ghp_t0ken_never_stored"
	if _, err := c.ts.Push(p.ID); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("push without a remote: %v", err)
	}
	if _, err := c.ts.SetRemote(SetRemoteRequest{ProjectID: p.ID, URL: "https://me:" + token + "@github.com/me/p.git"}); !apperr.Is(err, apperr.Invalid) || apperr.FieldOf(err) != "url" {
		t.Fatalf("token in the address: %v", err)
	}
	bare := filepath.Join(t.TempDir(), "p.git")
	if _, err := git.PlainInit(bare, true); err != nil {
		t.Fatal(err)
	}
	r, err := c.ts.SetRemote(SetRemoteRequest{ProjectID: p.ID, URL: bare, Username: "me"})
	if err != nil || r.URL != bare || r.HasToken || r.Branch != "" || r.PushedAt != "" {
		t.Fatalf("set remote = %+v %v", r, err)
	}
	if err := c.ts.SetRemoteToken(p.ID, token); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.ts.GetRemote(p.ID); !r.HasToken {
		t.Fatal("token not saved")
	}
	res, err := c.ts.Push(p.ID)
	if err != nil || res.UpToDate || res.Head == "" || res.Branch != "main" {
		t.Fatalf("push = %+v %v", res, err)
	}
	repo, _ := git.PlainOpen(bare)
	if ref, err := repo.Reference("refs/heads/main", true); err != nil || ref.Hash().String() != res.Head {
		t.Fatalf("remote main = %v %v", ref, err)
	}
	if r, _ := c.ts.GetRemote(p.ID); r.PushedAt == "" {
		t.Fatal("push time not kept")
	}
	if res, err := c.ts.Push(p.ID); err != nil || !res.UpToDate {
		t.Fatalf("second push = %+v %v", res, err)
	}
	// The token is in neither the database nor the log.
	dbFiles, _ := filepath.Glob(filepath.Join(filepath.Dir(c.root), "t.db*"))
	for _, f := range dbFiles {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(token)) {
			t.Fatalf("the token is in %s", f)
		}
	}
	if len(dbFiles) == 0 || strings.Contains(c.log.String(), token) {
		t.Fatal("the token leaked")
	}
	// Deleting the project takes its token out of the keychain.
	p2 := c.made(t)
	if err := c.ts.SetRemoteToken(p2.ID, "other-token"); err != nil {
		t.Fatal(err)
	}
	if err := c.ps.Delete(p2.ID); err != nil {
		t.Fatal(err)
	}
	if _, left := c.keys.m[secrets.GitAccount(p2.ID)]; left {
		t.Fatal("a deleted project's token stayed in the keychain")
	}
	if err := c.ts.RemoveRemote(p.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.ts.GetRemote(p.ID); r.URL != "" || r.HasToken {
		t.Fatalf("after remove = %+v", r)
	}
}
