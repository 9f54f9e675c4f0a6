package sandbox

import (
	"time"
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

// Status is the payload of the events.SandboxStatus(projectID) topic and of
// Manager.Status.
type Status struct {
	ProjectID string `json:"projectId"`
	State     State  `json:"state"`
	// Error is the sentence for the person when State is "error".
	Error string `json:"error,omitempty"`
	// Warning is set when the sandbox runs but something is not quite right
	// (for example a recorded install failed during a rebuild).
	Warning   string `json:"warning,omitempty"`
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
}

// storeState maps our view to what the projects table keeps.
func storeState(s State) string {
	switch s {
	case StatePaused:
		return "paused"
	case StateNone:
		return "none"
	default:
		return "running"
	}
}
