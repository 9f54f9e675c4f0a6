package api

// BuildInfo is what the About dialog shows: which Tessera this is and what
// it was built with.
type BuildInfo struct {
	Version      string `json:"version"`
	BuildDate    string `json:"buildDate"` // RFC 3339, "" for a development build
	GoVersion    string `json:"goVersion"`
	WailsVersion string `json:"wailsVersion"`
	// ReleaseFeed is the update feed set when this build was made; ""
	// means the build has no update channel (the check is off).
	ReleaseFeed string `json:"releaseFeed"`
}

// AboutService answers the About dialog. Bound.
type AboutService struct{ info BuildInfo }

// NewAboutService records the build's facts (main reads them once).
func NewAboutService(info BuildInfo) *AboutService { return &AboutService{info: info} }

// About returns the version, build date and toolchain of this build.
func (s *AboutService) About() BuildInfo { return s.info }
