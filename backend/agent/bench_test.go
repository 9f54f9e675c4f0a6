package agent

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// instantModel answers at once: step i of a turn calls next(i), then the
// turn ends with a text reply. With it a turn's wall time is Tessera's
// own time (loop, guards, policy, the step log in SQLite, the transcript,
// events, the tool's work on the folder), without the model's.
type instantModel struct {
	steps int
	next  func(i int) llm.ToolCall
	n     int
}

func (m *instantModel) SupportsTools(string, string) bool { return true }

func (m *instantModel) Converse(_ context.Context, _ llm.ConverseRequest, _, _ func(string)) (llm.Reply, error) {
	m.n++
	u := llm.Usage{PromptTokens: 1000, CompletionTokens: 100, TotalTokens: 1100}
	if m.n > m.steps {
		return llm.Reply{Text: "done", Usage: u}, nil
	}
	c := m.next(m.n)
	c.ID = fmt.Sprintf("call_%d", m.n)
	return llm.Reply{ToolCalls: []llm.ToolCall{c}, Usage: u, Finish: "tool_calls"}, nil
}

// benchTurns runs b.N turns of `steps` steps and reports the median of
// Tessera's time per step (issue 25: ≤ 20 ms).
func benchTurns(b *testing.B, steps int, next func(i int) llm.ToolCall) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "t.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p", Template: "nextjs-developer"})
	ws, err := workspace.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	files := []workspace.File{}
	for i := 0; i < 40; i++ {
		files = append(files, workspace.File{Path: fmt.Sprintf("src/f%02d.ts", i), Content: []byte(fmt.Sprintf("export const v%d = %d\n// line\n// line\n", i, i))})
	}
	if _, _, err := ws.RecordEdit(ctx, files, "seed"); err != nil {
		b.Fatal(err)
	}
	open := func(context.Context, string) (*workspace.Workspace, error) { return ws, nil }
	per := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := &instantModel{steps: steps, next: next}
		svc := New(Config{Model: m, Files: &WorkspaceFiles{Open: open}, Store: st, Versions: WorkspaceVersions{Open: open}, Prices: Prices{}})
		start := time.Now()
		res, err := svc.Run(ctx, TurnRequest{RequestID: fmt.Sprint(i), ProjectID: p.ID, Text: "go", ProviderID: "fake", ModelID: "m",
			Limits: &Limits{MaxSteps: steps + 1}})
		if err != nil || res.Steps != steps {
			b.Fatalf("turn: %+v %v", res, err)
		}
		per = append(per, float64(time.Since(start).Microseconds())/1000/float64(steps))
		b.StopTimer()
		log, _ := svc.Steps(ctx, res.TurnID)
		for _, s := range log {
			if s.Status != StepOK {
				b.Fatalf("step %d %s: %s", s.Seq, s.Status, s.Result.Output)
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	sort.Float64s(per)
	b.ReportMetric(per[len(per)/2], "ms/step-median")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkStepRead(b *testing.B) {
	benchTurns(b, 20, func(i int) llm.ToolCall {
		return llm.ToolCall{Name: "read_file", Arguments: fmt.Sprintf(`{"path":"src/f%02d.ts"}`, i%40)}
	})
}

// Steps alternate read and write of a file (a commit per write: the
// step's restore point), and the turn ends with its squash.
func BenchmarkStepWrite(b *testing.B) {
	n := 0
	benchTurns(b, 20, func(i int) llm.ToolCall {
		f := (i - 1) / 2 % 40
		if i%2 == 1 {
			return llm.ToolCall{Name: "read_file", Arguments: fmt.Sprintf(`{"path":"src/f%02d.ts"}`, f)}
		}
		n++
		return llm.ToolCall{Name: "write_file", Arguments: fmt.Sprintf(`{"path":"src/f%02d.ts","content":"export const v = %d\n"}`, f, n)}
	})
}

// timedModel measures the time spent in the model.
type timedModel struct {
	Model
	spent time.Duration
}

func (m *timedModel) Converse(ctx context.Context, req llm.ConverseRequest, onText, onReasoning func(string)) (llm.Reply, error) {
	start := time.Now()
	defer func() { m.spent += time.Since(start) }()
	return m.Model.Converse(ctx, req, onText, onReasoning)
}

// A 30-step scripted turn over the real client and the fake model's SSE
// (paced: 20 chunks, 1 ms apart, per reply): wall time ÷ (model + tool
// time) is the loop's overhead (issue 25: ≤ 1.05).
func BenchmarkScriptedTurn30(b *testing.B) {
	ratios := make([]float64, 0, b.N)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newHarness(b)
		files := map[string]string{}
		for f := 0; f < 10; f++ {
			files[fmt.Sprintf("src/f%d.ts", f)] = "export const x = 1\n"
		}
		h.seed(files)
		for s := 1; s <= 30; s++ {
			r := llmtest.Calls(llmtest.Call("read_file", fmt.Sprintf(`{"path":"src/f%d.ts"}`, s%10)))
			r.ChunkSize, r.Pace = 3, time.Millisecond
			h.srv.Push(r)
		}
		h.srv.Push(llmtest.Reply("done"))
		tm := &timedModel{Model: h.svc.cfg.Model}
		h.svc.cfg.Model = tm
		b.StartTimer()
		start := time.Now()
		res := h.run(TurnRequest{Limits: &Limits{MaxSteps: 31}})
		wall := time.Since(start)
		b.StopTimer()
		if res.Steps != 30 || res.Reason != StopFinished {
			b.Fatalf("turn = %+v", res)
		}
		var tools time.Duration
		for _, st := range h.steps(res.TurnID) {
			tools += st.EndedAt.Sub(st.StartedAt)
		}
		ratios = append(ratios, float64(wall)/float64(tm.spent+tools))
		b.StartTimer()
	}
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "wall/(model+tools)")
}
