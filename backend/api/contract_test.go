package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tessera/backend/config"
	"tessera/backend/llm"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/terminal"
)

var (
	errorType   = reflect.TypeFor[error]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	apiPkg      = reflect.TypeFor[Paths]().PkgPath()
)

// contractProblems walks a type the page sees and reports every part of
// it that is not this package's or a builtin: such a type would reach
// models.ts in another namespace (or as `any`), outside the contract.
func contractProblems(t reflect.Type, where string, seen map[reflect.Type]bool) []string {
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		if t == reflect.TypeFor[[]byte]() {
			return nil
		}
		return contractProblems(t.Elem(), where, seen)
	case reflect.Map:
		return append(contractProblems(t.Key(), where+" (key)", seen), contractProblems(t.Elem(), where, seen)...)
	case reflect.Struct:
		if t.PkgPath() != apiPkg {
			return []string{where + ": " + t.String() + " is not an api type"}
		}
		var out []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			fw := where + "." + t.Name() + "." + f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); !camel(tag) {
				out = append(out, fw+": json tag "+f.Tag.Get("json")+" is not camelCase")
			}
			if f.Type == rawJSONType {
				if f.Tag.Get("ts_type") == "" {
					out = append(out, fw+": json.RawMessage needs a ts_type tag")
				}
				continue
			}
			out = append(out, contractProblems(f.Type, fw, seen)...)
		}
		return out
	case reflect.Interface:
		if t == errorType {
			return nil
		}
		return []string{where + ": interface " + t.String()}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return []string{where + ": " + t.String() + " cannot cross to the page"}
	default: // bool, numbers, string, and named kinds of them
		if t.PkgPath() != "" && t.PkgPath() != apiPkg {
			return []string{where + ": " + t.String() + " is not an api type"}
		}
		return nil
	}
}

// camel: "retryAfterSeconds" yes, "top_p", "Home" and "" no.
func camel(tag string) bool {
	return tag != "" && tag[:1] == strings.ToLower(tag[:1]) && !strings.ContainsAny(tag, "_- ")
}

func TestBoundMethodsSpeakOnlyTheContract(t *testing.T) {
	methods := 0
	for _, svc := range ServiceTypes() {
		st := reflect.TypeOf(svc)
		for i := range st.NumMethod() {
			m := st.Method(i)
			methods++
			seen := map[reflect.Type]bool{}
			var problems []string
			for j := 1; j < m.Type.NumIn(); j++ { // 0 is the receiver
				problems = append(problems, contractProblems(m.Type.In(j), st.Elem().Name()+"."+m.Name+" param", seen)...)
			}
			for j := range m.Type.NumOut() {
				problems = append(problems, contractProblems(m.Type.Out(j), st.Elem().Name()+"."+m.Name+" result", seen)...)
			}
			for _, p := range problems {
				t.Error(p)
			}
		}
	}
	if methods < 30 {
		t.Fatalf("only %d bound methods found; is the list of services current?", methods)
	}
}

// The walker itself: it must catch what it is for.
func TestContractProblemsCatchesLeaks(t *testing.T) {
	type snake struct {
		Top string `json:"top_p"`
	}
	type raw struct {
		Blob json.RawMessage `json:"blob"`
	}
	type nested struct {
		Inner []struct {
			Stamp reflect.Method `json:"stamp"`
		} `json:"inner"`
	}
	cases := []struct {
		name string
		typ  reflect.Type
		want string
	}{
		{"api type", reflect.TypeFor[SendResult](), ""},
		{"domain struct", reflect.TypeFor[[]reflect.Method](), "reflect.Method is not an api type"},
		{"named string of another package", reflect.TypeFor[reflect.Kind](), "is not an api type"},
		{"map of api types", reflect.TypeFor[map[string]Paths](), ""},
		{"func", reflect.TypeFor[func()](), "cannot cross"},
		{"snake_case tag", reflect.TypeFor[snake](), "json tag top_p is not camelCase"},
		{"raw JSON without ts_type", reflect.TypeFor[raw](), "needs a ts_type tag"},
		{"nested anonymous struct", reflect.TypeFor[nested](), "is not an api type"},
	}
	for _, c := range cases {
		got := strings.Join(contractProblems(c.typ, "x", map[reflect.Type]bool{}), "; ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// unionOf reads the TypeScript union a ts_type tag gives a field.
func unionOf(t *testing.T, typ reflect.Type, field string) []string {
	t.Helper()
	f, ok := typ.FieldByName(field)
	if !ok {
		t.Fatalf("%s has no field %s", typ, field)
	}
	var out []string
	for _, part := range strings.Split(f.Tag.Get("ts_type"), "|") {
		out = append(out, strings.Trim(strings.TrimSpace(part), "'"))
	}
	return out
}

// The unions the page is typed with are the Go constants, no more, no less.
var terminalStates = []string{terminal.StateStarting, terminal.StateRunning, terminal.StatePaused, terminal.StateLost,
	terminal.StateStopped, terminal.StateExited}

func TestUnionsMatchTheGoConstants(t *testing.T) {
	cases := []struct {
		typ   reflect.Type
		field string
		want  []string
	}{
		{reflect.TypeFor[SandboxStatus](), "State", []string{string(sandbox.StateNone), string(sandbox.StateStarting),
			string(sandbox.StateResuming), string(sandbox.StateRunning), string(sandbox.StatePausing), string(sandbox.StatePaused),
			string(sandbox.StateRebuilding), string(sandbox.StateError), string(sandbox.StateUnreachable)}},
		{reflect.TypeFor[Message](), "Status", []string{store.MessageDone, store.MessageStreaming, store.MessageStopped,
			store.MessageError, store.MessageInterrupted}},
		{reflect.TypeFor[Message](), "Role", []string{llm.RoleUser, llm.RoleAssistant}},
		{reflect.TypeFor[TerminalInfo](), "Kind", []string{terminal.KindShell, terminal.KindServer}},
		{reflect.TypeFor[TerminalInfo](), "State", terminalStates},
		{reflect.TypeFor[TerminalSnapshot](), "Kind", []string{terminal.KindShell, terminal.KindServer}},
		{reflect.TypeFor[TerminalSnapshot](), "State", terminalStates},
		{reflect.TypeFor[ImportResult](), "Sandbox", []string{ImportSandboxAdopted, ImportSandboxNone}},
	}
	for _, c := range cases {
		if got := unionOf(t, c.typ, c.field); !slices.Equal(got, c.want) {
			t.Errorf("%s.%s: ts_type union %v, Go constants %v", c.typ.Name(), c.field, got, c.want)
		}
	}
	// Themes: exactly the ones Settings.Validate accepts.
	for _, theme := range unionOf(t, reflect.TypeFor[Settings](), "Theme") {
		s := config.DefaultSettings()
		s.Theme = theme
		if err := s.Validate(); err != nil {
			t.Errorf("theme %q of the union is refused: %v", theme, err)
		}
	}
	s := config.DefaultSettings()
	s.Theme = "sepia"
	if s.Validate() == nil {
		t.Error("a theme outside the union is accepted")
	}
}
