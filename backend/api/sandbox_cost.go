package api

import (
	"context"
	"time"

	"tessera/backend/sandbox"
)

// SandboxCost is what the cost, publish and presence methods need of the
// sandbox manager.
type SandboxCost interface {
	Cost(ctx context.Context, projectID string) (sandbox.Cost, error)
	Metrics(ctx context.Context, projectID string, window time.Duration) ([]sandbox.Metric, error)
	SetBudget(ctx context.Context, projectID string, usd float64) error
	Publish(ctx context.Context, projectID string, port int, d time.Duration) (sandbox.Published, error)
	Unpublish(ctx context.Context, projectID string) error
	SetAway(source string, away bool)
	Wake(projectID string)
}

// CostDay is one day of sandbox use with its estimated price.
type CostDay struct {
	Day            string  `json:"day"`
	RunningSeconds int64   `json:"runningSeconds"`
	VCPUSeconds    int64   `json:"vcpuSeconds"`
	MemMiBSeconds  int64   `json:"memMiBSeconds"`
	USD            float64 `json:"usd"`
}

// SandboxCostReport is a project's sandbox cost (SandboxService.Cost).
type SandboxCostReport struct {
	ProjectID      string    `json:"projectId"`
	VCPUPerSecond  float64   `json:"vcpuPerSecond"`
	GiBPerSecond   float64   `json:"gibPerSecond"`
	CPUCount       int       `json:"cpuCount"`
	MemoryMB       int       `json:"memoryMB"`
	ResourcesKnown bool      `json:"resourcesKnown"`
	Days           []CostDay `json:"days"`
	Today          CostDay   `json:"today"`
	Month          CostDay   `json:"month"`
	BudgetUSD      float64   `json:"budgetUSD"`
}

func toCostDay(d sandbox.CostDay) CostDay {
	return CostDay{Day: d.Day, RunningSeconds: d.RunningSeconds, VCPUSeconds: d.VCPUSeconds, MemMiBSeconds: d.MemMiBSeconds, USD: d.USD}
}

// SandboxMetric is one CPU/memory sample for the chart.
type SandboxMetric struct {
	At         string  `json:"at"`
	CPUCount   int     `json:"cpuCount"`
	CPUUsedPct float64 `json:"cpuUsedPct"`
	MemUsedMB  float64 `json:"memUsedMB"`
	MemTotalMB float64 `json:"memTotalMB"`
}

// PublishResult is the published link.
type PublishResult struct {
	URL   string `json:"url"`
	Until string `json:"until"`
	Note  string `json:"note,omitempty"`
}

// Cost returns the project's sandbox use per day with estimated prices.
func (s *SandboxService) Cost(projectID string) (SandboxCostReport, error) {
	c, err := s.sb.Cost(s.ctx(), projectID)
	if err != nil {
		return SandboxCostReport{}, err
	}
	out := SandboxCostReport{ProjectID: c.ProjectID, VCPUPerSecond: c.Prices.VCPUSecond, GiBPerSecond: c.Prices.GiBSecond,
		CPUCount: c.CPUCount, MemoryMB: c.MemoryMB, ResourcesKnown: c.Known, Days: make([]CostDay, 0, len(c.Days)),
		Today: toCostDay(c.Today), Month: toCostDay(c.Month), BudgetUSD: c.BudgetUSD}
	for _, d := range c.Days {
		out.Days = append(out.Days, toCostDay(d))
	}
	return out, nil
}

// Metrics returns the last 10 minutes of the sandbox's CPU and memory.
func (s *SandboxService) Metrics(projectID string) ([]SandboxMetric, error) {
	ms, err := s.sb.Metrics(s.ctx(), projectID, 10*time.Minute)
	if err != nil {
		return nil, err
	}
	out := make([]SandboxMetric, 0, len(ms))
	for _, m := range ms {
		out = append(out, SandboxMetric{At: stamp(m.At), CPUCount: m.CPUCount, CPUUsedPct: m.CPUUsedPct, MemUsedMB: m.MemUsedMB, MemTotalMB: m.MemTotalMB})
	}
	return out, nil
}

// SetBudget sets the project's monthly sandbox budget in US dollars (0 = none).
func (s *SandboxService) SetBudget(projectID string, usd float64) error {
	return s.sb.SetBudget(s.ctx(), projectID, usd)
}

// Publish keeps the sandbox running for hours with the preview on port
// reachable at the returned link.
func (s *SandboxService) Publish(projectID string, port int, hours int) (PublishResult, error) {
	p, err := s.sb.Publish(s.ctx(), projectID, port, time.Duration(hours)*time.Hour)
	if err != nil {
		return PublishResult{}, err
	}
	return PublishResult{URL: p.URL, Until: stamp(p.Until), Note: p.Note}, nil
}

// Unpublish ends the project's published link.
func (s *SandboxService) Unpublish(projectID string) error { return s.sb.Unpublish(s.ctx(), projectID) }

// SetWindowHidden is the page saying the window is hidden or minimised
// (true) or shown again (false).
func (s *SandboxService) SetWindowHidden(hidden bool) { s.sb.SetAway(sandbox.AwayWindow, hidden) }

// Wake is the person back at the project (focus, typing): its paused
// sandbox resumes in the background.
func (s *SandboxService) Wake(projectID string) { s.sb.Wake(projectID) }
