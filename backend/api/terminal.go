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

// TerminalInfo is one terminal as the page lists it; also the payload of
// its state topic.
type TerminalInfo struct {
	ID        string `json:"id"`
	ProjectID string `json:"projectId"`
	Kind      string `json:"kind" ts_type:"'shell' | 'server'"`
	Title     string `json:"title"`
	State     string `json:"state" ts_type:"'starting' | 'running' | 'paused' | 'lost' | 'stopped' | 'exited'"`
	// Message is the sentence for the person when it is not running.
	Message string `json:"message,omitempty"`
}

func toTerminalInfo(i terminal.Info) TerminalInfo {
	return TerminalInfo{ID: i.ID, ProjectID: i.ProjectID, Kind: i.Kind, Title: i.Title, State: i.State, Message: i.Message}
}

// TerminalSnapshot is a terminal with the output it kept (base64 in Data);
// its data events continue from byte offset End.
type TerminalSnapshot struct {
	ID        string `json:"id"`
	ProjectID string `json:"projectId"`
	Kind      string `json:"kind" ts_type:"'shell' | 'server'"`
	Title     string `json:"title"`
	State     string `json:"state" ts_type:"'starting' | 'running' | 'paused' | 'lost' | 'stopped' | 'exited'"`
	Message   string `json:"message,omitempty"`
	Data      []byte `json:"data" ts_type:"string"` // base64 on the wire
	End       int64  `json:"end"`
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
func (s *TerminalService) Open(projectID string, cols, rows int) (TerminalInfo, error) {
	i, err := s.t.Open(s.ctx(), projectID, cols, rows)
	return toTerminalInfo(i), err
}

// OpenServer opens the read-only console of the project's web server.
func (s *TerminalService) OpenServer(projectID string) (TerminalInfo, error) {
	i, err := s.t.OpenServer(s.ctx(), projectID)
	return toTerminalInfo(i), err
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
func (s *TerminalService) Snapshot(terminalID string) (TerminalSnapshot, error) {
	snap, err := s.t.Snapshot(terminalID)
	i := snap.Info
	return TerminalSnapshot{ID: i.ID, ProjectID: i.ProjectID, Kind: i.Kind, Title: i.Title, State: i.State, Message: i.Message,
		Data: snap.Data, End: snap.End}, err
}

// List returns the project's open terminals.
func (s *TerminalService) List(projectID string) []TerminalInfo {
	list := s.t.List(projectID)
	out := make([]TerminalInfo, 0, len(list))
	for _, i := range list {
		out = append(out, toTerminalInfo(i))
	}
	return out
}

// RestartServer stops the project's web server and starts it again.
func (s *TerminalService) RestartServer(projectID string) error {
	return s.t.RestartServer(s.ctx(), projectID)
}
