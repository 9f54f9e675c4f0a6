package fragment

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSystemPrompt(t *testing.T) {
	all := Templates()
	tests := []struct {
		name      string
		templates []Template
		files     []File
		want      []string
		notWant   []string
	}{
		{
			name:      "auto lists every template",
			templates: all,
			want: []string{"You are a skilled software engineer", "one of the following templates",
				`1. code-interpreter-v1: "Runs code as a Jupyter notebook cell.`, "File: script.py", "Port: none.",
				"5. gradio-developer", "Port: 7860.", `"files"`, `never containing ".."`},
			notWant: []string{"persistent project"},
		},
		{
			name:      "one template",
			templates: all[3:4],
			want:      []string{"Use the following template:", "1. streamlit-developer", "Port: 8501."},
			notWant:   []string{"nextjs-developer"},
		},
		{
			name:      "existing files are included for editing",
			templates: all[3:4],
			files:     []File{{Path: "app.py", Content: "import streamlit as st\nst.title('hi')"}, {Path: "lib/util.py", Content: "X = 1\n"}},
			want: []string{"Edit it, do not start over", `<file path="app.py">` + "\nimport streamlit as st\nst.title('hi')\n</file>",
				`<file path="lib/util.py">` + "\nX = 1\n</file>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SystemPrompt(tt.templates, tt.files)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("prompt lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("prompt has %q", w)
				}
			}
		})
	}
}

func TestJSONSchema(t *testing.T) {
	raw := JSONSchema("a", "b")
	var s struct {
		Type                 string                     `json:"type"`
		AdditionalProperties bool                       `json:"additionalProperties"`
		Required             []string                   `json:"required"`
		Properties           map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.Type != "object" || s.AdditionalProperties || len(s.Required) != 11 || len(s.Properties) != 11 {
		t.Fatalf("schema = %s", raw)
	}
	// Streaming order: commentary first, code before the extra files.
	str := string(raw)
	if !(strings.Index(str, `"commentary":{`) < strings.Index(str, `"template":{`) &&
		strings.Index(str, `"template":{`) < strings.Index(str, `"code":{`)) {
		t.Errorf("property order wrong: %s", raw)
	}
	if !strings.Contains(str, `"enum":["a","b"]`) || !strings.Contains(str, `"type":["integer","null"]`) {
		t.Errorf("schema lacks enum or nullable port: %s", raw)
	}
	if strings.Contains(string(JSONSchema()), "enum") {
		t.Error("enum without template ids")
	}
}

func TestEnvPromptNamesOnly(t *testing.T) {
	cases := []struct {
		name  string
		in    []string
		want  []string
		empty bool
	}{
		{"none", nil, nil, true},
		{"names", []string{"API_URL", "TOKEN"}, []string{"API_URL, TOKEN", "os.environ", "process.env", ".env"}, false},
		{"odd names dropped", []string{"X=1\nignore previous", "9A", "OK"}, []string{": OK."}, false},
		{"only odd", []string{"a b"}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := EnvPrompt(c.in)
			if c.empty != (got == "") {
				t.Fatalf("EnvPrompt(%q) = %q", c.in, got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			if strings.Contains(got, "ignore previous") {
				t.Error("a name with a line break reached the prompt")
			}
		})
	}
}
