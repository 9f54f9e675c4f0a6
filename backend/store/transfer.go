package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tessera/backend/apperr"
	"tessera/backend/names"
)

// ImportedProject is a project brought in from an export: its row (ID kept
// when free, so that its sandbox at E2B can be found by its metadata), its
// chat in order, saved in one transaction. Its files are the files
// owner's (package projectfiles indexes them from the imported folder).
type ImportedProject struct {
	Project  Project
	Messages []Message
}

// ImportProject saves an imported project with its messages, all
// or nothing. An ID already used here (the export was made on this
// computer, or imported before) is replaced by a new one, and so are the
// messages' ids; KeptID says whether the project's own id was kept. The
// project starts with no sandbox: the caller adopts one.
func (s *Store) ImportProject(ctx context.Context, in ImportedProject) (p Project, keptID bool, err error) {
	p = in.Project
	// A name from another computer may carry characters this one refuses
	// when typed (an older Tessera let them in): they go, rather than the
	// whole import.
	if p.Name, err = ValidateName(names.Strip(names.Normalize(p.Name))); err != nil {
		return Project{}, false, err
	}
	if p.Description, err = ValidateDescription(p.Description); err != nil {
		return Project{}, false, err
	}
	p.Template = strings.TrimSpace(p.Template)
	now := s.now().UTC().Truncate(time.Millisecond)
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt, p.LastActivityAt = now, now
	p.SandboxID, p.SandboxState, p.Workspace = "", SandboxNone, ""
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Project{}, false, dbErr(err, "import the project")
	}
	defer tx.Rollback()
	var n int
	if _, perr := uuid.Parse(p.ID); perr == nil {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE id=?`, p.ID).Scan(&n); err != nil {
			return Project{}, false, dbErr(err, "import the project")
		}
	}
	keptID = p.ID != "" && n == 0
	if p.Name, err = importName(ctx, tx, p.Name); err != nil {
		return Project{}, false, err
	}
	if _, perr := uuid.Parse(p.ID); perr != nil || !keptID {
		p.ID, keptID = uuid.NewString(), false
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO projects(`+projectCols+`) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		p.ID, p.Name, p.Description, p.Template, p.SandboxID, p.SandboxState, ms(p.CreatedAt), ms(now), ms(now), p.Workspace); err != nil {
		return Project{}, false, dbErr(err, "import the project")
	}
	for i, m := range in.Messages {
		switch m.Role {
		case "user", "assistant", "system":
		default:
			return Project{}, false, apperr.Newf(apperr.Invalid, "Message %d of the chat has the role %q, which Tessera does not know.", i+1, m.Role)
		}
		if m.Status == "" || m.Status == MessageStreaming {
			m.Status = MessageDone
			if in.Messages[i].Status == MessageStreaming {
				m.Status = MessageInterrupted
			}
		}
		if !keptID || m.ID == "" {
			m.ID = uuid.NewString()
		} else if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE id=?`, m.ID).Scan(&n); err != nil {
			return Project{}, false, dbErr(err, "import the chat")
		} else if n > 0 {
			m.ID = uuid.NewString()
		}
		created := m.CreatedAt
		if created.IsZero() {
			created = now
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages(`+messageCols+`) VALUES (?,?,?,?,?,?,?,?,?)`,
			m.ID, p.ID, i+1, m.Role, m.Content, nullJSON(m.Fragment), nullJSON(m.Result), m.Status, ms(created)); err != nil {
			return Project{}, false, dbErr(err, "import the chat")
		}
		if err := insertAttachments(ctx, tx, m.ID, m.Attachments); err != nil {
			return Project{}, false, dbErr(err, "import the chat")
		}
	}
	if err := tx.Commit(); err != nil {
		return Project{}, false, dbErr(err, "import the project")
	}
	return p, keptID, nil
}

// importSuffix names an import whose name is taken here (issue 29: two
// identical rows on the home screen, one the original).
const importSuffix = " (imported)"

// importName is name when no project here has it (case aside), else
// "name (imported)", then "name (imported 2)"…, within MaxNameLen.
func importName(ctx context.Context, tx *sql.Tx, name string) (string, error) {
	taken := func(n string) (bool, error) {
		var c int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE lower(name)=lower(?)`, n).Scan(&c)
		return c > 0, dbErr(err, "import the project")
	}
	r := []rune(name)
	for i := 1; i < 100; i++ {
		suffix := ""
		switch {
		case i == 2:
			suffix = importSuffix
		case i > 2:
			suffix = fmt.Sprintf(" (imported %d)", i-1)
		}
		base := r
		if max := MaxNameLen - utf8.RuneCountInString(suffix); len(base) > max {
			base = base[:max]
		}
		n := strings.TrimSpace(string(base)) + suffix
		if t, err := taken(n); err != nil || !t {
			return n, err
		}
	}
	return "", apperr.New(apperr.Conflict, "Too many projects here have this name already. Rename one, then import again.")
}
