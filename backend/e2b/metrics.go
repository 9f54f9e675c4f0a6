package e2b

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

// Metric is one sample of a sandbox's resources as E2B records them (every
// few seconds while it runs): the CPU it has and uses, the memory it has
// and uses.
type Metric struct {
	At         time.Time
	CPUCount   int
	CPUUsedPct float64
	MemUsed    int64 // bytes
	MemTotal   int64 // bytes
	DiskUsed   int64 // bytes
	DiskTotal  int64 // bytes
}

type wireMetric struct {
	TimestampUnix int64   `json:"timestampUnix"`
	CPUCount      int     `json:"cpuCount"`
	CPUUsedPct    float64 `json:"cpuUsedPct"`
	MemUsed       int64   `json:"memUsed"`
	MemTotal      int64   `json:"memTotal"`
	DiskUsed      int64   `json:"diskUsed"`
	DiskTotal     int64   `json:"diskTotal"`
}

// Metrics returns the sandbox's samples between start and end (GET
// /sandboxes/{id}/metrics); a zero time leaves that side open.
func (c *Client) Metrics(ctx context.Context, id string, start, end time.Time) ([]Metric, error) {
	if err := ValidateSandboxID(id); err != nil {
		return nil, err
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return nil, apperr.New(apperr.Invalid, "The metrics interval ends before it starts. Choose an end after the start.")
	}
	if start.Unix() < 0 && !start.IsZero() || end.Unix() < 0 && !end.IsZero() {
		return nil, apperr.New(apperr.Invalid, "The metrics interval must be after 1970.")
	}
	o := op{what: "read the sandbox's metrics"}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodGet, sandboxPath(id, "/metrics"), func(r *resty.Request) {
		if !start.IsZero() {
			r.SetQueryParam("start", strconv.FormatInt(start.Unix(), 10))
		}
		if !end.IsZero() {
			r.SetQueryParam("end", strconv.FormatInt(end.Unix(), 10))
		}
	})
	if err != nil {
		return nil, err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return nil, statusError(o, a.resp.StatusCode(), a.resp.Header(), a.resp.Body())
	}
	var items []wireMetric
	if err := json.Unmarshal(a.resp.Body(), &items); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "E2B sent sandbox metrics Tessera could not read. Try again; if it keeps happening, the log file has the details.")
	}
	out := make([]Metric, 0, len(items))
	for _, w := range items {
		out = append(out, Metric{At: time.Unix(w.TimestampUnix, 0), CPUCount: w.CPUCount, CPUUsedPct: w.CPUUsedPct,
			MemUsed: w.MemUsed, MemTotal: w.MemTotal, DiskUsed: w.DiskUsed, DiskTotal: w.DiskTotal})
	}
	return out, nil
}
