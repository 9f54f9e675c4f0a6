// Package agent is agent mode: the model works in the project step by
// step — reads, edits, runs, checks the preview — until the app works.
// The loop runs here, in Go; the tools run in the project's sandbox
// through the existing clients; every request of the model (a path, a
// command, an amount of money) is granted, asked about, or refused by
// Tessera's own rules (policy.go), never by the model's say-so.
//
// # The Service (what the bound layer calls)
//
//	svc := agent.New(agent.Config{Model: agent.LLM{Client: llmClient}, Files: &agent.WorkspaceFiles{...},
//	    Sandbox: &agent.E2BSandbox{...}, Store: st, Versions: agent.WorkspaceVersions{...}, Emitter: em})
//	svc.Recover(ctx)                               // at start-up: running turns become interrupted
//	res, err := svc.Run(ctx, agent.TurnRequest{...}) // blocks until the turn ends or pauses
//	svc.Stop(requestID)                            // any time, even before Run registered
//	svc.Answer(approvalID, agent.Approve)          // or agent.Decline
//	res, err = svc.Continue(ctx, agent.ContinueRequest{RequestID: id2, TurnID: res.TurnID})
//	steps, _ := svc.Steps(ctx, turnID)             // the stored step log
//	svc.RestoreBefore(ctx, turnID, 2)              // files back to before step 2, byte for byte
//	svc.Undo(ctx, turnID)                          // only the turn's files; Conflict (EditedSinceError) asks first
//	svc.TurnOfMessage(ctx, messageID)              // the turn an assistant message holds
//	svc.Transcript(ctx, turnID)                    // the conversation with the model, for replay and export
//	svc.Mode(ctx, projectID, provider, model) / svc.SetMode(ctx, projectID, agent.ModeAsk)
//
// Wiring (package api / app.go), with today's owners:
//
//	open := func(ctx context.Context, id string) (*workspace.Workspace, error) { return workspaces.open(ctx, id) }
//	files := &agent.WorkspaceFiles{Open: open, Replica: api.SandboxReplica{Manager: sandboxes}, Local: st}
//	sb := &agent.E2BSandbox{Sandboxes: sandboxes, Consoles: terminals, Port: terminal.ServerPort, HTTP: httpClient}
//	svc := agent.New(agent.Config{Model: agent.LLM{Client: llmClient}, Files: files, Sandbox: sb, Store: st,
//	    Versions: agent.WorkspaceVersions{Open: open}, Emitter: emitter, Redactor: env, Policy: settingsPolicy})
//	svc.Recover(ctx) // in startup, after store.MarkInterrupted
//
// files_workspace.go is the one file to switch to the files owner's
// Apply(ctx, project, Change) when it lands.
//
// Run and Continue return a TurnResult whose Reason says why the turn
// ended (finished, question, step_limit, budget, time, loop, mistakes,
// cancelled, error, interrupted, quick). Limits pause (CanContinue)
// rather than fail. Reason "quick" means the model could not use the
// tools: the caller sends the message again through chat.Service.Send
// and shows Notice. An error is returned only when the turn could not
// start (bad input: apperr.Invalid; a turn already running in the
// project: apperr.Conflict; unknown project: apperr.NotFound).
//
// # Events
//
// Everything streams on events.AgentTurn(requestID) ("agent:turn:<id>"),
// one Event per emission (text batched every ~30 ms): "turn" (started or
// continued), "text", "reasoning", "step" (a Step each time it starts,
// waits for approval, ends), "approval" (an Approval: show a card with
// Command and Reasons; answer with Answer), "resolved" (Text approve,
// decline or canceled), "todos", "notice", "done" (the TurnResult).
//
// # Modes
//
// Agent (every tool the policy offers), Ask (read-only tools), Plan
// (read-only tools, the final text is the plan; "Build this plan" is an
// Agent turn with TurnRequest.Plan), Quick (not run here: today's
// one-shot chat). The mode per project chat is stored (agent_modes);
// DefaultMode is Agent for a model whose provider takes tools.
//
// # Stops you can trust
//
// Step limit (30 a segment), spend cap (priced provider usage, $1), wall
// clock (20 min): each pauses with Continue. The loop guard tells the
// model at the 3rd identical call and stops at the 5th (which never runs);
// run_checks is refused while no file changed since it last ran; 3
// invalid calls in a row stop the turn. Stop cancels the model call and
// any pending approval (never a yes) and kills the turn's commands (each
// runs in its own process group in the sandbox) and its background
// processes.
//
// # Files and versions
//
// Writes go through Files.Apply with the content the agent read as the
// precondition (apperr.Conflict when the person saved meanwhile; nothing
// is written). Each step is a commit (a restore point) and the turn's
// steps become one version with the prompt as message when it ends
// (partial when it did not finish). Each step also stores what the files
// held before it, so RestoreBefore(turn, N) needs no snapshot.
//
// Every step is stored as it starts and as it ends (agent_steps,
// migration 0020), with the turn (agent_turns: status, reason, the
// transcript for Continue, usage, cost).
package agent
