package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"tessera/backend/apperr"
	"tessera/backend/workspace"
	"tessera/backend/workspace/gitname"
)

// Ignore matches the files a project does not version: Tessera's default
// .gitignore plus the folder's own .gitignore files.
type Ignore struct{ ps []gitignore.Pattern }

// NewIgnore starts from the default patterns and extra ones.
func NewIgnore(extra []gitignore.Pattern) *Ignore {
	i := &Ignore{}
	i.add(nil, []byte(workspace.DefaultGitignore))
	i.ps = append(i.ps, extra...)
	return i
}

func (i *Ignore) add(domain []string, text []byte) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i.ps = append(i.ps, gitignore.ParsePattern(line, domain))
	}
}

// Match reports whether a slash path is ignored.
func (i *Ignore) Match(rel string, dir bool) bool {
	return gitignore.NewMatcher(i.ps).Match(strings.Split(rel, "/"), dir)
}

// IsRepo says whether dir is the top of a git working copy.
func IsRepo(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil && fi.IsDir()
}

// IsBare says whether dir is a git repository without a working copy (a
// bare repository, or a .git folder itself): HEAD, objects/ and refs/ at
// its top. Its files are git's internals, never a project's files.
func IsBare(dir string) bool {
	if IsRepo(dir) {
		return false
	}
	head, err := os.Lstat(filepath.Join(dir, "HEAD"))
	if err != nil || !head.Mode().IsRegular() {
		return false
	}
	for _, d := range []string{"objects", "refs"} {
		if fi, err := os.Lstat(filepath.Join(dir, d)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// ReadFolder reads a folder as a project's files: links are skipped (they
// could point anywhere), so are .git and what the ignore patterns match;
// the limits stop a folder too large. It returns how many files and
// folders were left out.
func ReadFolder(ctx context.Context, dir string, lim Limits) ([]workspace.File, int, error) {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil, 0, apperr.Newf(apperr.NotFound, "Tessera could not find the folder %s.", dir)
	}
	if IsBare(dir) {
		return nil, 0, apperr.Newf(apperr.Invalid, "%s is a bare git repository: its files are git's own, not a project's. Import it as a repository (its history comes along), or choose a working copy.", dir)
	}
	ign := NewIgnore(nil)
	var out []workspace.File
	var total int64
	skipped := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			return apperr.Wrap(cerr, apperr.Canceled, "The import was stopped.")
		}
		if p == dir {
			if b, err := os.ReadFile(filepath.Join(p, ".gitignore")); err == nil {
				ign.add(nil, b)
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 || (!d.IsDir() && !d.Type().IsRegular()) {
			skipped++
			return nil
		}
		if gitname.IsDotGit(d.Name()) && d.Name() != ".git" {
			return apperr.Newf(apperr.Invalid, "The folder holds %q: git, Windows or macOS would take %q for the history folder .git, so nothing was imported. Rename it first.", rel, d.Name())
		}
		if d.Name() == ".git" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if ign.Match(rel, d.IsDir()) {
			skipped++ // a folder (node_modules) counts once
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if b, err := os.ReadFile(filepath.Join(p, ".gitignore")); err == nil {
				ign.add(strings.Split(rel, "/"), b)
			}
			return nil
		}
		clean, err := workspace.CleanPath(rel)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		if len(out) >= lim.MaxFiles || total > lim.MaxBytes {
			return lim.Workspace().TooBig()
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, workspace.File{Path: clean, Content: b})
		return nil
	})
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return nil, 0, err
		}
		return nil, 0, apperr.Wrap(err, apperr.Internal, "Tessera could not read the folder "+dir+".")
	}
	if len(out) == 0 {
		return nil, 0, apperr.Newf(apperr.Invalid, "The folder %s has no files to import.", dir)
	}
	return out, skipped, nil
}
