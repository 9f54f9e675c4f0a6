package api

import "tessera/backend/config"

// SystemService tells the page whether Tessera started properly. Bound.
type SystemService struct {
	startErr     error
	paths        config.Paths
	e2bDomainEnv string
}

// NewSystemService records the outcome of start-up. e2bDomainEnv is the
// E2B_DOMAIN environment variable ("" when unset): it wins over the E2B
// domain in Settings for the whole process, and Settings says so.
func NewSystemService(startErr error, paths config.Paths, e2bDomainEnv string) *SystemService {
	return &SystemService{startErr: startErr, paths: paths, e2bDomainEnv: e2bDomainEnv}
}

// StartupStatus is shown before anything else: when OK is false the page
// shows Error instead of the app.
type StartupStatus struct {
	OK      bool      `json:"ok"`
	Error   *ErrorDTO `json:"error,omitempty"`
	Paths   Paths     `json:"paths"`
	Version string    `json:"version"`
	// E2BDomainEnv is E2B_DOMAIN when set: the domain in use instead of the
	// one in Settings.
	E2BDomainEnv string `json:"e2bDomainEnv,omitempty"`
}

// Version is the app version shown in settings.
const Version = "0.1.0"

// Status returns the start-up outcome.
func (s *SystemService) Status() StartupStatus {
	st := StartupStatus{OK: s.startErr == nil, Paths: toPaths(s.paths), Version: Version, E2BDomainEnv: s.e2bDomainEnv}
	if s.startErr != nil {
		d := ToDTO(s.startErr)
		st.Error = &d
	}
	return st
}
