package api

import "tessera/backend/config"

// SystemService tells the page whether Tessera started properly. Bound.
type SystemService struct {
	startErr error
	paths    config.Paths
}

// NewSystemService records the outcome of start-up.
func NewSystemService(startErr error, paths config.Paths) *SystemService {
	return &SystemService{startErr: startErr, paths: paths}
}

// StartupStatus is shown before anything else: when OK is false the page
// shows Error instead of the app.
type StartupStatus struct {
	OK      bool         `json:"ok"`
	Error   *ErrorDTO    `json:"error,omitempty"`
	Paths   config.Paths `json:"paths"`
	Version string       `json:"version"`
}

// Version is the app version shown in settings.
const Version = "0.1.0"

// Status returns the start-up outcome.
func (s *SystemService) Status() StartupStatus {
	st := StartupStatus{OK: s.startErr == nil, Paths: s.paths, Version: Version}
	if s.startErr != nil {
		d := ToDTO(s.startErr)
		st.Error = &d
	}
	return st
}
