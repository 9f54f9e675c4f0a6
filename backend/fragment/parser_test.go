package fragment

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"tessera/backend/apperr"
)

const sample = `{"commentary":"I will build a counter.\nIt uses state.","template":"nextjs-developer","title":"Counter","description":"A counter app.","additional_dependencies":["zod"],"has_additional_dependencies":true,"install_dependencies_command":"npm i zod","port":3000,"file_path":"pages/index.tsx","code":"export default function Home() {\n  return <div>{\"}\"}</div>\n}\n","files":[{"path":"components/Button.tsx","content":"export const B = () => null\n"}]}`

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, f *Fragment)
		err   string // substring of the user message; "" = success
	}{
		{name: "plain", in: sample, check: func(t *testing.T, f *Fragment) {
			if f.Title != "Counter" || f.Template != "nextjs-developer" || *f.Port != 3000 || !f.HasAdditionalDependencies ||
				f.AdditionalDependencies[0] != "zod" || f.InstallDependenciesCommand != "npm i zod" ||
				f.Commentary != "I will build a counter.\nIt uses state." {
				t.Errorf("fields: %+v", f)
			}
			if len(f.Files) != 2 || f.Files[0].Path != "pages/index.tsx" || !strings.Contains(f.Code, `{"}"}`) || f.Files[1].Path != "components/Button.tsx" {
				t.Errorf("files: %q", f.Files)
			}
		}},
		{name: "fenced with prose", in: "Sure! Here it is:\n```json\n" + sample + "\n```\nEnjoy {the} app.", check: func(t *testing.T, f *Fragment) {
			if f.Title != "Counter" {
				t.Errorf("title %q", f.Title)
			}
		}},
		{name: "prose braces before object", in: `Use {braces} and {"a": 1} then ` + sample, check: func(t *testing.T, f *Fragment) {
			if f.Title != "Counter" {
				t.Errorf("title %q", f.Title)
			}
		}},
		{name: "unterminated string in prose, fenced answer", in: "The dict {\"key\n```json\n" + sample + "\n```", check: func(t *testing.T, f *Fragment) {
			if f.Title != "Counter" || len(f.Files) != 2 {
				t.Errorf("fragment %+v", f)
			}
		}},
		{name: "legacy code array", in: `{"template":"code-interpreter-v1","code":[{"file_name":"a.py","file_path":"src/a.py","file_content":"print(1)","file_finished":true},{"file_name":"b.py","file_content":"x"}],"port":null}`,
			check: func(t *testing.T, f *Fragment) {
				if len(f.Files) != 2 || f.Files[0] != (File{Path: "src/a.py", Content: "print(1)"}) || f.Files[1] != (File{Path: "b.py", Content: "x"}) || f.Port != nil {
					t.Errorf("files %q port %v", f.Files, f.Port)
				}
			}},
		{name: "lenient JSON", in: "{\"title\":\"T\",\"file_path\":\"a.py\",\"code\":\"line1\nline2 \\' \\u00e9 \\ud83d\\ude00\",\"port\":\"8501\",\"additional_dependencies\":\"rich, httpx\",}",
			check: func(t *testing.T, f *Fragment) {
				if f.Code != "line1\nline2 \\' é 😀" || f.Port == nil || *f.Port != 8501 || len(f.AdditionalDependencies) != 2 {
					t.Errorf("code %q port %v deps %q", f.Code, f.Port, f.AdditionalDependencies)
				}
			}},
		{name: "nested unknown values skipped", in: `{"meta":{"x":[1,{"code":"no"}],"y":true},"file_path":"a.py","code":"yes","has_additional_dependencies":false,"port":1e3}`,
			check: func(t *testing.T, f *Fragment) {
				if f.Code != "yes" || f.HasAdditionalDependencies || *f.Port != 1000 {
					t.Errorf("%+v", f)
				}
			}},
		{name: "truncated", in: sample[:len(sample)/2], err: "stopped before the fragment was complete"},
		{name: "empty", in: "  \n", err: "empty answer"},
		{name: "prose only", in: "I cannot help with that.", err: "not a fragment"},
		{name: "object without code", in: `{"commentary":"hm"}`, err: "no code"},
		{name: "path outside project", in: `{"file_path":"../x.py","code":"x"}`, err: "outside the project"},
		{name: "absolute extra file", in: `{"file_path":"a.py","code":"x","files":[{"path":"/root/.ssh/authorized_keys","content":"k"}]}`, err: "outside the project"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Whole, byte by byte, and in random chunks must agree.
			for _, chunks := range [][]string{{tt.in}, split(tt.in, 1), randomSplit(tt.in, 7)} {
				p := NewParser()
				for _, c := range chunks {
					if _, err := p.Feed(c); err != nil {
						t.Fatal(err)
					}
				}
				f, err := p.Final()
				if tt.err != "" {
					if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), tt.err) {
						t.Fatalf("err = %v, want Invalid containing %q", err, tt.err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("chunks %d: %v", len(chunks), err)
				}
				tt.check(t, f)
			}
		})
	}
}

func split(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

func randomSplit(s string, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed))
	var out []string
	for len(s) > 0 {
		n := 1 + r.IntN(12)
		if n > len(s) {
			n = len(s)
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func TestPartialProgress(t *testing.T) {
	p := NewParser()
	var seen []Partial
	for _, c := range split(sample, 3) {
		part, err := p.Feed(c)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, part)
	}
	// Commentary grows monotonically and is visible before the code starts.
	var commentaryBeforeCode, codeGrew bool
	prev := Partial{}
	for _, s := range seen {
		if !strings.HasPrefix(s.Commentary, prev.Commentary) {
			t.Fatalf("commentary went backwards: %q -> %q", prev.Commentary, s.Commentary)
		}
		if s.Commentary != "" && s.Code == "" {
			commentaryBeforeCode = true
		}
		if len(s.Code) > len(prev.Code) && len(prev.Code) > 0 {
			codeGrew = true
		}
		prev = s
	}
	if !commentaryBeforeCode || !codeGrew {
		t.Errorf("commentaryBeforeCode=%v codeGrew=%v", commentaryBeforeCode, codeGrew)
	}
	last := seen[len(seen)-1]
	if !last.Done || last.Title != "Counter" || last.Template != "nextjs-developer" || last.Description != "A counter app." {
		t.Errorf("last partial = %+v", last)
	}
	if strings.Join(last.FilePaths, ",") != "pages/index.tsx,components/Button.tsx" || len(last.Files) != 2 {
		t.Errorf("paths %q files %d", last.FilePaths, len(last.Files))
	}
	if last.Code != "export const B = () => null\n" {
		t.Errorf("Code of the last file = %q", last.Code)
	}
	// Partial while the second file is half written.
	p = NewParser()
	half := strings.Index(sample, "export const B") + 8
	part, _ := p.Feed(sample[:half])
	if part.Done || part.Code != "export c" || len(part.Files) != 2 || part.Files[1].Path != "components/Button.tsx" {
		t.Errorf("half partial = %+v", part)
	}
}

func TestFeedLimits(t *testing.T) {
	p := NewParser()
	if _, err := p.Feed(strings.Repeat(" ", MaxAnswerBytes+1)); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("oversize: %v", err)
	}
	p = NewParser()
	p.Feed(sample)
	if _, err := p.Final(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Feed("x"); err == nil {
		t.Error("Feed after Final succeeded")
	}
	// Deep nesting is abandoned, not a stack overflow.
	p = NewParser()
	p.Feed(`{"x":` + strings.Repeat("[", 100000))
	if _, err := p.Final(); err == nil {
		t.Error("deep nesting parsed")
	}
}

func TestMatchesEncodingJSON(t *testing.T) {
	// Anything encoding/json produces, the parser reads back identically.
	f := Fragment{
		Commentary: "quotes \" backslash \\ tab \t ctrl \x01 uni é 😀 \u2028", Template: "code-interpreter-v1",
		Title: "<T&>", Description: "d", AdditionalDependencies: []string{"a", "b"}, HasAdditionalDependencies: true,
		Port: nil, FilePath: "x/y.py", Code: strings.Repeat("print('}{')\n", 50),
		Files: []File{{Path: "x/y.py", Content: "override"}, {Path: "z.py", Content: "z"}},
	}
	b, _ := json.Marshal(f)
	got, err := Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	want := f
	if err := want.Normalize(); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("got  %s\nwant %s", g, w)
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            bool
	}{
		{name: "bare", in: `{"a":1}`, want: `{"a":1}`},
		{name: "fence", in: "x {y}\n```json\n{\"a\":\"}\"}\n```", want: `{"a":"}"}`},
		{name: "JSON fence, spaces", in: "```JSON  \n  {\"a\":[{}]} \n```", want: `{"a":[{}]}`},
		{name: "prose around", in: `Here: {"a":"b\"}"} bye`, want: `{"a":"b\"}"}`},
		{name: "skips braces in prose", in: `use {x} then {"k":{}}`, want: `{"k":{}}`},
		{name: "empty object", in: `{}`, want: `{}`},
		{name: "none", in: "no json here", err: true},
		{name: "unbalanced", in: `{"a":"b"`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract(tt.in)
			if tt.err {
				if !apperr.Is(err, apperr.Invalid) {
					t.Fatalf("Extract = %q, %v; want Invalid", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Extract = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// FuzzParser: any byte sequence, cut anywhere, gives partials and a
// fragment or an error, never a panic; a fragment it accepts has only
// paths inside the project.
func FuzzParser(f *testing.F) {
	f.Add(sample, uint16(3))
	f.Add("```json\n"+sample[:200], uint16(1))
	f.Add(`{"code":[{"path":"a","content":"\ud83d`, uint16(5))
	f.Add(`{"file_path":"a.py","code":"x","port":"7e4","additional_dependencies":"a b"}`, uint16(2))
	f.Add(`x{"title":1,{"code":"\u12`, uint16(4))
	f.Fuzz(func(t *testing.T, in string, step uint16) {
		n := int(step%64) + 1
		p := NewParser()
		for _, c := range split(in, n) {
			part, err := p.Feed(c)
			if err != nil {
				return
			}
			_ = part
		}
		fr, err := p.Final()
		if err != nil {
			if apperr.MessageOf(err) == "" {
				t.Fatal("error without a message")
			}
			return
		}
		if len(fr.Files) == 0 || fr.FilePath != fr.Files[0].Path {
			t.Fatalf("accepted fragment without files: %+v", fr)
		}
		for _, file := range fr.Files {
			if strings.HasPrefix(file.Path, "/") || strings.Contains("/"+file.Path+"/", "/../") || !utf8.ValidString(file.Path) {
				t.Fatalf("accepted path %q", file.Path)
			}
		}
		// Chunking must not change the outcome.
		whole, err := Parse(in)
		if err != nil || whole.Code != fr.Code || len(whole.Files) != len(fr.Files) {
			t.Fatalf("whole parse differs: %v", err)
		}
	})
}

// FuzzExtract: Extract returns a substring starting with '{' and ending
// with '}' or an error.
func FuzzExtract(f *testing.F) {
	f.Add("```json\n{\"a\":1}\n```")
	f.Add(`{"a":"\"}`)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Extract(in)
		if err != nil {
			return
		}
		if !strings.Contains(in, got) || got[0] != '{' || got[len(got)-1] != '}' {
			t.Fatalf("Extract(%q) = %q", in, got)
		}
	})
}

// TestChunkingInvariance: however the answer is cut, and whether or not a
// Partial is taken between chunks (Write defers plain string runs until
// something looks at the fields), the last Partial and the fragment are
// those of the whole text.
func TestChunkingInvariance(t *testing.T) {
	inputs := map[string]string{
		"sample": sample,
		"big":    bigAnswer(6000),
		"escapes": `{"commentary":"a\u00e9\ud83d\ude00b \ud83d x \udc00 y \\ \/ \" \b\f\n\r\t \' \$ end",` +
			`"port":"3000","additional_dependencies":"numpy, pandas","file_path":"a.py","code":"print(1)\n\ud83d\ude00\u0041",` +
			`"files":[{"name":"b.py","content":"x = \"\\n\"\n"},{"path":"c.py","contents":"c"}]}`,
		"prose and fence":   "Sure! {not json} here:\n```json\n" + sample + "\n```\nEnjoy {x}.",
		"false start":       `{"title":"abandoned","code":"x" oops {"title":"T","file_path":"a.py","code":"yy\nzz"}`,
		"unclosed in prose": `{"note":"see below` + "\n```json\n" + sample + "\n```",
		"truncated":         sample[:len(sample)/2],
	}
	marshal := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			whole := NewParser()
			wantPart, _ := whole.Feed(in)
			wantFr, wantErr := whole.Final()
			var cuts [][]string
			for _, n := range []int{1, 2, 3, 4, 7, 64} {
				cuts = append(cuts, split(in, n))
			}
			for seed := range uint64(8) {
				cuts = append(cuts, randomSplit(in, seed))
			}
			for i, chunks := range cuts {
				for _, every := range []int{0, 1, 5} { // Partial after every n-th chunk, 0: never
					p := NewParser()
					fed := 0
					for j, c := range chunks {
						if err := p.Write(c); err != nil {
							t.Fatal(err)
						}
						fed += len(c)
						if every > 0 && j%every == 0 {
							got := p.Partial()
							if j%(every*13) == 0 { // now and then, against a fresh parse of the prefix
								want, _ := NewParser().Feed(in[:fed])
								if marshal(got) != marshal(want) {
									t.Fatalf("cut %d, every %d, after %d bytes: partial\n got %s\nwant %s", i, every, fed, marshal(got), marshal(want))
								}
							}
						}
					}
					if got := p.Partial(); marshal(got) != marshal(wantPart) {
						t.Fatalf("cut %d, every %d: partial\n got %s\nwant %s", i, every, marshal(got), marshal(wantPart))
					}
					fr, err := p.Final()
					if (err == nil) != (wantErr == nil) || marshal(fr) != marshal(wantFr) {
						t.Fatalf("cut %d, every %d: Final = %s, %v; want %s, %v", i, every, marshal(fr), err, marshal(wantFr), wantErr)
					}
				}
			}
		})
	}
}

// The setup (template, install) is reported only once each value is
// complete, and before the code: a sandbox can start while code streams.
func TestPartialSetupSettlesBeforeTheCode(t *testing.T) {
	cases := []struct {
		name, text string
		template   string
		install    string
		doneBefore string // Setup.Done is set before this text has arrived
		noneBefore string // and not before this one
	}{
		{"install declared",
			`{"commentary":"c","template":"nextjs-developer","title":"t","description":"d","additional_dependencies":["zod"],"has_additional_dependencies":true,"install_dependencies_command":"npm i zod","port":3000,"file_path":"pages/index.tsx","code":"export default 1"}`,
			"nextjs-developer", "npm i zod", `"port"`, `"npm i zod"`},
		{"nothing to install",
			`{"commentary":"c","template":"code-interpreter-v1","title":"t","has_additional_dependencies":false,"install_dependencies_command":"","file_path":"a.py","code":"print(1)"}`,
			"code-interpreter-v1", "", `"file_path"`, `false`},
		{"install fields left out: settled when the code begins",
			`{"template":"code-interpreter-v1","code":"print(1)"}`,
			"code-interpreter-v1", "", `print`, `"code"`},
		{"install before has_additional_dependencies",
			`{"template":"vue-developer","install_dependencies_command":"npm i x","has_additional_dependencies":true,"code":"x"}`,
			"vue-developer", "npm i x", `"code"`, `true`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := NewParser()
			doneAt, noneAt := strings.Index(c.text, c.doneBefore), strings.Index(c.text, c.noneBefore)
			var last Setup
			for i := 0; i < len(c.text); i++ {
				part, err := p.Feed(c.text[i : i+1])
				if err != nil {
					t.Fatal(err)
				}
				s := part.Setup
				if s.Template != "" && s.Template != c.template {
					t.Fatalf("at %d: template %q before it was complete", i, s.Template)
				}
				if s.Done && i < noneAt {
					t.Fatalf("at %d: settled too early: %+v", i, s)
				}
				if s.Install != "" && s.Install != c.install {
					t.Fatalf("at %d: install %q before it was complete", i, s.Install)
				}
				if i == doneAt && !s.Done {
					t.Fatalf("not settled by %q: %+v", c.doneBefore, s)
				}
				last = s
			}
			if last != (Setup{Template: c.template, Done: true, Install: c.install}) {
				t.Fatalf("end: %+v", last)
			}
		})
	}
}
