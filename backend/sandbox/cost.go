package sandbox

// Cost: what a project's sandbox ran with (vCPUs, memory), an estimate in
// money from E2B's per-second prices, the per-project monthly budget that
// pauses the sandbox when reached, and the E2B metrics for the chart.

import (
	"context"
	"fmt"
	"math"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/config"
	"tessera/backend/e2b"
	"tessera/backend/store"
)

// Prices are E2B's usage prices in US dollars per second: per vCPU and per
// GiB of memory. E2B bills the resources a sandbox has while it runs, not
// what it uses.
type Prices struct {
	VCPUSecond float64 `json:"vcpuSecond"`
	GiBSecond  float64 `json:"gibSecond"`
}

// DefaultPrices are E2B's published prices (https://e2b.dev/pricing, read
// December 2026: $0.000014 per vCPU per second, $0.0000045 per GiB of RAM
// per second; E2B's billing docs agree: 8 vCPU and 4 GiB cost $0.468 an
// hour). The person can change them in Settings.
var DefaultPrices = Prices{VCPUSecond: config.DefaultVCPUPrice, GiBSecond: config.DefaultGiBPrice}

// Resources assumed until E2B has told what the sandbox has (its default
// template: 2 vCPU, 512 MiB). The first probe (within ProbeEvery) learns
// the real ones.
const (
	defaultCPUs  = 2
	defaultMemMB = 512
)

// MaxBudgetUSD bounds a monthly budget (a typo guard, not a policy).
const MaxBudgetUSD = 100000

// CostStore is the part of the store cost needs (*store.Store).
type CostStore interface {
	AddUsage(ctx context.Context, projectID string, t time.Time, u store.UsageDay) error
	UsageDays(ctx context.Context, projectID string, from, to time.Time) ([]store.UsageDay, error)
	Budget(ctx context.Context, projectID string) (float64, error)
	SetBudget(ctx context.Context, projectID string, usd float64) error
	SetPublish(ctx context.Context, projectID string, p store.Publish) error
	GetPublish(ctx context.Context, projectID string) (store.Publish, bool, error)
	ClearPublish(ctx context.Context, projectID string) error
}

// costState is an entry's cost view; guarded by Manager.mu.
type costState struct {
	cpus, memMB int // what E2B says the sandbox has; 0 = not known yet
	budget      float64
	budgetKnown bool
	// budgetNote is the sentence while the budget keeps the sandbox paused.
	budgetNote string
}

func (c *costState) learn(sb *e2b.Sandbox) {
	if sb == nil {
		return
	}
	if sb.CPUCount > 0 {
		c.cpus = sb.CPUCount
	}
	if sb.MemoryMB > 0 {
		c.memMB = sb.MemoryMB
	}
}

// resources is what the sandbox is billed for now. Caller holds mu.
func (e *entry) resources() (cpus, memMB int64) {
	cpus, memMB = defaultCPUs, defaultMemMB
	if e.cost.cpus > 0 {
		cpus = int64(e.cost.cpus)
	}
	if e.cost.memMB > 0 {
		memMB = int64(e.cost.memMB)
	}
	return cpus, memMB
}

func (m *Manager) prices(ctx context.Context) Prices {
	p := DefaultPrices
	if m.cfg.Prices == nil {
		return p
	}
	q := m.cfg.Prices(ctx)
	if q.VCPUSecond > 0 {
		p.VCPUSecond = q.VCPUSecond
	}
	if q.GiBSecond > 0 {
		p.GiBSecond = q.GiBSecond
	}
	return p
}

// CostDay is one day of a project's sandbox use with its estimated price.
type CostDay struct {
	Day            string  `json:"day"` // YYYY-MM-DD, local
	RunningSeconds int64   `json:"runningSeconds"`
	VCPUSeconds    int64   `json:"vcpuSeconds"`
	MemMiBSeconds  int64   `json:"memMiBSeconds"`
	USD            float64 `json:"usd"`
}

func (p Prices) usd(vcpuSecs, memMiBSecs int64) float64 {
	return float64(vcpuSecs)*p.VCPUSecond + float64(memMiBSecs)/1024*p.GiBSecond
}

func (p Prices) day(u store.UsageDay) CostDay {
	return CostDay{Day: u.Day, RunningSeconds: u.Seconds, VCPUSeconds: u.VCPUSeconds, MemMiBSeconds: u.MemMiBSeconds,
		USD: p.usd(u.VCPUSeconds, u.MemMiBSeconds)}
}

// Cost is a project's sandbox cost report.
type Cost struct {
	ProjectID string `json:"projectId"`
	Prices    Prices `json:"prices"`
	// CPUCount and MemoryMB are what the sandbox has (defaults until E2B
	// told); Known says whether E2B told.
	CPUCount int  `json:"cpuCount"`
	MemoryMB int  `json:"memoryMB"`
	Known    bool `json:"known"`
	// Days are the last 31 days with use, oldest first; Today and Month
	// (this calendar month) are totals. All include time not yet written.
	Days      []CostDay `json:"days"`
	Today     CostDay   `json:"today"`
	Month     CostDay   `json:"month"`
	BudgetUSD float64   `json:"budgetUSD"`
}

// unflushed is the running time not in the store yet, as a usage day of
// now. Caller holds mu.
func (e *entry) unflushed(now time.Time) store.UsageDay {
	if e.state != StateRunning || e.accFrom.IsZero() {
		return store.UsageDay{}
	}
	end := now
	if !e.timeoutAt.IsZero() && e.timeoutAt.Before(end) {
		end = e.timeoutAt
	}
	if !end.After(e.accFrom) {
		return store.UsageDay{}
	}
	secs := int64(end.Sub(e.accFrom) / time.Second)
	cpus, mem := e.resources()
	return store.UsageDay{Day: now.Format("2006-01-02"), Seconds: secs, VCPUSeconds: secs * cpus, MemMiBSeconds: secs * mem}
}

func monthStart(now time.Time) time.Time {
	y, mo, _ := now.Date()
	return time.Date(y, mo, 1, 0, 0, 0, 0, now.Location())
}

// Cost reports the project's sandbox use and its estimated price.
func (m *Manager) Cost(ctx context.Context, projectID string) (Cost, error) {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return Cost{}, err
	}
	now := m.now()
	p := m.prices(ctx)
	budget, err := m.budget(ctx, e)
	if err != nil {
		return Cost{}, err
	}
	from := now.AddDate(0, 0, -30)
	if ms := monthStart(now); ms.Before(from) {
		from = ms
	}
	days, err := m.cfg.Store.UsageDays(ctx, projectID, from, now)
	if err != nil {
		return Cost{}, err
	}
	days = m.withBooks(projectID, from, days)
	m.mu.Lock()
	u := e.unflushed(now)
	cpus, mem := e.resources()
	known := e.cost.cpus > 0
	m.mu.Unlock()
	if u.Seconds > 0 {
		if n := len(days); n > 0 && days[n-1].Day == u.Day {
			days[n-1].Seconds += u.Seconds
			days[n-1].VCPUSeconds += u.VCPUSeconds
			days[n-1].MemMiBSeconds += u.MemMiBSeconds
		} else {
			days = append(days, u)
		}
	}
	out := Cost{ProjectID: projectID, Prices: p, CPUCount: int(cpus), MemoryMB: int(mem), Known: known,
		BudgetUSD: budget, Days: []CostDay{}}
	today, month, last := now.Format("2006-01-02"), monthStart(now).Format("2006-01-02"), now.AddDate(0, 0, -30).Format("2006-01-02")
	out.Today.Day, out.Month.Day = today, month
	for _, d := range days {
		c := p.day(d)
		if d.Day >= last {
			out.Days = append(out.Days, c)
		}
		if d.Day == today {
			out.Today = c
		}
		if d.Day >= month {
			out.Month.RunningSeconds += c.RunningSeconds
			out.Month.VCPUSeconds += c.VCPUSeconds
			out.Month.MemMiBSeconds += c.MemMiBSeconds
		}
	}
	out.Month.USD = p.usd(out.Month.VCPUSeconds, out.Month.MemMiBSeconds)
	return out, nil
}

// budget returns the project's monthly budget (0 = none), read once.
func (m *Manager) budget(ctx context.Context, e *entry) (float64, error) {
	m.mu.Lock()
	b, ok := e.cost.budget, e.cost.budgetKnown
	m.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := m.cfg.Store.Budget(ctx, e.id)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	e.cost.budget, e.cost.budgetKnown = b, true
	m.mu.Unlock()
	return b, nil
}

// SetBudget sets the project's monthly sandbox budget in US dollars; 0
// removes it. A budget above this month's cost lets a sandbox the budget
// paused be used again.
func (m *Manager) SetBudget(ctx context.Context, projectID string, usd float64) error {
	if math.IsNaN(usd) || math.IsInf(usd, 0) || usd < 0 || usd > MaxBudgetUSD {
		return apperr.Newf(apperr.Invalid, "A monthly budget is an amount in US dollars between 0 (no budget) and %d.", MaxBudgetUSD).InField("budgetUSD")
	}
	e, err := m.load(ctx, projectID)
	if err != nil {
		return err
	}
	if err := m.cfg.Store.SetBudget(ctx, projectID, usd); err != nil {
		return err
	}
	m.mu.Lock()
	e.cost.budget, e.cost.budgetKnown = usd, true
	m.mu.Unlock()
	if spent, err := m.monthUSD(ctx, e, m.now()); err == nil && (usd == 0 || spent < usd) {
		m.mu.Lock()
		e.cost.budgetNote = ""
		m.mu.Unlock()
	}
	m.emit(e)
	return nil
}

// monthUSD is this calendar month's estimated cost, unwritten time included.
func (m *Manager) monthUSD(ctx context.Context, e *entry, now time.Time) (float64, error) {
	days, err := m.cfg.Store.UsageDays(ctx, e.id, monthStart(now), now)
	if err != nil {
		return 0, err
	}
	days = m.withBooks(e.id, monthStart(now), days)
	m.mu.Lock()
	u := e.unflushed(now)
	m.mu.Unlock()
	p := m.prices(ctx)
	total := p.usd(u.VCPUSeconds, u.MemMiBSeconds)
	for _, d := range days {
		total += p.usd(d.VCPUSeconds, d.MemMiBSeconds)
	}
	return total, nil
}

func budgetSentence(budget, spent float64) string {
	return fmt.Sprintf("This project's monthly sandbox budget of $%.2f is reached ($%.2f this month), so Tessera paused the sandbox. Raise the budget in the sandbox menu to keep working.", budget, spent)
}

// overBudget says whether the project reached its budget, with the sentence.
func (m *Manager) overBudget(ctx context.Context, e *entry, now time.Time) (string, bool) {
	budget, err := m.budget(ctx, e)
	if err != nil || budget <= 0 {
		return "", false
	}
	spent, err := m.monthUSD(ctx, e, now)
	if err != nil {
		m.log.Warn("reading this month's sandbox cost failed", "project", e.id, "err", err)
		return "", false
	}
	if spent < budget {
		return "", false
	}
	return budgetSentence(budget, spent), true
}

// checkBudget refuses to resume or create a sandbox for a project whose
// budget is reached. Called on Ensure's slow path.
func (m *Manager) checkBudget(ctx context.Context, e *entry) error {
	msg, over := m.overBudget(ctx, e, m.now())
	if !over {
		m.mu.Lock()
		cleared := e.cost.budgetNote != ""
		e.cost.budgetNote = ""
		m.mu.Unlock()
		if cleared {
			m.emit(e)
		}
		return nil
	}
	m.mu.Lock()
	e.cost.budgetNote = msg
	m.mu.Unlock()
	m.emit(e)
	return apperr.New(apperr.Conflict, msg)
}

// checkBudgets pauses running sandboxes whose project reached its budget
// (Tick). A paused one stays paused: checkBudget refuses to resume it.
func (m *Manager) checkBudgets(ctx context.Context, now time.Time) {
	m.mu.Lock()
	var running []*entry
	for _, e := range m.entries {
		if e.state == StateRunning && (!e.cost.budgetKnown || e.cost.budget > 0) {
			running = append(running, e)
		}
	}
	m.mu.Unlock()
	for _, e := range running {
		msg, over := m.overBudget(ctx, e, now)
		if !over || !e.op.tryLock() {
			continue
		}
		m.mu.Lock()
		e.cost.budgetNote = msg
		m.mu.Unlock()
		if err := m.pauseLocked(ctx, e, false); err != nil {
			m.log.Warn("pausing at the budget failed", "project", e.id, "err", err)
		} else {
			m.log.Info("paused a sandbox: the project's monthly budget is reached", "project", e.id)
		}
		e.op.unlock()
	}
}

// Metric is one E2B metrics sample for the chart.
type Metric struct {
	At         time.Time `json:"at"`
	CPUCount   int       `json:"cpuCount"`
	CPUUsedPct float64   `json:"cpuUsedPct"`
	MemUsedMB  float64   `json:"memUsedMB"`
	MemTotalMB float64   `json:"memTotalMB"`
}

type metricser interface {
	Metrics(ctx context.Context, id string, start, end time.Time) ([]e2b.Metric, error)
}

// Metrics returns the last `window` of E2B's metrics for the project's
// sandbox (empty when it has none). It also learns the sandbox's resources.
func (m *Manager) Metrics(ctx context.Context, projectID string, window time.Duration) ([]Metric, error) {
	e, err := m.load(ctx, projectID)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	id := e.sandboxID
	m.mu.Unlock()
	if id == "" {
		return []Metric{}, nil
	}
	c, err := m.client(ctx)
	if err != nil {
		return nil, err
	}
	mc, ok := c.(metricser)
	if !ok {
		return []Metric{}, nil
	}
	now := m.now()
	ms, err := mc.Metrics(ctx, id, now.Add(-window), time.Time{})
	if err != nil {
		return nil, wrapOp(err, "read the sandbox's CPU and memory")
	}
	out := make([]Metric, 0, len(ms))
	for _, s := range ms {
		out = append(out, Metric{At: s.At, CPUCount: s.CPUCount, CPUUsedPct: s.CPUUsedPct,
			MemUsedMB: float64(s.MemUsed) / (1 << 20), MemTotalMB: float64(s.MemTotal) / (1 << 20)})
	}
	if n := len(ms); n > 0 {
		last := ms[n-1]
		m.mu.Lock()
		if e.sandboxID == id {
			e.cost.learn(&e2b.Sandbox{CPUCount: last.CPUCount, MemoryMB: int(last.MemTotal >> 20)})
		}
		m.mu.Unlock()
	}
	return out, nil
}

// Extra is what Status adds for cost, budget, publish and presence.
type Extra struct {
	TodayUSD  float64 `json:"todayUSD"`
	MonthUSD  float64 `json:"monthUSD"`
	BudgetUSD float64 `json:"budgetUSD"`
	// BudgetNote is set while the budget keeps the sandbox paused.
	BudgetNote string `json:"budgetNote,omitempty"`
	// PublishedUntil/PublishURL: the preview link and when it ends; zero
	// and "" unless published.
	PublishedUntil time.Time `json:"publishedUntil"`
	PublishURL     string    `json:"publishURL,omitempty"`
	// KeptRunning says why Tessera does not pause the sandbox now although
	// it is idle or the person is away (a published link, a run).
	KeptRunning string `json:"keptRunning,omitempty"`
}

// extra fills s.Extra. Called by status.
func (m *Manager) extra(ctx context.Context, e *entry, s *Status, now time.Time, f figures) {
	p := m.prices(ctx)
	today := now.Format("2006-01-02")
	for _, d := range m.withBooks(e.id, monthStart(now), f.days) {
		c := p.usd(d.VCPUSeconds, d.MemMiBSeconds)
		s.MonthUSD += c
		if d.Day == today {
			s.TodayUSD += c
		}
	}
	b, _ := m.budget(ctx, e)
	m.mu.Lock()
	defer m.mu.Unlock()
	u := e.unflushed(now)
	c := p.usd(u.VCPUSeconds, u.MemMiBSeconds)
	s.TodayUSD += c
	s.MonthUSD += c
	s.BudgetUSD = b
	s.BudgetNote = e.cost.budgetNote
	if e.state == StateRunning && e.pub.active(now) {
		s.PublishedUntil, s.PublishURL = e.pub.until, e.pub.url
		s.IdlePauseAt = time.Time{}
	}
	s.KeptRunning = m.keptRunning(e, now)
	if at, ok := m.awayPauseAt(e, now); ok && (s.IdlePauseAt.IsZero() || at.Before(s.IdlePauseAt)) {
		s.IdlePauseAt = at
	}
}
