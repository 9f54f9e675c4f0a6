package fragment

import (
	"strings"
	"testing"

	"tessera/backend/apperr"
)

func intp(n int) *int { return &n }

func TestCleanPath(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "app.py", want: "app.py"},
		{in: "./pages//index.tsx", want: "pages/index.tsx"},
		{in: `components\Button.tsx`, want: "components/Button.tsx"},
		{in: "  src/a.ts  ", want: "src/a.ts"},
		{in: "a/./b/", want: "a/b"},
		{in: "", bad: true},
		{in: ".", bad: true},
		{in: "/etc/passwd", bad: true},
		{in: `\\server\share`, bad: true},
		{in: "C:/x.py", bad: true},
		{in: "~/x.py", bad: true},
		{in: "../x.py", bad: true},
		{in: "a/../../x.py", bad: true},
		{in: "a/../b", bad: true},
		{in: `a\..\b`, bad: true},
		{in: "a\x00b", bad: true},
		{in: "a\nb", bad: true},
		{in: strings.Repeat("a", MaxPathLength+1), bad: true},
		{in: "..foo/bar..", want: "..foo/bar.."},
		{in: ".git/hooks/post-checkout", bad: true},
		{in: ".git./hooks/post-checkout", bad: true},
		{in: "GIT~1/config", bad: true},
		{in: "src/.G\u200cIT/config", bad: true},
		{in: `.git \hooks\x`, bad: true},
		{in: ".github/workflows/ci.yml", want: ".github/workflows/ci.yml"},
		{in: ".gitignore", want: ".gitignore"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := CleanPath(tt.in)
			if tt.bad {
				if !apperr.Is(err, apperr.Invalid) {
					t.Fatalf("CleanPath(%q) = %q, %v; want Invalid", tt.in, got, err)
				}
				if !strings.Contains(apperr.MessageOf(err), "Try again") {
					t.Errorf("message %q does not say what to do", apperr.MessageOf(err))
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("CleanPath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      Fragment
		want    []File
		port    *int
		deps    []string
		wantErr bool
		errHas  string // part of the sentence, when wantErr
	}{
		{
			name: "single file form",
			in:   Fragment{Template: "streamlit-developer", FilePath: "app.py", Code: "import streamlit", Port: intp(8501)},
			want: []File{{Path: "app.py", Content: "import streamlit"}},
			port: intp(8501),
		},
		{
			name: "multi file with main",
			in: Fragment{FilePath: "pages/index.tsx", Code: "A", Files: []File{
				{Path: "components/b.tsx", Content: "B"}, {Path: "./pages/index.tsx", Content: "A2"}, {Path: "", Content: ""},
			}},
			want: []File{{Path: "pages/index.tsx", Content: "A2"}, {Path: "components/b.tsx", Content: "B"}},
		},
		{
			name: "one file at the cap",
			in:   Fragment{FilePath: "data.csv", Code: strings.Repeat("x", MaxFileBytes)},
			want: []File{{Path: "data.csv", Content: strings.Repeat("x", MaxFileBytes)}},
		},
		{
			name:    "one file over the cap",
			in:      Fragment{FilePath: "data.csv", Code: strings.Repeat("x", MaxFileBytes+1)},
			wantErr: true,
			errHas:  "data.csv is 4 MB and 1 byte, over the 4 MB limit for one file",
		},
		{
			name: "many files over the answer cap",
			in: Fragment{Files: []File{{Path: "a", Content: strings.Repeat("x", MaxFileBytes)}, {Path: "b", Content: strings.Repeat("x", MaxFileBytes)},
				{Path: "c", Content: strings.Repeat("x", MaxFileBytes)}, {Path: "d", Content: strings.Repeat("x", MaxFileBytes)}, {Path: "e", Content: "x"}}},
			wantErr: true,
			errHas:  "add up to 16 MB and 1 byte, over the 16 MB limit for one answer",
		},
		{
			name: "files only",
			in:   Fragment{Files: []File{{Path: "main.py", Content: "print(1)"}, {Path: "lib/u.py", Content: "x=1"}}},
			want: []File{{Path: "main.py", Content: "print(1)"}, {Path: "lib/u.py", Content: "x=1"}},
		},
		{
			name: "code without path uses template file",
			in:   Fragment{Template: "gradio-developer", Code: "demo"},
			want: []File{{Path: "app.py", Content: "demo"}},
		},
		{
			name: "deps trimmed, port 0 is none",
			in:   Fragment{FilePath: "a.py", Code: "x", AdditionalDependencies: []string{" rich ", ""}, Port: intp(0)},
			want: []File{{Path: "a.py", Content: "x"}},
			deps: []string{"rich"},
		},
		{name: "code without path, unknown template", in: Fragment{Template: "my-tpl", Code: "x"}, wantErr: true},
		{name: "no code", in: Fragment{Commentary: "hi"}, wantErr: true},
		{name: "escaping path", in: Fragment{FilePath: "../../.bashrc", Code: "x"}, wantErr: true},
		{name: "escaping extra file", in: Fragment{FilePath: "a.py", Code: "x", Files: []File{{Path: "/etc/x", Content: "y"}}}, wantErr: true},
		{name: "bad port", in: Fragment{FilePath: "a.py", Code: "x", Port: intp(70000)}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.in
			err := f.Normalize()
			if tt.wantErr {
				if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), tt.errHas) {
					t.Fatalf("err = %v, want Invalid with %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalFiles(f.Files, tt.want) {
				t.Fatalf("Files = %q, want %q", f.Files, tt.want)
			}
			if f.FilePath != tt.want[0].Path || f.Code != tt.want[0].Content {
				t.Errorf("main = %q/%q, want Files[0]", f.FilePath, f.Code)
			}
			if (f.Port == nil) != (tt.port == nil) || (f.Port != nil && *f.Port != *tt.port) {
				t.Errorf("Port = %v, want %v", f.Port, tt.port)
			}
			if tt.deps != nil && strings.Join(f.AdditionalDependencies, ",") != strings.Join(tt.deps, ",") {
				t.Errorf("deps = %q, want %q", f.AdditionalDependencies, tt.deps)
			}
		})
	}
}

func equalFiles(a, b []File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTemplates(t *testing.T) {
	want := []struct {
		id, file string
		port     int
	}{
		{"code-interpreter-v1", "script.py", 0},
		{"nextjs-developer", "pages/index.tsx", 3000},
		{"vue-developer", "app/app.vue", 3000},
		{"streamlit-developer", "app.py", 8501},
		{"gradio-developer", "app.py", 7860},
	}
	got := Templates()
	if len(got) != len(want) {
		t.Fatalf("%d templates, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.id || g.File != w.file || g.Port != w.port || g.Name == "" || g.Instructions == "" || len(g.Libraries) == 0 || g.Custom {
			t.Errorf("template %d = %+v, want %+v", i, g, w)
		}
	}
	got[0].Libraries[0] = "mutated"
	if Templates()[0].Libraries[0] == "mutated" {
		t.Error("Templates shares its slices with callers")
	}
}

func TestLookup(t *testing.T) {
	custom := []Template{{ID: "my-team/fastapi", Name: "FastAPI", File: "main.py", Port: 8000}}
	tests := []struct {
		id     string
		ok     bool
		custom bool
		file   string
	}{
		{"nextjs-developer", true, false, "pages/index.tsx"},
		{" gradio-developer ", true, false, "app.py"},
		{"my-team/fastapi", true, true, "main.py"},
		{"nope", false, false, ""},
		{"", false, false, ""},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.id, custom)
		if ok != tt.ok || got.Custom != tt.custom || got.File != tt.file {
			t.Errorf("Lookup(%q) = %+v, %v", tt.id, got, ok)
		}
	}
}
