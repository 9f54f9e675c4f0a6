package api

import (
	"context"
	"log/slog"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/projectfiles"
	"tessera/backend/projects"
	"tessera/backend/starters"
	"tessera/backend/store"
)

// currentProjectKey remembers the selected project across restarts.
const currentProjectKey = "current_project"

// ProjectStore is what ProjectService needs from the database.
type ProjectStore interface {
	CreateProject(ctx context.Context, in store.NewProject) (store.Project, error)
	GetProject(ctx context.Context, id string) (store.Project, error)
	ListProjects(ctx context.Context) ([]store.Project, error)
	UpdateProject(ctx context.Context, id string, patch store.ProjectPatch) (store.Project, error)
	DeleteProject(ctx context.Context, id string) error
	TouchProject(ctx context.Context, id string) error
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
	DeleteSetting(ctx context.Context, key string) error
	SetWorkspace(ctx context.Context, projectID, folder string) error
}

// SandboxLifecycle is what ProjectService needs from the sandbox manager.
type SandboxLifecycle interface {
	// Open starts resuming the project's sandbox in the background.
	Open(projectID string)
	// Kill destroys the project's sandbox (delete-project).
	Kill(ctx context.Context, projectID string) error
}

// ProjectService manages projects. Bound to the page.
type ProjectService struct {
	ctx       func() context.Context
	store     ProjectStore
	sandboxes SandboxLifecycle
	log       *slog.Logger
	ws        *projectfiles.Owner // nil: projects have no folders (tests)
	terminals ProjectTerminals
	starters  *starters.Catalog // nil: no gallery
	// life creates, renames, deletes and duplicates (package projects),
	// built from the options.
	life *projects.Lifecycle
	// deleted are told a project is gone (its push token leaves the keychain).
	deleted []func(ctx context.Context, projectID string)
	// home, vars, cleanupAfter: see WithHome (home.go).
	home         HomeStore
	vars         ProjectVariables
	cleanupAfter func(ctx context.Context) time.Duration
}

// ProjectTerminals closes a project's terminals (package terminal).
type ProjectTerminals interface {
	CloseProject(ctx context.Context, projectID string)
}

// WithTerminals closes a deleted project's terminals before its sandbox is
// killed, so that none of them brings the sandbox back.
func WithTerminals(t ProjectTerminals) ProjectOption {
	return func(s *ProjectService) { s.terminals = t }
}

// ProjectOption configures NewProjectService.
type ProjectOption func(*ProjectService)

// WithWorkspaces gives projects their folders: made on create, renamed with
// the project, moved to the trash on delete. (An option, not a method: every
// exported method of a bound service is callable from the page.)
func WithWorkspaces(ws *projectfiles.Owner) ProjectOption {
	return func(s *ProjectService) { s.ws = ws }
}

// WithStarters offers the built-in starters: Starters lists them and
// Create makes a project from one.
func WithStarters(c *starters.Catalog) ProjectOption {
	return func(s *ProjectService) { s.starters = c }
}

// NewProjectService builds the service; ctx returns the app's root context.
func NewProjectService(ctx func() context.Context, s ProjectStore, sb SandboxLifecycle, log *slog.Logger, opts ...ProjectOption) *ProjectService {
	ps := &ProjectService{ctx: ctx, store: s, sandboxes: sb, log: log}
	for _, o := range opts {
		o(ps)
	}
	cfg := projects.Config{Store: s, Files: ps.ws, Starters: ps.starters, Logger: log}
	if sb != nil {
		cfg.Sandboxes = sb
	}
	if ps.terminals != nil {
		cfg.Terminals = ps.terminals
	}
	if ps.home != nil {
		cfg.Duplicator = ps.home
		if ps.vars != nil {
			cfg.Secrets = ps.vars
		}
	}
	ps.life = projects.New(cfg)
	for _, f := range ps.deleted {
		ps.life.OnDelete(f)
	}
	return ps
}

// CreateProjectRequest is the create dialog.
type CreateProjectRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Template    string `json:"template"` // "" = Auto
	// Starter, when set, is the id of the starter (Starters) whose files
	// become the project's first version; its template is the project's.
	Starter string `json:"starter,omitempty"`
}

// Starter is one entry of the new-project gallery.
type Starter struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Stack    string `json:"stack"`
	Shows    string `json:"shows"`
	Template string `json:"template"`
	Start    string `json:"start"`
	Entry    string `json:"entry"`
	Empty    bool   `json:"empty"`
}

// UpdateProjectRequest renames or edits a project.
type UpdateProjectRequest struct {
	ID          string  `json:"id"`
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Template    *string `json:"template,omitempty"`
}

// List returns projects by last activity.
func (s *ProjectService) List() ([]Project, error) {
	ps, err := s.store.ListProjects(s.ctx())
	return s.dtos(s.ctx(), ps), err
}

// Starters lists the new-project gallery (empty when it is not offered).
func (s *ProjectService) Starters() []Starter {
	if s.starters == nil {
		return []Starter{}
	}
	list := s.starters.List()
	out := make([]Starter, len(list))
	for i, st := range list {
		out[i] = Starter{ID: st.ID, Name: st.Name, Stack: st.Stack, Shows: st.Shows, Template: st.Template,
			Start: st.Start, Entry: st.Entry, Empty: st.Empty}
	}
	return out
}

// Create makes a project (from a starter when req.Starter is set) and
// selects it.
func (s *ProjectService) Create(req CreateProjectRequest) (Project, error) {
	if err := validTemplate(req.Template); err != nil {
		return Project{}, err
	}
	in := store.NewProject{Name: req.Name, Description: req.Description, Template: req.Template}
	var p store.Project
	var err error
	if req.Starter != "" {
		p, err = s.life.CreateFrom(s.ctx(), in, req.Starter)
	} else {
		p, err = s.life.Create(s.ctx(), in)
	}
	if err != nil {
		return Project{}, err
	}
	return s.dto(s.ctx(), p), s.store.SetSetting(s.ctx(), currentProjectKey, p.ID)
}

// Update renames or edits a project.
func (s *ProjectService) Update(req UpdateProjectRequest) (Project, error) {
	if req.Template != nil {
		if err := validTemplate(*req.Template); err != nil {
			return Project{}, err
		}
	}
	p, err := s.life.Update(s.ctx(), req.ID, store.ProjectPatch{Name: req.Name, Description: req.Description, Template: req.Template})
	if err != nil {
		return Project{}, err
	}
	return s.dto(s.ctx(), p), nil
}

// Delete removes the project with its chat, files (its folder goes to the
// trash), secrets and sandbox (package projects).
func (s *ProjectService) Delete(id string) error {
	ctx := s.ctx()
	if err := s.life.Delete(ctx, id); err != nil {
		return err
	}
	if cur, _, _ := s.store.GetSetting(ctx, currentProjectKey); cur == id {
		return s.store.DeleteSetting(ctx, currentProjectKey)
	}
	return nil
}

// Select makes a project current (remembered across restarts) and starts
// resuming its sandbox in the background.
func (s *ProjectService) Select(id string) (Project, error) {
	ctx := s.ctx()
	p, err := s.store.GetProject(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if err := s.store.SetSetting(ctx, currentProjectKey, id); err != nil {
		return Project{}, err
	}
	if s.sandboxes != nil && p.SandboxID != "" {
		s.sandboxes.Open(id)
	}
	if s.home != nil && p.SandboxID != "" {
		// Opening it is using it: the cleanup counts idle time from now.
		if err := s.home.KeepSandbox(ctx, id); err != nil {
			s.log.Warn("could not record the project's use for the sandbox cleanup", "project", id, "err", err)
		} else if kept, err := s.store.GetProject(ctx, id); err == nil {
			p = kept
		}
	}
	return s.dto(ctx, p), nil
}

// Current returns the remembered project id, or "" when none (or it was
// deleted meanwhile).
func (s *ProjectService) Current() (string, error) {
	ctx := s.ctx()
	id, ok, err := s.store.GetSetting(ctx, currentProjectKey)
	if err != nil || !ok {
		return "", err
	}
	if _, err := s.store.GetProject(ctx, id); apperr.Is(err, apperr.NotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	return id, nil
}
