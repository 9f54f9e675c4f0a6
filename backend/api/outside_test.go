package api

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/chat"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/projectfiles"
	"tessera/backend/projects"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

type noKeys struct{}

func (noKeys) Get(context.Context, string) (string, error) { return "k", nil }

// outsideRig is the chat with workspaces, the outside sync and Undo/Redo
// wired as app.go does, over the fake E2B and the fake LLM.
type outsideRig struct {
	t    *testing.T
	st   *store.Store
	fake *e2btest.Fake
	llm  *llmtest.Server
	mgr  *sandbox.Manager
	ws   *projectfiles.Owner
	vs   *VersionsService
	out  *projectfiles.Owner
	chat *chat.Service
	proj store.Project
	root string
	seq  int
}

func newOutsideRig(t *testing.T) *outsideRig {
	ctx := context.Background()
	st := newStore(t)
	fake := e2btest.New(t)
	client, err := e2b.New(fake.Config("e2b-key"))
	if err != nil {
		t.Fatal(err)
	}
	mgr := sandbox.NewManager(sandbox.Config{
		Client:     func(context.Context) (sandbox.Control, error) { return sandbox.E2B{Client: client}, nil },
		Store:      st,
		ManualTick: true,
	})
	t.Cleanup(mgr.Close)
	srv := llmtest.New(t)
	cat, err := llm.NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"custom","base_url":%q,"models":[{"id":"m1"}]}]}`, srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	lc := llm.NewClient(cat, noKeys{}, srv.Client())
	root := filepath.Join(t.TempDir(), "Tessera")
	wm := workspace.NewManager(root)
	files := projectfiles.New(projectfiles.Config{Workspaces: wm, Store: st, Replica: projectfiles.SandboxReplica{Manager: mgr}})
	ws := files
	vs := NewVersionsService(bg, files, quiet())
	r := &outsideRig{t: t, st: st, fake: fake, llm: srv, mgr: mgr, ws: ws, vs: vs, root: root, out: files}
	r.chat = chat.New(chat.Config{
		Store:     st,
		Generator: chat.LLMGenerator{Client: func() *llm.Client { return lc }},
		Sandboxes: mgr,
		Templates: func(context.Context) []fragment.Template { return fragment.Templates() },
		Files:     files,
		Outside:   files,
		Restorer:  files,
	})
	p, err := projects.New(projects.Config{Store: st, Files: ws}).Create(ctx, store.NewProject{Name: "Outside app", Template: fragment.CodeInterpreter})
	if err != nil {
		t.Fatal(err)
	}
	r.proj = p
	return r
}

func (r *outsideRig) send(text string, files ...fragment.File) chat.Result {
	r.t.Helper()
	f := fragment.Fragment{Commentary: "ok", Template: fragment.CodeInterpreter, Title: "t", Description: "d", Files: files}
	if len(files) > 0 {
		f.FilePath, f.Code = files[0].Path, files[0].Content
	}
	r.llm.Push(llmtest.FragmentResponse(f, 64))
	r.seq++
	res, err := r.chat.Send(context.Background(), chat.SendRequest{RequestID: fmt.Sprintf("r%d", r.seq), ProjectID: r.proj.ID, Text: text, ProviderID: "custom", ModelID: "m1"})
	if err != nil || res.Assistant == nil || res.Assistant.Status != store.MessageDone {
		r.t.Fatalf("send %q: %+v %v", text, res.Assistant, err)
	}
	return res
}

func (r *outsideRig) sandboxFile(p string) string {
	r.t.Helper()
	pr, err := r.st.GetProject(context.Background(), r.proj.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	b, _ := r.fake.ReadFile(pr.SandboxID, sandbox.DefaultRoot+"/"+p)
	return string(b)
}

func (r *outsideRig) storedFile(p string) (string, bool) {
	fs, _ := r.st.ListFiles(context.Background(), r.proj.ID)
	for _, f := range fs {
		if f.Path == p {
			return f.Content, true
		}
	}
	return "", false
}

func (r *outsideRig) edit(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.root, r.proj.Workspace, filepath.FromSlash(rel))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *outsideRig) history() []workspace.Version {
	r.t.Helper()
	w, err := r.ws.Workspace(context.Background(), r.proj.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	h, err := w.History(context.Background(), 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

func lastSystem(t *testing.T, s *llmtest.Server) string {
	t.Helper()
	reqs := s.Requests()
	if len(reqs) == 0 {
		t.Fatal("the model was never asked")
	}
	c := reqs[len(reqs)-1].Chat()
	var b strings.Builder
	for _, m := range c.Messages {
		b.WriteString(m.Content)
	}
	return b.String()
}

func TestOutsideEditReachesSandboxAndPrompt(t *testing.T) {
	r := newOutsideRig(t)
	ctx := context.Background()
	r.send("first", fragment.File{Path: "app.py", Content: "print(1)"})

	// The watcher's callback (the watcher itself is tested in workspace).
	r.edit("app.py", "print('edited in my editor')")
	r.edit("node_modules/x/index.js", "ignored")
	r.out.Changed(ctx, r.proj.Workspace, []string{"app.py", "node_modules/x/index.js"})
	h := r.history()
	if h[0].Message != workspace.OutsideMessage || strings.Join(h[0].FilesChanged, ",") != "app.py" {
		t.Fatalf("outside version %+v", h[0])
	}
	if got := r.sandboxFile("app.py"); got != "print('edited in my editor')" {
		t.Fatalf("sandbox has %q", got)
	}
	if got, _ := r.storedFile("app.py"); got != "print('edited in my editor')" {
		t.Fatalf("project_files has %q", got)
	}
	if _, ok := r.storedFile("node_modules/x/index.js"); ok {
		t.Fatal("an ignored file reached project_files")
	}

	// An edit the watcher has not handed on yet still reaches the next
	// prompt: the turn settles outside edits first.
	r.edit("notes.md", "remember the milk")
	w, _ := r.ws.Workspace(ctx, r.proj.ID)
	w.Note("notes.md")
	r.send("second", fragment.File{Path: "app.py", Content: "print(2)"})
	sys := lastSystem(t, r.llm)
	if !strings.Contains(sys, "print('edited in my editor')") || !strings.Contains(sys, "remember the milk") {
		t.Fatalf("the prompt lacks the outside edits:\n%s", sys)
	}
	if got := r.sandboxFile("notes.md"); got != "remember the milk" {
		t.Fatalf("sandbox notes.md = %q", got)
	}

	// A paused sandbox gets the edit on the next turn's Ensure.
	if err := r.mgr.Pause(ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	r.edit("notes.md", "buy bread too")
	r.out.Changed(ctx, r.proj.Workspace, []string{"notes.md"})
	if got, _ := r.storedFile("notes.md"); got != "buy bread too" {
		t.Fatalf("project_files notes.md = %q", got)
	}
	r.send("third", fragment.File{Path: "app.py", Content: "print(3)"})
	if got := r.sandboxFile("notes.md"); got != "buy bread too" {
		t.Fatalf("resumed sandbox notes.md = %q", got)
	}
}

func TestUndoRestoresThePreviousVersionAndRedoBringsItBack(t *testing.T) {
	r := newOutsideRig(t)
	ctx := context.Background()
	r.send("first", fragment.File{Path: "app.py", Content: "print(1)"})
	two := r.send("second", fragment.File{Path: "app.py", Content: "print(2)"}, fragment.File{Path: "extra.py", Content: "x = 2"})
	// An answer whose files are already so makes no version.
	r.send("same again", fragment.File{Path: "app.py", Content: "print(2)"}, fragment.File{Path: "extra.py", Content: "x = 2"})

	msgs := func() []store.Message { m, _ := r.st.ListMessages(ctx, r.proj.ID); return m }
	// Undo of "same again": the exchange goes, the files stay.
	res, err := r.chat.Undo(ctx, r.proj.ID)
	if err != nil || res.Restored || res.Files != chat.FilesUnchanged || !res.CanRedo || len(msgs()) != 4 {
		t.Fatalf("undo same again: %+v %v (%d messages)", res, err, len(msgs()))
	}
	// Undo of "second": its files go back to "first" as a new version.
	res, err = r.chat.Undo(ctx, r.proj.ID)
	if err != nil || !res.Restored || res.Files != chat.FilesRestored || res.Warning != "" || len(msgs()) != 2 {
		t.Fatalf("undo second: %+v %v", res, err)
	}
	if got := r.sandboxFile("app.py"); got != "print(1)" {
		t.Fatalf("sandbox app.py after undo = %q", got)
	}
	if _, ok := r.storedFile("extra.py"); ok || r.sandboxFile("extra.py") != "" {
		t.Fatal("extra.py survived the undo")
	}
	h := r.history()
	if len(h) != 3 || h[0].Trailers[workspace.TrailerKind] != "undo" {
		t.Fatalf("history after undo %+v", h)
	}

	// Redo brings back "second": files and the very same messages.
	res, err = r.chat.Redo(ctx, r.proj.ID)
	if err != nil || !res.Restored || !res.CanRedo {
		t.Fatalf("redo second: %+v %v", res, err)
	}
	m := msgs()
	if len(m) != 4 || m[2].Content != "second" || m[3].ID != two.Assistant.ID || len(m[3].Fragment) == 0 {
		t.Fatalf("messages after redo %+v", m)
	}
	if r.sandboxFile("app.py") != "print(2)" || r.sandboxFile("extra.py") != "x = 2" {
		t.Fatal("redo did not bring the files back to the sandbox")
	}
	if res, err = r.chat.Redo(ctx, r.proj.ID); err != nil || res.Restored || res.CanRedo || len(msgs()) != 6 {
		t.Fatalf("redo same again: %+v %v", res, err)
	}
	if _, err := r.chat.Redo(ctx, r.proj.ID); err == nil {
		t.Fatal("redo with nothing to redo succeeded")
	}
	if h := r.history(); len(h) != 4 {
		t.Fatalf("history %d versions, want 4 (every undo and redo is a version)", len(h))
	}

	// The answer had changed the files, but a restore in between already
	// took them back: Undo says so instead of "it had not changed them".
	r.send("third", fragment.File{Path: "app.py", Content: "print(3)"})
	h = r.history()
	if _, err := r.vs.Restore(r.proj.ID, h[1].ID); err != nil {
		t.Fatal(err)
	}
	if res, err = r.chat.Undo(ctx, r.proj.ID); err != nil || res.Restored || res.Files != chat.FilesAlready {
		t.Fatalf("undo after a restore: %+v %v", res, err)
	}

	// A new turn forgets what could be redone.
	if _, err := r.chat.Undo(ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	r.send("something else", fragment.File{Path: "app.py", Content: "print(4)"})
	if r.chat.CanRedo(r.proj.ID) {
		t.Fatal("redo offered after a new turn")
	}
	// The model's prompt matches the list: the undone "same again" is not in it.
	if sys := lastSystem(t, r.llm); strings.Contains(sys, "same again") {
		t.Fatal("the undone exchange reached the model")
	}
}
