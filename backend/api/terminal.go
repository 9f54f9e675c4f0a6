package api

import (
	"context"

	"tessera/backend/terminal"
)

// Terminals is what TerminalService needs from the terminal manager.
type Terminals interface {
	Open(ctx context.Context, projectID string, cols, rows int) (terminal.Info, error)
	OpenServer(ctx context.Context, projectID string) (terminal.Info, error)
	Input(ctx context.Context, id string, data []byte) error
	Resize(ctx context.Context, id string, cols, rows int) error
	Close(ctx context.Context, id string) error
	Snapshot(id string) (terminal.Snapshot, error)
	List(projectID string) []terminal.Info
	RestartServer(ctx context.Context, projectID string) error
}

// TerminalService gives the page terminals in a project's sandbox and the
// console of its web server. Bound. Output comes as events:
// "terminal:data:<id>" ({start, data (base64)}), "terminal:state:<id>"
// (Info) and "terminal:exit:<id>" ({code, message}).
type TerminalService struct {
	ctx func() context.Context
	t   Terminals
}

// NewTerminalService builds the service.
func NewTerminalService(ctx func() context.Context, t Terminals) *TerminalService {
	return &TerminalService{ctx: ctx, t: t}
}

// Open starts a shell of cols×rows in the project's sandbox.
func (s *TerminalService) Open(projectID string, cols, rows int) (terminal.Info, error) {
	return s.t.Open(s.ctx(), projectID, cols, rows)
}

// OpenServer opens the read-only console of the project's web server.
func (s *TerminalService) OpenServer(projectID string) (terminal.Info, error) {
	return s.t.OpenServer(s.ctx(), projectID)
}

// Input sends keys (xterm's onData text) to a shell.
func (s *TerminalService) Input(terminalID, data string) error {
	return s.t.Input(s.ctx(), terminalID, []byte(data))
}

// Resize changes a shell's size.
func (s *TerminalService) Resize(terminalID string, cols, rows int) error {
	return s.t.Resize(s.ctx(), terminalID, cols, rows)
}

// Close ends a terminal (its shell is stopped) or the console.
func (s *TerminalService) Close(terminalID string) error { return s.t.Close(s.ctx(), terminalID) }

// Snapshot returns a terminal's state and the output it kept; events
// continue from its end offset.
func (s *TerminalService) Snapshot(terminalID string) (terminal.Snapshot, error) {
	return s.t.Snapshot(terminalID)
}

// List returns the project's open terminals.
func (s *TerminalService) List(projectID string) []terminal.Info { return s.t.List(projectID) }

// RestartServer stops the project's web server and starts it again.
func (s *TerminalService) RestartServer(projectID string) error {
	return s.t.RestartServer(s.ctx(), projectID)
}
