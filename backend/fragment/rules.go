package fragment

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// RulesFile is the project's own instructions to the model: a file in the
// folder's root that every prompt carries (one-shot and agent turns),
// edited like any file in the Files tab.
const RulesFile = "TESSERA.md"

// MaxRulesBytes bounds what a prompt carries of the rules file.
const MaxRulesBytes = 8 << 10

// RulesPrompt is the prompt's rules section for the rules file's content
// ("" when it is empty), and the sentence for the person when the file was
// longer than MaxRulesBytes and only its beginning was sent ("" when whole).
func RulesPrompt(content string) (section, cut string) {
	content = strings.TrimSpace(content)
	if content == "" {
		return "", ""
	}
	if len(content) > MaxRulesBytes {
		// At a line end when there is one in the last quarter, never
		// inside a character.
		end := MaxRulesBytes
		for end > 0 && !utf8.RuneStart(content[end]) {
			end--
		}
		if nl := strings.LastIndexByte(content[:end], '\n'); nl > MaxRulesBytes*3/4 {
			end = nl
		}
		cut = fmt.Sprintf("%s is %d KB; only its first %d KB reach the model. Shorten it to keep every rule.",
			RulesFile, (len(content)+1023)/1024, MaxRulesBytes>>10)
		content = content[:end]
	}
	return "\nThe project's rules (from " + RulesFile + ", written by the person; follow them unless the person's message says otherwise):\n<rules>\n" +
		content + "\n</rules>\n", cut
}
