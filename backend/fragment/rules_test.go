package fragment

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRulesPrompt(t *testing.T) {
	long := strings.Repeat("- use tabs, never spaces\n", 600) // about 15 KB
	wide := strings.Repeat("ü", MaxRulesBytes)                // 2 bytes each: the limit falls inside one
	tests := []struct {
		name             string
		in               string
		wantEmpty, isCut bool
	}{
		{"none", "", true, false},
		{"blank", " \n\t", true, false},
		{"short", "Answer in French.", false, false},
		{"long is cut at a line", long, false, true},
		{"never inside a character", wide, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			section, cut := RulesPrompt(tt.in)
			if (section == "") != tt.wantEmpty {
				t.Fatalf("section %q", section)
			}
			if (cut != "") != tt.isCut {
				t.Fatalf("cut sentence %q", cut)
			}
			if section == "" {
				return
			}
			if !utf8.ValidString(section) {
				t.Fatal("the section is not valid text")
			}
			body := section[strings.Index(section, "<rules>\n")+8 : strings.Index(section, "\n</rules>")]
			if len(body) > MaxRulesBytes {
				t.Fatalf("%d bytes of rules sent, limit %d", len(body), MaxRulesBytes)
			}
			if !strings.Contains(tt.in, body) {
				t.Fatal("the rules sent are not the file's beginning")
			}
			if tt.name == "long is cut at a line" && !strings.HasSuffix(body, "spaces") {
				t.Fatalf("cut mid-line: %q", body[len(body)-20:])
			}
			if tt.isCut && !strings.Contains(cut, RulesFile) {
				t.Fatalf("the sentence does not name the file: %q", cut)
			}
		})
	}
}
