package chat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/e2b/e2btest"
	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// installFragment is a Python fragment whose install command comes before
// a long code string, as the schema orders them.
func installFragment(install string) fragment.Fragment {
	f := pyFragment(strings.Repeat("x = 1\n", 300) + "print('done')")
	f.AdditionalDependencies = []string{"rich"}
	f.HasAdditionalDependencies = true
	f.InstallDependenciesCommand = install
	return f
}

// stallWithin streams f and goes silent after the chunk that holds the
// first characters of the code: the setup is complete, the code is not.
func stallWithin(f fragment.Fragment, chunk int) llmtest.Response {
	resp := llmtest.FragmentResponse(f, chunk)
	at := strings.Index(resp.Text, `"code":"`) + len(`"code":"`) + 20
	resp.StallAfter = at/chunk + 1
	return resp
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Issue 17, item 3: with the code still streaming, the sandbox is created
// and the install has run; the run step then uses both (one sandbox, one
// install).
func TestSandboxAndInstallAreReadyWhileTheCodeStreams(t *testing.T) {
	r := newRig(t)
	r.llm.Push(stallWithin(installFragment("echo installing rich; echo x >> install-count"), 16))
	var wg sync.WaitGroup
	var res Result
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, err = r.chat.Send(context.Background(), SendRequest{RequestID: "warm", ProjectID: r.proj.ID, Text: "go", ProviderID: "custom", ModelID: "m1"})
	}()
	ctx := context.Background()
	waitUntil(t, "the install recorded while the answer is stalled in the code", func() bool {
		cmds, _ := r.store.ListInstalls(ctx, r.proj.ID)
		return len(cmds) == 1 && cmds[0] == "echo installing rich; echo x >> install-count"
	})
	if c := r.fake.Counts().Creates; c != 1 {
		t.Fatalf("creates = %d while streaming, want 1", c)
	}
	if n := r.fake.Calls(e2btest.EndpointFiles) + r.fake.Calls(e2btest.EndpointExecute); n != 0 {
		t.Fatalf("%d writes or runs before the code was complete", n)
	}
	r.chat.Stop("warm")
	wg.Wait()
	if err != nil || res.Assistant == nil || res.Assistant.Status != store.MessageStopped {
		t.Fatalf("%+v %v", res.Assistant, err)
	}

	// A whole answer: the install found done is not run again.
	r.llm.Push(llmtest.FragmentResponse(installFragment("echo installing rich; echo x >> install-count"), 64))
	res2, err, _ := r.send("again")
	if err != nil || res2.Assistant.Status != store.MessageDone {
		t.Fatalf("%+v %v", res2.Assistant, err)
	}
	rr := runResult(t, res2.Assistant)
	if rr.StepError != nil || !strings.Contains(rr.InstallLog, "installing rich") {
		t.Fatalf("%+v", rr)
	}
	if c := r.fake.Counts().Creates; c != 1 {
		t.Fatalf("creates = %d, want 1", c)
	}
	runs := 0
	for _, id := range r.fake.IDs() {
		for p, b := range r.fake.Files(id) {
			if strings.HasSuffix(p, "install-count") {
				runs = strings.Count(string(b), "x")
			}
		}
	}
	if runs != 2 {
		t.Fatalf("the install ran %d times in two turns, want 2 (once each)", runs)
	}
}

// A Stop while the early install runs kills it: it is not recorded and
// does not finish later.
func TestStopKillsTheEarlyInstall(t *testing.T) {
	r := newRig(t)
	r.llm.Push(stallWithin(installFragment("sleep 1.5 && touch late-marker"), 16))
	done := make(chan Result, 1)
	go func() {
		res, _ := r.chat.Send(context.Background(), SendRequest{RequestID: "stopwarm", ProjectID: r.proj.ID, Text: "go", ProviderID: "custom", ModelID: "m1"})
		done <- res
	}()
	waitUntil(t, "the early install started", func() bool { return r.fake.Calls(e2btest.EndpointProcess) > 0 })
	r.chat.Stop("stopwarm")
	res := <-done
	if res.Assistant == nil || res.Assistant.Status != store.MessageStopped {
		t.Fatalf("%+v", res.Assistant)
	}
	time.Sleep(2500 * time.Millisecond) // past the point where the command would have finished
	if cmds, _ := r.store.ListInstalls(context.Background(), r.proj.ID); len(cmds) != 0 {
		t.Fatalf("a stopped install was recorded: %v", cmds)
	}
	for _, id := range r.fake.IDs() {
		for p := range r.fake.Files(id) {
			if strings.HasSuffix(p, "late-marker") {
				t.Fatalf("the install went on after the Stop: %s", p)
			}
		}
	}
}

// stubSandboxes records what the warm-up asks for.
type stubSandboxes struct {
	mu         sync.Mutex
	ensures    []string
	installs   []string
	gate       chan struct{} // Install waits on it (or its context)
	ensureErr  error
	ensureGate chan struct{} // when set, Ensure waits on it
}

func (s *stubSandboxes) Ensure(_ context.Context, _, template string) (*sandbox.Handle, error) {
	s.mu.Lock()
	s.ensures = append(s.ensures, template)
	s.mu.Unlock()
	if s.ensureGate != nil {
		<-s.ensureGate
	}
	if s.ensureErr != nil {
		return nil, s.ensureErr
	}
	return &sandbox.Handle{SandboxID: "sb-" + template}, nil
}

func (s *stubSandboxes) Install(ctx context.Context, _ *sandbox.Handle, command string, out func(string, []byte)) error {
	s.mu.Lock()
	s.installs = append(s.installs, command)
	s.mu.Unlock()
	out("stdout", []byte("started "+command+"\n"))
	select {
	case <-s.gate:
		out("stdout", []byte("finished\n"))
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *stubSandboxes) WriteFiles(context.Context, *sandbox.Handle, []store.File) error { return nil }
func (s *stubSandboxes) Hold(string) func()                                              { return func() {} }
func (s *stubSandboxes) Invalidate(string)                                               {}
func (s *stubSandboxes) Report(string, error)                                            {}

func setupPartial(template, install string, done bool) fragment.Partial {
	return fragment.Partial{Setup: fragment.Setup{Template: template, Install: install, Done: done}}
}

func TestWarmupCases(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()

	t.Run("one ensure per template, install once, output replayed then streamed", func(t *testing.T) {
		sb := &stubSandboxes{gate: make(chan struct{})}
		w := newWarmup(ctx, sb, "p", log)
		w.observe(setupPartial("", "", false)) // nothing named yet
		w.observe(setupPartial("code-interpreter-v1", "", false))
		w.observe(setupPartial("code-interpreter-v1", "pip install rich", true))
		w.observe(setupPartial("code-interpreter-v1", "pip install rich", true))
		h, ok := w.handle(ctx, "code-interpreter-v1")
		if !ok || h.SandboxID != "sb-code-interpreter-v1" {
			t.Fatalf("%+v %v", h, ok)
		}
		var got strings.Builder
		var mu sync.Mutex
		go func() {
			// Let awaitInstall replay the first line, then finish.
			time.Sleep(50 * time.Millisecond)
			close(sb.gate)
		}()
		started, err := w.awaitInstall(ctx, "pip install rich", func(_ string, b []byte) { mu.Lock(); got.Write(b); mu.Unlock() })
		if !started || err != nil {
			t.Fatalf("%v %v", started, err)
		}
		w.close()
		if got.String() != "started pip install rich\nfinished\n" || len(sb.ensures) != 1 || len(sb.installs) != 1 {
			t.Fatalf("output %q, ensures %v, installs %v", got.String(), sb.ensures, sb.installs)
		}
	})

	t.Run("another template or a failed ensure: the run step ensures by itself", func(t *testing.T) {
		sb := &stubSandboxes{ensureErr: errors.New("down")}
		w := newWarmup(ctx, sb, "p", log)
		w.observe(setupPartial("nextjs-developer", "", true))
		if _, ok := w.handle(ctx, "vue-developer"); ok {
			t.Fatal("a handle for another template")
		}
		if _, ok := w.handle(ctx, "nextjs-developer"); ok {
			t.Fatal("a failed ensure gave a handle")
		}
		var none *warmup
		if _, ok := none.handle(ctx, "x"); ok {
			t.Fatal("nil warm-up")
		}
		if started, _ := none.awaitInstall(ctx, "x", nil); started {
			t.Fatal("nil warm-up")
		}
		w.close()
	})

	t.Run("the final fragment asks for another install: the early one is cancelled and waited for", func(t *testing.T) {
		sb := &stubSandboxes{gate: make(chan struct{})}
		w := newWarmup(ctx, sb, "p", log)
		w.observe(setupPartial("code-interpreter-v1", "pip install a", true))
		waitUntil(t, "early install started", func() bool { sb.mu.Lock(); defer sb.mu.Unlock(); return len(sb.installs) == 1 })
		if started, _ := w.awaitInstall(ctx, "pip install b", func(string, []byte) {}); started {
			t.Fatal("another command's install counted as this one")
		}
		select {
		case <-w.installed:
		default:
			t.Fatal("the early install still runs")
		}
		w.close()
	})

	t.Run("the turn's end does not wait for a sandbox still being made", func(t *testing.T) {
		sb := &stubSandboxes{gate: make(chan struct{}), ensureGate: make(chan struct{})}
		defer close(sb.ensureGate)
		w := newWarmup(ctx, sb, "p", log)
		w.observe(setupPartial("code-interpreter-v1", "pip install a", true))
		closed := make(chan struct{})
		go func() { w.close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("close waited for Ensure")
		}
		if !errors.Is(w.installErr, context.Canceled) || len(sb.installs) != 0 {
			t.Fatalf("install err %v, installs %v", w.installErr, sb.installs)
		}
	})

	t.Run("an install nobody waits for is cancelled when the turn ends", func(t *testing.T) {
		sb := &stubSandboxes{gate: make(chan struct{})}
		w := newWarmup(ctx, sb, "p", log)
		w.observe(setupPartial("code-interpreter-v1", "pip install a", true))
		w.close() // returns: the install's context was cancelled
		if w.installErr == nil {
			t.Fatal("the install was not cancelled")
		}
	})
}

// BenchmarkTurnNewProject is issue 17's measure: send → result for a new
// project with the fakes at realistic latencies (LLM 8 s, create 1.5 s,
// install 6 s, run 1 s), with the warm-up and without it (the serial sum).
// It reports seconds per turn and the ratio to LLM + run time (target ≤
// 1.1). -short scales every latency down ten times.
func BenchmarkTurnNewProject(b *testing.B) {
	scale := time.Duration(1)
	if testing.Short() {
		scale = 10
	}
	llmTime, create, install, run := 8*time.Second/scale, 1500*time.Millisecond/scale, 6*time.Second/scale, time.Second/scale
	for _, mode := range []struct {
		name   string
		serial bool
	}{{"warm", false}, {"serial", true}} {
		b.Run(mode.name, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				r := newRig(b)
				r.chat.serial = mode.serial
				r.fake.Latency(e2btest.EndpointCreate, create)
				f := installFragment(fmt.Sprintf("sleep %.2f", install.Seconds()))
				f.Code = fmt.Sprintf("import time\ntime.sleep(%.2f)\n", run.Seconds()) + strings.Repeat("# line of the script\n", 200)
				resp := llmtest.FragmentResponse(f, 32)
				resp.Pace = llmTime / time.Duration(len(llmtest.Split(resp.Text, 32)))
				r.llm.Push(resp)
				b.StartTimer()
				t0 := time.Now()
				res, err, _ := r.send("a new project")
				total += time.Since(t0)
				if err != nil || res.Assistant == nil || res.Assistant.Status != store.MessageDone {
					b.Fatalf("%+v %v", res.Assistant, err)
				}
			}
			per := total / time.Duration(b.N)
			b.ReportMetric(per.Seconds(), "s/turn")
			b.ReportMetric(per.Seconds()/(llmTime+run).Seconds(), "x-llm+run")
			b.ReportMetric((llmTime + create + install + run).Seconds(), "s-serial-sum")
		})
	}
}
