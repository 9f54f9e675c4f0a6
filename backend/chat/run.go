package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/events"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/projectfiles"
	"tessera/backend/store"
	"tessera/backend/uploads"
)

// maxInstallLog keeps the stored install log bounded.
const maxInstallLog = 64 << 10

// keepEvery is how often a streaming answer is written to the database, so
// a crash loses at most this much of what was on screen.
const keepEvery = 400 * time.Millisecond

// turn is what answer needs for one turn, read once by Send or Retry.
type turn struct {
	RequestID  string
	Project    store.Project // as read when the turn began
	ProviderID string
	ModelID    string
	Template   string // "" = the project's template, or Auto
	Params     Params
	Prompt     string // the person's message, the version's message
}

// historyLimit is how many recent messages a prompt is built from. The
// llm client trims further to the model's context window; this bound
// keeps a long chat from being read (and its images decoded) every turn.
const historyLimit = 100

// answer generates the assistant message for the project's latest user
// message and runs its fragment. The assistant message exists (streaming)
// from the start of the turn and is kept current while the answer arrives
// and runs: a stop keeps what arrived, and a crash leaves it streaming,
// which the next start marks interrupted (store.MarkInterrupted). Only the
// end of the turn moves it on: done, stopped, or error when a step failed.
func (s *Service) answer(ctx context.Context, t turn) (Result, error) {
	b := newBatcher(s.cfg.Emitter, events.ChatDelta(t.RequestID))
	defer func() { b.add(Event{Type: EventDone}); b.close() }()
	// Saving after a Stop must still work: use a context that outlives it.
	saveCtx := context.WithoutCancel(ctx)
	projectID := t.Project.ID
	if t.Template == "" {
		t.Template = t.Project.Template
	}
	if s.cfg.Outside != nil {
		// The prompt is built from the project's files: bring in what the
		// person changed in their own editor first. A failure costs that
		// edit in this prompt (the watcher brings it in later), not the turn.
		if err := s.cfg.Outside.Settle(ctx, projectID); err != nil {
			s.cfg.Logger.Warn("outside edits not brought in before the turn", "project", projectID, "err", err)
		}
	}
	gen, templates, err := s.prompt(ctx, t)
	if err != nil {
		return Result{}, err
	}
	am, err := s.cfg.Store.AddMessage(saveCtx, store.Message{ProjectID: projectID, Role: "assistant", Status: store.MessageStreaming})
	if err != nil {
		return Result{}, err
	}

	b.add(Event{Type: EventStage, Stage: StageGenerating})
	// The sandbox gets ready while the answer streams (see warmup).
	var warm *warmup
	if !s.serial {
		warm = newWarmup(ctx, s.cfg.Sandboxes, projectID, s.cfg.Logger)
	}
	defer warm.close()
	var last fragment.Partial
	var kept time.Time
	var reasoning int
	frag, usage, genErr := s.cfg.Generator.Generate(ctx, gen,
		func(p fragment.Partial) {
			last = p
			warm.observe(p)
			b.addPartial(p)
			if now := time.Now(); now.Sub(kept) >= keepEvery {
				kept = now
				s.keepPartial(saveCtx, am.ID, p)
			}
		},
		func(r string) {
			reasoning += utf8.RuneCountInString(r)
			b.add(Event{Type: EventReasoning, Text: r})
		})
	// Every call is counted, a failed or stopped one too (the provider
	// bills what it streamed).
	replied := partialChars(last) + reasoning
	if frag != nil {
		replied = partialChars(fragment.Partial{Commentary: frag.Commentary, Title: frag.Title, Description: frag.Description, Files: frag.Files}) + reasoning
	}
	s.recordSpend(saveCtx, t, am.ID, gen, usage, replied)

	var cut *llm.OutputLimitError
	s.mu.Lock()
	if errors.As(genErr, &cut) {
		s.cutAt[projectID] = cut.Limit
	} else {
		delete(s.cutAt, projectID)
	}
	s.mu.Unlock()
	if genErr != nil {
		if last.Commentary == "" && len(last.Files) == 0 && !ctxDone(ctx) && isUnreachable(genErr) {
			// Nothing to keep; Send restores the draft (and takes the
			// user message back, with this row if it is still there).
			if err := s.cfg.Store.DeleteMessagesFrom(saveCtx, projectID, am.Seq); err != nil {
				s.cfg.Logger.Warn("could not drop an empty answer", "project", projectID, "message", am.ID, "err", err)
			}
			return Result{}, genErr
		}
		status, step := store.MessageError, "generate"
		if ctxDone(ctx) {
			status = store.MessageStopped
		}
		upd := store.MessageUpdate{Content: &last.Commentary, Status: &status}
		if refusedForSize(genErr) {
			// The answer passed a size limit while it streamed: its text is
			// kept with the sentence, never the files that passed it (what
			// keepPartial saved of them is replaced).
			last.Files, last.Code = nil, ""
			upd.Fragment = s.encode(am.ID, "fragment", partialFragment(last))
		} else if len(last.Files) > 0 || last.Title != "" {
			upd.Fragment = s.encode(am.ID, "fragment", partialFragment(last))
		}
		if status == store.MessageError {
			upd.Result = s.encodeRun(projectID, am.ID, RunResult{StepError: stepErr(step, genErr), Usage: usageOf(usage), FinishedAt: time.Now().UTC()})
		}
		saved, err := s.finish(saveCtx, am.ID, upd)
		if err != nil {
			return Result{}, err
		}
		s.emitMessage(b, saved)
		if status == store.MessageError {
			b.add(Event{Type: EventError, Error: stepErr(step, genErr)})
		}
		return Result{Assistant: &saved}, nil
	}

	s.cfg.Logger.Info("answer received", "project", projectID, "provider", t.ProviderID, "model", t.ModelID,
		"template", frag.Template, "files", len(frag.Files), "promptTokens", usage.PromptTokens, "completionTokens", usage.CompletionTokens)
	saved, err := s.finish(saveCtx, am.ID, store.MessageUpdate{Content: &frag.Commentary, Fragment: s.encode(am.ID, "fragment", frag)})
	if err != nil {
		return Result{}, err
	}
	s.emitMessage(b, saved)
	version := s.recordVersion(saveCtx, t, saved.ID, frag)

	run := s.run(ctx, b, projectID, frag, templates, warm)
	s.afterRun(ctx, projectID, version, frag, run)
	run.Usage = usageOf(usage)
	run.FinishedAt = time.Now().UTC()
	runJSON := s.encodeRun(projectID, saved.ID, run)
	status := store.MessageDone
	switch {
	case ctxDone(ctx):
		status = store.MessageStopped
	case run.StepError != nil:
		// A failed step is a failed turn: the row shows the sentence and Retry.
		status = store.MessageError
	}
	final, err := s.finish(saveCtx, saved.ID, store.MessageUpdate{Result: runJSON, Status: &status})
	if err != nil {
		return Result{Assistant: &saved}, err
	}
	saved = final
	s.emitMessage(b, saved)
	if run.StepError != nil {
		e := *run.StepError
		e.Message = s.redact(projectID, e.Message) // as stored (encodeRun)
		b.add(Event{Type: EventError, Error: &e})
	}
	return Result{Assistant: &saved}, nil
}

// recordVersion commits the answer's files as a version of the project
// (its folder on disk). A failure costs the version, not the turn: logged.
// It returns the id of the version the sandbox's files now are: the new
// one, or the current one when the files did not change (a turn that only
// reinstalled ties its restore point to it); "" when there is none.
func (s *Service) recordVersion(ctx context.Context, t turn, messageID string, frag *fragment.Fragment) string {
	if s.cfg.Files == nil || len(frag.Files) == 0 {
		return ""
	}
	writes := make([]projectfiles.Write, len(frag.Files))
	for i, f := range frag.Files {
		writes[i] = projectfiles.Write{Path: f.Path, Content: []byte(f.Content)}
	}
	res, err := s.cfg.Files.Apply(ctx, t.Project.ID, projectfiles.Turn(t.Prompt, messageID, t.ProviderID+"/"+t.ModelID, writes...))
	if err != nil {
		s.cfg.Logger.Warn("turn not recorded as a version", "project", t.Project.ID, "err", err)
		return ""
	}
	return res.Version.ID
}

// afterRun asks for a restore point of the sandbox when the turn's install
// ran (its dependencies changed), tied to the version its files are.
func (s *Service) afterRun(ctx context.Context, projectID, version string, frag *fragment.Fragment, run RunResult) {
	if s.cfg.RestorePoints == nil || version == "" || ctxDone(ctx) ||
		!frag.HasAdditionalDependencies || strings.TrimSpace(frag.InstallDependenciesCommand) == "" {
		return
	}
	if e := run.StepError; e != nil && (e.Step == "sandbox" || e.Step == "install") {
		return
	}
	s.cfg.RestorePoints.AfterInstall(projectID, version)
}

// keepPartial writes what has arrived so far. A failure only costs crash
// safety for this moment, so it is logged, not returned.
func (s *Service) keepPartial(ctx context.Context, id string, p fragment.Partial) {
	upd := store.MessageUpdate{Content: &p.Commentary}
	if len(p.Files) > 0 || p.Title != "" {
		upd.Fragment = s.encode(id, "fragment", partialFragment(boundPartial(p)))
	}
	if err := s.cfg.Store.UpdateMessage(ctx, id, upd); err != nil {
		s.cfg.Logger.Warn("could not keep the streaming answer", "message", id, "err", err)
	}
}

// encode marshals what is saved with a message. It cannot fail for our
// own types, but raw JSON from a provider or a sandbox is checked by
// Marshal; then the part is not saved (nil keeps what the row has) and the
// log says why.
func (s *Service) encode(messageID, what string, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		s.cfg.Logger.Error("could not encode a part of the answer", "message", messageID, "part", what, "err", err)
		return nil
	}
	return b
}

// encodeRun is encode for a run result; one that cannot be encoded (a
// result with invalid raw JSON from the sandbox) is saved as a failed
// step, so the row still ends with a sentence instead of no result.
func (s *Service) encodeRun(projectID, messageID string, run RunResult) json.RawMessage {
	if b := s.encode(messageID, "run result", run); b != nil {
		return s.redactJSON(projectID, b)
	}
	return s.encode(messageID, "run result", RunResult{Kind: run.Kind, Template: run.Template, SandboxID: run.SandboxID,
		Usage: run.Usage, FinishedAt: run.FinishedAt, Stdout: []string{}, Stderr: []string{}, Results: []ExecResult{},
		StepError: &StepError{Step: "run", Code: string(apperr.Internal), Message: "Tessera could not save what the run produced. Run it again."}})
}

// finish applies an update and returns the message as stored now.
func (s *Service) finish(ctx context.Context, id string, upd store.MessageUpdate) (store.Message, error) {
	if err := s.cfg.Store.UpdateMessage(ctx, id, upd); err != nil {
		return store.Message{}, err
	}
	return s.cfg.Store.GetMessage(ctx, id)
}

// run puts the fragment in the project's sandbox and runs it. Every step's
// failure ends up in RunResult.StepError as a sentence. When a step finds
// the sandbox gone (E2B ended it earlier than expected), the cached
// connection is dropped and the steps run once more: Ensure then recreates
// the sandbox from the local copy.
func (s *Service) run(ctx context.Context, b *batcher, projectID string, frag *fragment.Fragment, templates []fragment.Template, warm *warmup) RunResult {
	res := s.runOnce(ctx, b, projectID, frag, templates, warm)
	if e := res.StepError; e != nil && e.Code == string(apperr.NotFound) && e.Step != "sandbox" && ctx.Err() == nil {
		s.cfg.Logger.Info("sandbox gone during a run; recreating it", "project", projectID, "step", e.Step)
		s.cfg.Sandboxes.Invalidate(projectID)
		res = s.runOnce(ctx, b, projectID, frag, templates, nil) // the warmed handle is of the lost sandbox
	}
	// A step that could not reach the sandbox: the badge says so now, not
	// at the next probe (Ensure's own failures already set its state).
	if e := res.StepError; e != nil && e.Step != "sandbox" && e.Code == string(apperr.Unavailable) && ctx.Err() == nil {
		s.cfg.Sandboxes.Report(projectID, apperr.New(apperr.Unavailable, e.Message))
	}
	return res
}

// runOnce runs the steps; warm (nil for none) may have done the first ones
// already while the answer streamed.
func (s *Service) runOnce(ctx context.Context, b *batcher, projectID string, frag *fragment.Fragment, templates []fragment.Template, warm *warmup) RunResult {
	t, _ := fragment.Lookup(frag.Template, customOnly(templates))
	res := RunResult{Template: frag.Template, Kind: "python", Stdout: []string{}, Stderr: []string{}, Results: []ExecResult{}}
	port := 0
	if frag.Port != nil {
		port = *frag.Port
	} else if t.Port > 0 {
		port = t.Port
	}
	if frag.Template != fragment.CodeInterpreter && port > 0 {
		res.Kind = "web"
	}

	release := s.cfg.Sandboxes.Hold(projectID)
	defer release()

	b.add(Event{Type: EventStage, Stage: StageSandbox})
	h, ok := warm.handle(ctx, frag.Template)
	if !ok {
		var err error
		sctx, stop := s.watchStep(ctx, b, "the sandbox to start")
		h, err = s.cfg.Sandboxes.Ensure(sctx, projectID, frag.Template)
		stop()
		if err != nil {
			res.StepError = stepErr("sandbox", err)
			return res
		}
	}
	res.SandboxID = h.SandboxID
	if s.cfg.Outside != nil {
		if err := s.cfg.Outside.Catchup(ctx, h); err != nil {
			s.cfg.Logger.Warn("outside edits not yet in the sandbox", "project", projectID, "err", err)
		}
	}

	if frag.HasAdditionalDependencies && strings.TrimSpace(frag.InstallDependenciesCommand) != "" {
		b.add(Event{Type: EventStage, Stage: StageInstalling})
		var log strings.Builder
		out := func(_ string, p []byte) {
			if log.Len() < maxInstallLog {
				log.Write(p)
			}
			b.add(Event{Type: EventLog, Text: s.redact(projectID, string(p))})
		}
		ictx, stop := s.watchStep(ctx, b, "the install to finish")
		started, err := warm.awaitInstall(ictx, frag.InstallDependenciesCommand, out)
		if !started {
			err = s.cfg.Sandboxes.Install(ictx, h, frag.InstallDependenciesCommand, out)
		}
		stop()
		res.InstallLog = log.String()
		if err != nil {
			res.StepError = stepErr("install", err)
			return res
		}
	}

	b.add(Event{Type: EventStage, Stage: StageWriting})
	bctx, cancelWrite := context.WithTimeout(ctx, s.cfg.WriteWait)
	wctx, stop := s.watchStep(bctx, b, "the sandbox to take the files")
	err := s.cfg.Sandboxes.WriteFiles(wctx, h, frag.Files)
	stop()
	cancelWrite()
	if err != nil {
		res.StepError = stepErr("write", err)
		return res
	}

	if res.Kind == "web" {
		b.add(Event{Type: EventStage, Stage: StagePreview})
		pctx, cancel := context.WithTimeout(ctx, s.cfg.PreviewWait)
		defer cancel()
		wctx, stop := s.watchStep(pctx, b, fmt.Sprintf("the app in the sandbox to answer on port %d", port))
		url, err := h.WaitPort(wctx, port)
		stop()
		if err != nil {
			res.StepError = stepErr("preview", err)
			return res
		}
		res.URL = url
		return res
	}

	b.add(Event{Type: EventStage, Stage: StageRunning})
	// The sandbox's default context keeps variables between the cells of
	// a project for as long as the sandbox lives (pause and resume keep
	// memory too).
	exec, err := h.Execute(ctx, frag.Code, func(ev e2b.ExecEvent) {
		switch ev.Type {
		case e2b.EventStdout:
			b.add(Event{Type: EventStdout, Text: s.redact(projectID, ev.Text)})
		case e2b.EventStderr:
			b.add(Event{Type: EventStderr, Text: s.redact(projectID, ev.Text)})
		case e2b.EventResult:
			if ev.Result != nil {
				r := s.redactResult(projectID, toResult(*ev.Result))
				b.add(Event{Type: EventResult, Result: &r})
			}
		case e2b.EventError:
			if ev.Error != nil {
				b.add(Event{Type: EventExecError, ExecError: s.redactExecError(projectID, &ExecError{Name: ev.Error.Name, Value: ev.Error.Value, Traceback: ev.Error.Traceback})})
			}
		}
	})
	if exec != nil {
		res.Stdout = append(res.Stdout, exec.Stdout...)
		res.Stderr = append(res.Stderr, exec.Stderr...)
		for _, r := range exec.Results {
			res.Results = append(res.Results, toResult(r))
		}
		if exec.Error != nil {
			res.Error = &ExecError{Name: exec.Error.Name, Value: exec.Error.Value, Traceback: exec.Error.Traceback}
		}
	}
	if err != nil {
		res.StepError = stepErr("run", err)
	}
	return res
}

// prompt builds the model request: the template(s), the project's current
// files (so the model edits instead of starting over) and the recent
// history. Images of earlier messages are read only when the model takes
// images: a text-only model could not use them, and they are the heavy
// part of a chat.
func (s *Service) prompt(ctx context.Context, t turn) (GenerateRequest, []fragment.Template, error) {
	all := s.cfg.Templates(ctx)
	chosen := all
	if t.Template != "" {
		tm, ok := fragment.Lookup(t.Template, customOnly(all))
		if !ok {
			return GenerateRequest{}, nil, apperr.Newf(apperr.Invalid, "The template %q is not known. Choose Auto or one of the listed templates.", t.Template)
		}
		chosen = []fragment.Template{tm}
	}
	allFiles, err := s.cfg.Store.ListFiles(ctx, t.Project.ID)
	if err != nil {
		return GenerateRequest{}, nil, err
	}
	ups, err := s.cfg.Store.ListUploads(ctx, t.Project.ID)
	if err != nil {
		return GenerateRequest{}, nil, err
	}
	// Uploaded files are described, not pasted: a CSV of megabytes (or a
	// binary) would fill the model's context.
	uploaded := make(map[string]bool, len(ups))
	for _, u := range ups {
		uploaded[u.Path] = true
	}
	pf := make([]store.File, 0, len(allFiles))
	for _, f := range allFiles {
		if !uploaded[f.Path] {
			pf = append(pf, f)
		}
	}
	msgs, err := s.cfg.Store.RecentMessages(ctx, t.Project.ID, historyLimit)
	if err != nil {
		return GenerateRequest{}, nil, err
	}
	var atts map[string][]store.Attachment
	if !s.cfg.Generator.RefusesImages(t.ProviderID, t.ModelID) {
		var ids []string
		for _, m := range msgs {
			if m.Role == "user" {
				ids = append(ids, m.ID)
			}
		}
		if atts, err = s.cfg.Store.Attachments(ctx, ids); err != nil {
			return GenerateRequest{}, nil, err
		}
	}
	turns := make([]Turn, 0, len(msgs))
	for _, m := range msgs {
		switch m.Role {
		case "user":
			tu := Turn{Role: "user", Content: m.Content}
			for _, a := range atts[m.ID] {
				tu.Images = append(tu.Images, Image{MIME: a.MIME, Data: a.Data})
			}
			turns = append(turns, tu)
		case "assistant":
			// The model sees its earlier answers as the fragment JSON it wrote.
			content := string(m.Fragment)
			if content == "" {
				content = m.Content
			}
			if content != "" {
				turns = append(turns, Turn{Role: "assistant", Content: content})
			}
		}
	}
	// A window cut from a long chat may open with an answer; several
	// providers require the conversation to start with the person.
	for len(turns) > 1 && turns[0].Role != "user" {
		turns = turns[1:]
	}
	ids := make([]string, 0, len(chosen))
	for _, tm := range chosen {
		ids = append(ids, tm.ID)
	}
	system := fragment.SystemPrompt(chosen, pf)
	for _, f := range pf {
		if f.Path == fragment.RulesFile {
			rules, cut := fragment.RulesPrompt(f.Content)
			system += rules
			if cut != "" {
				s.cfg.Logger.Warn("project rules cut for the prompt", "project", t.Project.ID, "detail", cut)
			}
		}
	}
	if s.cfg.EnvNames != nil {
		system += fragment.EnvPrompt(s.cfg.EnvNames(ctx, t.Project.ID))
	}
	return s.redactRequest(t.Project.ID, GenerateRequest{ProviderID: t.ProviderID, ModelID: t.ModelID, System: system + uploads.PromptSection(ups, s.cfg.SandboxRoot),
		Turns: turns, Params: t.Params, Templates: ids}), all, nil
}

func usageOf(u Usage) *Usage {
	if u.TotalTokens == 0 && u.PromptTokens == 0 && u.CompletionTokens == 0 {
		return nil
	}
	return &u
}

func customOnly(all []fragment.Template) []fragment.Template {
	var out []fragment.Template
	for _, t := range all {
		if t.Custom {
			out = append(out, t)
		}
	}
	return out
}

func (s *Service) emitMessage(b *batcher, m store.Message) {
	if raw := s.encode(m.ID, "message event", m); raw != nil {
		b.add(Event{Type: EventMessage, Message: raw})
	}
}

func stepErr(step string, err error) *StepError {
	return &StepError{Step: step, Code: string(apperr.CodeOf(err)), Message: apperr.MessageOf(err)}
}

func ctxDone(ctx context.Context) bool { return ctx.Err() != nil }

func toPartial(p fragment.Partial) *Partial {
	out := &Partial{Commentary: p.Commentary, Title: p.Title, Description: p.Description, Template: p.Template, Files: make([]File, 0, len(p.Files))}
	for _, f := range p.Files {
		out.Files = append(out.Files, File{Path: f.Path, Content: f.Content})
	}
	return out
}

// partialFragment keeps what streamed before a stop or an error, in the
// fragment's own shape so the card can reopen it.
func partialFragment(p fragment.Partial) fragment.Fragment {
	f := fragment.Fragment{Commentary: p.Commentary, Title: p.Title, Description: p.Description, Template: p.Template, Files: p.Files}
	if len(p.Files) > 0 {
		f.FilePath, f.Code = p.Files[0].Path, p.Files[0].Content
	}
	return f
}

func toResult(r e2b.Result) ExecResult {
	return ExecResult{Text: r.Text, HTML: r.HTML, Markdown: r.Markdown, SVG: r.SVG, PNG: r.PNG, JPEG: r.JPEG, PDF: r.PDF,
		LaTeX: r.LaTeX, JavaScript: r.JavaScript, JSON: r.JSON, Chart: r.Chart, Data: r.Data, IsMainResult: r.IsMainResult}
}
