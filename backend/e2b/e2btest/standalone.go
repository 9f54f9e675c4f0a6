package e2btest

import (
	"sort"
	"time"
)

// Addr is the loopback address the fake listens on (host:port). Clients
// outside this process (the app in end-to-end tests) connect every E2B host
// to it.
func (f *Fake) Addr() string { return f.srv.Listener.Addr().String() }

// Listed is one sandbox of the fake with its running time, for inspection
// by the standalone server.
type Listed struct {
	SandboxInfo
	RunningSeconds float64
}

// List returns every sandbox the fake created, killed ones included.
func (f *Fake) List() []Listed {
	f.mu.Lock()
	ids := make([]string, 0, len(f.sandboxes))
	for id := range f.sandboxes {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	sort.Strings(ids)
	out := make([]Listed, 0, len(ids))
	for _, id := range ids {
		if info, ok := f.Info(id); ok {
			out = append(out, Listed{SandboxInfo: info, RunningSeconds: f.RunningSeconds(id)})
		}
	}
	return out
}

// RealClock follows wall time: the standalone fake advances its clock
// every interval so sandbox timeouts expire as they would at E2B.
func (f *Fake) RealClock(interval time.Duration, stop <-chan struct{}) {
	last := time.Now()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			f.clock.Advance(now.Sub(last))
			last = now
		}
	}
}
