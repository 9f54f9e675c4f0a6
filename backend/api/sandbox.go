package api

import (
	"context"

	"tessera/backend/sandbox"
)

// SandboxControl is what SandboxService needs from the sandbox manager.
type SandboxControl interface {
	SandboxLifecycle
	SandboxCost
	Status(projectID string) sandbox.Status
	Pause(ctx context.Context, projectID string) error
	Resume(ctx context.Context, projectID string) error
	Restart(ctx context.Context, projectID string) error
}

// SandboxService exposes a project's sandbox to the page. Bound. Status
// updates are pushed on "sandbox:status:<projectID>".
type SandboxService struct {
	ctx   func() context.Context
	sb    SandboxControl
	spend ModelSpend // nil: the model's spend is not shown
}

// SandboxOption configures a SandboxService.
type SandboxOption func(*SandboxService)

// WithModelSpend shows the model's spend and budget beside the sandbox's.
func WithModelSpend(m ModelSpend) SandboxOption { return func(s *SandboxService) { s.spend = m } }

// NewSandboxService builds the service.
func NewSandboxService(ctx func() context.Context, sb SandboxControl, opts ...SandboxOption) *SandboxService {
	s := &SandboxService{ctx: ctx, sb: sb}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Status returns the project's sandbox status now.
func (s *SandboxService) Status(projectID string) SandboxStatus {
	return toSandboxStatus(s.sb.Status(projectID))
}

// Pause pauses the project's sandbox (files, packages and memory are kept).
func (s *SandboxService) Pause(projectID string) error { return s.sb.Pause(s.ctx(), projectID) }

// Resume resumes (or recreates and rebuilds) the project's sandbox.
func (s *SandboxService) Resume(projectID string) error { return s.sb.Resume(s.ctx(), projectID) }

// Restart kills the sandbox and builds a fresh one from the project's files.
func (s *SandboxService) Restart(projectID string) error { return s.sb.Restart(s.ctx(), projectID) }
