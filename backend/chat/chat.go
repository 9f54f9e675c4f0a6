package chat

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"tessera/backend/apperr"
	"tessera/backend/events"
	"tessera/backend/fragment"
	"tessera/backend/projectfiles"
	"tessera/backend/sandbox"
	"tessera/backend/spend"
	"tessera/backend/store"
	"tessera/backend/uploads"
)

// Limits on what a person sends.
const (
	MaxTextLen    = 100_000
	MaxImages     = 8
	MaxImageBytes = 10 << 20
)

// Turn is one earlier exchange sent to the model as history.
type Turn struct {
	Role    string // user or assistant
	Content string
	Images  []Image
}

// GenerateRequest is what the model is asked.
type GenerateRequest struct {
	ProviderID string
	ModelID    string
	System     string
	Turns      []Turn // history, the new user message last
	Params     Params
	Templates  []string // allowed template ids, for the response schema
}

// Generator streams a fragment from an LLM (see llm_adapter.go).
type Generator interface {
	// RefusesImages reports whether the model is known not to take image
	// attachments (an unknown model is given the benefit of the doubt).
	RefusesImages(providerID, modelID string) bool
	// Usage is what the provider reported (zero when it did not), also
	// with an error.
	Generate(ctx context.Context, req GenerateRequest, onPartial func(fragment.Partial), onReasoning func(string)) (*fragment.Fragment, Usage, error)
}

// Sandboxes is what the chat needs from the sandbox manager. A turn
// ensures once and does the rest (install, write, run, preview) through
// the Handle that Ensure returned.
type Sandboxes interface {
	Ensure(ctx context.Context, projectID, template string) (*sandbox.Handle, error)
	WriteFiles(ctx context.Context, h *sandbox.Handle, files []store.File) error
	Install(ctx context.Context, h *sandbox.Handle, command string, onOutput func(stream string, b []byte)) error
	Hold(projectID string) (release func())
	Invalidate(projectID string)
	// Report tells the manager a request to the sandbox failed, so the
	// badge says so at once (sandbox.Manager.Report).
	Report(projectID string, err error)
}

// Store is the part of the database the chat uses.
type Store interface {
	GetProject(ctx context.Context, id string) (store.Project, error)
	TouchProject(ctx context.Context, id string) error
	AddMessage(ctx context.Context, m store.Message) (store.Message, error)
	UpdateMessage(ctx context.Context, id string, u store.MessageUpdate) error
	GetMessage(ctx context.Context, id string) (store.Message, error)
	LastUserMessage(ctx context.Context, projectID string) (store.Message, error)
	RecentMessages(ctx context.Context, projectID string, limit int) ([]store.Message, error)
	Attachments(ctx context.Context, messageIDs []string) (map[string][]store.Attachment, error)
	ListMessagesPage(ctx context.Context, projectID string, beforeSeq int64, limit int) ([]store.Message, bool, error)
	DeleteMessagesFrom(ctx context.Context, projectID string, seq int64) error
	DeleteExchange(ctx context.Context, projectID, messageID string) (int64, error)
	ListFiles(ctx context.Context, projectID string) ([]store.File, error)
	ListUploads(ctx context.Context, projectID string) ([]store.Upload, error)
}

// Templates resolves template ids (built-in plus custom from settings).
type Templates func(ctx context.Context) []fragment.Template

// Config wires a Service.
type Config struct {
	Store     Store
	Generator Generator
	Sandboxes Sandboxes
	Emitter   events.Emitter
	Templates Templates
	Logger    *slog.Logger
	// PreviewWait bounds how long a web preview may take to answer.
	PreviewWait time.Duration
	// Files records a turn's files: a version of the project's folder and
	// its index (package projectfiles; optional in tests).
	Files Files
	// SlowStep is how long a sandbox step may take before the turn says
	// what it waits for (default DefaultSlowStep).
	SlowStep time.Duration
	// WriteWait bounds writing a turn's files to the sandbox, retries
	// included (default DefaultWriteWait).
	WriteWait time.Duration
	// SandboxRoot is the project folder in the sandbox, for the prompt's
	// paths of uploaded files (default sandbox.DefaultRoot).
	SandboxRoot string
	// RestorePoints saves a snapshot of the sandbox after a turn whose
	// install ran, tied to its version (optional).
	RestorePoints RestorePoints
	// Outside brings in edits made outside Tessera (optional).
	Outside Outside
	// Restorer restores versions for Undo and Redo (optional; without
	// it Undo only drops the exchange, as before workspaces).
	Restorer Restorer
	// AgentUndo undoes an agent turn's own files (optional; without it an
	// agent answer is undone by its version like any other).
	AgentUndo AgentUndoer
	// EnvNames gives the names of the project's variables, which the
	// prompt lists (optional; values never reach the model).
	EnvNames func(ctx context.Context, projectID string) []string
	// Redactor takes the project's secret values out of what the chat
	// sends to the model, stores and shows (optional; see redact.go).
	Redactor Redacter
	// Spend records each answer's usage and price and refuses a turn
	// once the project's model budget is reached (optional; spend.Recorder).
	Spend Spend
}

// Spend is what the chat needs of the spend package.
type Spend interface {
	Allow(ctx context.Context, projectID string) error
	Record(ctx context.Context, c spend.Call) (store.ModelCall, error)
}

// RestorePoints is told about turns that changed the sandbox's
// dependencies (sandbox.RestorePoints); it works in the background.
type RestorePoints interface {
	AfterInstall(projectID, version string)
}

// Outside brings the edits the person made to the project's folder in
// their own editor into the turn (projectfiles.Owner).
type Outside interface {
	// Settle commits outside edits not committed yet and puts them in
	// the project's files, so the prompt about to be built has them, and
	// marks the version the turn starts from.
	Settle(ctx context.Context, projectID string) error
	// Catchup writes to the sandbox of h the outside edits it missed
	// while it was not running.
	Catchup(ctx context.Context, h *sandbox.Handle) error
}

// Files is the owner of the project's files (projectfiles.Owner): a turn
// that changed files is one version, holding only the turn's files.
type Files interface {
	Apply(ctx context.Context, projectID string, c projectfiles.Change) (projectfiles.Result, error)
}

// Result of Send and Retry: the saved messages. User is set, and
// UserSaved true, whenever the person's message is in the chat, also when
// the call returns an error (a failure after the message was saved): the
// page then keeps the message instead of restoring the draft. With
// UserSaved false nothing of the person's message was kept.
type Result struct {
	User      *store.Message
	Assistant *store.Message
	UserSaved bool
}

// Service runs chat requests. Safe for concurrent use; one request per
// project at a time.
type Service struct {
	cfg Config

	mu       sync.Mutex
	running  map[string]context.CancelFunc // requestID -> cancel
	early    map[string]time.Time          // Stop before Send registered
	projects map[string]string             // projectID -> requestID
	// cutAt is the output limit that cut the project's last answer, so
	// Retry can ask for more.
	cutAt map[string]int
	// redo holds, per project, what Undo took away, newest last (undo.go).
	redo map[string][]undone
	// serial turns the warm-up off (the steps wait for the whole answer);
	// only the benchmark sets it, to measure what the warm-up saves.
	serial bool
}

// New builds a Service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Emitter == nil {
		cfg.Emitter = events.Discard{}
	}
	if cfg.SandboxRoot == "" {
		cfg.SandboxRoot = sandbox.DefaultRoot
	}
	if cfg.PreviewWait == 0 {
		cfg.PreviewWait = 3 * time.Minute
	}
	if cfg.SlowStep <= 0 {
		cfg.SlowStep = DefaultSlowStep
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = DefaultWriteWait
	}
	return &Service{cfg: cfg, running: map[string]context.CancelFunc{}, early: map[string]time.Time{}, projects: map[string]string{}, cutAt: map[string]int{}, redo: map[string][]undone{}}
}

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// register makes ctx cancellable by Stop(requestID). A Stop that arrived
// first (the page can send it before Send reached us) cancels at once.
func (s *Service) register(ctx context.Context, requestID, projectID string) (context.Context, func(), error) {
	if !requestIDRE.MatchString(requestID) {
		return nil, nil, apperr.New(apperr.Invalid, "The request id is not valid.")
	}
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, busy := s.projects[projectID]; busy {
		cancel()
		return nil, nil, apperr.New(apperr.Conflict, "This project is still working on the previous message. Wait for it or press Stop.")
	}
	if _, dup := s.running[requestID]; dup {
		cancel()
		return nil, nil, apperr.New(apperr.Conflict, "This request is already running.")
	}
	if _, stopped := s.early[requestID]; stopped {
		delete(s.early, requestID)
		cancel()
	}
	s.running[requestID] = cancel
	s.projects[projectID] = requestID
	// A new turn (Send, Retry) starts a new line of history: what Undo
	// took away can no longer be redone (its versions stay in History).
	delete(s.redo, projectID)
	return ctx, func() {
		s.mu.Lock()
		delete(s.running, requestID)
		delete(s.projects, projectID)
		s.mu.Unlock()
		cancel()
	}, nil
}

// Stop cancels a request at once. The partial answer is kept, marked stopped.
func (s *Service) Stop(requestID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel, ok := s.running[requestID]; ok {
		cancel()
		return
	}
	// Remember it briefly in case Send has not registered yet.
	now := time.Now()
	for id, t := range s.early {
		if now.Sub(t) > time.Minute {
			delete(s.early, id)
		}
	}
	if len(s.early) < 1000 && requestIDRE.MatchString(requestID) {
		s.early[requestID] = now
	}
}

func validateSend(req SendRequest) error {
	text := strings.TrimSpace(req.Text)
	if text == "" && len(req.Images) == 0 {
		return apperr.New(apperr.Invalid, "Type a message first.")
	}
	if utf8.RuneCountInString(req.Text) > MaxTextLen {
		return apperr.Newf(apperr.Invalid, "The message is too long (at most %d characters).", MaxTextLen)
	}
	if len(req.Images) > MaxImages {
		return apperr.Newf(apperr.Invalid, "At most %d images can be attached to one message.", MaxImages)
	}
	for _, im := range req.Images {
		switch im.MIME {
		case "image/png", "image/jpeg", "image/gif", "image/webp":
		default:
			return apperr.New(apperr.Invalid, "Only PNG, JPEG, GIF and WebP images can be attached.")
		}
		if base64.StdEncoding.DecodedLen(len(im.Data)) > MaxImageBytes {
			return apperr.Newf(apperr.Invalid, "An attached image is larger than %d MB.", MaxImageBytes>>20)
		}
		if _, err := base64.StdEncoding.DecodeString(im.Data); err != nil {
			return apperr.New(apperr.Invalid, "An attached image could not be read.")
		}
	}
	return validateModel(req.ProviderID, req.ModelID)
}

func validateModel(provider, model string) error {
	if provider == "" || model == "" {
		return apperr.New(apperr.Invalid, "Choose a model first.")
	}
	return nil
}

// Send saves the person's message and runs the whole loop.
func (s *Service) Send(ctx context.Context, req SendRequest) (Result, error) {
	if err := validateSend(req); err != nil {
		return Result{}, err
	}
	if len(req.Images) > 0 && s.cfg.Generator.RefusesImages(req.ProviderID, req.ModelID) {
		return Result{}, apperr.Newf(apperr.Invalid,
			"%s does not accept images. Remove the images or choose a model that can see them.", req.ModelID)
	}
	project, err := s.cfg.Store.GetProject(ctx, req.ProjectID)
	if err != nil {
		return Result{}, err
	}
	ctx, done, err := s.register(ctx, req.RequestID, req.ProjectID)
	if err != nil {
		return Result{}, err
	}
	defer done()
	if err := s.allowSpend(ctx, req.ProjectID); err != nil {
		return Result{}, err
	}
	// A Fix pastes a traceback that may hold a secret: redacted before it
	// is stored, committed as the version's message or sent.
	req.Text = s.redact(req.ProjectID, req.Text)
	um := store.Message{ProjectID: req.ProjectID, Role: "user", Content: req.Text}
	for _, im := range req.Images {
		um.Attachments = append(um.Attachments, store.Attachment{MIME: im.MIME, Data: im.Data})
	}
	user, err := s.cfg.Store.AddMessage(ctx, um)
	if err != nil {
		return Result{}, err
	}
	res, err := s.answer(ctx, turn{RequestID: req.RequestID, Project: project, ProviderID: req.ProviderID,
		ModelID: req.ModelID, Template: req.Template, Params: req.Params, Prompt: req.Text})
	if err != nil && isUnreachable(err) && res.Assistant == nil {
		// Nothing reached the model: take the message back so the page
		// keeps it as a draft and a later send does not duplicate it.
		derr := s.cfg.Store.DeleteMessagesFrom(context.WithoutCancel(ctx), req.ProjectID, user.Seq)
		if derr == nil {
			return Result{}, err
		}
		// It stays in the chat after all: say so, or the page would keep
		// a draft of a message that is already there.
		s.cfg.Logger.Warn("could not take back an unsent message", "project", req.ProjectID, "err", derr)
	}
	res.User, res.UserSaved = &user, true
	return res, err
}

// Retry drops the last answer and generates it again.
func (s *Service) Retry(ctx context.Context, req RetryRequest) (Result, error) {
	if err := validateModel(req.ProviderID, req.ModelID); err != nil {
		return Result{}, err
	}
	project, err := s.cfg.Store.GetProject(ctx, req.ProjectID)
	if err != nil {
		return Result{}, err
	}
	ctx, done, err := s.register(ctx, req.RequestID, req.ProjectID)
	if err != nil {
		return Result{}, err
	}
	defer done()
	if err := s.allowSpend(ctx, req.ProjectID); err != nil {
		return Result{}, err
	}
	user, err := s.cfg.Store.LastUserMessage(ctx, req.ProjectID)
	if apperr.Is(err, apperr.NotFound) {
		return Result{}, apperr.New(apperr.Invalid, "There is nothing to retry yet.")
	}
	if err != nil {
		return Result{}, err
	}
	if err := s.cfg.Store.DeleteMessagesFrom(ctx, req.ProjectID, user.Seq+1); err != nil {
		return Result{User: &user, UserSaved: true}, err
	}
	params := req.Params
	s.mu.Lock()
	if cut := s.cutAt[req.ProjectID]; cut > 0 && params.MaxTokens <= cut {
		// The last answer was cut at the output limit: Retry offers more.
		params.MaxTokens = 2 * cut
	}
	s.mu.Unlock()
	res, err := s.answer(ctx, turn{RequestID: req.RequestID, Project: project, ProviderID: req.ProviderID,
		ModelID: req.ModelID, Template: req.Template, Params: params, Prompt: user.Content})
	res.User, res.UserSaved = &user, true
	return res, err
}

// Delete removes one message anywhere in the chat: an answer, or a prompt
// with its answers. Not while the project has a turn running.
func (s *Service) Delete(ctx context.Context, projectID, messageID string) error {
	if err := s.idle(projectID); err != nil {
		return err
	}
	s.forgetRedo(projectID)
	_, err := s.cfg.Store.DeleteExchange(ctx, projectID, messageID)
	return err
}

// Clear drops a project's whole chat; its files stay.
func (s *Service) Clear(ctx context.Context, projectID string) error {
	if err := s.idle(projectID); err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetProject(ctx, projectID); err != nil {
		return err
	}
	s.forgetRedo(projectID)
	return s.cfg.Store.DeleteMessagesFrom(ctx, projectID, 0)
}

func (s *Service) idle(projectID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, busy := s.projects[projectID]; busy {
		return apperr.New(apperr.Conflict, "Stop the running message first.")
	}
	return nil
}

// MaxPage bounds one History page.
const MaxPage = 500

// History returns one page of a project's chat, newest first by page
// (see store.ListMessagesPage); from SQLite, so it works offline.
func (s *Service) History(ctx context.Context, projectID string, beforeSeq int64, limit int) ([]store.Message, bool, error) {
	if beforeSeq < 0 || limit < 0 || limit > MaxPage {
		return nil, false, apperr.Newf(apperr.Invalid, "A chat page has at most %d messages.", MaxPage)
	}
	if _, err := s.cfg.Store.GetProject(ctx, projectID); err != nil {
		return nil, false, err
	}
	msgs, more, err := s.cfg.Store.ListMessagesPage(ctx, projectID, beforeSeq, limit)
	// Rows stored before redaction existed may hold a secret the sandbox
	// printed: the page gets them redacted too.
	for i := range msgs {
		msgs[i].Content = s.redact(projectID, msgs[i].Content)
		msgs[i].Result = s.redactJSON(projectID, msgs[i].Result)
	}
	return msgs, more, err
}

// maxShownUpload is the largest uploaded text file the page is given
// with the project's files (the Code tab); larger or binary uploads are
// left out, as they are left out of the prompt.
const maxShownUpload = 256 << 10

// Files returns the project's local copy of its files, without uploaded
// files that are binary or large.
func (s *Service) Files(ctx context.Context, projectID string) ([]File, error) {
	fs, err := s.cfg.Store.ListFiles(ctx, projectID)
	if err != nil {
		return nil, err
	}
	ups, err := s.cfg.Store.ListUploads(ctx, projectID)
	if err != nil {
		return nil, err
	}
	hide := map[string]bool{}
	for _, u := range ups {
		if u.Kind == uploads.KindBinary || u.Size > maxShownUpload {
			hide[u.Path] = true
		}
	}
	out := fs[:0]
	for _, f := range fs {
		if !hide[f.Path] {
			out = append(out, f)
		}
	}
	return out, nil
}

// isUnreachable tells a request that never reached the model (no network,
// DNS failure, connection refused) from failures during the answer.
func isUnreachable(err error) bool {
	if !apperr.Is(err, apperr.Unavailable) {
		return false
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial") || errors.Is(err, syscall.ECONNREFUSED)
}
