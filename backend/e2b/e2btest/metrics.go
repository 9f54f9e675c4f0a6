package e2btest

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// EndpointMetrics is GET /sandboxes/{id}/metrics.
const EndpointMetrics = "metrics"

// metricsEvery is how often E2B samples a running sandbox (its docs: every
// 5 seconds); maxSamples bounds what the fake keeps per sandbox.
const (
	metricsEvery = 5 * time.Second
	maxSamples   = 2000
)

// Default resources of a sandbox (E2B's default template: 2 vCPU, 512 MiB).
const (
	defaultCPUs  = 2
	defaultMemMB = 512
)

// WithResources sets the vCPUs and memory (MiB) every new sandbox gets, as
// a template's cpuCount/memoryMB do at E2B (default 2 and 512).
func WithResources(cpus, memMB int) Option {
	return func(f *Fake) { f.cpus, f.memMB = cpus, memMB }
}

// sample is one metrics entry.
type sample struct {
	at      time.Time
	cpuPct  float64
	memUsed int64
}

// sampleLocked records a sample at each metricsEvery boundary of running
// time that passed up to now (one measurement of the sandbox's host
// processes for all of them: it is taken now). Caller holds f.mu.
func (f *Fake) sampleLocked(sb *fsb, now time.Time) {
	if sb.state != stateRunning {
		return
	}
	next := sb.lastSample.Add(metricsEvery)
	if sb.lastSample.IsZero() || next.Before(sb.runSince) {
		next = sb.runSince.Add(metricsEvery)
	}
	if next.After(now) {
		return
	}
	cpuSecs, rss := sb.hostUsage()
	var pct float64
	if !sb.lastSample.IsZero() {
		if wall := now.Sub(sb.lastSample).Seconds(); wall > 0 && cpuSecs >= sb.lastCPU {
			pct = (cpuSecs - sb.lastCPU) / wall / float64(sb.cpus) * 100
		}
	}
	if pct > 100 {
		pct = 100
	}
	sb.lastCPU = cpuSecs
	base := int64(64 << 20) // what the VM's own services take
	mem := base + rss
	if total := int64(sb.memMB) << 20; mem > total {
		mem = total
	}
	for ; !next.After(now); next = next.Add(metricsEvery) {
		sb.samples = append(sb.samples, sample{at: next, cpuPct: pct, memUsed: mem})
		sb.lastSample = next
	}
	if n := len(sb.samples); n > maxSamples {
		sb.samples = append([]sample(nil), sb.samples[n-maxSamples:]...)
	}
}

// metrics answers GET /sandboxes/{id}/metrics for a running or paused
// sandbox; start/end (Unix seconds) bound the samples.
func (f *Fake) metrics(w http.ResponseWriter, r *http.Request, sb *fsb) {
	var start, end int64 = 0, 1<<62 - 1
	for name, dst := range map[string]*int64{"start": &start, "end": &end} {
		if v := r.URL.Query().Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				writeErr(w, http.StatusBadRequest, "Invalid "+name)
				return
			}
			*dst = n
		}
	}
	if start > end {
		writeErr(w, http.StatusBadRequest, "start must be before end")
		return
	}
	f.sampleLocked(sb, f.clock.Now())
	out := make([]map[string]any, 0, len(sb.samples))
	for _, s := range sb.samples {
		if u := s.at.Unix(); u < start || u > end {
			continue
		}
		out = append(out, map[string]any{
			"timestamp":     s.at.UTC().Format(time.RFC3339),
			"timestampUnix": s.at.Unix(),
			"cpuCount":      sb.cpus,
			"cpuUsedPct":    s.cpuPct,
			"memUsed":       s.memUsed,
			"memTotal":      int64(sb.memMB) << 20,
			"memCache":      0,
			"diskUsed":      sb.diskUsed(),
			"diskTotal":     int64(4096) << 20,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// diskUsed is the size of the sandbox's files on the host.
func (sb *fsb) diskUsed() int64 {
	var n int64
	_ = filepath.WalkDir(sb.root, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
