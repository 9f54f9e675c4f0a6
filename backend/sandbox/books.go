package sandbox

// The running-time books in memory: an entry's total and this month's
// days are read from the store once (per entry and month) and then kept
// by record, which writes the store and the books alike. Every state
// change emits a status; with the books, building it reads no SQL.

import (
	"context"
	"sort"
	"time"

	"tessera/backend/store"
)

// books is an entry's running time and resource use; guarded by
// Manager.mu.
type books struct {
	known bool
	month string // "2006-01": the month days holds
	total int64  // running seconds ever
	days  map[string]store.UsageDay
	// gen counts records: a load that saw another record start after its
	// queries drops what it read (it may lack that record).
	gen uint64
}

// figures is a copy of the books for one status.
type figures struct {
	total int64
	days  []store.UsageDay // this month's
}

// usageBooks returns the entry's figures for now's month, reading the
// store only when the books do not hold that month yet.
func (m *Manager) usageBooks(ctx context.Context, e *entry, now time.Time) (figures, error) {
	month := now.Format("2006-01")
	m.mu.Lock()
	if e.books.known && e.books.month == month {
		f := e.books.copy()
		m.mu.Unlock()
		return f, nil
	}
	gen := e.books.gen
	m.mu.Unlock()
	_, total, err := m.cfg.Store.Usage(ctx, e.id, now)
	if err != nil {
		return figures{}, err
	}
	days, err := m.cfg.Store.UsageDays(ctx, e.id, monthStart(now), now)
	if err != nil {
		return figures{}, err
	}
	b := books{known: true, month: month, total: total, days: make(map[string]store.UsageDay, len(days)), gen: gen}
	for _, d := range days {
		b.days[d.Day] = d
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e.books.gen == gen {
		e.books = b
	}
	return b.copy(), nil
}

func (b *books) copy() figures {
	f := figures{total: b.total, days: make([]store.UsageDay, 0, len(b.days))}
	for _, d := range b.days {
		f.days = append(f.days, d)
	}
	// Oldest first, as the store gives them (withBooks merges the ledger
	// into this order).
	sort.Slice(f.days, func(i, j int) bool { return f.days[i].Day < f.days[j].Day })
	return f
}

// add books a chunk the store has recorded. Caller holds mu.
func (b *books) add(day time.Time, u store.UsageDay) {
	b.gen++
	if !b.known {
		return
	}
	if day.Format("2006-01") != b.month {
		b.known = false // a new month: read again
		return
	}
	key := day.Format("2006-01-02")
	d := b.days[key]
	d.Day = key
	d.Seconds += u.Seconds
	d.VCPUSeconds += u.VCPUSeconds
	d.MemMiBSeconds += u.MemMiBSeconds
	b.days[key] = d
	b.total += u.Seconds
}

// today is the running seconds of now's day in f.
func (f figures) today(now time.Time) int64 {
	key := now.Format("2006-01-02")
	for _, d := range f.days {
		if d.Day == key {
			return d.Seconds
		}
	}
	return 0
}
