// Package starters is the gallery of projects Tessera ships: each starter
// is a folder embedded in the binary (so it works offline) with its files,
// the start command its template serves it with, and a short rules file
// (fragment.RulesFile) the model reads. Beside the built-in ones there is an
// empty project per template (its rules file only). Creating a project
// from a starter is package projects' (its files become the project's first
// version through the files owner); this package only says what a starter
// is and hands out its files. A starter uses only the packages its
// template's sandbox has installed, so it needs no install step and starts
// offline from the template's own image.
package starters

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
)

//go:embed catalog
var catalog embed.FS

// emptyPrefix starts the id of a template's empty starter.
const emptyPrefix = "empty-"

// Starter is one entry of the gallery.
type Starter struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Stack    string `json:"stack"`
	Shows    string `json:"shows"`
	Template string `json:"template"`
	// Start is how the template serves the project (its own start
	// command, fragment.StartCommand; "" for a notebook, whose entry file
	// runs as a cell).
	Start string `json:"-"`
	// Entry is the template's entry file (fragment.Template.File).
	Entry string `json:"entry"`
	// Empty: only the rules file.
	Empty bool `json:"empty"`
}

// File is one file of a starter, its path relative to the project folder.
type File struct {
	Path    string
	Content []byte
}

// Catalog is the gallery read from the embedded folder. Read-only once
// built; safe for concurrent use.
type Catalog struct {
	list []Starter
}

// Load reads the embedded gallery and checks it (a broken one is a bug
// of this build: the error says which starter).
func Load() (*Catalog, error) {
	raw, err := catalog.ReadFile("catalog/catalog.json")
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "The built-in starters are missing from this build of Tessera.")
	}
	var list []Starter
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "The list of built-in starters is damaged in this build of Tessera.")
	}
	seen := map[string]bool{}
	for i, s := range list {
		t, ok := fragment.Lookup(s.Template, nil)
		if !ok {
			return nil, apperr.Newf(apperr.Internal, "The built-in starter %s names an unknown template %q.", s.ID, s.Template)
		}
		if seen[s.ID] || strings.HasPrefix(s.ID, emptyPrefix) || s.ID == "" {
			return nil, apperr.Newf(apperr.Internal, "The built-in starter id %q is empty, repeated or reserved.", s.ID)
		}
		seen[s.ID] = true
		list[i].Entry = t.File
		list[i].Start, _ = fragment.StartCommand(t.ID)
		if _, err := fs.Stat(catalog, path.Join("catalog", s.ID, t.File)); err != nil {
			return nil, apperr.Newf(apperr.Internal, "The built-in starter %s has no %s, its template's entry file.", s.ID, t.File)
		}
		if _, err := fs.Stat(catalog, path.Join("catalog", s.ID, fragment.RulesFile)); err != nil {
			return nil, apperr.Newf(apperr.Internal, "The built-in starter %s has no %s.", s.ID, fragment.RulesFile)
		}
		if t.Port != 0 && list[i].Start == "" {
			return nil, apperr.Newf(apperr.Internal, "The built-in starter %s has no start command.", s.ID)
		}
	}
	for _, t := range fragment.Templates() {
		start, _ := fragment.StartCommand(t.ID)
		list = append(list, Starter{Start: start,
			ID: emptyPrefix + t.ID, Name: "Empty " + t.Name + " project", Stack: strings.Join(t.Libraries, ", "),
			Shows: "Nothing yet: the template's own start page, ready for the first message.", Template: t.ID,
			Entry: t.File, Empty: true,
		})
	}
	return &Catalog{list: list}, nil
}

// List is every starter, the built-in ones first, then the empty ones.
func (c *Catalog) List() []Starter {
	out := make([]Starter, len(c.list))
	copy(out, c.list)
	return out
}

// Get finds a starter by id; an unknown id is an invalid request.
func (c *Catalog) Get(id string) (Starter, error) {
	id = strings.TrimSpace(id)
	for _, s := range c.list {
		if s.ID == id {
			return s, nil
		}
	}
	return Starter{}, apperr.Newf(apperr.Invalid, "There is no starter %q; choose one from the gallery.", id)
}

// Files is the starter's files, sorted by path.
func (c *Catalog) Files(id string) (Starter, []File, error) {
	s, err := c.Get(id)
	if err != nil {
		return Starter{}, nil, err
	}
	if s.Empty {
		t, _ := fragment.Lookup(s.Template, nil)
		rules := fmt.Sprintf("# Rules for this project\n\n- This is a %s project (%s); its entry file is `%s`.\n- Write down here what the model must always keep in mind.\n", t.Name, t.ID, t.File)
		return s, []File{{Path: fragment.RulesFile, Content: []byte(rules)}}, nil
	}
	root := path.Join("catalog", s.ID)
	var files []File
	err = fs.WalkDir(catalog, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := catalog.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, File{Path: strings.TrimPrefix(p, root+"/"), Content: b})
		return nil
	})
	if err != nil {
		return Starter{}, nil, apperr.Wrap(err, apperr.Internal, "The starter's files could not be read from this build of Tessera.")
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return s, files, nil
}
