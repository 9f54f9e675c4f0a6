package sandbox

// The ledger: running time that has left an entry (takeUsage) but is not
// in the store yet. A write that fails because the database is busy (the
// person's own sqlite3, a long import, another connection's transaction)
// leaves its seconds here and the next Tick writes them; Close tries for a
// while longer. Reads (Status, Cost, budgets) add what the ledger holds, so
// nothing a person sees dips while the database is busy, and a failed write
// never loses time. Only a write the store refuses for good (the project
// was deleted meanwhile) is let go.

import (
	"context"
	"sort"
	"sync"
	"time"

	"tessera/backend/store"
)

type ledgerKey struct{ project, day string }

type ledgerRow struct {
	key ledgerKey
	at  time.Time // a moment of the day, for AddUsage
	u   store.UsageDay
}

// ledger is safe for concurrent use; the zero value is empty.
type ledger struct {
	mu   sync.Mutex
	rows map[ledgerKey]ledgerRow
}

func (l *ledger) add(r ledgerRow) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rows == nil {
		l.rows = map[ledgerKey]ledgerRow{}
	}
	if have, ok := l.rows[r.key]; ok {
		have.u.Seconds += r.u.Seconds
		have.u.VCPUSeconds += r.u.VCPUSeconds
		have.u.MemMiBSeconds += r.u.MemMiBSeconds
		r = have
	}
	l.rows[r.key] = r
}

// take empties the ledger: the caller writes the rows and adds back those
// that failed, so two writers never write the same seconds.
func (l *ledger) take() []ledgerRow {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ledgerRow, 0, len(l.rows))
	for _, r := range l.rows {
		out = append(out, r)
	}
	clear(l.rows)
	sort.Slice(out, func(i, j int) bool { return out[i].key.day < out[j].key.day })
	return out
}

// of is the project's unwritten days, oldest first.
func (l *ledger) of(projectID string) []store.UsageDay {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.UsageDay
	for k, r := range l.rows {
		if k.project == projectID {
			out = append(out, r.u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

func (l *ledger) empty() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.rows) == 0
}

// record books running time and writes everything the ledger holds.
func (m *Manager) record(ctx context.Context, projectID string, chunks []usageChunk) {
	for _, c := range chunks {
		day := c.day.Format("2006-01-02")
		m.books.add(ledgerRow{key: ledgerKey{projectID, day}, at: c.day,
			u: store.UsageDay{Day: day, Seconds: c.secs, VCPUSeconds: c.secs * c.cpus, MemMiBSeconds: c.secs * c.memMB}})
	}
	m.writeBooks(ctx)
}

// writeBooks writes the ledger's rows; those the database could not take
// now stay for the next try. It reports whether the ledger is empty.
func (m *Manager) writeBooks(ctx context.Context) bool {
	for _, r := range m.books.take() {
		err := m.cfg.Store.AddUsage(ctx, r.key.project, r.at, r.u)
		switch {
		case err == nil:
			// In the store now: the entry's books (books.go) take it too.
			m.mu.Lock()
			if e := m.entries[r.key.project]; e != nil {
				e.books.add(r.at, r.u)
			}
			m.mu.Unlock()
		case store.IsConstraint(err):
			m.log.Warn("sandbox running time of a project that is gone was not recorded", "project", r.key.project, "seconds", r.u.Seconds, "err", err)
		default:
			m.books.add(r)
			m.log.Warn("recording sandbox running time failed; kept to write again", "project", r.key.project, "day", r.key.day, "seconds", r.u.Seconds, "err", err)
		}
	}
	return m.books.empty()
}

// settleFor bounds how long Close keeps trying to write the ledger.
const settleFor = 15 * time.Second

// settleBooks writes the ledger at Close, trying again with a growing wait
// while the database stays busy, until settleFor has passed.
func (m *Manager) settleBooks(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, settleFor)
	defer cancel()
	wait := 50 * time.Millisecond
	for !m.writeBooks(ctx) {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			m.log.Error("sandbox running time could not be written before Tessera closed", "projects", len(m.books.take()))
			return
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// withBooks adds the project's unwritten days from the day of from on to
// days read from the store (oldest first, as UsageDays returns them) and
// keeps the order.
func (m *Manager) withBooks(projectID string, from time.Time, days []store.UsageDay) []store.UsageDay {
	pend := m.books.of(projectID)
	if len(pend) == 0 {
		return days
	}
	first := from.Format("2006-01-02")
	for _, p := range pend {
		if p.Day < first {
			continue
		}
		i := sort.Search(len(days), func(i int) bool { return days[i].Day >= p.Day })
		if i < len(days) && days[i].Day == p.Day {
			days[i].Seconds += p.Seconds
			days[i].VCPUSeconds += p.VCPUSeconds
			days[i].MemMiBSeconds += p.MemMiBSeconds
			continue
		}
		days = append(days, store.UsageDay{})
		copy(days[i+1:], days[i:])
		days[i] = p
	}
	return days
}

// booked is the project's unwritten seconds: today's and all of them.
func (m *Manager) booked(projectID string, now time.Time) (today, total int64) {
	d := now.Format("2006-01-02")
	for _, p := range m.books.of(projectID) {
		total += p.Seconds
		if p.Day == d {
			today += p.Seconds
		}
	}
	return today, total
}
