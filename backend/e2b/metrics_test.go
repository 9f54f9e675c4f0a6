package e2b_test

import (
	"context"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

func TestMetricsAtTheFake(t *testing.T) {
	clock := e2btest.NewClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC))
	f := e2btest.New(t, e2btest.WithClock(clock), e2btest.WithResources(4, 2048))
	c := newClient(t, f)
	ctx := context.Background()
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Hour, AutoPause: true, Secure: true})

	// Detail carries what the template gives the sandbox.
	d, err := c.Get(ctx, sb.SandboxID)
	if err != nil || d.CPUCount != 4 || d.MemoryMB != 2048 {
		t.Fatalf("Get: %+v %v", d, err)
	}
	if ms, err := c.Metrics(ctx, sb.SandboxID, time.Time{}, time.Time{}); err != nil || len(ms) != 0 {
		t.Fatalf("before any sample: %v %v", ms, err)
	}
	clock.Advance(30 * time.Second)
	ms, err := c.Metrics(ctx, sb.SandboxID, time.Time{}, time.Time{})
	if err != nil || len(ms) != 6 {
		t.Fatalf("after 30 s: %d samples, %v", len(ms), err)
	}
	for i, m := range ms {
		if m.CPUCount != 4 || m.MemTotal != 2048<<20 || m.MemUsed <= 0 || m.MemUsed > m.MemTotal {
			t.Fatalf("sample %d: %+v", i, m)
		}
		if want := clock.Now().Add(-30 * time.Second).Add(time.Duration(i+1) * 5 * time.Second); !m.At.Equal(want) {
			t.Fatalf("sample %d at %v, want %v", i, m.At, want)
		}
	}
	// The interval bounds the samples.
	from := ms[2].At
	if got, err := c.Metrics(ctx, sb.SandboxID, from, ms[3].At); err != nil || len(got) != 2 {
		t.Fatalf("interval: %d %v", len(got), err)
	}
	// Paused time adds no samples; they stay readable.
	if err := c.Pause(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if got, _ := c.Metrics(ctx, sb.SandboxID, time.Time{}, time.Time{}); len(got) != 6 {
		t.Fatalf("paused: %d samples", len(got))
	}
	_, err = c.Metrics(ctx, sb.SandboxID, ms[3].At, ms[2].At)
	wantCode(t, err, apperr.Invalid)
	if err := c.Kill(ctx, sb.SandboxID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Metrics(ctx, sb.SandboxID, time.Time{}, time.Time{})
	wantCode(t, err, apperr.NotFound)
}

// A busy process shows as CPU use: the fake measures the sandbox's host
// processes.
func TestMetricsMeasureCPU(t *testing.T) {
	clock := e2btest.NewClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC))
	f := e2btest.New(t, e2btest.WithClock(clock))
	c := newClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb := create(t, c, e2b.CreateOptions{Timeout: time.Hour, Secure: true})
	pidc := make(chan uint32, 1)
	go func() {
		_, _ = c.Envd(sb).StartDetached(ctx, e2b.ProcessOptions{Cmd: "while :; do :; done"}, "", e2b.StreamCallbacks{OnStart: func(pid uint32) { pidc <- pid }})
	}()
	select {
	case <-pidc:
	case <-time.After(30 * time.Second):
		t.Fatal("the busy process did not start")
	}
	for i := 0; i < 200; i++ {
		clock.Advance(5 * time.Second)
		ms, err := c.Metrics(ctx, sb.SandboxID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(ms); n > 0 && ms[n-1].CPUUsedPct > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond) // let the busy loop use some CPU
	}
	t.Fatal("a busy loop never showed as CPU use")
}
