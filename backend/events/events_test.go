package events

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestRecorderKeepsOrderPerTopic(t *testing.T) {
	r := NewRecorder()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				r.Emit(fmt.Sprintf("t%d", g), i)
			}
		}(g)
	}
	wg.Wait()
	if n := len(r.Events()); n != 400 {
		t.Fatalf("%d events", n)
	}
	for g := 0; g < 4; g++ {
		got := r.Topic(fmt.Sprintf("t%d", g))
		for i, p := range got {
			if p.(int) != i {
				t.Fatalf("topic t%d out of order at %d", g, i)
			}
		}
	}
}

func TestLateDropsUntilSet(t *testing.T) {
	var l Late
	l.Emit("a", 1) // before the window exists: dropped, no panic
	r := NewRecorder()
	l.Set(r)
	l.Emit("a", 2)
	if got := r.Topic("a"); len(got) != 1 || got[0] != 2 {
		t.Fatalf("%v", got)
	}
	Discard{}.Emit("x", nil)
}

// The page's topics module is what Topics renders: change topics.go, run
// `go generate ./backend/events`, and the page follows.
func TestTopicsTSIsCurrent(t *testing.T) {
	got, err := os.ReadFile("../../frontend/src/api/topics.ts")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != TypeScript() {
		t.Fatalf("frontend/src/api/topics.ts is stale: run `go generate ./backend/events`\nwant:\n%s", TypeScript())
	}
}

func TestTopicBuilders(t *testing.T) {
	if ChatDelta("r1") != "chat:delta:r1" || SandboxStatus("p1") != "sandbox:status:p1" || AppQuit != "app:quit" {
		t.Fatal(ChatDelta("r1"), SandboxStatus("p1"), AppQuit)
	}
	// Every builder's topic is in the list the page is generated from.
	listed := map[string]bool{}
	for _, d := range Topics() {
		listed[d.Topic] = true
	}
	for _, topic := range []string{strings.TrimSuffix(ChatDelta("x"), "x"), strings.TrimSuffix(SandboxStatus("x"), "x"), AppQuit} {
		if !listed[topic] {
			t.Errorf("%q is emitted but not listed in Topics", topic)
		}
	}
}
