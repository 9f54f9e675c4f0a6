package chat

import (
	"context"
	"encoding/json"
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

// While the answer streams, the database already holds it as a streaming
// message with what arrived (at most keepEvery behind), so a crash at that
// moment loses nothing that was on screen; the next start marks it
// interrupted and keeps the text.
func TestStreamingAnswerIsInTheDatabaseBeforeItEnds(t *testing.T) {
	r := newRig(t)
	code := strings.Repeat("print('line')\n", 300)
	resp := llmtest.FragmentResponse(pyFragment(code), 8)
	resp.Pace = 3 * time.Millisecond
	r.llm.Push(resp)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = r.chat.Send(context.Background(), SendRequest{RequestID: "long", ProjectID: r.proj.ID, Text: "long", ProviderID: "custom", ModelID: "m1"})
	}()
	// Look at the database mid-stream, as a crash would leave it.
	var mid store.Message
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && mid.ID == "" {
		msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID)
		for _, m := range msgs {
			if m.Role == "assistant" && m.Status == store.MessageStreaming && len(m.Fragment) > 0 {
				var f fragment.Fragment
				_ = json.Unmarshal(m.Fragment, &f)
				if len(f.Code) > 100 && len(f.Code) < len(code) {
					mid = m
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if mid.ID == "" {
		t.Fatal("the streaming answer never reached the database before it ended")
	}
	// What a restart after a crash at that moment does:
	if n, err := r.store.MarkInterrupted(context.Background()); err != nil || n != 1 {
		t.Fatalf("marked %d: %v", n, err)
	}
	got, _ := r.store.GetMessage(context.Background(), mid.ID)
	if got.Status != store.MessageInterrupted || len(got.Fragment) == 0 {
		t.Fatalf("%+v", got)
	}
	wg.Wait()
}

// A run whose sandbox step fails is a failed turn, not a done one, for
// every step: the row is an error with the step's sentence (and Retry on
// the page), never "done".
func TestStepFailureIsAnErrorTurn(t *testing.T) {
	port := 3000
	web := fragment.Fragment{Commentary: "A page.", Template: "nextjs-developer", Title: "Page", Port: &port,
		Files: []fragment.File{{Path: "pages/index.tsx", Content: "export default function P(){return <h1>Hi</h1>}"}}}
	install := pyFragment("print(1)")
	install.HasAdditionalDependencies, install.InstallDependenciesCommand = true, "echo installing; exit 3"
	cases := []struct {
		step     string
		frag     fragment.Fragment
		endpoint string // fails from the first call on
		fault    e2btest.FaultKind
		// existing: the sandbox is made before the turn (a new one is
		// built with the project's files, which the turn's are by then).
		existing bool
	}{
		{"sandbox", pyFragment("print(1)"), e2btest.EndpointCreate, e2btest.Fault5xx, false},
		{"install", install, "", 0, false},
		{"write", pyFragment("print(1)"), e2btest.EndpointFiles, e2btest.Fault5xx, true},
		{"run", pyFragment("print(1)"), e2btest.EndpointExecute, e2btest.Fault5xx, false},
		// Any answer counts as a server (E2B's proxy says 502 for a closed
		// port); a port that never answers runs into PreviewWait.
		{"preview", web, e2btest.EndpointPreview, e2btest.FaultTimeout, false},
	}
	for _, c := range cases {
		t.Run(c.step, func(t *testing.T) {
			r := newRig(t)
			r.chat.cfg.PreviewWait = 2 * time.Second
			if c.existing {
				if _, err := r.mgr.Ensure(context.Background(), r.proj.ID, c.frag.Template); err != nil {
					t.Fatal(err)
				}
			}
			if c.endpoint != "" {
				for n := 1; n <= 200; n++ { // past every retry
					r.fake.FailNth(c.endpoint, n, c.fault)
				}
			}
			r.llm.Push(llmtest.FragmentResponse(c.frag, 30))
			res, err, _ := r.send("run it")
			if err != nil {
				t.Fatal(err)
			}
			if res.Assistant == nil || res.Assistant.Status != store.MessageError {
				t.Fatalf("status %+v", res.Assistant)
			}
			rr := runResult(t, res.Assistant)
			if rr.StepError == nil || rr.StepError.Step != c.step || rr.StepError.Message == "" {
				t.Fatalf("step error %+v", rr.StepError)
			}
			msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID)
			if last := msgs[len(msgs)-1]; last.Status != store.MessageError {
				t.Fatal("stored as", last.Status)
			}
			// The badge follows at once (issue 29): a sandbox that stopped
			// answering is not shown "Running" until the next probe.
			st := r.mgr.Status(r.proj.ID)
			switch c.step {
			case "write", "run":
				if st.State != sandbox.StateUnreachable || st.Error == "" {
					t.Fatalf("after a %s E2B did not answer, the badge is %+v (step error %+v)", c.step, st, rr.StepError)
				}
			case "install":
				if st.State != sandbox.StateRunning {
					t.Fatalf("a failed install is the code's, not the sandbox's: badge %+v", st)
				}
			}
		})
	}
}
