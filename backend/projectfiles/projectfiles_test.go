package projectfiles

import (
	"fmt"
	"maps"
	"sync"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Every source of change leaves the folder, the index and a running
// sandbox holding the same files.
func TestApplyEverySource(t *testing.T) {
	cases := []struct {
		name  string
		setup []Change
		c     Change
		want  map[string]string
	}{
		{"save", nil, Save(Write{Path: "a.py", Content: []byte("1")}), map[string]string{"a.py": "1"}},
		{"edit several", nil, Edit("two", Write{Path: "a.py", Content: []byte("1")}, Write{Path: "lib/b.py", Content: []byte("2")}),
			map[string]string{"a.py": "1", "lib/b.py": "2"}},
		{"edit deletes", []Change{Save(Write{Path: "a.py", Content: []byte("1")})}, Edit("gone", Write{Path: "a.py", Delete: true}), map[string]string{}},
		{"create", nil, Create("n.py", false), map[string]string{"n.py": ""}},
		{"rename", []Change{Save(Write{Path: "a.py", Content: []byte("1")})}, Rename("a.py", "lib/z.py"), map[string]string{"lib/z.py": "1"}},
		{"delete folder", []Change{Edit("x", Write{Path: "lib/a.py", Content: []byte("1")}, Write{Path: "b.py", Content: []byte("2")})},
			Delete("lib"), map[string]string{"b.py": "2"}},
		{"upload", nil, Upload("Uploaded data/x.csv", Write{Path: "data/x.csv", Content: []byte("a,b\n")}), map[string]string{"data/x.csv": "a,b\n"}},
		{"./ path cleaned", nil, Save(Write{Path: "./a.py", Content: []byte("1")}), map[string]string{"a.py": "1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			r.ensure()
			for _, s := range c.setup {
				r.apply(s)
			}
			res := r.apply(c.c)
			if !res.Changed || !res.Synced || res.Warning != "" {
				t.Fatalf("result %+v", res)
			}
			paths := []string{"a.py", "lib/b.py", "lib/a.py", "b.py", "n.py", "lib/z.py", "data/x.csv"}
			for what, got := range map[string]map[string]string{"folder": r.folder(), "version": r.version(), "index": r.index(), "sandbox": r.sandboxFiles(paths)} {
				if !maps.Equal(got, c.want) {
					t.Errorf("%s = %v, want %v", what, got, c.want)
				}
			}
		})
	}
}

// A write that carries what its writer read is refused, with nothing
// written, when the file changed since.
func TestApplyPrecondition(t *testing.T) {
	r := newRig(t)
	r.apply(Save(Write{Path: "a.py", Content: []byte("v1")}))
	_, read, err := r.owner.Read(r.ctx, r.proj.ID, "a.py")
	if err != nil {
		t.Fatal(err)
	}
	r.apply(Save(Write{Path: "a.py", Content: []byte("person")})) // the editor saves between read and edit
	cases := []struct {
		name string
		w    []Write
		code apperr.Code
	}{
		{"stale content", []Write{{Path: "b.py", Content: []byte("ok")}, {Path: "a.py", Content: []byte("agent"), IfMatch: read}}, apperr.Conflict},
		{"must be absent", []Write{{Path: "a.py", Content: []byte("agent"), IfMatch: Absent}}, apperr.Conflict},
		{"deleted since", []Write{{Path: "gone.py", Content: []byte("agent"), IfMatch: Hash([]byte("x"))}}, apperr.Conflict},
		{"written twice", []Write{{Path: "b.py"}, {Path: "./b.py"}}, apperr.Invalid},
		{"outside the project", []Write{{Path: "../x.py"}}, apperr.Invalid},
	}
	w, _ := r.owner.Workspace(r.ctx, r.proj.ID)
	before, _ := w.History(r.ctx, 0)
	for _, c := range cases {
		_, err := r.owner.Apply(r.ctx, r.proj.ID, Edit("agent", c.w...))
		if apperr.CodeOf(err) != c.code || apperr.MessageOf(err) == "" {
			t.Fatalf("%s: err %v", c.name, err)
		}
		after, _ := w.History(r.ctx, 0)
		if want := map[string]string{"a.py": "person"}; !maps.Equal(r.folder(), want) || !maps.Equal(r.index(), want) || len(after) != len(before) {
			t.Fatalf("%s wrote: folder %v index %v versions %d", c.name, r.folder(), r.index(), len(after))
		}
	}
	_, now, _ := r.owner.Read(r.ctx, r.proj.ID, "a.py")
	res := r.apply(Edit("agent", Write{Path: "a.py", Content: []byte("agent"), IfMatch: now}, Write{Path: "new.py", Content: []byte("n"), IfMatch: Absent}))
	if !res.Changed || r.index()["a.py"] != "agent" || r.index()["new.py"] != "n" {
		t.Fatalf("fresh precondition refused: %+v %v", res, r.index())
	}
}

// Two writers at once (two chats, the editor and a turn) lose nothing:
// every change is a version and every file is in the index.
func TestApplyConcurrentWritersLoseNothing(t *testing.T) {
	r := newRig(t)
	const writers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				p := fmt.Sprintf("w%d/f%d.py", i, j)
				if _, err := r.owner.Apply(r.ctx, r.proj.ID, Edit(p, Write{Path: p, Content: []byte(p)})); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	w, _ := r.owner.Workspace(r.ctx, r.proj.ID)
	vs, _ := w.History(r.ctx, 0)
	idx := r.index()
	if len(idx) != writers*each || len(vs) < writers*each || !maps.Equal(idx, r.version()) {
		t.Fatalf("index %d files, %d versions", len(idx), len(vs))
	}
}

// An outside edit does not wake a paused sandbox; the next Ensure's
// Catchup brings it the edit (and the delete).
func TestOutsideEditReachesPausedSandboxOnCatchup(t *testing.T) {
	r := newRig(t)
	r.ensure()
	r.apply(Edit("x", Write{Path: "a.py", Content: []byte("1")}, Write{Path: "b.py", Content: []byte("2")}))
	if err := r.mgr.Pause(r.ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	r.outside("a.py", "outside")
	r.outside("b.py", "")
	res := r.apply(Outside("a.py", "b.py"))
	if res.Synced || r.mgr.Status(r.proj.ID).State != sandbox.StatePaused {
		t.Fatalf("paused sandbox written or woken: %+v", res)
	}
	if got := r.index(); !maps.Equal(got, map[string]string{"a.py": "outside"}) {
		t.Fatalf("index %v", got)
	}
	if len(r.owner.Pending(r.proj.ID)) != 2 {
		t.Fatalf("pending %v", r.owner.Pending(r.proj.ID))
	}
	r.ensure()
	if got := r.sandboxFiles([]string{"a.py", "b.py"}); !maps.Equal(got, map[string]string{"a.py": "outside"}) || len(r.owner.Pending(r.proj.ID)) != 0 {
		t.Fatalf("sandbox after catch-up %v", got)
	}
}

// A turn's version holds only the turn's files: an outside edit not yet
// brought in becomes its own version first; Settle brings it in before
// the prompt.
func TestTurnHoldsOnlyItsFiles(t *testing.T) {
	r := newRig(t)
	r.apply(Save(Write{Path: "mine.txt", Content: []byte("1")}))
	if err := r.owner.Settle(r.ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	r.outside("mine.txt", "person")
	r.apply(Outside("mine.txt"))
	res := r.apply(Turn("make app", "m1", "p/m", Write{Path: "app.py", Content: []byte("print(1)")}))
	if !res.Changed || len(res.Version.FilesChanged) != 1 || res.Version.FilesChanged[0] != "app.py" {
		t.Fatalf("turn version %+v", res.Version)
	}
	if res.Version.Trailers[workspace.TrailerMessage] != "m1" || r.index()["app.py"] != "print(1)" || r.index()["mine.txt"] != "person" {
		t.Fatalf("turn %+v index %v", res.Version.Trailers, r.index())
	}
	again := r.apply(Turn("same", "m2", "p/m", Write{Path: "app.py", Content: []byte("print(1)")}))
	if again.Changed || again.Version.ID != res.Version.ID {
		t.Fatalf("unchanged turn %+v", again)
	}
}

// Reindex derives the index from the folder: stale rows go.
func TestReindex(t *testing.T) {
	r := newRig(t)
	r.apply(Save(Write{Path: "a.py", Content: []byte("1")}))
	if err := r.st.PutFiles(r.ctx, r.proj.ID, []store.File{{Path: "stale.py", Content: "x"}, {Path: "a.py", Content: "old"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.owner.Reindex(r.ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.index(); !maps.Equal(got, map[string]string{"a.py": "1"}) {
		t.Fatalf("index %v", got)
	}
}

// Undo of a turn brings back the files before it; Redo brings them again.
func TestUndoRedo(t *testing.T) {
	r := newRig(t)
	r.ensure()
	r.apply(Save(Write{Path: "a.py", Content: []byte("before")}))
	turn := r.apply(Turn("p", "ans1", "p/m", Write{Path: "a.py", Content: []byte("turn")}, Write{Path: "b.py", Content: []byte("new")}))
	cur, ok, warn, err := r.owner.UndoTurn(r.ctx, r.proj.ID, []string{"ans1"})
	if err != nil || !ok || warn != "" || cur != turn.Version.ID {
		t.Fatalf("undo %q %v %q %v", cur, ok, warn, err)
	}
	want := map[string]string{"a.py": "before"}
	if !maps.Equal(r.index(), want) || !maps.Equal(r.sandboxFiles([]string{"a.py", "b.py"}), want) {
		t.Fatalf("after undo index %v sandbox %v", r.index(), r.sandboxFiles([]string{"a.py", "b.py"}))
	}
	if _, ok, _, _ := r.owner.UndoTurn(r.ctx, r.proj.ID, []string{"nobody"}); ok {
		t.Fatal("undid an exchange that changed no file")
	}
	if ok, _, err := r.owner.RestoreVersion(r.ctx, r.proj.ID, cur); err != nil || !ok {
		t.Fatalf("redo %v %v", ok, err)
	}
	if ok, _, err := r.owner.RestoreVersion(r.ctx, r.proj.ID, cur); err != nil || ok {
		t.Fatalf("second redo %v %v", ok, err)
	}
	want = map[string]string{"a.py": "turn", "b.py": "new"}
	if !maps.Equal(r.index(), want) || !maps.Equal(r.sandboxFiles([]string{"a.py", "b.py"}), want) {
		t.Fatalf("after redo index %v", r.index())
	}
}

// Turns and edits by project id: a turn that changes nothing makes no
// version, a bad path or a missing project is refused.
func TestTurnsAndEditsByProject(t *testing.T) {
	r := newRig(t)
	for i, tc := range []struct {
		files   []Write
		changed bool
	}{
		{[]Write{{Path: "app.py", Content: []byte("1")}}, true},
		{[]Write{{Path: "app.py", Content: []byte("1")}}, false},
		{[]Write{{Path: "app.py", Content: []byte("2")}, {Path: "lib/u.py", Content: []byte("u")}}, true},
	} {
		res := r.apply(Turn(fmt.Sprintf("prompt %d", i), "msg", "openai/gpt", tc.files...))
		if res.Changed != tc.changed || (res.Changed && res.Version.Trailers[workspace.TrailerModel] != "openai/gpt") {
			t.Fatalf("turn %d: %+v", i, res)
		}
	}
	if _, err := r.owner.Apply(r.ctx, r.proj.ID, Turn("p", "m", "x", Write{Path: "../out", Content: []byte("x")})); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a path out of the folder: %v", err)
	}
	if _, err := r.owner.Apply(r.ctx, "nope", Turn("p", "m", "x")); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a missing project: %v", err)
	}
	res := r.apply(Edit("", Write{Path: "app.py", Content: []byte("3")}))
	if !res.Changed || res.Version.Trailers[workspace.TrailerKind] != "edit" || res.Version.Message != "Edited by hand" {
		t.Fatalf("edit: %+v", res)
	}
	w, _ := r.owner.Workspace(r.ctx, r.proj.ID)
	if h, _ := w.History(r.ctx, 0); len(h) != 3 {
		t.Fatalf("%d versions, want 3", len(h))
	}
}

// A duplicate gets a copy of the folder, history included, and its index
// derived from it; a branch gets a version's files.
func TestDuplicateAndBranch(t *testing.T) {
	r := newRig(t)
	r.apply(Save(Write{Path: "a.py", Content: []byte("1")}))
	v2 := r.apply(Save(Write{Path: "a.py", Content: []byte("2")}))
	d, err := r.st.CreateProject(r.ctx, store.NewProject{Name: "Copy"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.owner.Duplicate(r.ctx, r.proj.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	dw, _ := r.owner.Workspace(r.ctx, d.ID)
	if h, _ := dw.History(r.ctx, 0); len(h) != 2 {
		t.Fatalf("duplicate history %d", len(h))
	}
	if fs, _ := r.st.ListFiles(r.ctx, d.ID); len(fs) != 2 || fs[0].Path != ".gitignore" || fs[1].Content != "2" {
		t.Fatalf("duplicate index %+v", fs)
	}
	w, _ := r.owner.Workspace(r.ctx, r.proj.ID)
	h, _ := w.History(r.ctx, 0)
	b, err := r.owner.Branch(r.ctx, BranchRequest{ProjectID: r.proj.ID, VersionID: h[1].ID, Name: "Old"})
	if err != nil || b.Project.ID == "" || b.Version.ID == "" {
		t.Fatalf("branch %+v %v", b, err)
	}
	if fs, _ := r.st.ListFiles(r.ctx, b.Project.ID); len(fs) != 2 || fs[1].Content != "1" {
		t.Fatalf("branch index %+v (from %s)", fs, v2.Version.ID)
	}
	if _, err := r.owner.Branch(r.ctx, BranchRequest{ProjectID: r.proj.ID, VersionID: h[1].ID, Name: "Old", WithSandbox: true}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("branch of an old version with its sandbox: %v", err)
	}
}
