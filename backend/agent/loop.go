package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// Loop guard thresholds: the same call with the same arguments.
const (
	repeatNotice = 3 // the model is told to change course
	repeatStop   = 5 // the turn stops (reason loop); the 5th call never runs
	// malformedLimit replies in a row that could not be read end the
	// turn in Quick mode.
	malformedLimit = 2
)

// run is one running segment of a turn. Only the loop goroutine touches
// it, except the background-process map (bgMu).
type run struct {
	s         *Service
	turn      store.AgentTurn
	projectID string
	template  string
	mode      Mode
	provider  string
	model     string
	params    llm.Params
	prompt    string
	since     string // the version the turn started from
	limits    Limits
	policy    Policy
	tools     []*tool
	textMode  bool
	root      string
	msgs      []llm.Message
	topic     string
	requestID string

	seq, segSteps     int
	segStart          time.Time
	segUSD, cost      float64
	priced            bool
	usage             llm.Usage
	lastKey           string
	repeats, mistakes int
	malformed         int
	notice            string
	read              map[string]string
	editMisses        map[string]int
	changed           map[string]bool
	changedSinceCheck bool
	checksRan         bool
	checked           []string
	todos             []Todo
	textBuf           strings.Builder
	lastText          time.Time
	bgMu              sync.Mutex
	bg                map[uint32]*lockedBuffer
	lastCost          float64
	finishRefused     bool
}

// ending is how the loop stopped.
type ending struct {
	reason  StopReason
	summary string
	notice  string
	checked []string
}

func (r *run) emit(e Event) {
	e.TurnID = r.turn.ID
	r.s.cfg.Emitter.Emit(r.topic, e)
}

// onText batches the model's text (~30 ms) so the page never drowns.
func (r *run) onText(s string) {
	r.textBuf.WriteString(s)
	if now := r.s.cfg.Now(); now.Sub(r.lastText) >= 30*time.Millisecond {
		r.lastText = now
		r.flushText()
	}
}

func (r *run) flushText() {
	if r.textBuf.Len() > 0 {
		r.emit(Event{Type: EventText, Text: r.textBuf.String()})
		r.textBuf.Reset()
	}
}

func (r *run) redact(s string) string {
	if r.s.cfg.Redactor == nil || s == "" {
		return s
	}
	return r.s.cfg.Redactor.Redact(context.Background(), r.projectID, s)
}

func (r *run) noteRead(p, content string) { r.read[p] = Hash(content) }
func (r *run) forget(p string)            { delete(r.read, p) }
func (r *run) fileChanged(p string) {
	r.changed[p] = true
	r.changedSinceCheck = true
}

func (r *run) setTodos(t []Todo) {
	r.todos = t
	r.emit(Event{Type: EventTodos, Todos: t})
}

func (r *run) startedBackground(pid uint32, out *lockedBuffer) {
	r.bgMu.Lock()
	defer r.bgMu.Unlock()
	r.bg[pid] = out
}

func (r *run) backgroundOutput(pid uint32) *lockedBuffer {
	r.bgMu.Lock()
	defer r.bgMu.Unlock()
	return r.bg[pid]
}

// killBackground stops every background process the turn started.
func (r *run) killBackground(ctx context.Context) {
	r.bgMu.Lock()
	pids := make([]uint32, 0, len(r.bg))
	for pid := range r.bg {
		pids = append(pids, pid)
	}
	r.bgMu.Unlock()
	for _, pid := range pids {
		if err := r.s.cfg.Sandbox.Kill(ctx, r.projectID, pid); err != nil && !apperr.Is(err, apperr.NotFound) {
			r.s.cfg.Logger.Warn("agent: a background process of a stopped turn could not be killed", "project", r.projectID, "pid", pid, "err", err)
		}
	}
}

// loop runs the turn until it ends or pauses.
func (s *Service) loop(ctx context.Context, r *run) TurnResult {
	r.segStart = s.cfg.Now()
	r.emit(Event{Type: EventTurn, Result: r.result(ending{}, TurnRunning)})
	var end ending
	for {
		if e, stop := r.limitReached(); stop {
			end = e
			break
		}
		rep, err := r.converse(ctx)
		if err != nil && errors.Is(err, llm.ErrToolsRefused) && !r.textMode {
			// The catalog said tools; the model says no: speak the text
			// protocol from now on, and remember it for this model.
			r.textMode = true
			r.msgs[0].Content += textPrompt(r.tools)
			r.s.learnNoTools(r.provider, r.model)
			r.addNotice("This model does not take native tool calls; Tessera switched to its text protocol.")
			r.emit(Event{Type: EventNotice, Text: r.notice})
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				end = ending{reason: StopCancelled, summary: "Stopped."}
			} else {
				end = ending{reason: StopError, summary: apperr.MessageOf(err)}
			}
			break
		}
		calls, bad := r.calls(rep)
		if bad != nil {
			r.malformed++
			r.msgs = append(r.msgs, llm.Message{Role: llm.RoleAssistant, Content: rep.Text})
			if r.malformed >= malformedLimit {
				end = ending{reason: StopQuick, summary: rep.Text,
					notice: "The model could not use Tessera's tools (two answers in a row could not be read), so this turn ends here. Send the message again in Quick mode."}
				break
			}
			r.msgs = append(r.msgs, llm.Message{Role: llm.RoleUser, Content: "Your last answer could not be used: " + bad.Error() +
				". Call one tool exactly as the Tools section shows, or answer without a <tool> block when you are done."})
			continue
		}
		r.malformed = 0
		if len(calls) == 0 {
			r.msgs = append(r.msgs, llm.Message{Role: llm.RoleAssistant, Content: rep.Text})
			if r.uncheckedOnce() {
				// Done means checked, also for a model that ends with
				// text instead of the finish tool.
				r.msgs = append(r.msgs, llm.Message{Role: llm.RoleUser, Content: "You changed files but have not checked the result. " + r.howToCheck() + " Then finish."})
				continue
			}
			end = ending{reason: StopFinished, summary: strings.TrimSpace(rep.Text)}
			break
		}
		if r.textMode {
			r.msgs = append(r.msgs, llm.Message{Role: llm.RoleAssistant, Content: rep.Text})
		} else {
			r.msgs = append(r.msgs, llm.Message{Role: llm.RoleAssistant, Content: rep.Text, ToolCalls: calls})
		}
		stopped := false
		for i, c := range calls {
			if stopped {
				r.answer(c, ToolResult{OK: false, Output: "Not run: the turn stopped before this call."}, "")
				continue
			}
			if i > 0 && r.segSteps >= r.limits.MaxSteps {
				end, stopped = r.stepLimit(), true
				r.answer(c, ToolResult{OK: false, Output: "Not run: the step limit was reached."}, "")
				continue
			}
			var u llm.Usage
			var usd float64
			if i == 0 {
				u, usd = rep.Usage, r.lastCost
			}
			if e, done := r.step(ctx, c, u, usd); done {
				end, stopped = e, true
			}
		}
		r.save(ctx, "")
		if stopped {
			break
		}
	}
	return r.end(ctx, end)
}

// limitReached checks the segment's limits before the next model call.
func (r *run) limitReached() (ending, bool) {
	switch {
	case r.segSteps >= r.limits.MaxSteps:
		return r.stepLimit(), true
	case r.limits.MaxUSD > 0 && r.segUSD >= r.limits.MaxUSD:
		return ending{reason: StopBudget, summary: fmt.Sprintf("Paused: this turn has spent $%.2f, its cap of $%.2f. Press Continue to allow as much again.", r.segUSD, r.limits.MaxUSD)}, true
	case r.s.cfg.Now().Sub(r.segStart) >= r.limits.MaxDuration:
		return ending{reason: StopTime, summary: fmt.Sprintf("Paused: the turn has run for %s, its time limit. Press Continue to go on.", r.limits.MaxDuration.Round(time.Second))}, true
	}
	return ending{}, false
}

func (r *run) stepLimit() ending {
	return ending{reason: StopStepLimit, summary: fmt.Sprintf("Paused after %d steps, the step limit. Press Continue to allow %d more.", r.segSteps, r.limits.MaxSteps)}
}

// converse asks the model for the next step and prices its usage.
func (r *run) converse(ctx context.Context) (llm.Reply, error) {
	req := llm.ConverseRequest{Request: llm.Request{ProviderID: r.provider, ModelID: r.model, Messages: r.msgs, Params: r.params}}
	if !r.textMode {
		req.Tools = defs(r.tools)
	}
	rep, err := r.s.cfg.Model.Converse(ctx, req, r.onText, func(t string) { r.emit(Event{Type: EventReasoning, Text: t}) })
	r.flushText()
	r.usage = r.usage.Add(rep.Usage)
	r.recordSpend(context.WithoutCancel(ctx), rep)
	r.lastCost = 0
	if usd, ok := r.s.cfg.Prices.Price(r.provider, r.model, rep.Usage); ok {
		r.priced = true
		r.cost += usd
		r.segUSD += usd
		r.lastCost = usd
	}
	return rep, err
}

// calls are the reply's tool calls: native ones, or the one the text
// protocol's block makes. An error means the reply could not be read.
func (r *run) calls(rep llm.Reply) ([]llm.ToolCall, error) {
	if !r.textMode {
		return rep.ToolCalls, nil
	}
	c, err := parseText(rep.Text, r.tools)
	if err != nil || c == nil {
		return nil, err
	}
	c.ID = fmt.Sprintf("text_%d", r.seq+1)
	return []llm.ToolCall{*c}, nil
}

// answer gives the model a call's result.
func (r *run) answer(c llm.ToolCall, res ToolResult, notice string) {
	text := renderResult(res, notice)
	if r.textMode {
		r.msgs = append(r.msgs, llm.Message{Role: llm.RoleUser, Content: fmt.Sprintf("<tool_result name=%q>\n%s\n</tool_result>", c.Name, text)})
		return
	}
	r.msgs = append(r.msgs, llm.Message{Role: llm.RoleTool, ToolCallID: c.ID, Content: text})
}

// step runs one call: checks, approval, the tool, the record. done ends
// the turn.
func (r *run) step(ctx context.Context, c llm.ToolCall, u llm.Usage, usd float64) (ending, bool) {
	r.seq++
	r.segSteps++
	now := r.s.cfg.Now()
	st := &Step{ID: uuid.NewString(), TurnID: r.turn.ID, Seq: r.seq, Tool: c.Name, Args: argsJSON(c.Arguments), Title: c.Name,
		Status: StepRunning, Usage: u, CostUSD: usd, StartedAt: now, callID: c.ID}
	t := find(r.tools, c.Name)
	args, perr := parseArgs(c.Arguments)
	if t != nil && perr == nil {
		st.Title = clipLine(t.title(args), 120)
	}
	r.putStep(ctx, st)

	var o outcome
	notice := ""
	status := StepOK
	switch {
	case t == nil:
		o = invalid("There is no tool %q in %s mode. The tools are: %s.", c.Name, r.mode, toolNames(r.tools))
		status = StepRefused
	case perr != nil:
		o = invalid("The arguments of %s are not a JSON object (%v). Send them as JSON.", c.Name, perr)
		status = StepRefused
	default:
		key := c.Name + " " + normalArgs(args)
		if key == r.lastKey {
			r.repeats++
		} else {
			r.lastKey, r.repeats = key, 1
		}
		if r.repeats >= repeatStop {
			o = invalid("Refused: the same call with the same arguments %d times in a row.", r.repeats)
			r.finishStep(ctx, st, o, StepRefused)
			r.answer(c, o.res, "")
			return ending{reason: StopLoop, summary: fmt.Sprintf("Stopped: the agent called %s with the same arguments %d times in a row. Press Continue to let it try again, or say what to do differently.", c.Name, repeatStop)}, true
		}
		if r.repeats == repeatNotice {
			notice = fmt.Sprintf("This is the %d. identical %s call in a row; it gives the same result. Change your approach: the %d. identical call stops the turn.", repeatNotice, c.Name, repeatStop)
			r.addNotice("The agent repeated the same call three times; it was told to change course.")
			r.emit(Event{Type: EventNotice, Text: r.notice})
		}
		cmd := ""
		if t.command != nil {
			cmd = t.command(args)
		}
		if v := r.policy.Judge(t.name, cmd, r.root); v.Ask {
			shown := cmd
			if shown == "" {
				shown, _ = capOutput(t.name+" "+string(st.Args), MaxErrorChars)
			}
			switch r.approve(ctx, st, shown, v) {
			case Approve:
			case Decline:
				o, status = outcome{res: ToolResult{OK: false, Output: "Declined by the user: this was not run.",
					Hint: "Do it another way, or ask the person with ask_user."}}, StepDeclined
				r.finishStep(ctx, st, o, status)
				r.answer(c, o.res, notice)
				return ending{}, false
			default: // Stop while waiting: never a yes
				o = outcome{res: ToolResult{OK: false, Output: "Not run: the turn was stopped while waiting for approval."}}
				r.finishStep(ctx, st, o, StepCanceled)
				r.answer(c, o.res, "")
				return ending{reason: StopCancelled, summary: "Stopped."}, true
			}
		}
		st.Status = StepRunning
		o = t.run(ctx, r, args)
		// Secret values never reach the model or the step log, whatever
		// the tool read (a .env file, a command's output).
		o.res.Output, o.res.Hint = r.redact(o.res.Output), r.redact(o.res.Hint)
		switch {
		case o.invalid:
			status = StepRefused
		case ctx.Err() != nil:
			status = StepCanceled
		case !o.res.OK:
			status = StepFailed
		}
	}
	r.finishStep(ctx, st, o, status)
	r.answer(c, o.res, notice)

	if o.invalid {
		r.mistakes++
	} else if o.res.OK {
		r.mistakes = 0
	}
	switch {
	case ctx.Err() != nil:
		return ending{reason: StopCancelled, summary: "Stopped."}, true
	case r.mistakes >= r.limits.MaxMistakes:
		return ending{reason: StopMistakes, summary: fmt.Sprintf("Stopped after %d invalid calls in a row; the last: %s Press Continue to let it try again, or say what to do differently.", r.mistakes, clipLine(o.res.Output, 300))}, true
	case o.finish != nil:
		return ending{reason: StopFinished, summary: o.finish.Summary, checked: o.finish.Checked}, true
	case o.question != "":
		return ending{reason: StopQuestion, summary: o.question}, true
	}
	return ending{}, false
}

func (r *run) finishStep(ctx context.Context, st *Step, o outcome, status StepStatus) {
	st.Status = status
	res := o.res
	if len(res.Output) > MaxOutputChars*2 {
		res.Output, _ = capOutput(res.Output, MaxOutputChars*2)
	}
	st.Result = &res
	st.undo = o.undo
	st.Changed = o.changed
	st.EndedAt = r.s.cfg.Now()
	st.DurationMS = st.EndedAt.Sub(st.StartedAt).Milliseconds()
	r.putStep(ctx, st)
}

// approve asks the person and waits; no answer is never a yes.
func (r *run) approve(ctx context.Context, st *Step, command string, v Verdict) Decision {
	a := &Approval{ID: uuid.NewString(), TurnID: r.turn.ID, StepID: st.ID, ProjectID: r.projectID, Tool: st.Tool,
		Command: command, Cwd: r.root, Reasons: v.Reasons}
	ch := make(chan Decision, 1)
	r.s.mu.Lock()
	r.s.approvals[a.ID] = pending{requestID: r.requestID, answer: ch}
	r.s.mu.Unlock()
	defer func() {
		r.s.mu.Lock()
		delete(r.s.approvals, a.ID)
		r.s.mu.Unlock()
	}()
	st.Status, st.ApprovalID = StepAwaiting, a.ID
	r.putStep(ctx, st)
	r.emit(Event{Type: EventApproval, Approval: a})
	select {
	case d := <-ch:
		if ctx.Err() != nil { // Stop and an answer at once: Stop wins
			r.emit(Event{Type: EventResolved, Approval: a, Text: "canceled"})
			return ""
		}
		r.emit(Event{Type: EventResolved, Approval: a, Text: string(d)})
		return d
	case <-ctx.Done():
		r.emit(Event{Type: EventResolved, Approval: a, Text: "canceled"})
		return ""
	}
}

// putStep stores the step as it is now and shows it. A store failure
// costs the crash safety of this moment, not the turn: logged.
func (r *run) putStep(ctx context.Context, st *Step) {
	res, _ := json.Marshal(st.Result)
	if st.Result == nil {
		res = nil
	}
	var undo, changed json.RawMessage
	if len(st.undo) > 0 {
		undo, _ = json.Marshal(st.undo)
	}
	if len(st.Changed) > 0 {
		changed, _ = json.Marshal(st.Changed)
	}
	usage, _ := json.Marshal(st.Usage)
	err := r.s.cfg.Store.PutStep(context.WithoutCancel(ctx), store.AgentStep{ID: st.ID, TurnID: st.TurnID, Seq: st.Seq, Tool: st.Tool, CallID: st.callID,
		Args: string(st.Args), Title: st.Title, Status: string(st.Status), Result: res, Undo: undo, Changed: changed, Usage: usage,
		CostUSD: st.CostUSD, StartedAt: st.StartedAt, EndedAt: st.EndedAt})
	if err != nil {
		r.s.cfg.Logger.Warn("agent: step not saved", "turn", r.turn.ID, "seq", st.Seq, "err", err)
	}
	cp := *st
	r.emit(Event{Type: EventStep, Step: &cp})
}

func argsJSON(raw string) json.RawMessage {
	if json.Valid([]byte(raw)) && strings.TrimSpace(raw) != "" {
		return json.RawMessage(raw)
	}
	b, _ := json.Marshal(raw)
	return b
}

func toolNames(ts []*tool) string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		names = append(names, t.name)
	}
	return strings.Join(names, ", ")
}

// topic of a request's events.
func topic(requestID string) string { return events.AgentTurn(requestID) }

// addNotice adds a sentence to the turn's notice (each said once).
func (r *run) addNotice(s string) {
	if s == "" || strings.Contains(r.notice, s) {
		return
	}
	r.notice = strings.TrimSpace(r.notice + " " + s)
}
