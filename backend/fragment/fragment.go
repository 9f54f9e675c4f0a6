// Package fragment holds what an LLM answer turns into: the fragment schema
// (Fragments' ten fields plus multi-file output), the templates it may run
// in, the system prompt that asks for it, and an incremental parser that
// turns a streamed JSON answer into partial fragments while it arrives.
package fragment

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"tessera/backend/apperr"
	"tessera/backend/files"
	"tessera/backend/units"
	"tessera/backend/workspace/gitname"
)

// Limits that keep a runaway answer from becoming a runaway project.
const (
	MaxFiles      = 500
	MaxPathLength = 1024
	// MaxFileBytes caps one file of an answer, MaxFilesBytes all of them:
	// far above any file a person would read, far below what would make
	// the database, the sandbox write or the editor crawl.
	MaxFileBytes  = 4 << 20
	MaxFilesBytes = 16 << 20
)

// File is one file of a project, its path relative to the project root
// (the type every layer shares, see package files).
type File = files.File

// Fragment is one LLM answer: Fragments' ten fields plus Files, the
// multi-file form. After Normalize, Files holds every file of the answer
// (the main file first) and FilePath/Code mirror Files[0], so code that only
// knows the single-file form keeps working.
type Fragment struct {
	Commentary                 string   `json:"commentary"`
	Template                   string   `json:"template"`
	Title                      string   `json:"title"`
	Description                string   `json:"description"`
	AdditionalDependencies     []string `json:"additional_dependencies"`
	HasAdditionalDependencies  bool     `json:"has_additional_dependencies"`
	InstallDependenciesCommand string   `json:"install_dependencies_command"`
	Port                       *int     `json:"port"`
	FilePath                   string   `json:"file_path"`
	Code                       string   `json:"code"`
	Files                      []File   `json:"files,omitempty"`
}

// Normalize validates the fragment and puts it in canonical form:
//   - Files gets the single-file form (file_path/code) as its first entry,
//     followed by the entries of files; a path that appears twice keeps its
//     first position and its last content;
//   - a code without file_path goes to the built-in template's entry file;
//   - every path is cleaned ("./a//b" -> "a/b") and must stay inside the
//     project: absolute paths and ".." are rejected with an apperr.Invalid;
//   - FilePath/Code are set to Files[0];
//   - dependencies are trimmed, empty ones dropped;
//   - a port outside 1..65535 is rejected, 0 means none.
//
// Normalize does not require a known template: custom template ids come from
// settings, which this package does not see. Callers check Template with
// Lookup.
func (f *Fragment) Normalize() error {
	f.Template = strings.TrimSpace(f.Template)
	var files []File
	index := map[string]int{}
	add := func(p, content string) error {
		clean, err := CleanPath(p)
		if err != nil {
			return err
		}
		if i, ok := index[clean]; ok {
			files[i].Content = content
			return nil
		}
		if len(files) >= MaxFiles {
			return apperr.Newf(apperr.Invalid, "The answer has more than %d files; ask for a smaller change.", MaxFiles)
		}
		if len(content) > MaxFileBytes {
			return apperr.Newf(apperr.Invalid, "The answer's file %s is %s for one file. Ask for smaller files, or for code that creates the data when it runs.",
				clean, units.Over(int64(len(content)), MaxFileBytes))
		}
		index[clean] = len(files)
		files = append(files, File{Path: clean, Content: content})
		return nil
	}

	mainPath := strings.TrimSpace(f.FilePath)
	if mainPath == "" && f.Code != "" {
		if t, ok := Lookup(f.Template, nil); ok && t.File != "" {
			mainPath = t.File
		} else {
			return apperr.New(apperr.Invalid, "The answer has code but does not say which file it belongs to. Try again.")
		}
	}
	if mainPath != "" {
		if err := add(mainPath, f.Code); err != nil {
			return err
		}
	}
	for _, file := range f.Files {
		if strings.TrimSpace(file.Path) == "" && file.Content == "" {
			continue // an empty placeholder entry, as small models sometimes emit
		}
		if err := add(file.Path, file.Content); err != nil {
			return err
		}
	}
	if len(files) == 0 {
		return apperr.New(apperr.Invalid, "The answer has no code. Try again, or describe the app you want in more detail.")
	}
	total := 0
	for _, file := range files {
		total += len(file.Content)
	}
	if total > MaxFilesBytes {
		return apperr.Newf(apperr.Invalid, "The answer's files add up to %s for one answer. Ask for a smaller change.",
			units.Over(int64(total), MaxFilesBytes))
	}
	f.Files = files
	f.FilePath, f.Code = files[0].Path, files[0].Content

	deps := make([]string, 0, len(f.AdditionalDependencies))
	for _, d := range f.AdditionalDependencies {
		if d = strings.TrimSpace(d); d != "" {
			deps = append(deps, d)
		}
	}
	f.AdditionalDependencies = deps
	if len(deps) > 0 {
		f.HasAdditionalDependencies = true
	}
	f.InstallDependenciesCommand = strings.TrimSpace(f.InstallDependenciesCommand)

	if f.Port != nil {
		switch p := *f.Port; {
		case p == 0:
			f.Port = nil
		case p < 0 || p > 65535:
			return apperr.Newf(apperr.Invalid, "The answer asks for port %d, which does not exist. Try again.", p)
		}
	}
	return nil
}

// CleanPath normalises a file path from an answer and checks that it stays
// inside the project: backslashes become slashes, "./" and duplicate slashes
// go, and absolute paths, drive letters and ".." segments are refused with
// an apperr.Invalid that quotes the path.
func CleanPath(p string) (string, error) {
	orig := p
	p = strings.TrimSpace(p)
	bad := func(why string) (string, error) {
		return "", apperr.Newf(apperr.Invalid, "The answer wants to write the file %q, %s. Try again.", truncate(orig, 120), why)
	}
	switch {
	case p == "":
		return bad("which has no name")
	case len(p) > MaxPathLength:
		return bad("whose path is too long")
	case !utf8.ValidString(p):
		return bad("whose name is not valid text")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return bad("whose name contains control characters")
		}
	}
	// Models trained on Windows examples write backslashes; the sandbox is
	// Linux, where a backslash would silently become part of a file name.
	p = strings.ReplaceAll(p, `\`, "/")
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || (len(p) >= 2 && p[1] == ':') {
		return bad("which is outside the project (paths must be relative)")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return bad(`which is outside the project (".." is not allowed)`)
		}
		if gitname.IsDotGit(seg) {
			return bad("inside git's history folder (git, Windows or macOS take " + strconv.Quote(seg) + " for .git)")
		}
	}
	p = path.Clean(p)
	if p == "." || p == "" {
		return bad("which is the project folder itself")
	}
	return p, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// String is a short description for logs (never the code itself).
func (f *Fragment) String() string {
	return fmt.Sprintf("fragment{template=%q title=%q files=%d}", f.Template, f.Title, len(f.Files))
}
