package agent

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/llm"
	"tessera/backend/store"
)

// Model is the LLM side of the loop (*llm.Client through LLM).
type Model interface {
	Converse(ctx context.Context, req llm.ConverseRequest, onText, onReasoning func(string)) (llm.Reply, error)
	// SupportsTools reports whether the model takes native tool calls;
	// false runs the text protocol (textproto.go).
	SupportsTools(providerID, modelID string) bool
}

// LLM adapts *llm.Client: a model takes tools when the catalog says so
// for it, else when its provider does. Local servers (Ollama, LM Studio)
// are tried with tools: many local models take them, and one that does
// not answers "does not support tools" (llm.ErrToolsRefused), after which
// the turn speaks the text protocol and the service remembers it.
type LLM struct{ *llm.Client }

// SupportsTools reports whether to offer native tool calls.
func (l LLM) SupportsTools(providerID, modelID string) bool {
	p, ok := l.Catalog().Provider(providerID)
	if !ok {
		return false
	}
	if m, ok := l.Catalog().Model(providerID, modelID); ok && m.SupportsTools != nil {
		return *m.SupportsTools
	}
	return p.SupportsTools || p.Local
}

// Store is the database the agent uses (*store.Store).
type Store interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	AddMessage(ctx context.Context, m store.Message) (store.Message, error)
	UpdateMessage(ctx context.Context, id string, u store.MessageUpdate) error
	RecentMessages(ctx context.Context, projectID string, limit int) ([]store.Message, error)
	CreateTurn(ctx context.Context, t store.AgentTurn) (store.AgentTurn, error)
	SaveTurn(ctx context.Context, t store.AgentTurn) error
	GetTurn(ctx context.Context, id string) (store.AgentTurn, error)
	TurnForMessage(ctx context.Context, messageID string) (store.AgentTurn, error)
	PutStep(ctx context.Context, st store.AgentStep) error
	ListSteps(ctx context.Context, turnID string) ([]store.AgentStep, error)
	MarkTurnsInterrupted(ctx context.Context) (int64, error)
	ChatMode(ctx context.Context, projectID string) (string, error)
	SetChatMode(ctx context.Context, projectID, mode string) error
}

var _ Store = (*store.Store)(nil)

// Versions makes a turn's one version (WorkspaceVersions): its changes
// since the version it started from (Head), with the prompt as message;
// partial names why a turn that did not finish stopped.
type Versions interface {
	Head(ctx context.Context, projectID string) string
	RecordTurn(ctx context.Context, projectID, since, prompt, messageID, model, partial string) (versionID string, changed bool, err error)
}

// Redactor removes the project's secret values from text before the
// model (or the step log) sees it. The secrets engineer's env package
// implements it; nil redacts nothing.
type Redactor interface {
	Redact(ctx context.Context, projectID, text string) string
}

// Config wires a Service.
type Config struct {
	Model   Model
	Files   Files
	Sandbox Sandbox // nil: command tools fail with a sentence
	Store   Store
	// Versions is optional: without it a turn makes no version.
	Versions Versions
	Emitter  events.Emitter
	Redactor Redactor
	// Prices prices usage for the spend cap (nil = DefaultPrices()).
	Prices Pricer
	// Spend records every model call's usage and price and refuses a
	// turn once the project's model budget is reached (optional;
	// spend.Recorder).
	Spend Spend
	// Policy is the person's approval settings, read at each turn.
	Policy func(ctx context.Context) Policy
	// Checks overrides a project's checks (nil or empty = the template's).
	Checks func(ctx context.Context, projectID string) []Check
	Logger *slog.Logger
	Now    func() time.Time
}

// Service runs agent turns. Safe for concurrent use: one turn per
// request id, any number of projects at once.
type Service struct {
	cfg Config

	mu        sync.Mutex
	running   map[string]context.CancelFunc // request id → cancel
	stopped   map[string]time.Time          // Stop before Run registered
	approvals map[string]pending            // approval id → who waits for it
	projects  map[string]string             // project id → request id of its running turn
	noTools   map[string]bool               // provider/model that refused tools (learnt)
}

func (s *Service) learnNoTools(provider, model string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noTools[provider+"/"+model] = true
}

// takesTools is the catalog's word, unless the model refused tools since.
func (s *Service) takesTools(provider, model string) bool {
	s.mu.Lock()
	refused := s.noTools[provider+"/"+model]
	s.mu.Unlock()
	return !refused && s.cfg.Model.SupportsTools(provider, model)
}

// pending is an approval a turn waits for.
type pending struct {
	requestID string
	answer    chan Decision // buffered: Answer never blocks
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Emitter == nil {
		cfg.Emitter = events.Discard{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Prices == nil {
		cfg.Prices = DefaultPrices()
	}
	if cfg.Policy == nil {
		cfg.Policy = func(context.Context) Policy { return Policy{} }
	}
	return &Service{cfg: cfg, running: map[string]context.CancelFunc{}, stopped: map[string]time.Time{},
		approvals: map[string]pending{}, projects: map[string]string{}, noTools: map[string]bool{}}
}

// Run runs an agent turn (Agent, Ask or Plan) to its end or pause and
// returns how it ended; the steps stream as events on
// events.AgentTurn(req.RequestID). A turn that stopped, paused or failed
// is a TurnResult with its Reason, not an error: errors are for requests
// that could not start (bad input, unknown project, a turn already
// running in the project).
func (s *Service) Run(ctx context.Context, req TurnRequest) (TurnResult, error) {
	if err := validate(req); err != nil {
		return TurnResult{}, err
	}
	if err := s.allowSpend(ctx, req.ProjectID); err != nil {
		return TurnResult{}, err
	}
	ctx, release, err := s.register(ctx, req.RequestID, req.ProjectID)
	if err != nil {
		return TurnResult{}, err
	}
	defer release()
	r, err := s.start(ctx, req)
	if err != nil {
		return TurnResult{}, err
	}
	return s.loop(ctx, r), nil
}

// Continue resumes a paused, interrupted or limited turn with fresh
// limits; its steps continue the same log and the same message.
func (s *Service) Continue(ctx context.Context, req ContinueRequest) (TurnResult, error) {
	if strings.TrimSpace(req.RequestID) == "" || strings.TrimSpace(req.TurnID) == "" {
		return TurnResult{}, apperr.New(apperr.Invalid, "Continue needs the turn to continue.")
	}
	t, err := s.cfg.Store.GetTurn(ctx, req.TurnID)
	if err != nil {
		return TurnResult{}, err
	}
	if t.Status != TurnPaused && !StopReason(t.Reason).CanContinue() {
		return TurnResult{}, apperr.Newf(apperr.Conflict, "This turn %s; it cannot be continued. Send a new message instead.", endedSentence(t.Status, StopReason(t.Reason)))
	}
	if err := s.allowSpend(ctx, t.ProjectID); err != nil {
		return TurnResult{}, err
	}
	ctx, release, err := s.register(ctx, req.RequestID, t.ProjectID)
	if err != nil {
		return TurnResult{}, err
	}
	defer release()
	r, err := s.resume(ctx, t, req)
	if err != nil {
		return TurnResult{}, err
	}
	return s.loop(ctx, r), nil
}

// Stop ends the turn of a request at once: the model call is cancelled,
// a pending approval is cancelled (never approved), and every process
// the turn started is killed. A Stop that arrives before Run registered
// is remembered for a minute.
func (s *Service) Stop(requestID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel, ok := s.running[requestID]; ok {
		// Its approvals stop waiting now: an answer that comes after
		// Stop is refused, never taken for a yes.
		for id, p := range s.approvals {
			if p.requestID == requestID {
				delete(s.approvals, id)
			}
		}
		cancel()
		return
	}
	now := s.cfg.Now()
	for id, at := range s.stopped {
		if now.Sub(at) > time.Minute {
			delete(s.stopped, id)
		}
	}
	s.stopped[requestID] = now
}

// Answer decides an approval. Answering one that is no longer waiting
// (answered, stopped) is a NotFound with a sentence.
func (s *Service) Answer(approvalID string, d Decision) error {
	if d != Approve && d != Decline {
		return apperr.Newf(apperr.Invalid, "%q is not an answer; approve or decline.", d)
	}
	s.mu.Lock()
	p, ok := s.approvals[approvalID]
	delete(s.approvals, approvalID)
	s.mu.Unlock()
	if !ok {
		return apperr.New(apperr.NotFound, "That approval is not waiting any more (it was answered, or the turn stopped).")
	}
	p.answer <- d
	return nil
}

// Recover marks turns a crash left running as interrupted (Continue
// offered). Call it at start-up, before any turn runs.
func (s *Service) Recover(ctx context.Context) (int64, error) {
	return s.cfg.Store.MarkTurnsInterrupted(ctx)
}

// Mode is the mode of a project's chat: the stored one, else the
// default for the model.
func (s *Service) Mode(ctx context.Context, projectID, providerID, modelID string) (Mode, error) {
	m, err := s.cfg.Store.ChatMode(ctx, projectID)
	if err != nil {
		return "", err
	}
	if Mode(m).Valid() {
		return Mode(m), nil
	}
	return DefaultMode(s.takesTools(providerID, modelID)), nil
}

// SetMode remembers the mode of a project's chat.
func (s *Service) SetMode(ctx context.Context, projectID string, m Mode) error {
	if !m.Valid() {
		return apperr.Newf(apperr.Invalid, "%q is not a mode; choose Agent, Ask, Plan or Quick.", m)
	}
	if strings.TrimSpace(projectID) == "" {
		return apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	}
	return s.cfg.Store.SetChatMode(ctx, projectID, string(m))
}

func validate(req TurnRequest) error {
	switch {
	case strings.TrimSpace(req.RequestID) == "":
		return apperr.New(apperr.Invalid, "The turn has no request id.")
	case strings.TrimSpace(req.ProjectID) == "":
		return apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	case strings.TrimSpace(req.Text) == "" && strings.TrimSpace(req.Plan) == "":
		return apperr.New(apperr.Invalid, "The message is empty. Say what the agent should do.")
	case len(req.Text) > 100_000:
		return apperr.New(apperr.Invalid, "The message is longer than 100,000 characters. Shorten it.")
	case req.ProviderID == "" || req.ModelID == "":
		return apperr.New(apperr.Invalid, "No model was chosen. Pick a model first.")
	case req.Mode == ModeQuick:
		return apperr.New(apperr.Invalid, "Quick mode answers in one shot through the chat, not the agent.")
	case req.Mode != "" && !req.Mode.Valid():
		return apperr.Newf(apperr.Invalid, "%q is not a mode; choose Agent, Ask, Plan or Quick.", req.Mode)
	}
	if l := req.Limits; l != nil {
		if l.MaxSteps != 0 && (l.MaxSteps < 1 || l.MaxSteps > 200) {
			return apperr.New(apperr.Invalid, "The step limit must be between 1 and 200.")
		}
		if l.MaxDuration < 0 || l.MaxMistakes < 0 {
			return apperr.New(apperr.Invalid, "Limits cannot be negative.")
		}
	}
	return nil
}

func limitsOf(l *Limits) Limits {
	d := DefaultLimits()
	if l == nil {
		return d
	}
	out := *l
	if out.MaxSteps == 0 {
		out.MaxSteps = d.MaxSteps
	}
	if out.MaxDuration == 0 {
		out.MaxDuration = d.MaxDuration
	}
	if out.MaxMistakes == 0 {
		out.MaxMistakes = d.MaxMistakes
	}
	if out.MaxUSD == 0 {
		out.MaxUSD = d.MaxUSD
	}
	return out
}

// register claims the request id and the project (one writing turn per
// project) and returns the turn's context.
func (s *Service) register(ctx context.Context, requestID, projectID string) (context.Context, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.running[requestID]; dup {
		return nil, nil, apperr.New(apperr.Conflict, "That request is already running.")
	}
	if _, busy := s.projects[projectID]; busy {
		return nil, nil, apperr.New(apperr.Conflict, "The agent is already working in this project. Wait for it or stop it first.")
	}
	ctx, cancel := context.WithCancel(ctx)
	if _, early := s.stopped[requestID]; early {
		delete(s.stopped, requestID)
		cancel()
	}
	s.running[requestID] = cancel
	s.projects[projectID] = requestID
	return ctx, func() {
		s.mu.Lock()
		delete(s.running, requestID)
		delete(s.projects, projectID)
		s.mu.Unlock()
		cancel()
	}, nil
}

// endedSentence says how a turn ended, for refusals of Continue.
func endedSentence(status string, r StopReason) string {
	switch {
	case status == TurnRunning:
		return "is still running"
	case r == StopFinished:
		return "finished"
	case r == StopQuestion:
		return "ended with a question; answer it in a new message"
	case status == TurnStopped:
		return "was stopped"
	case status == TurnFailed:
		return "failed"
	}
	return "ended"
}
