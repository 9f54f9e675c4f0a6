package api

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tessera/backend/agent"
	"tessera/backend/apperr"
	"tessera/backend/archive"
	"tessera/backend/env"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// adoptWait bounds the look for an imported project's sandbox at E2B: an
// import does not wait long for a slow network (the sandbox is then
// rebuilt from the files when needed).
const adoptWait = 20 * time.Second

// TransferStore is what export, import and push need from the database.
type TransferStore interface {
	workspace.Index // an import's folder is adopted under the project's name
	GetProject(ctx context.Context, id string) (store.Project, error)
	DeleteProject(ctx context.Context, id string) error
	ListMessages(ctx context.Context, projectID string) ([]store.Message, error)
	// The agent turns an export keeps with their answers.
	TurnForMessage(ctx context.Context, messageID string) (store.AgentTurn, error)
	ListSteps(ctx context.Context, turnID string) ([]store.AgentStep, error)
	ImportProject(ctx context.Context, in store.ImportedProject) (store.Project, bool, error)
	GetRemote(ctx context.Context, projectID string) (store.Remote, error)
	SetRemote(ctx context.Context, r store.Remote) error
	DeleteRemote(ctx context.Context, projectID string) error
	MarkPushed(ctx context.Context, projectID string, at time.Time) error
}

// Dialogs are the native file dialogs (the Wails runtime's, in app.go).
// Each returns "" when the person cancels.
type Dialogs interface {
	SaveFile(ctx context.Context, title, defaultName string) (string, error)
	OpenFile(ctx context.Context, title string) (string, error)
	OpenFolder(ctx context.Context, title string) (string, error)
}

// SandboxAdopter finds an imported project's sandbox at E2B by its
// metadata (sandbox.Manager).
type SandboxAdopter interface {
	Adopt(ctx context.Context, projectID string) (string, error)
}

// TokenKeychain keeps the push tokens (secrets.Store). Get is for the
// push itself: no token travels back to the page.
type TokenKeychain interface {
	Keychain
	Get(ctx context.Context, account string) (string, error)
}

// TransferService exports a project to a zip, imports a zip, a folder or a
// git repository as a new project, and pushes a project's history to a git
// remote. Bound. The methods that do the work take a path, so tests (and
// the page's own flows) need no dialog; the Choose* methods open one.
type TransferService struct {
	ctx       func() context.Context
	ws        *projectfiles.Owner
	st        TransferStore
	sandboxes SandboxAdopter // nil: imports never adopt a sandbox
	keys      TokenKeychain
	dialogs   Dialogs
	version   string
	log       *slog.Logger
	limits    archive.Limits
	redact    env.Redacter
}

// TransferConfig wires a TransferService.
type TransferConfig struct {
	Ctx        func() context.Context
	Workspaces *projectfiles.Owner
	Store      TransferStore
	Sandboxes  SandboxAdopter
	Keys       TokenKeychain
	Dialogs    Dialogs
	Version    string
	Log        *slog.Logger
	Limits     archive.Limits // zero: archive.DefaultLimits
	// Redactor takes the project's secret values out of chat.json and
	// chat.md (messages stored before redaction existed may hold them).
	Redactor env.Redacter
}

// NewTransferService builds the service.
func NewTransferService(c TransferConfig) *TransferService {
	if c.Limits.MaxEntries == 0 {
		c.Limits = archive.DefaultLimits
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &TransferService{ctx: c.Ctx, ws: c.Workspaces, st: c.Store, sandboxes: c.Sandboxes, keys: c.Keys,
		dialogs: c.Dialogs, version: c.Version, log: c.Log, limits: c.Limits, redact: c.Redactor}
}

// ExportRequest writes a project to a zip at Path (absolute).
type ExportRequest struct {
	ProjectID string `json:"projectId"`
	Path      string `json:"path"`
}

// ExportResult says what was written.
type ExportResult struct {
	Path     string `json:"path"`
	Files    int    `json:"files"`
	Messages int    `json:"messages"`
	Bytes    int64  `json:"bytes"`
}

// What became of an imported project's sandbox (ImportResult.Sandbox).
const (
	ImportSandboxAdopted = "adopted"
	ImportSandboxNone    = "none"
)

// ImportResult is the new project and what came with it.
type ImportResult struct {
	Project  Project `json:"project"`
	Files    int     `json:"files"`
	Versions int     `json:"versions"`
	Messages int     `json:"messages"`
	// Skipped counts files and folders left out (ignored by default, such
	// as node_modules, or links).
	Skipped int `json:"skipped"`
	// Sandbox: "adopted" (its sandbox at E2B was found and is the
	// project's again), "none" (made from the files when needed).
	Sandbox string `json:"sandbox" ts_type:"'adopted' | 'none'"`
	Warning string `json:"warning,omitempty"`
}

// ChooseExportPath opens a save dialog for the project's zip; "" when the
// person cancels.
func (s *TransferService) ChooseExportPath(projectID string) (string, error) {
	ctx := s.ctx()
	p, err := s.st.GetProject(ctx, projectID)
	if err != nil {
		return "", err
	}
	return s.dialog().SaveFile(ctx, "Export "+p.Name, workspace.SafeName(p.Name)+".zip")
}

// ChooseImportFile opens a dialog for a zip to import; "" when cancelled.
func (s *TransferService) ChooseImportFile() (string, error) {
	return s.dialog().OpenFile(s.ctx(), "Import a project (.zip)")
}

// ChooseImportFolder opens a dialog for a folder or git repository to
// import; "" when cancelled.
func (s *TransferService) ChooseImportFolder() (string, error) {
	return s.dialog().OpenFolder(s.ctx(), "Import a folder or git repository")
}

func (s *TransferService) dialog() Dialogs {
	if s.dialogs == nil {
		return noDialogs{}
	}
	return s.dialogs
}

type noDialogs struct{}

func (noDialogs) SaveFile(context.Context, string, string) (string, error) { return "", errNoDialog }
func (noDialogs) OpenFile(context.Context, string) (string, error)         { return "", errNoDialog }
func (noDialogs) OpenFolder(context.Context, string) (string, error)       { return "", errNoDialog }

var errNoDialog = apperr.New(apperr.Unavailable, "File dialogs are not available yet; try again in a moment.")

// Export writes the project (files, history, chat) as a zip at req.Path.
// The file appears whole or not at all (written beside, then renamed).
func (s *TransferService) Export(req ExportRequest) (ExportResult, error) {
	ctx := s.ctx()
	dst, err := exportPath(req.Path)
	if err != nil {
		return ExportResult{}, err
	}
	p, err := s.st.GetProject(ctx, req.ProjectID)
	if err != nil {
		return ExportResult{}, err
	}
	w, err := s.ws.Workspace(ctx, p.ID)
	if err != nil {
		return ExportResult{}, err
	}
	msgs, err := s.st.ListMessages(ctx, p.ID)
	if err != nil {
		return ExportResult{}, err
	}
	turns, err := s.agentTurns(ctx, p.ID, msgs)
	if err != nil {
		return ExportResult{}, err
	}
	msgs = redactMessages(s.redact, p.ID, msgs)
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tessera-export-*")
	if err != nil {
		return ExportResult{}, apperr.Wrap(err, apperr.Invalid, "Tessera cannot write in "+filepath.Dir(dst)+". Choose another place.")
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	m := archive.Manifest{AppVersion: s.version, ExportedAt: time.Now().UTC(), Project: archive.ProjectInfo{
		ID: p.ID, Name: p.Name, Description: p.Description, Template: p.Template, CreatedAt: p.CreatedAt, SandboxID: p.SandboxID}}
	werr := archive.Write(ctx, tmp, archive.Source{Manifest: m, Workspace: w, Messages: msgs, Agent: turns})
	cerr := tmp.Close()
	if werr == nil && cerr != nil {
		werr = apperr.Wrap(cerr, apperr.Internal, "Tessera could not finish the export file. Check the disk has space.")
	}
	if werr != nil {
		return ExportResult{}, werr
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return ExportResult{}, apperr.Wrap(err, apperr.Internal, "Tessera could not save the export as "+dst+".")
	}
	fi, _ := os.Stat(dst)
	files, _ := w.Files(ctx)
	s.log.Info("project exported", "project", p.ID, "bytes", fi.Size())
	return ExportResult{Path: dst, Files: len(files), Messages: len(msgs), Bytes: fi.Size()}, nil
}

// exportPath checks where an export goes: an absolute path in a folder
// that exists, ending in .zip (added when missing).
func exportPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" || !filepath.IsAbs(p) {
		return "", apperr.New(apperr.Invalid, "Choose where to save the export (a full path to a .zip file).")
	}
	p = filepath.Clean(p)
	if !strings.EqualFold(filepath.Ext(p), ".zip") {
		p += ".zip"
	}
	if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
		return "", apperr.Newf(apperr.Invalid, "The folder %s does not exist. Choose another place.", filepath.Dir(p))
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return "", apperr.Newf(apperr.Invalid, "%s is a folder. Choose a file name.", p)
	}
	return p, nil
}

// Import makes a new project from a Tessera export (.zip), a zip of files,
// a folder, or a git repository (a folder with .git: its history comes
// along). Nothing is changed when it fails: the project appears whole or
// not at all.
func (s *TransferService) Import(path string) (ImportResult, error) {
	ctx := s.ctx()
	path = strings.TrimSpace(path)
	if path == "" || !filepath.IsAbs(path) {
		return ImportResult{}, apperr.New(apperr.Invalid, "Choose a .zip file or a folder to import (a full path).")
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ImportResult{}, apperr.Newf(apperr.NotFound, "There is nothing at %s.", path)
	} else if err != nil {
		return ImportResult{}, apperr.Wrap(err, apperr.Invalid, "Tessera could not read "+path+".")
	}
	staging, err := s.ws.Folders().Staging()
	if err != nil {
		return ImportResult{}, err
	}
	res, err := s.importInto(ctx, path, fi.IsDir(), staging)
	if err != nil {
		if rerr := os.RemoveAll(staging); rerr != nil {
			s.log.Warn("could not remove an unfinished import", "dir", staging, "err", rerr)
		}
		return ImportResult{}, err
	}
	return res, nil
}

// agentTurns reads the step log of each agent answer of msgs, with the
// project's secret values redacted from the arguments and outputs (a
// step's output may print one the model never saw).
func (s *TransferService) agentTurns(ctx context.Context, projectID string, msgs []store.Message) (map[string]archive.AgentTurn, error) {
	out := map[string]archive.AgentTurn{}
	redact := func(v string) string {
		if s.redact == nil {
			return v
		}
		return s.redact.Redact(projectID, v)
	}
	for _, m := range msgs {
		if m.Role != "assistant" {
			continue
		}
		t, err := s.st.TurnForMessage(ctx, m.ID)
		if apperr.Is(err, apperr.NotFound) {
			continue // a one-shot answer
		} else if err != nil {
			return nil, err
		}
		rows, err := s.st.ListSteps(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		turn := archive.AgentTurn{Mode: t.Mode, Status: t.Status, Reason: t.Reason, Steps: make([]archive.AgentStep, 0, len(rows))}
		for _, st := range rows {
			args := st.Title
			if args == "" || args == st.Tool {
				args = st.Args
			}
			step := archive.AgentStep{Seq: st.Seq, Tool: st.Tool, Args: redact(args), Status: st.Status}
			var res agent.ToolResult
			if len(st.Result) > 0 && json.Unmarshal(st.Result, &res) == nil {
				step.ExitCode, step.Output = res.ExitCode, redact(res.Output)
			}
			_ = json.Unmarshal(st.Changed, &step.Changed)
			turn.Steps = append(turn.Steps, step)
		}
		out[m.ID] = turn
	}
	return out, nil
}

// redactMessages replaces the project's secret values in what an export
// writes of its messages (text, fragment and run result; the markers need
// no escaping inside JSON).
func redactMessages(r env.Redacter, projectID string, msgs []store.Message) []store.Message {
	if r == nil {
		return msgs
	}
	raw := func(b json.RawMessage) json.RawMessage {
		if len(b) == 0 {
			return b
		}
		out := r.Redact(projectID, string(b))
		if out == string(b) || !json.Valid([]byte(out)) {
			return b
		}
		return json.RawMessage(out)
	}
	out := make([]store.Message, len(msgs))
	for i, m := range msgs {
		m.Content = r.Redact(projectID, m.Content)
		m.Fragment, m.Result = raw(m.Fragment), raw(m.Result)
		out[i] = m
	}
	return out
}
