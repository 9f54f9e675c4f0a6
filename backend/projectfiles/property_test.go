package projectfiles

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// universe is every path the property test touches.
var universe = []string{"a.py", "b.py", "lib/c.py", "lib/d.py", "data/e.csv"}

// Any sequence of changes from every source (editor, agent edits with
// preconditions, create, rename, delete, uploads, turns and their runs,
// outside edits, restore, undo, redo, the sandbox pausing and coming
// back) leaves the folder, its current version, the index and the
// sandbox byte-identical. A change that fails changes nothing.
func TestPropertyFolderIndexSandboxAgree(t *testing.T) {
	const steps = 60
	for seed := range uint64(3) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			r := newRig(t)
			r.ensure()
			rnd := rand.New(rand.NewPCG(seed, 22))
			ran, failed := map[string]int{}, map[string]int{}
			defer func() { t.Logf("ran %v; refused %v", ran, failed) }()
			for step := range steps {
				r.mark = nil
				before := r.version()
				name, err := r.randomStep(rnd, step)
				if r.mark != nil {
					before = r.mark
				}
				ran[name]++
				if err != nil {
					failed[name]++
					if apperr.MessageOf(err) == "" {
						t.Fatalf("step %d %s: error without a sentence: %v", step, name, err)
					}
					if got := r.version(); !maps.Equal(got, before) {
						t.Fatalf("step %d %s failed (%v) and changed the files: %v -> %v", step, name, err, before, got)
					}
				}
				r.agree(t, step, name)
			}
			r.ensure() // the next turn's Ensure catches a paused sandbox up
			r.agree(t, steps, "final ensure")
			if n := len(r.owner.Pending(r.proj.ID)); n != 0 {
				t.Fatalf("%d paths still pending", n)
			}
		})
	}
}

// agree checks the three copies (the sandbox when it is running and has
// nothing pending: a paused one catches up on the next Ensure).
func (r *rig) agree(t *testing.T, step int, name string) {
	t.Helper()
	folder, version, index := r.folder(), r.version(), r.index()
	if !maps.Equal(folder, version) || !maps.Equal(index, version) {
		t.Fatalf("step %d %s: folder %v\nversion %v\nindex %v", step, name, folder, version, index)
	}
	if r.mgr.Status(r.proj.ID).State == sandbox.StateRunning && len(r.owner.Pending(r.proj.ID)) == 0 {
		if sb := r.sandboxFiles(universe); !maps.Equal(sb, index) {
			t.Fatalf("step %d %s: sandbox %v\nindex %v", step, name, sb, index)
		}
	}
}

func (r *rig) randomStep(rnd *rand.Rand, step int) (string, error) {
	pick := func() string { return universe[rnd.IntN(len(universe))] }
	text := func() []byte { return fmt.Appendf(nil, "s%d-%d\n", step, rnd.IntN(1000)) }
	apply := func(c Change) error { _, err := r.owner.Apply(r.ctx, r.proj.ID, c); return err }
	switch k := rnd.IntN(13); k {
	case 0:
		return "save", apply(Save(Write{Path: pick(), Content: text()}))
	case 1:
		p := pick()
		_, h, err := r.owner.Read(r.ctx, r.proj.ID, p)
		if err != nil {
			h = Absent
		}
		if rnd.IntN(3) == 0 { // someone saved between the read and the edit
			if err := apply(Save(Write{Path: p, Content: text()})); err != nil {
				return "save", err
			}
			r.mark = r.version()
		}
		return "agent edit", apply(Edit("agent", Write{Path: p, Content: text(), IfMatch: h}))
	case 2:
		return "create", apply(Create(pick(), false))
	case 3:
		return "rename", apply(Rename(pick(), pick()))
	case 4:
		if rnd.IntN(2) == 0 {
			return "delete folder", apply(Delete("lib"))
		}
		return "delete", apply(Delete(pick()))
	case 5:
		return "upload", apply(Upload("Uploaded", Write{Path: "data/e.csv", Content: text()}))
	case 6:
		ws := []Write{{Path: pick(), Content: text()}}
		if p := pick(); p != ws[0].Path {
			ws = append(ws, Write{Path: p, Content: text()})
		}
		if _, err := r.owner.Apply(r.ctx, r.proj.ID, Turn("prompt", fmt.Sprintf("m%d", step), "p/m", ws...)); err != nil {
			return "turn", err
		}
		// The turn's run: Ensure (with Catchup), then its files.
		h := r.ensure()
		files := make([]store.File, len(ws))
		for i, w := range ws {
			files[i] = store.File{Path: w.Path, Content: string(w.Content)}
		}
		return "turn", r.mgr.WriteFiles(r.ctx, h, files)
	case 7:
		p := pick()
		if rnd.IntN(3) == 0 {
			r.outside(p, "")
		} else {
			r.outside(p, string(text()))
		}
		return "outside", apply(Outside(p))
	case 8:
		w, err := r.owner.Workspace(r.ctx, r.proj.ID)
		if err != nil {
			return "restore", err
		}
		vs, err := w.History(r.ctx, 0)
		if err != nil || len(vs) == 0 {
			return "restore", err
		}
		err = apply(RestoreTo(vs[rnd.IntN(len(vs))].ID))
		if NoChanges(err) {
			err = nil
		}
		return "restore", err
	case 9:
		_, _, _, err := r.owner.UndoTurn(r.ctx, r.proj.ID, []string{fmt.Sprintf("m%d", rnd.IntN(step+1))})
		return "undo", err
	case 10:
		return "pause", r.mgr.Pause(r.ctx, r.proj.ID)
	case 11:
		r.ensure()
		return "ensure", nil
	default:
		r.outside(pick(), string(text())) // noticed only by the sweep
		return "sweep", apply(Sweep())
	}
}
