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

// A run whose sandbox step fails is a failed turn, not a done one.
func TestStepFailureIsAnErrorTurn(t *testing.T) {
	r := newRig(t)
	for n := 1; n <= 10; n++ { // past the manager's retries
		r.fake.FailNth(e2btest.EndpointCreate, n, e2btest.Fault5xx)
	}
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 30))
	res, err, _ := r.send("run it")
	if err != nil {
		t.Fatal(err)
	}
	if res.Assistant == nil || res.Assistant.Status != store.MessageError {
		t.Fatalf("status %+v", res.Assistant)
	}
	rr := runResult(t, res.Assistant)
	if rr.StepError == nil || rr.StepError.Step != "sandbox" {
		t.Fatalf("%+v", rr.StepError)
	}
	if msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID); msgs[len(msgs)-1].Status != store.MessageError {
		t.Fatal("stored as", msgs[len(msgs)-1].Status)
	}
}
