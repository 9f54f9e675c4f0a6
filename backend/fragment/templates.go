package fragment

import "strings"

// Template is a sandbox template the model may target. Built-in ones are
// Fragments' five; custom ones are E2B template ids added in settings.
type Template struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Instructions string   `json:"instructions"`
	Libraries    []string `json:"libraries"`
	File         string   `json:"file"`
	Port         int      `json:"port"` // 0 = no exposed port (code interpreter)
	Custom       bool     `json:"custom"`
}

// CodeInterpreter is the id of the Python notebook template, the only
// built-in one whose code is run as a cell rather than served.
const CodeInterpreter = "code-interpreter-v1"

// builtin is read-only: Templates hands out deep copies.
var builtin = [...]Template{
	{
		ID:           CodeInterpreter,
		Name:         "Python data analyst",
		Instructions: "Runs code as a Jupyter notebook cell. Strong data analysis angle. Can use complex visualisation to explain results.",
		Libraries:    []string{"python", "jupyter", "numpy", "pandas", "matplotlib", "seaborn", "plotly"},
		File:         "script.py",
	},
	{
		ID:           "nextjs-developer",
		Name:         "Next.js developer",
		Instructions: "A Next.js 13+ app that reloads automatically. Using the pages router.",
		Libraries:    []string{"nextjs@14.2.5", "typescript", "@types/node", "@types/react", "@types/react-dom", "postcss", "tailwindcss", "shadcn"},
		File:         "pages/index.tsx",
		Port:         3000,
	},
	{
		ID:           "vue-developer",
		Name:         "Vue.js developer",
		Instructions: "A Vue.js 3+ app that reloads automatically. Only when asked specifically for a Vue app.",
		Libraries:    []string{"vue@latest", "nuxt@3.13.0", "tailwindcss"},
		File:         "app/app.vue",
		Port:         3000,
	},
	{
		ID:           "streamlit-developer",
		Name:         "Streamlit developer",
		Instructions: "A streamlit app that reloads automatically.",
		Libraries:    []string{"streamlit", "pandas", "numpy", "matplotlib", "requests", "seaborn", "plotly"},
		File:         "app.py",
		Port:         8501,
	},
	{
		ID:           "gradio-developer",
		Name:         "Gradio developer",
		Instructions: "A gradio app. Gradio Blocks/Interface should be called demo.",
		Libraries:    []string{"gradio", "pandas", "numpy", "matplotlib", "requests", "seaborn", "plotly"},
		File:         "app.py",
		Port:         7860,
	},
}

// Templates returns the five built-in templates, in Fragments' order. The
// result is a fresh copy the caller may modify.
func Templates() []Template {
	out := make([]Template, len(builtin))
	for i, t := range builtin {
		t.Libraries = append([]string(nil), t.Libraries...)
		out[i] = t
	}
	return out
}

// Lookup finds a template by id among custom (searched first, so settings
// can refine a built-in's instructions) and the built-in ones. Ids compare
// exactly after trimming spaces; a "-dev" suffix (Fragments' development
// builds) is not stripped.
func Lookup(id string, custom []Template) (Template, bool) {
	id = strings.TrimSpace(id)
	if id == "" {
		return Template{}, false
	}
	for _, t := range custom {
		if t.ID == id {
			t.Custom = true
			t.Libraries = append([]string(nil), t.Libraries...)
			return t, true
		}
	}
	for _, t := range builtin {
		if t.ID == id {
			t.Libraries = append([]string(nil), t.Libraries...)
			return t, true
		}
	}
	return Template{}, false
}

// WithCustom is the built-in templates followed by the custom E2B template
// ids from settings (an id that names a built-in adds nothing). It is the
// one list the template picker shows and the chat chooses from.
func WithCustom(customIDs []string) []Template {
	out := Templates()
	for _, id := range customIDs {
		if _, builtin := Lookup(id, nil); builtin {
			continue
		}
		out = append(out, Template{ID: id, Name: id, Custom: true,
			Instructions: "A custom E2B template (" + id + ") chosen by the person."})
	}
	return out
}

// StartCommand is the command E2B's web templates start their server with
// (the templates' start commands, see shared/reference/fragments.md); ok
// is false for a template without a server. A "-dev" suffix (Fragments'
// development builds) starts the same way.
func StartCommand(template string) (string, bool) {
	switch strings.TrimSuffix(strings.TrimSpace(template), "-dev") {
	case "nextjs-developer":
		return "npx next --turbo", true
	case "vue-developer":
		return "npm run dev", true
	case "streamlit-developer":
		return "streamlit run app.py", true
	case "gradio-developer":
		return "gradio app.py", true
	}
	return "", false
}
