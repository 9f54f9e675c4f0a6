package chat

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/events"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// maxInstallLog keeps the stored install log bounded.
const maxInstallLog = 64 << 10

// keepEvery is how often a streaming answer is written to the database, so
// a crash loses at most this much of what was on screen.
const keepEvery = 400 * time.Millisecond

// answer generates the assistant message for the project's latest user
// message and runs its fragment. The assistant message exists (streaming)
// from the start of the turn and is kept current while the answer arrives
// and runs: a stop keeps what arrived, and a crash leaves it streaming,
// which the next start marks interrupted (store.MarkInterrupted). Only the
// end of the turn moves it on: done, stopped, or error when a step failed.
func (s *Service) answer(ctx context.Context, requestID, projectID, provider, model, tmpl string, params Params) (Result, error) {
	b := newBatcher(s.cfg.Emitter, events.ChatDelta(requestID))
	defer func() { b.add(Event{Type: EventDone}); b.close() }()
	// Saving after a Stop must still work: use a context that outlives it.
	saveCtx := context.WithoutCancel(ctx)

	project, err := s.cfg.Store.GetProject(ctx, projectID)
	if err != nil {
		return Result{}, err
	}
	if tmpl == "" {
		tmpl = project.Template
	}
	gen, templates, err := s.prompt(ctx, projectID, provider, model, tmpl, params)
	if err != nil {
		return Result{}, err
	}
	am, err := s.cfg.Store.AddMessage(saveCtx, store.Message{ProjectID: projectID, Role: "assistant", Status: store.MessageStreaming})
	if err != nil {
		return Result{}, err
	}

	b.add(Event{Type: EventStage, Stage: StageGenerating})
	var last fragment.Partial
	var kept time.Time
	frag, usage, genErr := s.cfg.Generator.Generate(ctx, gen,
		func(p fragment.Partial) {
			last = p
			b.addPartial(p)
			if now := time.Now(); now.Sub(kept) >= keepEvery {
				kept = now
				s.keepPartial(saveCtx, am.ID, p)
			}
		},
		func(r string) { b.add(Event{Type: EventReasoning, Text: r}) })

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
			// Nothing to keep; Send restores the draft.
			_ = s.cfg.Store.DeleteMessagesFrom(saveCtx, projectID, am.Seq)
			return Result{}, genErr
		}
		status, step := store.MessageError, "generate"
		if ctxDone(ctx) {
			status = store.MessageStopped
		}
		upd := store.MessageUpdate{Content: &last.Commentary, Status: &status}
		if len(last.Files) > 0 || last.Title != "" {
			upd.Fragment, _ = json.Marshal(partialFragment(last))
		}
		if status == store.MessageError {
			upd.Result, _ = json.Marshal(RunResult{StepError: stepErr(step, genErr), Usage: usageOf(usage), FinishedAt: time.Now().UTC()})
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

	s.cfg.Logger.Info("answer received", "project", projectID, "provider", provider, "model", model,
		"template", frag.Template, "files", len(frag.Files), "promptTokens", usage.PromptTokens, "completionTokens", usage.CompletionTokens)
	fragJSON, _ := json.Marshal(frag)
	saved, err := s.finish(saveCtx, am.ID, store.MessageUpdate{Content: &frag.Commentary, Fragment: fragJSON})
	if err != nil {
		return Result{}, err
	}
	s.emitMessage(b, saved)

	run := s.run(ctx, b, projectID, frag, templates)
	run.Usage = usageOf(usage)
	run.FinishedAt = time.Now().UTC()
	runJSON, _ := json.Marshal(run)
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
		b.add(Event{Type: EventError, Error: run.StepError})
	}
	return Result{Assistant: &saved}, nil
}

// keepPartial writes what has arrived so far. A failure only costs crash
// safety for this moment, so it is logged, not returned.
func (s *Service) keepPartial(ctx context.Context, id string, p fragment.Partial) {
	upd := store.MessageUpdate{Content: &p.Commentary}
	if len(p.Files) > 0 || p.Title != "" {
		upd.Fragment, _ = json.Marshal(partialFragment(p))
	}
	if err := s.cfg.Store.UpdateMessage(ctx, id, upd); err != nil {
		s.cfg.Logger.Warn("could not keep the streaming answer", "message", id, "err", err)
	}
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
func (s *Service) run(ctx context.Context, b *batcher, projectID string, frag *fragment.Fragment, templates []fragment.Template) RunResult {
	res := s.runOnce(ctx, b, projectID, frag, templates)
	if e := res.StepError; e != nil && e.Code == string(apperr.NotFound) && e.Step != "sandbox" && ctx.Err() == nil {
		s.cfg.Logger.Info("sandbox gone during a run; recreating it", "project", projectID, "step", e.Step)
		s.cfg.Sandboxes.Invalidate(projectID)
		res = s.runOnce(ctx, b, projectID, frag, templates)
	}
	return res
}

func (s *Service) runOnce(ctx context.Context, b *batcher, projectID string, frag *fragment.Fragment, templates []fragment.Template) RunResult {
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
	h, err := s.cfg.Sandboxes.Ensure(ctx, projectID, frag.Template)
	if err != nil {
		res.StepError = stepErr("sandbox", err)
		return res
	}
	res.SandboxID = h.SandboxID

	if frag.HasAdditionalDependencies && strings.TrimSpace(frag.InstallDependenciesCommand) != "" {
		b.add(Event{Type: EventStage, Stage: StageInstalling})
		var log strings.Builder
		err := s.cfg.Sandboxes.Install(ctx, projectID, frag.InstallDependenciesCommand, func(_ string, p []byte) {
			if log.Len() < maxInstallLog {
				log.Write(p)
			}
			b.add(Event{Type: EventLog, Text: string(p)})
		})
		res.InstallLog = log.String()
		if err != nil {
			res.StepError = stepErr("install", err)
			return res
		}
	}

	b.add(Event{Type: EventStage, Stage: StageWriting})
	if err := s.cfg.Sandboxes.WriteFiles(ctx, projectID, frag.Files); err != nil {
		res.StepError = stepErr("write", err)
		return res
	}

	if res.Kind == "web" {
		b.add(Event{Type: EventStage, Stage: StagePreview})
		wctx, cancel := context.WithTimeout(ctx, s.cfg.PreviewWait)
		defer cancel()
		url, err := s.cfg.Executor.WaitPort(wctx, h, port)
		if err != nil {
			res.StepError = stepErr("preview", err)
			return res
		}
		res.URL = url
		return res
	}

	b.add(Event{Type: EventStage, Stage: StageRunning})
	exec, err := s.cfg.Executor.Execute(ctx, h, frag.Code, func(ev e2b.ExecEvent) {
		switch ev.Type {
		case e2b.EventStdout:
			b.add(Event{Type: EventStdout, Text: ev.Text})
		case e2b.EventStderr:
			b.add(Event{Type: EventStderr, Text: ev.Text})
		case e2b.EventResult:
			if ev.Result != nil {
				r := toResult(*ev.Result)
				b.add(Event{Type: EventResult, Result: &r})
			}
		case e2b.EventError:
			if ev.Error != nil {
				b.add(Event{Type: EventExecError, ExecError: &ExecError{Name: ev.Error.Name, Value: ev.Error.Value, Traceback: ev.Error.Traceback}})
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
// files (so the model edits instead of starting over) and the history.
func (s *Service) prompt(ctx context.Context, projectID, provider, model, tmpl string, params Params) (GenerateRequest, []fragment.Template, error) {
	all := s.cfg.Templates(ctx)
	chosen := all
	if tmpl != "" {
		t, ok := fragment.Lookup(tmpl, customOnly(all))
		if !ok {
			return GenerateRequest{}, nil, apperr.Newf(apperr.Invalid, "The template %q is not known. Choose Auto or one of the listed templates.", tmpl)
		}
		chosen = []fragment.Template{t}
	}
	pf, err := s.cfg.Store.ListFiles(ctx, projectID)
	if err != nil {
		return GenerateRequest{}, nil, err
	}
	msgs, err := s.cfg.Store.ListMessages(ctx, projectID)
	if err != nil {
		return GenerateRequest{}, nil, err
	}
	turns := make([]Turn, 0, len(msgs))
	for _, m := range msgs {
		switch m.Role {
		case "user":
			t := Turn{Role: "user", Content: m.Content}
			var att userAttachments
			if len(m.Result) > 0 && json.Unmarshal(m.Result, &att) == nil {
				t.Images = att.Images
			}
			turns = append(turns, t)
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
	ids := make([]string, 0, len(chosen))
	for _, t := range chosen {
		ids = append(ids, t.ID)
	}
	return GenerateRequest{ProviderID: provider, ModelID: model, System: fragment.SystemPrompt(chosen, pf),
		Turns: turns, Params: params, Templates: ids}, all, nil
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
	raw, _ := json.Marshal(m)
	b.add(Event{Type: EventMessage, Message: raw})
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
