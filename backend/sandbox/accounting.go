package sandbox

// Accounting: the manager's books. The entry (memory) is the live view;
// the projects row (sandbox_id, sandbox_state) is what the next start
// believes. save is the only writer of that row, and it derives the
// stored state from the entry's State, so the two books cannot disagree
// on what a state means. Running time per day is kept here too.

import (
	"context"
	"time"

	"tessera/backend/store"
)

// usageChunk is running time to add to one calendar day.
type usageChunk struct {
	day         time.Time
	secs        int64
	cpus, memMB int64 // what the sandbox had (cost.go)
}

// takeUsage moves whole seconds of running time since accFrom (capped at
// the E2B timeout: past it E2B has paused the sandbox) out of the entry,
// split at local midnights. Caller holds mu.
func (e *entry) takeUsage(now time.Time) []usageChunk {
	if e.accFrom.IsZero() {
		return nil
	}
	end := now
	if !e.timeoutAt.IsZero() && e.timeoutAt.Before(end) {
		end = e.timeoutAt
	}
	if !end.After(e.accFrom) {
		return nil
	}
	secs := int64(end.Sub(e.accFrom) / time.Second)
	if secs <= 0 {
		return nil
	}
	from := e.accFrom
	e.accFrom = from.Add(time.Duration(secs) * time.Second)
	cpus, mem := e.resources()
	var out []usageChunk
	for secs > 0 {
		y, mo, d := from.Date()
		next := time.Date(y, mo, d+1, 0, 0, 0, 0, from.Location())
		n := int64(next.Sub(from) / time.Second)
		if n <= 0 {
			n = 1
		}
		if n >= secs {
			out = append(out, usageChunk{from, secs, cpus, mem})
			break
		}
		out = append(out, usageChunk{from, n, cpus, mem})
		from = from.Add(time.Duration(n) * time.Second)
		secs -= n
	}
	return out
}

// record writes running time to the store and to the entry's books.
func (m *Manager) record(ctx context.Context, projectID string, chunks []usageChunk) {
	for _, c := range chunks {
		u := store.UsageDay{Seconds: c.secs, VCPUSeconds: c.secs * c.cpus, MemMiBSeconds: c.secs * c.memMB}
		err := m.cfg.Store.AddUsage(ctx, projectID, c.day, u)
		m.mu.Lock()
		if e := m.entries[projectID]; e != nil {
			if err != nil {
				e.books.known = false // what the store holds is not known: read it again
				e.books.gen++
			} else {
				e.books.add(c.day, u)
			}
		}
		m.mu.Unlock()
		if err != nil {
			m.log.Warn("recording sandbox running time failed", "project", projectID, "seconds", c.secs, "err", err)
		}
	}
}

// flushEvery is how much unrecorded running time a Tick lets build up
// before writing it (Status adds the unrecorded part anyway).
const flushEvery = time.Minute

// save records the project's sandbox id and state in the store. It is
// the one place that does: every lifecycle change calls it before it
// applies the same change to the entry (m.set), so a crash between the two
// leaves the store describing the sandbox E2B has.
func (m *Manager) save(ctx context.Context, projectID, sandboxID string, s State) error {
	return m.cfg.Store.SetSandbox(ctx, projectID, sandboxID, storeState(s))
}

// storeState maps our view to what the projects table keeps: a sandbox
// in any live or in-between state is "running" there (Reconcile and the
// next connect find out the truth).
func storeState(s State) string {
	switch s {
	case StatePaused:
		return store.SandboxPaused
	case StateNone:
		return store.SandboxNone
	default:
		return store.SandboxRunning
	}
}
