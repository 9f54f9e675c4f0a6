package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// historyLimit is how many earlier messages of the chat the first request
// of a turn carries (as text).
const historyLimit = 20

// transcript is what is stored to resume a turn after a pause or a crash.
type transcript struct {
	Messages []llm.Message `json:"messages"`
	Provider string        `json:"provider"`
	Model    string        `json:"model"`
	Params   llm.Params    `json:"params"`
	TextMode bool          `json:"textMode"`
	Since    string        `json:"since"`
	Read     []string      `json:"read,omitempty"` // paths read (hashes are re-read on resume)
}

func (s *Service) newRun(t store.AgentTurn, p store.Project, mode Mode, limits Limits, requestID string) *run {
	r := &run{s: s, turn: t, projectID: t.ProjectID, template: p.Template, mode: mode, provider: t.ProviderID, model: t.ModelID,
		prompt: t.Prompt, limits: limits, topic: topic(requestID), requestID: requestID, read: map[string]string{}, editMisses: map[string]int{},
		changed: map[string]bool{}, bg: map[uint32]*lockedBuffer{}}
	r.policy = s.cfg.Policy(context.Background())
	r.tools = offered(mode, r.policy)
	if s.cfg.Sandbox != nil {
		r.root = s.cfg.Sandbox.Root()
	}
	return r
}

// start creates the turn: the person's message, the assistant message the
// turn is kept with, the turn row, and the first request.
func (s *Service) start(ctx context.Context, req TurnRequest) (*run, error) {
	p, err := s.cfg.Store.GetProject(ctx, req.ProjectID)
	if err != nil {
		return nil, err
	}
	mode := req.Mode
	if mode == "" {
		if mode, err = s.Mode(ctx, req.ProjectID, req.ProviderID, req.ModelID); err != nil {
			return nil, err
		}
		if mode == ModeQuick {
			return nil, apperr.New(apperr.Invalid, "This chat is in Quick mode: its turns are one-shot answers, not agent turns.")
		}
	}
	if req.Plan != "" {
		mode = ModeAgent
	}
	history, err := s.cfg.Store.RecentMessages(ctx, req.ProjectID, historyLimit)
	if err != nil {
		return nil, err
	}
	paths, err := s.cfg.Files.List(ctx, req.ProjectID)
	if err != nil {
		return nil, err
	}
	prompt := userPrompt(req)
	saveCtx := context.WithoutCancel(ctx)
	if _, err := s.cfg.Store.AddMessage(saveCtx, store.Message{ProjectID: req.ProjectID, Role: "user", Content: req.Text + planNote(req)}); err != nil {
		return nil, err
	}
	am, err := s.cfg.Store.AddMessage(saveCtx, store.Message{ProjectID: req.ProjectID, Role: "assistant", Status: store.MessageStreaming})
	if err != nil {
		return nil, err
	}
	t, err := s.cfg.Store.CreateTurn(saveCtx, store.AgentTurn{ProjectID: req.ProjectID, MessageID: am.ID, Mode: string(mode), Status: TurnRunning,
		Prompt: strings.TrimSpace(orDefault(req.Text, "Build the plan")), ProviderID: req.ProviderID, ModelID: req.ModelID})
	if err != nil {
		return nil, err
	}
	r := s.newRun(t, p, mode, limitsOf(req.Limits), req.RequestID)
	r.params = req.Params
	r.textMode = !s.takesTools(req.ProviderID, req.ModelID)
	if s.cfg.Versions != nil {
		r.since = s.cfg.Versions.Head(ctx, req.ProjectID)
	}
	checks := DefaultChecks(p.Template)
	if s.cfg.Checks != nil {
		if cs := s.cfg.Checks(ctx, req.ProjectID); len(cs) > 0 {
			checks = cs
		}
	}
	system := systemPrompt(mode, p.Template, orDefault(r.root, "/home/user"), paths, checks)
	if text, err := s.cfg.Files.Read(ctx, req.ProjectID, fragment.RulesFile); err == nil {
		rules, cut := fragment.RulesPrompt(text)
		system += rules
		r.addNotice(cut)
	}
	if r.textMode {
		system += textPrompt(r.tools)
	}
	r.msgs = append([]llm.Message{{Role: llm.RoleSystem, Content: system}}, historyTurns(history)...)
	r.msgs = append(r.msgs, llm.Message{Role: llm.RoleUser, Content: prompt})
	r.save(ctx, "")
	return r, nil
}

func planNote(req TurnRequest) string {
	if strings.TrimSpace(req.Plan) == "" {
		return ""
	}
	return "\n\n[Build this plan]\n" + req.Plan
}

// resume rebuilds a paused turn's run from what is stored.
func (s *Service) resume(ctx context.Context, t store.AgentTurn, req ContinueRequest) (*run, error) {
	p, err := s.cfg.Store.GetProject(ctx, t.ProjectID)
	if err != nil {
		return nil, err
	}
	var tr transcript
	if len(t.Transcript) == 0 || json.Unmarshal(t.Transcript, &tr) != nil || len(tr.Messages) == 0 {
		return nil, apperr.New(apperr.Internal, "This turn's transcript was not saved, so it cannot be continued. Send a new message instead.")
	}
	steps, err := s.cfg.Store.ListSteps(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	r := s.newRun(t, p, Mode(t.Mode), limitsOf(req.Limits), req.RequestID)
	r.params, r.textMode, r.since, r.msgs = tr.Params, tr.TextMode, tr.Since, tr.Messages
	r.seq = len(steps)
	r.usage, r.cost = usageOf(t.Usage), t.CostUSD
	r.priced = t.CostUSD > 0
	_ = json.Unmarshal(t.Todos, &r.todos)
	for _, st := range steps {
		var changed []string
		_ = json.Unmarshal(st.Changed, &changed)
		for _, p := range changed {
			r.changed[p] = true
		}
	}
	// Whether a check ran after the last change is not kept: a check
	// after Continue counts (the finish's "done means checked" needs one).
	r.changedSinceCheck = len(r.changed) > 0
	// What the agent read before the pause is read again: a file the
	// person changed meanwhile must be read before it is edited.
	for _, p := range tr.Read {
		if c, err := s.cfg.Files.Read(ctx, t.ProjectID, p); err == nil {
			r.noteRead(p, c)
		}
	}
	r.closeOpenCalls()
	r.msgs = append(r.msgs, llm.Message{Role: llm.RoleUser, Content: "Continue the task. " + resumeNote(StopReason(t.Reason))})
	t.Status, t.Reason = TurnRunning, ""
	r.turn = t
	r.save(ctx, "")
	if err := s.cfg.Store.UpdateMessage(context.WithoutCancel(ctx), t.MessageID, store.MessageUpdate{Status: ptr(store.MessageStreaming)}); err != nil {
		return nil, err
	}
	return r, nil
}

func resumeNote(r StopReason) string {
	switch r {
	case StopInterrupted:
		return "Tessera was closed while you worked; files may have changed, so read before you edit."
	case StopLoop:
		return "You were stopped for repeating the same call: try a different approach."
	case StopMistakes:
		return "You were stopped after several invalid calls: check the tools' arguments."
	}
	return "The person allowed more steps."
}

// closeOpenCalls answers tool calls that a crash left without a result
// (providers refuse a history with an unanswered call).
func (r *run) closeOpenCalls() {
	if r.textMode || len(r.msgs) == 0 {
		return
	}
	answered := map[string]bool{}
	var open []llm.ToolCall
	for _, m := range r.msgs {
		if m.Role == llm.RoleTool {
			answered[m.ToolCallID] = true
		}
		if m.Role == llm.RoleAssistant {
			open = append(open, m.ToolCalls...)
		}
	}
	for _, c := range open {
		if !answered[c.ID] {
			r.answer(c, ToolResult{OK: false, Output: "Interrupted: Tessera stopped before this call finished; check its effect before repeating it."}, "")
		}
	}
}

// save stores the turn as it is now (status running unless told).
func (r *run) save(ctx context.Context, status string) {
	reads := make([]string, 0, len(r.read))
	for p := range r.read {
		reads = append(reads, p)
	}
	sort.Strings(reads)
	tr, _ := json.Marshal(transcript{Messages: r.msgs, Provider: r.provider, Model: r.model, Params: r.params, TextMode: r.textMode, Since: r.since, Read: reads})
	todos, _ := json.Marshal(r.todos)
	usage, _ := json.Marshal(r.usage)
	t := r.turn
	if status != "" {
		t.Status = status
	}
	t.Transcript, t.Todos, t.Usage, t.CostUSD, t.Steps, t.Notice = tr, todos, usage, r.cost, r.seq, r.notice
	if err := r.s.cfg.Store.SaveTurn(context.WithoutCancel(ctx), t); err != nil {
		r.s.cfg.Logger.Warn("agent: turn not saved", "turn", t.ID, "err", err)
	}
	r.turn = t
}

// end closes the segment: processes of a stopped turn are killed, the
// changes become the turn's version (partial unless it finished), the
// message and the turn are saved, and the page gets the result.
func (r *run) end(ctx context.Context, e ending) TurnResult {
	saveCtx := context.WithoutCancel(ctx)
	r.flushText()
	if e.reason == StopCancelled && r.s.cfg.Sandbox != nil {
		r.killBackground(saveCtx)
	}
	status := TurnDone
	switch {
	case e.reason == StopCancelled:
		status = TurnStopped
	case e.reason == StopError:
		status = TurnFailed
	case e.reason.CanContinue():
		status = TurnPaused
	}
	if e.notice != "" {
		r.addNotice(e.notice)
	}
	r.checked = append(r.checked, e.checked...)
	versionID, partial := "", false
	if len(r.changed) > 0 && r.s.cfg.Versions != nil {
		why := ""
		if e.reason != StopFinished && e.reason != StopQuestion {
			why, partial = string(e.reason), true
		}
		id, changed, err := r.s.cfg.Versions.RecordTurn(saveCtx, r.projectID, r.since, r.prompt, r.turn.MessageID, r.provider+"/"+r.model, why)
		if err != nil {
			r.s.cfg.Logger.Warn("agent: turn not recorded as a version", "turn", r.turn.ID, "err", err)
		} else if changed {
			versionID = id
			r.since = id // a continued segment squashes only its own steps
		}
	}
	r.turn.Reason, r.turn.Summary = string(e.reason), e.summary
	if versionID != "" {
		r.turn.VersionID = versionID
	}
	r.save(saveCtx, status)
	msgStatus := store.MessageDone
	switch status {
	case TurnStopped, TurnPaused:
		msgStatus = store.MessageStopped
	case TurnFailed:
		msgStatus = store.MessageError
	}
	content := e.summary
	if err := r.s.cfg.Store.UpdateMessage(saveCtx, r.turn.MessageID, store.MessageUpdate{Content: &content, Status: &msgStatus}); err != nil {
		r.s.cfg.Logger.Warn("agent: message not saved", "turn", r.turn.ID, "err", err)
	}
	res := r.result(e, status)
	res.VersionID, res.Partial = versionID, partial
	r.emit(Event{Type: EventDone, Result: res})
	return *res
}

func (r *run) result(e ending, status string) *TurnResult {
	return &TurnResult{TurnID: r.turn.ID, MessageID: r.turn.MessageID, Mode: r.mode, Status: status, Reason: e.reason, Summary: e.summary,
		Notice: r.notice, CanContinue: e.reason.CanContinue(), Steps: r.seq, Usage: r.usage, CostUSD: r.cost, Priced: r.priced,
		Checked: r.checked, Todos: r.todos}
}

func usageOf(raw json.RawMessage) llm.Usage {
	var u llm.Usage
	_ = json.Unmarshal(raw, &u)
	return u
}

func ptr[T any](v T) *T { return &v }

// Steps returns a turn's step log (for the page after a restart, replay
// and export).
func (s *Service) Steps(ctx context.Context, turnID string) ([]Step, error) {
	rows, err := s.cfg.Store.ListSteps(ctx, turnID)
	if err != nil {
		return nil, err
	}
	out := make([]Step, 0, len(rows))
	for _, st := range rows {
		step := Step{ID: st.ID, TurnID: st.TurnID, Seq: st.Seq, Tool: st.Tool, Args: argsJSON(st.Args), Title: st.Title, Status: StepStatus(st.Status),
			CostUSD: st.CostUSD, StartedAt: st.StartedAt, EndedAt: st.EndedAt, Usage: usageOf(st.Usage)}
		if !st.EndedAt.IsZero() {
			step.DurationMS = st.EndedAt.Sub(st.StartedAt).Milliseconds()
		}
		if len(st.Result) > 0 {
			var res ToolResult
			if json.Unmarshal(st.Result, &res) == nil {
				step.Result = &res
			}
		}
		_ = json.Unmarshal(st.Changed, &step.Changed)
		out = append(out, step)
	}
	return out, nil
}

// Transcript returns the conversation a turn had with the model (system
// prompt, the person's message, every call and result as the model read
// them), for replay and export.
func (s *Service) Transcript(ctx context.Context, turnID string) ([]llm.Message, error) {
	t, err := s.cfg.Store.GetTurn(ctx, turnID)
	if err != nil {
		return nil, err
	}
	var tr transcript
	if len(t.Transcript) == 0 {
		return []llm.Message{}, nil
	}
	if err := json.Unmarshal(t.Transcript, &tr); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "This turn's transcript is damaged.")
	}
	return tr.Messages, nil
}

// Turn returns a stored turn as the page sees it.
func (s *Service) Turn(ctx context.Context, turnID string) (TurnResult, error) {
	t, err := s.cfg.Store.GetTurn(ctx, turnID)
	if err != nil {
		return TurnResult{}, err
	}
	return turnResult(t), nil
}

// TurnOfMessage returns the (newest) turn an assistant message holds;
// NotFound for a Quick-mode answer.
func (s *Service) TurnOfMessage(ctx context.Context, messageID string) (TurnResult, error) {
	t, err := s.cfg.Store.TurnForMessage(ctx, messageID)
	if err != nil {
		return TurnResult{}, err
	}
	return turnResult(t), nil
}

func turnResult(t store.AgentTurn) TurnResult {
	res := TurnResult{TurnID: t.ID, MessageID: t.MessageID, Mode: Mode(t.Mode), Status: t.Status, Reason: StopReason(t.Reason), Summary: t.Summary,
		Notice: t.Notice, CanContinue: t.Status == TurnPaused, Steps: t.Steps, Usage: usageOf(t.Usage), CostUSD: t.CostUSD, Priced: t.CostUSD > 0, VersionID: t.VersionID}
	_ = json.Unmarshal(t.Todos, &res.Todos)
	return res
}

// EditedSinceError lists the files that were edited after the agent
// changed them (by the person, or a later turn): restoring over them
// would lose that work, so the page asks first (RestoreBeforeAnyway).
type EditedSinceError struct{ Paths []string }

func (e *EditedSinceError) Error() string {
	return "edited since the agent changed them: " + strings.Join(e.Paths, ", ")
}

// RestoreBefore puts the files a turn changed back to what they were
// before its step seq (1-based), byte for byte, undoing that step and
// every later one of the turn; the result is a new version. Only the
// files the turn changed are touched. When one of them was edited since
// the agent changed it, nothing is restored and the error is a Conflict
// wrapping *EditedSinceError; RestoreBeforeAnyway restores regardless.
func (s *Service) RestoreBefore(ctx context.Context, turnID string, seq int) error {
	_, err := s.restoreBefore(ctx, turnID, seq, false, false)
	return err
}

// RestoreBeforeAnyway is RestoreBefore after the person confirmed.
func (s *Service) RestoreBeforeAnyway(ctx context.Context, turnID string, seq int) error {
	_, err := s.restoreBefore(ctx, turnID, seq, true, false)
	return err
}

// Undo reverts the files a turn changed (RestoreBefore its first step).
func (s *Service) Undo(ctx context.Context, turnID string) error {
	_, err := s.UndoTurn(ctx, turnID, false)
	return err
}

// Undone is what UndoTurn did: Before is the version that was current
// before it (what a Redo brings back), Restored whether any file changed
// (false: they were already as before the turn), Paths the files the turn
// had changed.
type Undone struct {
	Before   string
	Restored bool
	Paths    []string
}

// UndoTurn is the chat's Undo of an agent turn: only the files the turn
// changed go back to what they were before its first step; the rest of
// the folder stays as it is. Its version is kind "undo" (ModelUndo), so
// the chat's line about the files reads it. A file edited since is a
// Conflict wrapping *EditedSinceError (nothing restored) unless anyway; a
// turn that changed no file is Invalid (IsNoChanges).
func (s *Service) UndoTurn(ctx context.Context, turnID string, anyway bool) (Undone, error) {
	return s.restoreBefore(ctx, turnID, 1, anyway, true)
}

// IsNoChanges reports the error of a restore whose steps changed no file.
func IsNoChanges(err error) bool { return errors.Is(err, workspaceNoChanges) }

// The model trailer of Tessera's own versions of a turn's files: a
// restore to before a step, and the chat's Undo of the turn.
const (
	ModelRestore = "restore"
	ModelUndo    = "undo"
)

// AnywayField marks the Conflict of an edited-since restore (the page
// offers "Restore anyway", which sets the request's anyway).
const AnywayField = "anyway"

func (s *Service) restoreBefore(ctx context.Context, turnID string, seq int, force, undo bool) (Undone, error) {
	var done Undone
	t, err := s.cfg.Store.GetTurn(ctx, turnID)
	if err != nil {
		return done, err
	}
	s.mu.Lock()
	_, busy := s.projects[t.ProjectID]
	s.mu.Unlock()
	if busy {
		return done, apperr.New(apperr.Conflict, "The agent is working in this project. Stop it before restoring.")
	}
	rows, err := s.cfg.Store.ListSteps(ctx, turnID)
	if err != nil {
		return done, err
	}
	if seq < 1 || seq > len(rows) {
		return done, apperr.Newf(apperr.Invalid, "This turn has steps 1 to %d; there is no step %d.", len(rows), seq)
	}
	// A file is as the turn left it when it holds any state the turn's
	// steps went through (before or after one: an earlier restore to a
	// step boundary is Tessera's, not the person's); anything else is an
	// edit made since. "" stands for "no file".
	var undos [][]fileUndo // of the steps from seq on, in order
	known := map[string]map[string]bool{}
	note := func(p, h string) {
		if known[p] == nil {
			known[p] = map[string]bool{}
		}
		known[p][h] = true
	}
	for _, st := range rows {
		if len(st.Undo) == 0 {
			continue
		}
		var undo []fileUndo
		if err := json.Unmarshal(st.Undo, &undo); err != nil {
			return done, apperr.Wrap(err, apperr.Internal, "The record of a step is damaged; restore an earlier version from Versions instead.")
		}
		for _, u := range undo {
			before := ""
			if u.Existed {
				before = Hash(u.Content)
			}
			note(u.Path, before)
			note(u.Path, u.After)
		}
		if st.Seq >= seq {
			undos = append(undos, undo)
		}
	}
	if len(undos) == 0 {
		return done, apperr.Wrap(workspaceNoChanges, apperr.Invalid, "Those steps changed no file; there is nothing to restore.")
	}
	if !force {
		var edited []string
		for _, undo := range undos {
			for _, u := range undo {
				cur, err := s.cfg.Files.Read(ctx, t.ProjectID, u.Path)
				h := ""
				switch {
				case apperr.Is(err, apperr.NotFound):
				case err != nil:
					return done, err
				default:
					h = Hash(cur)
				}
				if !known[u.Path][h] && !contains(edited, u.Path) {
					edited = append(edited, u.Path)
				}
			}
		}
		if len(edited) > 0 {
			sort.Strings(edited)
			return done, &apperr.Error{Code: apperr.Conflict, Field: AnywayField, Err: &EditedSinceError{Paths: edited},
				Message: fmt.Sprintf("%s changed after the agent's step; restoring would lose that edit. Restore anyway, or keep the files as they are.", strings.Join(edited, ", "))}
		}
	}
	for _, undo := range undos {
		for _, u := range undo {
			if !contains(done.Paths, u.Path) {
				done.Paths = append(done.Paths, u.Path)
			}
		}
	}
	sort.Strings(done.Paths)
	if s.cfg.Versions != nil {
		done.Before = s.cfg.Versions.Head(ctx, t.ProjectID)
	}
	for i := len(undos) - 1; i >= 0; i-- {
		for j := len(undos[i]) - 1; j >= 0; j-- {
			u := undos[i][j]
			c := Change{Path: u.Path, Content: u.Content, Delete: !u.Existed, Force: true}
			if err := s.cfg.Files.Apply(ctx, t.ProjectID, c); err != nil && !(c.Delete && apperr.Is(err, apperr.NotFound)) {
				return done, err
			}
		}
	}
	if s.cfg.Versions != nil {
		msg, model := fmt.Sprintf("Back to before step %d of: %s", seq, t.Prompt), ModelRestore
		if undo {
			msg, model = "Undid the agent's turn: "+t.Prompt, ModelUndo
		}
		_, changed, err := s.cfg.Versions.RecordTurn(ctx, t.ProjectID, done.Before, msg, t.MessageID, model, "")
		if err != nil {
			return done, err
		}
		done.Restored = changed
	}
	return done, nil
}

var workspaceNoChanges = errors.New("no changes")

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
