package sandbox

import (
	"context"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/events"
)

// State is what the page shows on the sandbox badge.
type State string

const (
	StateNone       State = "none"       // the project has no sandbox (yet)
	StateStarting   State = "starting"   // creating a new sandbox
	StateResuming   State = "resuming"   // connecting to (resuming) the known sandbox
	StateRunning    State = "running"    // ready
	StatePausing    State = "pausing"    // snapshotting
	StatePaused     State = "paused"     // snapshot kept by E2B; resumed on demand
	StateRebuilding State = "rebuilding" // writing the local copy and replaying installs into a new sandbox
	StateError      State = "error"      // the last operation failed; Error has the sentence
)

// Status is the payload of the "sandbox:status:<projectID>" event and of
// Manager.Status.
type Status struct {
	ProjectID string `json:"projectId"`
	State     State  `json:"state"`
	// Error is the sentence for the person when State is "error".
	Error string `json:"error,omitempty"`
	// Warning is set when the sandbox runs but something is not quite right
	// (for example a recorded install failed during a rebuild).
	Warning string `json:"warning,omitempty"`
	// Waiting says what an operation on the sandbox waits for right now
	// ("E2B is limiting requests; Tessera tries to create the sandbox
	// again in 7 seconds.").
	Waiting   string `json:"waiting,omitempty"`
	SandboxID string `json:"sandboxId"`
	Template  string `json:"template,omitempty"`
	// TimeoutAt is when E2B pauses the sandbox on its own unless Tessera
	// extends it; zero unless running.
	TimeoutAt time.Time `json:"timeoutAt"`
	// IdlePauseAt is when Tessera pauses it for idleness unless there is
	// activity; zero unless running.
	IdlePauseAt         time.Time `json:"idlePauseAt"`
	RunningSecondsToday int64     `json:"runningSecondsToday"`
	RunningSecondsTotal int64     `json:"runningSecondsTotal"`
	// Cost, budget, publish and why it is kept running (cost.go, publish.go).
	Extra
}

// Status returns the project's sandbox status.
func (m *Manager) Status(projectID string) Status {
	ctx, cancel := context.WithTimeout(m.root, 5*time.Second)
	defer cancel()
	e, err := m.load(ctx, projectID)
	if err != nil {
		return Status{ProjectID: projectID, State: StateNone, Error: apperr.MessageOf(err)}
	}
	return m.status(ctx, e)
}

func (m *Manager) status(ctx context.Context, e *entry) Status {
	now := m.now()
	idle := m.timeouts(ctx).IdlePause
	m.mu.Lock()
	s := Status{ProjectID: e.id, State: e.state, SandboxID: e.sandboxID, Template: e.template, Warning: e.warning, Waiting: e.waiting}
	if e.state == StateError {
		s.Error = e.errMsg
	}
	if e.state == StateRunning && e.unreachable != "" {
		s.State, s.Error = StateUnreachable, e.unreachable
	}
	var unflushed int64
	if e.state == StateRunning {
		s.TimeoutAt = e.timeoutAt
		if e.holds == 0 {
			s.IdlePauseAt = e.lastActive.Add(idle)
		}
		if !e.accFrom.IsZero() {
			end := now
			if !e.timeoutAt.IsZero() && e.timeoutAt.Before(end) {
				end = e.timeoutAt
			}
			if end.After(e.accFrom) {
				unflushed = int64(end.Sub(e.accFrom) / time.Second)
			}
		}
	}
	m.mu.Unlock()
	f, err := m.usageBooks(ctx, e, now)
	if err != nil {
		m.log.Warn("reading sandbox usage failed", "project", e.id, "err", err)
	}
	// What the store holds (the books), what a busy database has not
	// taken yet (the ledger), and what no record has taken yet.
	bookedToday, bookedTotal := m.booked(e.id, now)
	s.RunningSecondsToday, s.RunningSecondsTotal = f.today(now)+bookedToday+unflushed, f.total+bookedTotal+unflushed
	m.extra(ctx, e, &s, now, f)
	return s
}

func (m *Manager) emit(e *entry) {
	e.emitMu.Lock()
	defer e.emitMu.Unlock()
	ctx, cancel := context.WithTimeout(m.root, 5*time.Second)
	defer cancel()
	m.cfg.Emitter.Emit(events.SandboxStatus(e.id), m.status(ctx, e))
}
