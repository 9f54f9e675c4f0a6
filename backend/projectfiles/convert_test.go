package projectfiles

import (
	"testing"

	"tessera/backend/workspace"
)

func TestFromEntriesLeavesLinksInTheFolder(t *testing.T) {
	tests := []struct {
		name string
		in   []workspace.FileEntry
		want []string
	}{
		{"files", []workspace.FileEntry{{Path: "a.py", Content: []byte("1")}, {Path: "b/c.txt"}}, []string{"a.py", "b/c.txt"}},
		{"a link is not a file of the index", []workspace.FileEntry{{Path: "a.py"}, {Path: "l", Link: true, Content: []byte("a.py")}}, []string{"a.py"}},
		{"only links", []workspace.FileEntry{{Path: "l", Link: true}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromEntries(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d files %+v, want %v", len(got), got, tt.want)
			}
			for i, f := range got {
				if f.Path != tt.want[i] {
					t.Errorf("file %d = %s, want %s", i, f.Path, tt.want[i])
				}
			}
		})
	}
}
