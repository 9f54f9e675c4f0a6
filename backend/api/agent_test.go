package api

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
)

// recordingAgent records what reached the agent: the bound layer's only
// job is to refuse bad input before it gets there.
type recordingAgent struct {
	mu    sync.Mutex
	calls []string
	mode  string
}

func (r *recordingAgent) note(c string) { r.mu.Lock(); r.calls = append(r.calls, c); r.mu.Unlock() }
func (r *recordingAgent) Mode(context.Context, string, string, string) (string, error) {
	r.note("mode")
	return r.mode, nil
}
func (r *recordingAgent) SetMode(_ context.Context, _, m string) error {
	r.note("setMode " + m)
	return nil
}
func (r *recordingAgent) Run(_ context.Context, q AgentTurnRequest) (AgentTurnResult, error) {
	r.note("run " + q.Mode)
	return AgentTurnResult{Status: "done"}, nil
}
func (r *recordingAgent) Continue(_ context.Context, q AgentContinueRequest) (AgentTurnResult, error) {
	r.note("continue " + q.TurnID)
	return AgentTurnResult{Status: "done"}, nil
}
func (r *recordingAgent) Stop(id string) { r.note("stop " + id) }
func (r *recordingAgent) Answer(_ context.Context, q AnswerRequest) error {
	r.note("answer " + q.ApprovalID + " " + q.Decision)
	return nil
}
func (r *recordingAgent) Turn(context.Context, string) (AgentTurnLog, error) {
	r.note("turn")
	return AgentTurnLog{}, nil
}
func (r *recordingAgent) RestoreBefore(_ context.Context, turn string, _ int, _ bool) error {
	r.note("restore " + turn)
	return nil
}
func (r *recordingAgent) Settings(context.Context) (AgentSettings, error) {
	r.note("settings")
	return AgentSettings{}, nil
}
func (r *recordingAgent) SaveSettings(_ context.Context, s AgentSettings) (AgentSettings, error) {
	r.note("save")
	return s, nil
}

func TestAgentServiceRefusesBadInputAndChangesNothing(t *testing.T) {
	okTurn := AgentTurnRequest{RequestID: "r", ProjectID: "p", Text: "make a todo app", Mode: ModeAgent, ProviderID: "openai", ModelID: "gpt"}
	okSettings := AgentSettings{StepLimit: 30, SpendCapUSD: 2, TimeLimitSeconds: 1800, Tools: map[string]string{"run_command": ToolAsk}}
	with := func(f func(*AgentTurnRequest)) AgentTurnRequest { q := okTurn; f(&q); return q }
	withS := func(f func(*AgentSettings)) AgentSettings { s := okSettings; f(&s); return s }
	cases := []struct {
		name  string
		call  func(s *AgentService) error
		field string
		want  string // the call that must reach the agent; "" = none
	}{
		{"run ok", func(s *AgentService) error { _, err := s.Run(okTurn); return err }, "", "run agent"},
		{"run ask", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.Mode = ModeAsk }))
			return err
		}, "", "run ask"},
		{"run without request id", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.RequestID = "" }))
			return err
		}, "", ""},
		{"run without model", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.ModelID = " " }))
			return err
		}, "", ""},
		{"run in quick mode", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.Mode = ModeQuick }))
			return err
		}, "", ""},
		{"run in an unknown mode", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.Mode = "yolo" }))
			return err
		}, "", ""},
		{"run with no text", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.Text = "  " }))
			return err
		}, "", ""},
		{"build a plan", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.Text = ""; q.Plan = "1. add a page" }))
			return err
		}, "", "run agent"},
		{"a plan in ask mode", func(s *AgentService) error {
			_, err := s.Run(with(func(q *AgentTurnRequest) { q.Mode = ModeAsk; q.Plan = "1." }))
			return err
		}, "", ""},
		{"continue ok", func(s *AgentService) error {
			_, err := s.Continue(AgentContinueRequest{RequestID: "r2", TurnID: "t"})
			return err
		}, "", "continue t"},
		{"continue without turn", func(s *AgentService) error {
			_, err := s.Continue(AgentContinueRequest{RequestID: "r2"})
			return err
		}, "", ""},
		{"set mode", func(s *AgentService) error { return s.SetMode(SetAgentModeRequest{ProjectID: "p", Mode: ModePlan}) }, "", "setMode plan"},
		{"set an unknown mode", func(s *AgentService) error { return s.SetMode(SetAgentModeRequest{ProjectID: "p", Mode: "Agent"}) }, "", ""},
		{"answer allow", func(s *AgentService) error { return s.Answer(AnswerRequest{ApprovalID: "a1", Decision: DecisionAllow}) }, "", "answer a1 allow"},
		{"answer always", func(s *AgentService) error {
			return s.Answer(AnswerRequest{ApprovalID: "a1", Decision: DecisionAlways, Tool: "run_command"})
		}, "", "answer a1 always"},
		{"answer always without the tool", func(s *AgentService) error {
			return s.Answer(AnswerRequest{ApprovalID: "a1", Decision: DecisionAlways})
		}, "", ""},
		{"answer yes", func(s *AgentService) error { return s.Answer(AnswerRequest{ApprovalID: "a1", Decision: "yes"}) }, "", ""},
		{"answer without approval", func(s *AgentService) error { return s.Answer(AnswerRequest{Decision: DecisionDeny}) }, "", ""},
		{"turn without message", func(s *AgentService) error { _, err := s.Turn(""); return err }, "", ""},
		{"restore before step 2", func(s *AgentService) error { return s.RestoreBefore(RestoreBeforeRequest{TurnID: "t", Seq: 2}) }, "", "restore t"},
		{"restore before step 0", func(s *AgentService) error { return s.RestoreBefore(RestoreBeforeRequest{TurnID: "t"}) }, "", ""},
		{"save settings", func(s *AgentService) error { _, err := s.SaveSettings(okSettings); return err }, "", "save"},
		{"step limit 0", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.StepLimit = 0 }))
			return err
		}, "stepLimit", ""},
		{"step limit 201", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.StepLimit = 201 }))
			return err
		}, "stepLimit", ""},
		{"allow an unparsable command", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.Allow = map[string]bool{"unparsable": true} }))
			return err
		}, "allow", ""},
		{"allow git push", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.Allow = map[string]bool{"git_push": true} }))
			return err
		}, "", "save"},
		{"negative spend cap", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.SpendCapUSD = -1 }))
			return err
		}, "spendCapUsd", ""},
		{"NaN spend cap", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.SpendCapUSD = math.NaN() }))
			return err
		}, "spendCapUsd", ""},
		{"time limit over a day", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.TimeLimitSeconds = MaxTimeLimitSeconds + 1 }))
			return err
		}, "timeLimitSeconds", ""},
		{"a tool set to maybe", func(s *AgentService) error {
			_, err := s.SaveSettings(withS(func(x *AgentSettings) { x.Tools = map[string]string{"git_push": "maybe"} }))
			return err
		}, "tools", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recordingAgent{}
			s := NewAgentService(context.Background, rec)
			err := c.call(s)
			if c.want == "" {
				if !apperr.Is(err, apperr.Invalid) {
					t.Fatalf("err = %v, want invalid", err)
				}
				if apperr.MessageOf(err) == "" {
					t.Fatal("no sentence for the person")
				}
				if got := apperr.FieldOf(err); got != c.field {
					t.Fatalf("field = %q, want %q", got, c.field)
				}
				if len(rec.calls) != 0 {
					t.Fatalf("bad input reached the agent: %v", rec.calls)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.calls) != 1 || rec.calls[0] != c.want {
				t.Fatalf("calls = %v, want [%s]", rec.calls, c.want)
			}
		})
	}
}

func TestAgentSettingsStoreKeepsWhatPassedAndNothingElse(t *testing.T) {
	ctx := context.Background()
	st := AgentSettingsStore{KV: newStore(t)}
	got, err := st.Load(ctx)
	if err != nil || got.StepLimit != 30 || got.SpendCapUSD != 1 || got.TimeLimitSeconds != 1200 {
		t.Fatalf("defaults = %+v, %v", got, err)
	}
	want := AgentSettings{StepLimit: 50, SpendCapUSD: 2.5, TimeLimitSeconds: 600, AutoApprove: true,
		Tools: map[string]string{"install_packages": ToolAlways}, Allow: map[string]bool{"git_push": true}}
	if err := st.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, err = st.Load(ctx); err != nil || got.StepLimit != 50 || got.Tools["install_packages"] != ToolAlways || !got.Allow["git_push"] || !got.AutoApprove {
		t.Fatalf("after save = %+v, %v", got, err)
	}
	if err := st.Save(ctx, AgentSettings{StepLimit: 0}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad settings saved: %v", err)
	}
	if got, _ = st.Load(ctx); got.StepLimit != 50 {
		t.Fatalf("a refused save changed the settings: %+v", got)
	}
	// A value edited by hand past the limits falls back to the defaults.
	if err := st.KV.SetSetting(ctx, agentSettingsKey, `{"stepLimit": 100000}`); err != nil {
		t.Fatal(err)
	}
	if got, _ = st.Load(ctx); got.StepLimit != 30 {
		t.Fatalf("an out-of-range file was trusted: %+v", got)
	}
}

func TestAgentLimitsFromTheSettings(t *testing.T) {
	cases := []struct {
		name     string
		in       AgentSettings
		steps    int
		usd      float64
		duration time.Duration
	}{
		{"the defaults", DefaultAgentSettings(), 30, 1, 20 * time.Minute},
		{"no spend cap is no cap, not the $1 default", AgentSettings{StepLimit: 50, SpendCapUSD: 0, TimeLimitSeconds: 60}, 50, -1, time.Minute},
		{"no time limit is a day", AgentSettings{StepLimit: 10, SpendCapUSD: 2.5}, 10, 2.5, NoTimeLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := AgentBackend{Prefs: AgentSettingsStore{KV: newStore(t)}}
			if err := b.Prefs.Save(context.Background(), c.in); err != nil {
				t.Fatal(err)
			}
			l, err := b.limits(context.Background())
			if err != nil || l.MaxSteps != c.steps || l.MaxUSD != c.usd || l.MaxDuration != c.duration {
				t.Fatalf("limits = %+v, %v; want %d steps, $%v, %v", l, err, c.steps, c.usd, c.duration)
			}
		})
	}
}
