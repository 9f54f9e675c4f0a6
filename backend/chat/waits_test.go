package chat

import (
	"strings"
	"testing"
	"time"

	"tessera/backend/e2b/e2btest"
	"tessera/backend/llm/llmtest"
)

// A sandbox step that takes longer than SlowStep says what it waits for,
// and says when it no longer does.
func TestSlowWriteSaysWhatItWaitsFor(t *testing.T) {
	r := newRig(t)
	r.chat.cfg.SlowStep = 50 * time.Millisecond
	r.fake.Latency(e2btest.EndpointFiles, 400*time.Millisecond)
	r.fake.Latency(e2btest.EndpointFilesystem, 400*time.Millisecond)
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 7))
	res, err, id := r.send("write slowly")
	if err != nil || res.Assistant == nil {
		t.Fatal(res, err)
	}
	var waits []string
	for _, ev := range r.events(id) {
		if ev.Type == EventWait {
			waits = append(waits, ev.Text)
		}
	}
	if len(waits) < 2 || !strings.HasPrefix(waits[0], "Still waiting for the sandbox") || waits[len(waits)-1] != "" {
		t.Fatalf("wait events %q", waits)
	}
	found := false
	for _, w := range waits {
		found = found || strings.HasPrefix(w, "Still waiting for the sandbox to take the files (")
	}
	if !found {
		t.Fatalf("the files step never said it waited: %q", waits)
	}
	if rr := runResult(t, res.Assistant); rr.StepError != nil {
		t.Fatalf("%+v", rr.StepError)
	}
}

// A write that hangs is bounded: the turn fails with a sentence (the
// files are kept in the project), not after minutes of retries.
func TestHangingWriteIsBoundedWithASentence(t *testing.T) {
	r := newRig(t)
	r.chat.cfg.SlowStep = 50 * time.Millisecond
	r.chat.cfg.WriteWait = 500 * time.Millisecond
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 7))
	// The sandbox is made by the first turn; the second one's write hangs.
	if _, err, _ := r.send("first"); err != nil {
		t.Fatal(err)
	}
	r.fake.Latency(e2btest.EndpointFiles, 10*time.Second)
	r.fake.Latency(e2btest.EndpointFilesystem, 10*time.Second)
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(2)"), 7))
	start := time.Now()
	res, err, _ := r.send("second")
	if err != nil || res.Assistant == nil {
		t.Fatal(res, err)
	}
	rr := runResult(t, res.Assistant)
	if rr.StepError == nil || rr.StepError.Step != "write" || !strings.Contains(rr.StepError.Message, "did not answer in time") {
		t.Fatalf("step error %+v", rr.StepError)
	}
	if el := time.Since(start); el > 8*time.Second {
		t.Fatalf("the hanging write held the turn for %v", el)
	}
}
