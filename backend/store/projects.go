package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tessera/backend/apperr"
	"tessera/backend/names"
)

// Limits on project fields, counted in characters a person sees (grapheme
// clusters) after trimming.
const (
	MaxNameLen        = 100
	MaxDescriptionLen = 1000
)

// Sandbox states stored with a project.
const (
	SandboxNone    = "none"
	SandboxRunning = "running"
	SandboxPaused  = "paused"
)

// Project is one unit of work: a chat and one persistent sandbox.
type Project struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Description    string    `json:"description"`
	Template       string    `json:"template"` // "" means Auto
	SandboxID      string    `json:"sandboxId"`
	SandboxState   string    `json:"sandboxState"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	LastActivityAt time.Time `json:"lastActivityAt"`
	// Workspace is the project's folder name under the workspace root
	// ("" until it is given one).
	Workspace string `json:"workspace,omitempty"`
	// KeptAt is when the person last opened the project or chose to keep
	// its sandbox past the cleanup policy (zero: never); SandboxRemovedAt
	// is when the cleanup
	// removed the idle sandbox (zero: it was not), so the project says it
	// will be rebuilt on next use.
	KeptAt           time.Time `json:"keptAt,omitzero"`
	SandboxRemovedAt time.Time `json:"sandboxRemovedAt,omitzero"`
	// RunningSeconds is the sandbox's running time over all days.
	RunningSeconds int64 `json:"runningSeconds,omitempty"`
}

// IdleSince is when the project was last used or kept, whichever is later:
// what the cleanup policy counts from.
func (p Project) IdleSince() time.Time {
	if p.KeptAt.After(p.LastActivityAt) {
		return p.KeptAt
	}
	return p.LastActivityAt
}

// NewProject holds what a person types to create a project.
type NewProject struct {
	Name        string
	Description string
	Template    string
}

// ProjectPatch changes some fields; nil means keep.
type ProjectPatch struct {
	Name        *string
	Description *string
	Template    *string
}

// ValidateName normalises (NFC, trimmed) and checks a project name: one
// line, something visible, no invisible or direction-changing characters,
// at most MaxNameLen perceived characters.
func ValidateName(name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", apperr.New(apperr.Invalid, "Give the project a name.")
	}
	return names.Check(name, "A project name", MaxNameLen)
}

// ValidateDescription trims and checks a description.
func ValidateDescription(d string) (string, error) {
	d = strings.TrimSpace(d)
	if utf8.RuneCountInString(d) > MaxDescriptionLen {
		return "", apperr.Newf(apperr.Invalid, "A description can have at most %d characters.", MaxDescriptionLen)
	}
	if strings.ContainsRune(d, 0) {
		return "", apperr.New(apperr.Invalid, "The description contains an invalid character.")
	}
	return d, nil
}

const projectCols = `id, name, description, template, sandbox_id, sandbox_state, created_at, updated_at, last_activity_at, workspace`

// projectSelect reads a project with its cleanup fields and its total
// running time in one statement: a correlated lookup on sandbox_usage's
// primary key, so listing every project stays one query (no N+1).
const projectSelect = `SELECT ` + projectCols + `, kept_at, sandbox_removed_at,
	(SELECT COALESCE(sum(u.seconds), 0) FROM sandbox_usage u WHERE u.project_id = projects.id) FROM projects`

func scanProject(row interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var c, u, a, k, r int64
	err := row.Scan(&p.ID, &p.Name, &p.Description, &p.Template, &p.SandboxID, &p.SandboxState, &c, &u, &a, &p.Workspace,
		&k, &r, &p.RunningSeconds)
	p.CreatedAt, p.UpdatedAt, p.LastActivityAt = fromMS(c), fromMS(u), fromMS(a)
	if k > 0 {
		p.KeptAt = fromMS(k)
	}
	if r > 0 {
		p.SandboxRemovedAt = fromMS(r)
	}
	return p, err
}

// CreateProject validates and inserts a project.
func (s *Store) CreateProject(ctx context.Context, in NewProject) (Project, error) {
	name, err := ValidateName(in.Name)
	if err != nil {
		return Project{}, err
	}
	desc, err := ValidateDescription(in.Description)
	if err != nil {
		return Project{}, err
	}
	now := s.now()
	p := Project{ID: uuid.NewString(), Name: name, Description: desc, Template: strings.TrimSpace(in.Template),
		SandboxState: SandboxNone, CreatedAt: now.UTC().Truncate(time.Millisecond)}
	p.UpdatedAt, p.LastActivityAt = p.CreatedAt, p.CreatedAt
	_, err = s.db.ExecContext(ctx, `INSERT INTO projects(`+projectCols+`) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		p.ID, p.Name, p.Description, p.Template, p.SandboxID, p.SandboxState, ms(now), ms(now), ms(now), p.Workspace)
	if err != nil {
		return Project{}, dbErr(err, "save the project")
	}
	return p, nil
}

// GetProject returns one project or a not_found error.
func (s *Store) GetProject(ctx context.Context, id string) (Project, error) {
	p, err := scanProject(s.db.QueryRowContext(ctx, projectSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, apperr.New(apperr.NotFound, "That project no longer exists.")
	}
	if err != nil {
		return Project{}, dbErr(err, "read the project")
	}
	return p, nil
}

// ListProjects returns every project, most recently active first.
func (s *Store) ListProjects(ctx context.Context) ([]Project, error) {
	rows, err := s.db.QueryContext(ctx, projectSelect+` ORDER BY last_activity_at DESC, created_at DESC`)
	if err != nil {
		return nil, dbErr(err, "list projects")
	}
	defer rows.Close()
	out := []Project{}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, dbErr(err, "list projects")
		}
		out = append(out, p)
	}
	return out, dbErr(rows.Err(), "list projects")
}

// UpdateProject applies a patch and returns the updated project.
func (s *Store) UpdateProject(ctx context.Context, id string, patch ProjectPatch) (Project, error) {
	p, err := s.GetProject(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if patch.Name != nil {
		if p.Name, err = ValidateName(*patch.Name); err != nil {
			return Project{}, err
		}
	}
	if patch.Description != nil {
		if p.Description, err = ValidateDescription(*patch.Description); err != nil {
			return Project{}, err
		}
	}
	if patch.Template != nil {
		p.Template = strings.TrimSpace(*patch.Template)
	}
	now := s.now()
	p.UpdatedAt = now.UTC().Truncate(time.Millisecond)
	_, err = s.db.ExecContext(ctx, `UPDATE projects SET name=?, description=?, template=?, updated_at=? WHERE id=?`,
		p.Name, p.Description, p.Template, ms(now), id)
	if err != nil {
		return Project{}, dbErr(err, "save the project")
	}
	return p, nil
}

// DeleteProject removes a project and, by cascade, everything it owns.
func (s *Store) DeleteProject(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM projects WHERE id = ?`, id)
	if err != nil {
		return dbErr(err, "delete the project")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That project no longer exists.")
	}
	return nil
}

// TouchProject records activity so the project moves to the top of the list.
func (s *Store) TouchProject(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE projects SET last_activity_at=? WHERE id=?`, ms(s.now()), id)
	return dbErr(err, "update the project")
}

// SetSandbox records the project's sandbox id and state ("" id with state
// "none" when it has none).
func (s *Store) SetSandbox(ctx context.Context, projectID, sandboxID, state string) error {
	if state == "" {
		state = SandboxNone
	}
	// A new sandbox ends "removed by the cleanup, rebuilt on next use".
	res, err := s.db.ExecContext(ctx, `UPDATE projects SET sandbox_id=?, sandbox_state=?,
		sandbox_removed_at = CASE WHEN ? != '' THEN 0 ELSE sandbox_removed_at END WHERE id=?`, sandboxID, state, sandboxID, projectID)
	if err != nil {
		return dbErr(err, "save the sandbox state")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That project no longer exists.")
	}
	return nil
}

// SetWorkspace records the project's workspace folder name. A name another
// project has (without regard to case) is refused with a conflict.
func (s *Store) SetWorkspace(ctx context.Context, projectID, folder string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE projects SET workspace=? WHERE id=?`, folder, projectID)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return apperr.Wrap(err, apperr.Conflict, "Another project already uses the folder "+folder+".")
		}
		return dbErr(err, "save the project's folder")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That project no longer exists.")
	}
	return nil
}
