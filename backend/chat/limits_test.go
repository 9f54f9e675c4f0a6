package chat

import (
	"context"
	"strings"
	"testing"

	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
	"tessera/backend/store"
)

// A hostile answer (a 50 MB file) is refused as it streams: the turn is
// an error with the sentence, the row keeps the answer's text, and none of
// the file is stored.
func TestRefusedAnswerKeepsItsTextNotItsFile(t *testing.T) {
	r := newRig(t)
	text := `{"commentary":"Here is the data you asked for.","template":"code-interpreter-v1","title":"Data",` +
		`"file_path":"data.csv","code":"` + strings.Repeat("9,9,9,9\\n", (50<<20)/10) + `"}`
	r.llm.Push(llmtest.Response{Text: text, ChunkSize: 8 << 10})
	res, err, _ := r.send("make a big csv")
	if err != nil {
		t.Fatal(err)
	}
	m := res.Assistant
	if m == nil || m.Status != store.MessageError || m.Content != "Here is the data you asked for." {
		t.Fatalf("assistant %+v", m)
	}
	rr := runResult(t, m)
	if rr.StepError == nil || !strings.Contains(rr.StepError.Message, "data.csv grew past the 4 MB limit for one file") {
		t.Fatalf("step error %+v", rr.StepError)
	}
	stored, err := r.store.GetMessage(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	size := len(stored.Content) + len(stored.Fragment) + len(stored.Result)
	if size > 64<<10 || strings.Contains(string(stored.Fragment), "9,9,9,9") {
		t.Fatalf("the row keeps %d bytes (fragment %.200s)", size, stored.Fragment)
	}
}

func TestBoundPartial(t *testing.T) {
	small := fragment.Partial{Files: []fragment.File{{Path: "a", Content: "x"}}}
	if got := boundPartial(small); got.Files[0].Content != "x" {
		t.Fatalf("a small partial changed: %+v", got)
	}
	big := fragment.Partial{Files: []fragment.File{
		{Path: "a", Content: strings.Repeat("a", maxKeptPartial/2)},
		{Path: "b", Content: strings.Repeat("b", maxKeptPartial)},
		{Path: "c", Content: "c"},
	}}
	got := boundPartial(big)
	if len(got.Files) != 3 || got.Files[0].Content != big.Files[0].Content || got.Files[1].Content != "" || got.Files[2].Content != "c" || got.Files[1].Path != "b" {
		t.Fatalf("bound %d/%d/%d", len(got.Files[0].Content), len(got.Files[1].Content), len(got.Files[2].Content))
	}
	if len(big.Files[1].Content) != maxKeptPartial {
		t.Fatal("the caller's partial was changed")
	}
}
