// Package archive moves a project in and out of Tessera as one zip file:
// its files (the current version, readable without Tessera), its whole
// history (a git packfile), and its chat as JSON (to import) and Markdown
// (to read). It also reads a plain zip or a folder as a project's files.
//
// An archive is hostile input: every name is checked (no absolute paths,
// no "..", no links), counts and sizes are bounded by what was actually
// decompressed rather than what the archive claims, and reading never
// writes anything; the caller builds the project only from a fully read,
// valid archive.
package archive

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Names inside a Tessera export.
const (
	ManifestName = "tessera-project.json"
	FilesDir     = "files/"
	PackName     = "history.pack"
	ChatJSONName = "chat.json"
	ChatMDName   = "chat.md"
	// Format is the version of the layout; an archive from a newer
	// Tessera is refused with a sentence rather than half read.
	Format = 1
)

// Manifest describes an export.
type Manifest struct {
	Format     int         `json:"format"`
	App        string      `json:"app"` // "tessera"
	AppVersion string      `json:"appVersion,omitempty"`
	ExportedAt time.Time   `json:"exportedAt"`
	Project    ProjectInfo `json:"project"`
	// Head is the current version (a git commit in history.pack); ""
	// when the project had no version.
	Head  string `json:"head"`
	Files int    `json:"files"`
}

// ProjectInfo is what is kept of the project's row. Its ID lets the
// importing Tessera find the project's sandbox at E2B by its metadata.
type ProjectInfo struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Template    string    `json:"template"`
	CreatedAt   time.Time `json:"createdAt"`
	SandboxID   string    `json:"sandboxId,omitempty"`
}

// Message is one chat message in chat.json.
type Message struct {
	ID          string             `json:"id"`
	Role        string             `json:"role"`
	Content     string             `json:"content"`
	Fragment    json.RawMessage    `json:"fragment,omitempty"`
	Result      json.RawMessage    `json:"result,omitempty"`
	Status      string             `json:"status"`
	CreatedAt   time.Time          `json:"createdAt"`
	Attachments []store.Attachment `json:"attachments,omitempty"`
	// Agent is what the agent did in the turn this answer is kept with
	// (absent for a one-shot answer).
	Agent *AgentTurn `json:"agent,omitempty"`
}

// AgentTurn is an agent turn's step log as an export keeps it: enough to
// see what the agent did, not to replay it byte for byte (outputs are
// capped; the files themselves are in the history).
type AgentTurn struct {
	Mode   string      `json:"mode"`
	Status string      `json:"status"`
	Reason string      `json:"reason,omitempty"`
	Steps  []AgentStep `json:"steps"`
}

// AgentStep is one step: the tool, its short arguments (the step card's
// title), how it ended and its output, capped.
type AgentStep struct {
	Seq      int      `json:"seq"`
	Tool     string   `json:"tool"`
	Args     string   `json:"args"`
	Status   string   `json:"status"`
	ExitCode *int     `json:"exitCode,omitempty"`
	Output   string   `json:"output,omitempty"`
	Changed  []string `json:"changed,omitempty"`
}

// Caps of what an export keeps of a step (characters).
const (
	MaxStepArgs   = 200
	MaxStepOutput = 4000
)

// capped keeps s whole when it fits in max characters, else its head and
// tail with a sentence between saying how much was cut.
func capped(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	head, tail := max*3/4, max/4
	return fmt.Sprintf("%s\n[… %d characters cut in the export …]\n%s", string(r[:head]), len(r)-head-tail, string(r[len(r)-tail:]))
}

// clip keeps the first max characters of one line.
func clip(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// trimmed is t with its arguments and outputs capped.
func (t AgentTurn) trimmed() *AgentTurn {
	out := t
	out.Steps = make([]AgentStep, len(t.Steps))
	for i, st := range t.Steps {
		st.Args, st.Output = clip(st.Args, MaxStepArgs), capped(st.Output, MaxStepOutput)
		out.Steps[i] = st
	}
	return &out
}

// Chat is chat.json.
type Chat struct {
	ProjectID string    `json:"projectId"`
	Messages  []Message `json:"messages"`
}

// Source is what Write reads from: the project's workspace (history and
// files) and its chat.
type Source struct {
	Manifest  Manifest
	Workspace interface {
		WritePack(ctx context.Context, out io.Writer) (string, error)
		Files(ctx context.Context) ([]workspace.FileEntry, error)
	}
	Messages []store.Message
	// Agent holds the agent turns by the id of the answer each is kept
	// with (its secrets already redacted by the caller).
	Agent map[string]AgentTurn
}

// Write writes src as a zip to out. Nothing is left half-made on error by
// this function: the caller writes to a temporary file and renames it.
func Write(ctx context.Context, out io.Writer, src Source) error {
	zw := zip.NewWriter(out)
	files, err := src.Workspace.Files(ctx)
	if err != nil {
		return err
	}
	m := src.Manifest
	m.Format, m.App, m.Files = Format, "tessera", len(files)
	if m.ExportedAt.IsZero() {
		m.ExportedAt = time.Now().UTC()
	}
	// The pack goes first so the manifest can name its head; it is stored
	// uncompressed, since a pack is zlib-compressed already.
	pw, err := zw.CreateHeader(&zip.FileHeader{Name: PackName, Method: zip.Store, Modified: m.ExportedAt})
	if err != nil {
		return writeErr(err)
	}
	if m.Head, err = src.Workspace.WritePack(ctx, pw); err != nil {
		return err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return apperr.Wrap(err, apperr.Canceled, "The export was stopped.")
		}
		h := &zip.FileHeader{Name: FilesDir + f.Path, Method: zip.Deflate, Modified: m.ExportedAt}
		if f.Link {
			// Stored as a link the way Info-ZIP does (mode bits, the
			// target as the content): unzip makes a link, not a file.
			h.SetMode(fs.ModeSymlink | 0o777)
		}
		fw, err := zw.CreateHeader(h)
		if err == nil {
			_, err = fw.Write(f.Content)
		}
		if err != nil {
			return writeErr(err)
		}
	}
	chat := Chat{ProjectID: m.Project.ID, Messages: make([]Message, len(src.Messages))}
	turns := map[string]*AgentTurn{}
	for i, msg := range src.Messages {
		chat.Messages[i] = Message{ID: msg.ID, Role: msg.Role, Content: msg.Content, Fragment: msg.Fragment, Result: msg.Result,
			Status: msg.Status, CreatedAt: msg.CreatedAt, Attachments: msg.Attachments}
		if t, ok := src.Agent[msg.ID]; ok {
			turns[msg.ID] = t.trimmed()
			chat.Messages[i].Agent = turns[msg.ID]
		}
	}
	if err := writeJSON(zw, ChatJSONName, chat, m.ExportedAt, false); err != nil {
		return err
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: ChatMDName, Method: zip.Deflate, Modified: m.ExportedAt})
	if err == nil {
		_, err = io.WriteString(mw, markdown(m, src.Messages, turns))
	}
	if err != nil {
		return writeErr(err)
	}
	if err := writeJSON(zw, ManifestName, m, m.ExportedAt, true); err != nil {
		return err
	}
	return writeErr(zw.Close())
}

// writeJSON writes v; indented for the manifest (people read it), not for
// the chat, whose fragments and results are kept byte for byte.
func writeJSON(zw *zip.Writer, name string, v any, at time.Time, indent bool) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at})
	if err != nil {
		return writeErr(err)
	}
	enc := json.NewEncoder(w)
	if indent {
		enc.SetIndent("", "  ")
	}
	return writeErr(enc.Encode(v))
}

func writeErr(err error) error {
	if err == nil {
		return nil
	}
	return apperr.Wrap(err, apperr.Internal, "Tessera could not write the export file. Check the disk has space and that you may write there.")
}
