package api

// The contract with the page. Every bound method takes and returns the
// types of this package (or builtins), so the generated
// frontend/wailsjs/go/models.ts has one namespace, `api`, and the page's
// types are derived from it: a Go change that the TypeScript code does not
// follow fails `tsc` (scripts/test.sh regenerates the bindings first), and
// contract_test.go fails when a bound method leaks a domain type.
//
// Times travel as RFC 3339 text (what encoding/json makes of time.Time),
// typed as string so the page does not see `any`. JSON the backend passes
// through unread (a stored fragment, a run result, custom providers) is
// json.RawMessage with a ts_type tag. A closed set of strings (a state, a
// role) carries its TypeScript union in a ts_type tag beside the Go field,
// checked against the Go constants in contract_test.go.

import (
	"encoding/json"
	"time"

	"tessera/backend/config"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// Paths tells the page where data and logs live.
type Paths struct {
	Home     string `json:"home"`
	Database string `json:"database"`
	LogFile  string `json:"logFile"`
}

func toPaths(p config.Paths) Paths {
	return Paths{Home: p.Home, Database: p.Database, LogFile: p.LogFile}
}

// stamp formats a time as encoding/json does (RFC 3339, nanoseconds).
func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

// Project is one project in the selector.
type Project struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	Template       string `json:"template"` // "" means Auto
	SandboxID      string `json:"sandboxId"`
	SandboxState   string `json:"sandboxState"`
	CreatedAt      string `json:"createdAt"`
	UpdatedAt      string `json:"updatedAt"`
	LastActivityAt string `json:"lastActivityAt"`
	// Workspace is the project's folder name under the projects folder.
	Workspace string `json:"workspace,omitempty"`
	// KeptAt: when opening the project or "Keep" last postponed the
	// sandbox cleanup;
	// SandboxRemovedAt: when the cleanup removed the idle sandbox (the
	// next use rebuilds it). Zero times when never.
	KeptAt           string `json:"keptAt,omitempty"`
	SandboxRemovedAt string `json:"sandboxRemovedAt,omitempty"`
	// RunningSeconds is the sandbox's running time over all days.
	RunningSeconds int64 `json:"runningSeconds,omitempty"`
	// CleanupAt is when the cleanup policy will remove the sandbox unless
	// the project is used or kept; absent when it has none or the policy
	// is off.
	CleanupAt string `json:"cleanupAt,omitempty"`
}

func toProject(p store.Project) Project {
	return Project{ID: p.ID, Name: p.Name, Description: p.Description, Template: p.Template,
		SandboxID: p.SandboxID, SandboxState: p.SandboxState,
		CreatedAt: stamp(p.CreatedAt), UpdatedAt: stamp(p.UpdatedAt), LastActivityAt: stamp(p.LastActivityAt),
		Workspace: p.Workspace, KeptAt: stampOrEmpty(p.KeptAt), SandboxRemovedAt: stampOrEmpty(p.SandboxRemovedAt), RunningSeconds: p.RunningSeconds}
}

// stampOrEmpty is stamp, or "" for the zero time (a field left out).
func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stamp(t)
}

func toProjects(ps []store.Project) []Project {
	out := make([]Project, 0, len(ps))
	for _, p := range ps {
		out = append(out, toProject(p))
	}
	return out
}

// Settings are the person's preferences (keys are never among them).
type Settings struct {
	E2BDomain             string `json:"e2bDomain"`
	DefaultProvider       string `json:"defaultProvider"`
	DefaultModel          string `json:"defaultModel"`
	SandboxTimeoutMinutes int    `json:"sandboxTimeoutMinutes"`
	IdlePauseMinutes      int    `json:"idlePauseMinutes"`
	Theme                 string `json:"theme" ts_type:"'system' | 'light' | 'dark'"`
	// CustomProviders is the user-added LLM providers as JSON (llm.Catalog
	// reads it); the page edits it as JSON.
	CustomProviders json.RawMessage `json:"customProviders,omitempty" ts_type:"unknown"`
	CustomTemplates []string        `json:"customTemplates"`
	Onboarded       bool            `json:"onboarded"`
	// UpdateCheck: ask UpdateFeedURL once a day whether a newer release
	// exists (never installs).
	UpdateCheck   bool   `json:"updateCheck"`
	UpdateFeedURL string `json:"updateFeedURL"`
	// WorkspaceRoot is the projects folder; "" = the default.
	WorkspaceRoot string `json:"workspaceRoot,omitempty"`
	// AutoFixOnce: a failed run is sent back to the model once, by itself.
	AutoFixOnce bool `json:"autoFixOnce"`
	// SandboxCleanupDays: an idle project's sandbox is removed after this
	// many days (0 = never).
	SandboxCleanupDays int `json:"sandboxCleanupDays"`
	// E2B's usage prices in US dollars per second, for the cost estimate.
	VCPUPricePerSecond float64 `json:"vcpuPricePerSecond"`
	GiBPricePerSecond  float64 `json:"gibPricePerSecond"`
}

func toSettings(s config.Settings) Settings {
	return Settings{E2BDomain: s.E2BDomain, DefaultProvider: s.DefaultProvider, DefaultModel: s.DefaultModel,
		SandboxTimeoutMinutes: s.SandboxTimeoutMinutes, IdlePauseMinutes: s.IdlePauseMinutes, Theme: s.Theme,
		CustomProviders: s.CustomProviders, CustomTemplates: s.CustomTemplates, Onboarded: s.Onboarded,
		UpdateCheck: s.UpdateCheck, UpdateFeedURL: s.UpdateFeedURL, WorkspaceRoot: s.WorkspaceRoot,
		AutoFixOnce: s.AutoFixOnce, SandboxCleanupDays: s.SandboxCleanupDays,
		VCPUPricePerSecond: s.VCPUPricePerSecond, GiBPricePerSecond: s.GiBPricePerSecond}
}

func (s Settings) domain() config.Settings {
	return config.Settings{E2BDomain: s.E2BDomain, DefaultProvider: s.DefaultProvider, DefaultModel: s.DefaultModel,
		SandboxTimeoutMinutes: s.SandboxTimeoutMinutes, IdlePauseMinutes: s.IdlePauseMinutes, Theme: s.Theme,
		CustomProviders: s.CustomProviders, CustomTemplates: s.CustomTemplates, Onboarded: s.Onboarded,
		UpdateCheck: s.UpdateCheck, UpdateFeedURL: s.UpdateFeedURL, WorkspaceRoot: s.WorkspaceRoot,
		AutoFixOnce: s.AutoFixOnce, SandboxCleanupDays: s.SandboxCleanupDays,
		VCPUPricePerSecond: s.VCPUPricePerSecond, GiBPricePerSecond: s.GiBPricePerSecond}
}

// SandboxStatus is a project's sandbox as the badge shows it (also the
// payload of the sandbox status topic, which sends the same fields).
type SandboxStatus struct {
	ProjectID string `json:"projectId"`
	State     string `json:"state" ts_type:"'none' | 'starting' | 'resuming' | 'running' | 'pausing' | 'paused' | 'rebuilding' | 'error' | 'unreachable'"`
	Error     string `json:"error,omitempty"`
	Warning   string `json:"warning,omitempty"`
	// Waiting: what an operation on the sandbox waits for right now.
	Waiting   string `json:"waiting,omitempty"`
	SandboxID string `json:"sandboxId"`
	Template  string `json:"template,omitempty"`
	// TimeoutAt: when E2B pauses it on its own; zero time unless running.
	TimeoutAt string `json:"timeoutAt"`
	// IdlePauseAt: when Tessera pauses it for idleness; zero unless running.
	IdlePauseAt         string `json:"idlePauseAt"`
	RunningSecondsToday int64  `json:"runningSecondsToday"`
	RunningSecondsTotal int64  `json:"runningSecondsTotal"`
	// Cost, budget and publish (sandbox_cost.go).
	TodayUSD   float64 `json:"todayUSD"`
	MonthUSD   float64 `json:"monthUSD"`
	BudgetUSD  float64 `json:"budgetUSD"`
	BudgetNote string  `json:"budgetNote,omitempty"`
	// PublishedUntil: when the published link ends; zero time unless published.
	PublishedUntil string `json:"publishedUntil"`
	PublishURL     string `json:"publishURL,omitempty"`
	// KeptRunning: why Tessera does not pause the sandbox although idle or away.
	KeptRunning string `json:"keptRunning,omitempty"`
}

func toSandboxStatus(s sandbox.Status) SandboxStatus {
	return SandboxStatus{ProjectID: s.ProjectID, State: string(s.State), Error: s.Error, Warning: s.Warning, Waiting: s.Waiting,
		SandboxID: s.SandboxID, Template: s.Template, TimeoutAt: stamp(s.TimeoutAt), IdlePauseAt: stamp(s.IdlePauseAt),
		RunningSecondsToday: s.RunningSecondsToday, RunningSecondsTotal: s.RunningSecondsTotal,
		TodayUSD: s.TodayUSD, MonthUSD: s.MonthUSD, BudgetUSD: s.BudgetUSD, BudgetNote: s.BudgetNote,
		PublishedUntil: stamp(s.PublishedUntil), PublishURL: s.PublishURL, KeptRunning: s.KeptRunning}
}

// Message is one chat turn. Fragment (Fragments' schema, snake_case, as the
// model writes it) and Result (a run result, or a user message's
// attachments) are the stored JSON, which src/api parses and checks.
type Message struct {
	ID        string          `json:"id"`
	ProjectID string          `json:"projectId"`
	Seq       int64           `json:"seq"`
	Role      string          `json:"role" ts_type:"'user' | 'assistant'"`
	Content   string          `json:"content"`
	Fragment  json.RawMessage `json:"fragment,omitempty" ts_type:"unknown"`
	Result    json.RawMessage `json:"result,omitempty" ts_type:"unknown"`
	Status    string          `json:"status" ts_type:"'done' | 'streaming' | 'stopped' | 'error' | 'interrupted'"`
	CreatedAt string          `json:"createdAt"`
	// Attachments are a user message's images (Result is only ever an
	// assistant's run result).
	Attachments []Image `json:"attachments,omitempty"`
}

func toMessage(m store.Message) Message {
	out := Message{ID: m.ID, ProjectID: m.ProjectID, Seq: m.Seq, Role: m.Role, Content: m.Content,
		Fragment: m.Fragment, Result: m.Result, Status: m.Status, CreatedAt: stamp(m.CreatedAt)}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, Image{MIME: a.MIME, Data: a.Data})
	}
	return out
}

func toMessagePtr(m *store.Message) *Message {
	if m == nil {
		return nil
	}
	out := toMessage(*m)
	return &out
}

func toMessages(ms []store.Message) []Message {
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, toMessage(m))
	}
	return out
}
