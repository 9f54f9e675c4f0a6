package api

import (
	"context"
	"time"
)

// SandboxStatus is pushed on "sandbox:status:<projectID>" and returned by
// SandboxService.Status.
type SandboxStatus struct {
	ProjectID string `json:"projectId"`
	// State: none, starting, resuming, running, pausing, paused, rebuilding, error.
	State     string    `json:"state"`
	Error     string    `json:"error,omitempty"`
	SandboxID string    `json:"sandboxId,omitempty"`
	TimeoutAt time.Time `json:"timeoutAt,omitempty"`
	// Running time of the project's sandbox, from the store.
	RunningSecondsToday int64 `json:"runningSecondsToday"`
	RunningSecondsTotal int64 `json:"runningSecondsTotal"`
}

// SandboxControl is what SandboxService needs from the sandbox manager.
type SandboxControl interface {
	SandboxLifecycle
	Status(ctx context.Context, projectID string) (SandboxStatus, error)
	Pause(ctx context.Context, projectID string) error
	Resume(ctx context.Context, projectID string) error
	Restart(ctx context.Context, projectID string) error
}

// SandboxService exposes a project's sandbox to the page. Bound.
type SandboxService struct {
	ctx func() context.Context
	sb  SandboxControl
}

// NewSandboxService builds the service.
func NewSandboxService(ctx func() context.Context, sb SandboxControl) *SandboxService {
	return &SandboxService{ctx: ctx, sb: sb}
}

// Status returns the project's sandbox status now; updates follow as events.
func (s *SandboxService) Status(projectID string) (SandboxStatus, error) {
	return s.sb.Status(s.ctx(), projectID)
}

// Pause pauses the project's sandbox (files, packages and memory are kept).
func (s *SandboxService) Pause(projectID string) error { return s.sb.Pause(s.ctx(), projectID) }

// Resume resumes (or recreates and rebuilds) the project's sandbox.
func (s *SandboxService) Resume(projectID string) error { return s.sb.Resume(s.ctx(), projectID) }

// Restart kills the sandbox and builds a fresh one from the project's files.
func (s *SandboxService) Restart(projectID string) error { return s.sb.Restart(s.ctx(), projectID) }
