package events

import (
	"fmt"
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
