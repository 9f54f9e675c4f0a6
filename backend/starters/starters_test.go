package starters

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
)

func TestEveryStarterHasValidFilesForItsTemplate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []string{"nextjs-tailwind", "vue-app", "streamlit-dashboard", "gradio-demo", "python-notebook"}
	for _, tp := range fragment.Templates() {
		wantIDs = append(wantIDs, "empty-"+tp.ID)
	}
	list := c.List()
	if len(list) != len(wantIDs) {
		t.Fatalf("got %d starters, want %d", len(list), len(wantIDs))
	}
	for i, s := range list {
		if s.ID != wantIDs[i] {
			t.Fatalf("starter %d = %s, want %s", i, s.ID, wantIDs[i])
		}
		t.Run(s.ID, func(t *testing.T) {
			tmpl, ok := fragment.Lookup(s.Template, nil)
			if !ok {
				t.Fatalf("unknown template %s", s.Template)
			}
			if s.Name == "" || s.Stack == "" || s.Shows == "" {
				t.Errorf("the gallery needs a name, a stack and what it shows: %+v", s)
			}
			_, files, err := c.Files(s.ID)
			if err != nil {
				t.Fatal(err)
			}
			byPath := map[string][]byte{}
			for _, f := range files {
				byPath[f.Path] = f.Content
			}
			if len(byPath[fragment.RulesFile]) == 0 || len(byPath[fragment.RulesFile]) > fragment.MaxRulesBytes {
				t.Errorf("%s is %d bytes, want a short rules file", fragment.RulesFile, len(byPath[fragment.RulesFile]))
			}
			if (tmpl.Port != 0) != (s.Start != "") {
				t.Errorf("start command %q for a template on port %d", s.Start, tmpl.Port)
			}
			if s.Empty {
				if len(files) != 1 {
					t.Errorf("an empty starter has %d files, want the rules file only", len(files))
				}
				return
			}
			if _, ok := byPath[tmpl.File]; !ok {
				t.Errorf("no %s, the entry file of %s", tmpl.File, tmpl.ID)
			}
			dir := t.TempDir()
			for p, b := range byPath {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, b, 0o644); err != nil {
					t.Fatal(err)
				}
				switch filepath.Ext(p) {
				case ".py":
					if out, err := exec.CommandContext(t.Context(), "python3", "-m", "py_compile", full).CombinedOutput(); err != nil {
						t.Errorf("%s does not compile: %v\n%s", p, err, out)
					}
				case ".json":
					var v any
					if err := json.Unmarshal(b, &v); err != nil {
						t.Errorf("%s is not JSON: %v", p, err)
					}
				case ".csv":
					rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
					if err != nil || len(rows) < 10 {
						t.Errorf("%s: %d rows, err %v; want a sample data set", p, len(rows), err)
					}
				case ".tsx", ".vue":
					if !strings.Contains(string(b), "export default") && !strings.Contains(string(b), "<template>") {
						t.Errorf("%s has no default export or template", p)
					}
				}
			}
			if s.Template == "gradio-developer" && !strings.Contains(string(byPath[tmpl.File]), "as demo") {
				t.Errorf("a Gradio app's Blocks must be called demo")
			}
			// Data the code names is shipped with it.
			for _, f := range files {
				if strings.HasPrefix(f.Path, "data/") && !bytes.Contains(byPath[tmpl.File], []byte(strings.TrimPrefix(f.Path, "data/"))) {
					t.Errorf("%s is shipped but %s does not read it", f.Path, tmpl.File)
				}
			}
		})
	}
}

func TestUnknownStarterIsASentence(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "nope", "../catalog", "empty-nope", "catalog.json"} {
		_, files, err := c.Files(id)
		if !apperr.Is(err, apperr.Invalid) || files != nil {
			t.Errorf("Files(%q) = %d files, %v; want an invalid request", id, len(files), err)
		}
		if !strings.HasSuffix(apperr.MessageOf(err), ".") {
			t.Errorf("Files(%q): %q is not a sentence", id, apperr.MessageOf(err))
		}
	}
}
