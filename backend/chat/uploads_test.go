package chat

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"tessera/backend/llm/llmtest"
	"tessera/backend/uploads"
)

// An uploaded CSV is described to the model (columns, first rows), never
// pasted whole, and is in the sandbox where the model's code reads it:
// through the rebuild when the project had no sandbox yet, written at once
// when it had one.
func TestUploadedFilesAreDescribedAndReadableInTheSandbox(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	up := uploads.New(uploads.Config{Store: r.store, Files: r.files})
	var csv strings.Builder
	csv.WriteString("region,sales\n")
	for i := range 50 {
		fmt.Fprintf(&csv, "r%d,%d\n", i, i*10)
	}
	csv.WriteString("zz-last-row,999\n")
	if _, err := up.Upload(ctx, r.proj.ID, []uploads.File{{Name: "sales.csv", Content: []byte(csv.String())},
		{Name: "logo.png", Content: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}}, uploads.MaxInlineBytes); err != nil {
		t.Fatal(err)
	}

	r.llm.Push(llmtest.FragmentResponse(pyFragment("import csv\nrows = list(csv.DictReader(open('data/sales.csv')))\nprint(len(rows), rows[-1]['region'])"), 40))
	res, err, _ := r.send("how many rows?")
	if err != nil {
		t.Fatal(err)
	}
	rr := runResult(t, res.Assistant)
	if rr.Error != nil || strings.Join(rr.Stdout, "") != "51 zz-last-row\n" {
		t.Fatalf("the code could not read the upload: %+v %+v", rr.Error, rr.Stdout)
	}
	sys := r.llm.Requests()[0].Chat().Messages[0].Content
	for _, want := range []string{`path="data/sales.csv"`, "51 data rows, 2 columns: region, sales", "r0,0", `path="data/logo.png"`, "binary (image/png)", "/home/user/data/sales.csv"} {
		if !strings.Contains(sys, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, sys)
		}
	}
	if strings.Contains(sys, "zz-last-row") || strings.Contains(sys, "IHDR") {
		t.Errorf("the prompt carries an upload's contents:\n%s", sys)
	}

	// The sandbox runs now: a new upload is written into it at once.
	if _, err := up.Upload(ctx, r.proj.ID, []uploads.File{{Name: "notes.txt", Content: []byte("first line\nsecond\n")}}, uploads.MaxInlineBytes); err != nil {
		t.Fatal(err)
	}
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(open('data/notes.txt').readline().strip())"), 40))
	res, err, _ = r.send("read the notes")
	if err != nil {
		t.Fatal(err)
	}
	if rr := runResult(t, res.Assistant); strings.Join(rr.Stdout, "") != "first line\n" {
		t.Fatalf("%+v %+v", rr.Error, rr.Stdout)
	}
	if c := r.fake.Counts(); c.Creates != 1 {
		t.Fatalf("creates = %d: the upload must go into the running sandbox", c.Creates)
	}

	// The page's file list leaves the binary upload out.
	fs, err := r.chat.Files(ctx, r.proj.ID)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range fs {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, " "); got != "data/notes.txt data/sales.csv script.py" {
		t.Fatalf("files %q", got)
	}
}
