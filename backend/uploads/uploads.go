// Package uploads puts files the person brings (a CSV to analyse, an
// image for the app) into a project through its files owner (package
// projectfiles: a version per upload, project_files, the project's
// sandbox), and describes them to the model (name, size, columns or first
// lines) so that it writes code that reads them instead of receiving them.
package uploads

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"tessera/backend/apperr"
	"tessera/backend/names"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Dir is the project folder uploads go into.
const Dir = "data"

// Limits on uploads.
const (
	// MaxFileBytes is one file (read from a path the person chose).
	MaxFileBytes = 50 << 20
	// MaxInlineBytes is one file the page sends as bytes (a drop): it
	// travels base64 over the page's bridge, so it is kept smaller; the
	// Upload button's native dialog takes files up to MaxFileBytes.
	MaxInlineBytes = 15 << 20
	// MaxProjectBytes is all of a project's uploads together.
	MaxProjectBytes = 200 << 20
	// MaxFiles is one upload at a time.
	MaxFiles = 20
	maxName  = 200
	// maxNameBytes is what file systems take in one name (ext4, APFS,
	// NTFS in UTF-16 units at most as long).
	maxNameBytes = 255
)

// Store is the part of the database uploads use.
type Store interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	PutUpload(ctx context.Context, projectID string, u store.Upload) (store.Upload, error)
	ListUploads(ctx context.Context, projectID string) ([]store.Upload, error)
}

// Files is the owner of the project's files (projectfiles.Owner).
type Files interface {
	Apply(ctx context.Context, projectID string, c projectfiles.Change) (projectfiles.Result, error)
}

// Config wires a Service.
type Config struct {
	Store  Store
	Files  Files
	Logger *slog.Logger
	// ProjectLimit is the most a project's uploads may take together
	// (default MaxProjectBytes).
	ProjectLimit int64
}

// Service uploads files. Safe for concurrent use.
type Service struct{ cfg Config }

// New builds a Service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ProjectLimit <= 0 {
		cfg.ProjectLimit = MaxProjectBytes
	}
	return &Service{cfg: cfg}
}

// File is one file to upload: the name the person's system gave it and
// its bytes.
type File struct {
	Name    string
	Content []byte
}

// Result is what an upload kept; Warning says when the sandbox could not
// take the files now (they are kept and reach it on its rebuild).
type Result struct {
	Uploads []store.Upload
	Warning string
}

// CleanName turns a file's name into its path in the project
// (data/<name>): only the last part of a path is kept, control
// characters are refused.
func CleanName(name string) (string, error) {
	base := strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	switch {
	case base == "" || base == "." || base == ".." || base == "/":
		return "", apperr.New(apperr.Invalid, "A file to upload has no name.")
	case !utf8.ValidString(base) || strings.IndexFunc(base, unicode.IsControl) >= 0:
		return "", apperr.Newf(apperr.Invalid, "The file name %q has characters Tessera cannot use. Rename the file and upload it again.", names.Cut(base, 40))
	}
	// Counted in what a person sees, with no character that hides or
	// reverses what follows (a "\u202Egnp.exe" would show as "exe.png").
	what := fmt.Sprintf("The file name %q", names.Cut(base, 40))
	clean, err := names.Check(base, what, maxName)
	if err != nil {
		return "", err
	}
	if len(clean) > maxNameBytes {
		return "", apperr.Newf(apperr.Invalid, "%s is too long for the disk (at most %d bytes; this one has %d). Rename the file and upload it again.", what, maxNameBytes, len(clean))
	}
	return workspace.CleanPath(Dir + "/" + clean)
}

// Upload keeps files in the project and writes them into its sandbox.
// Every file is checked first: a file too large or badly named refuses
// the whole upload with a sentence, and nothing is changed.
func (s *Service) Upload(ctx context.Context, projectID string, in []File, maxEach int64) (Result, error) {
	if len(in) == 0 {
		return Result{Uploads: []store.Upload{}}, nil
	}
	if len(in) > MaxFiles {
		return Result{}, apperr.Newf(apperr.Invalid, "At most %d files can be uploaded at once.", MaxFiles)
	}
	_, err := s.cfg.Store.GetProject(ctx, projectID)
	if err != nil {
		return Result{}, err
	}
	have, err := s.cfg.Store.ListUploads(ctx, projectID)
	if err != nil {
		return Result{}, err
	}
	// An upload of a path already uploaded replaces it: only the new size counts.
	var total int64
	sizes := make(map[string]int64, len(have))
	for _, u := range have {
		sizes[u.Path] = u.Size
		total += u.Size
	}
	seen := map[string]bool{}
	paths := make([]string, len(in))
	for i, f := range in {
		rel, err := CleanName(f.Name)
		if err != nil {
			return Result{}, err
		}
		if seen[strings.ToLower(rel)] {
			return Result{}, apperr.Newf(apperr.Invalid, "Two files are named %q; upload one of them.", path.Base(rel))
		}
		seen[strings.ToLower(rel)] = true
		if n := int64(len(f.Content)); n > maxEach {
			return Result{}, tooLarge(path.Base(rel), n, maxEach)
		}
		paths[i] = rel
		total += int64(len(f.Content)) - sizes[rel]
	}
	if total > s.cfg.ProjectLimit {
		return Result{}, apperr.Newf(apperr.Invalid, "The project's uploads would take %s; a project holds at most %s of uploaded files.",
			HumanSize(total), HumanSize(s.cfg.ProjectLimit))
	}

	writes := make([]projectfiles.Write, len(in))
	for i, f := range in {
		writes[i] = projectfiles.Write{Path: paths[i], Content: f.Content}
	}
	// The files first (folder, index, sandbox), then the list of uploads:
	// an upload is listed only while it is among the project's files.
	// A project without a sandbox gets none made for this: its first run
	// builds one from the project's files, uploads included.
	applied, err := s.cfg.Files.Apply(ctx, projectID, projectfiles.Upload("Uploaded "+strings.Join(paths, ", "), writes...))
	if err != nil {
		return Result{}, err
	}
	res := Result{Uploads: make([]store.Upload, 0, len(in))}
	for i, f := range in {
		kind, summary := Summarize(paths[i], f.Content)
		u, err := s.cfg.Store.PutUpload(ctx, projectID, store.Upload{Path: paths[i], Size: int64(len(f.Content)), Kind: kind, Summary: summary})
		if err != nil {
			return Result{}, err
		}
		res.Uploads = append(res.Uploads, u)
	}
	s.cfg.Logger.Info("files uploaded", "project", projectID, "files", len(in))
	if applied.Warning != "" {
		res.Warning = "The files are kept in the project but are not in the sandbox yet: " + applied.Warning
	}
	return res, nil
}

// UploadPaths reads files the person chose in the native dialog and
// uploads them (up to MaxFileBytes each). Paths come from the OS dialog,
// never from the page.
func (s *Service) UploadPaths(ctx context.Context, projectID string, paths []string) (Result, error) {
	if len(paths) > MaxFiles {
		return Result{}, apperr.Newf(apperr.Invalid, "At most %d files can be uploaded at once.", MaxFiles)
	}
	in := make([]File, 0, len(paths))
	for _, p := range paths {
		b, err := readLimited(p, MaxFileBytes)
		if err != nil {
			return Result{}, err
		}
		in = append(in, File{Name: filepath.Base(p), Content: b})
	}
	return s.Upload(ctx, projectID, in, MaxFileBytes)
}

// readLimited reads a regular file of at most max bytes.
func readLimited(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "Tessera could not open "+p+". Check that it exists and you may read it.")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, apperr.Newf(apperr.Invalid, "%s is not a file; choose files, not folders.", p)
	}
	if fi.Size() > max {
		return nil, tooLarge(filepath.Base(p), fi.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not read "+p+".")
	}
	if int64(len(b)) > max {
		return nil, tooLarge(filepath.Base(p), int64(len(b)), max)
	}
	return b, nil
}

func tooLarge(name string, n, max int64) error {
	msg := fmt.Sprintf("%s is %s; files up to %s can be uploaded", name, HumanSize(n), HumanSize(max))
	if max < MaxFileBytes {
		msg += fmt.Sprintf(" by dropping them. Use the Upload button for files up to %s", HumanSize(MaxFileBytes))
	}
	return apperr.New(apperr.Invalid, msg+".")
}

// List returns the project's uploaded files.
func (s *Service) List(ctx context.Context, projectID string) ([]store.Upload, error) {
	if _, err := s.cfg.Store.GetProject(ctx, projectID); err != nil {
		return nil, err
	}
	return s.cfg.Store.ListUploads(ctx, projectID)
}

// maxPromptUploads bounds the files the prompt describes.
const maxPromptUploads = 40

// PromptSection is what the model is told about the uploaded files: where
// they are in the sandbox and what is in them ("" when there are none).
func PromptSection(ups []store.Upload, root string) string {
	if len(ups) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nThe user uploaded these files into the project. They are already in the sandbox at the paths given " +
		"(relative to the project root " + root + "; use the path exactly). Write code that reads them from there; " +
		"do not paste their contents into your code and do not return them in \"files\":\n")
	for i, u := range ups {
		if i == maxPromptUploads {
			fmt.Fprintf(&b, "(and %d more uploaded files under %s/)\n", len(ups)-i, Dir)
			break
		}
		fmt.Fprintf(&b, "<upload path=%q absolute_path=%q size=%q>\n%s\n</upload>\n", u.Path, root+"/"+u.Path, HumanSize(u.Size), u.Summary)
	}
	return b.String()
}
