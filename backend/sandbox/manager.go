// Package sandbox keeps one persistent E2B sandbox per project: created on
// first need (and rebuilt from the project's local copy when E2B lost it),
// kept alive while the person works, paused when idle or when the app
// quits, resumed when the person comes back.
//
// Concurrency model, in one place:
//
//   - Manager.mu guards the in-memory view of every project (entry fields
//     marked "guarded by mu") and is never held across I/O.
//   - Each project has an operation lock (entry.op). Every lifecycle change
//     that talks to E2B (connect, create+rebuild, pause, kill, restart,
//     reconcile) holds it, so two of them never interleave for one
//     project. It is a channel so a waiter can give up when its context
//     ends (quit has a bounded wait).
//   - Concurrent Ensure calls for the same project and template share one
//     operation through singleflight; that operation runs on a context
//     derived from the manager, not from the first caller, so a caller that
//     goes away cannot abandon a half-made sandbox.
//   - Time is injected (Config.Clock) and all timer work (idle pause,
//     keepalive, usage accounting, noticing E2B's own auto-pause) happens in
//     Tick, which a ticker calls every few seconds in the app and tests call
//     directly after moving the clock.
//
// Wiring (see app.go): NewManager at start with E2BClients over the
// keychain key (invalidated when the key or the settings change);
// Reconcile once the window is up; ProjectService.Select calls Open;
// delete-project calls Kill before deleting the row; the chat calls Hold
// and Ensure(projectID, fragment.Template) once per turn, and
// with that Handle WriteFiles, Install, Handle.Execute and Handle.WaitPort;
// on quit PauseAll (bounded, with progress) and then Close.
package sandbox

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/events"
	"tessera/backend/store"
)

// Metadata keys put on every sandbox Tessera creates.
const (
	MetaApp      = "app"
	MetaProject  = "projectID"
	MetaTemplate = "template"
	// MetaInstall names the Tessera installation that made the sandbox
	// (Config.Install), so that one computer's start-up tidying never
	// deletes the sandboxes of another on the same E2B account.
	MetaInstall = "tesseraInstall"
	AppName     = "tessera"
)

// DefaultTemplate is used for an Auto project that has no sandbox yet.
const DefaultTemplate = "code-interpreter-v1"

// DefaultRoot is the project folder inside the sandbox (Fragments writes to
// /home/user/<file_path>).
const DefaultRoot = "/home/user"

// Timeouts are the person's sandbox settings.
type Timeouts struct {
	// Timeout is the E2B timeout set on create/connect and on every
	// keepalive; E2B pauses the sandbox when it ends (crash safety net).
	Timeout time.Duration
	// IdlePause pauses a running sandbox after this long without activity.
	IdlePause time.Duration
}

// Config wires a Manager. Client and Store are required.
type Config struct {
	Client  ClientFunc
	Store   Store
	Emitter events.Emitter
	Clock   func() time.Time
	Logger  *slog.Logger

	// Timeout default 1 h, IdlePause default 10 min.
	Timeout   time.Duration
	IdlePause time.Duration
	// Settings, when set, is asked on every operation (it should answer
	// from memory; the app caches the settings) and overrides Timeout
	// and IdlePause with the person's choices (zero fields keep defaults).
	Settings func(ctx context.Context) (Timeouts, error)
	// KeepaliveEvery bounds how often activity extends the E2B timeout
	// (default 1 min).
	KeepaliveEvery time.Duration
	// ProbeEvery is how often a running sandbox's state is asked of E2B,
	// so the badge never says "Running" when E2B cannot be reached or has
	// paused it (default 30 s).
	ProbeEvery time.Duration

	// TickEvery is the period of the background ticker (default 5 s).
	// ManualTick disables it: tests call Tick themselves.
	TickEvery  time.Duration
	ManualTick bool

	// RootFor gives the project folder for a template (default DefaultRoot
	// for all). DefaultTemplate overrides the package constant.
	RootFor         func(template string) string
	DefaultTemplate string

	// OpTimeout bounds one ensure (connect or create + rebuild), default
	// 10 min. InstallTimeout bounds one install command, default 10 min.
	OpTimeout      time.Duration
	InstallTimeout time.Duration
	// QuitWait bounds PauseAll when its context has no deadline (20 s).
	QuitWait time.Duration
	// CreateAttempts is how often a create that failed with "unavailable"
	// is tried (default 3). The E2B client does not retry creates itself
	// because a 5xx may hide a sandbox that was made anyway; see create.
	CreateAttempts int
	// Sleep waits between create attempts (default: a timer); tests pass
	// a function that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Parallel bounds concurrent pauses on quit and on tick (default 8).
	Parallel int
	// Install identifies this installation (a random id kept in its
	// database); put on every sandbox it makes (MetaInstall). "" leaves
	// the metadata out and treats every sandbox as this one's.
	Install string

	// Env, when set, gives the project's variables (secret values
	// included) for the sandbox: see env.go.
	Env func(ctx context.Context, projectID string) (map[string]string, error)
	// Cleanup, when set, is the policy for idle sandboxes: see cleanup.go.
	Cleanup *CleanupPolicy

	// Prices, when set, gives E2B's per-second prices for the cost
	// estimate (zero fields keep DefaultPrices; see cost.go).
	Prices func(ctx context.Context) Prices
	// AwayPause pauses running sandboxes this long after the person went
	// away (window hidden, screen locked; default 1 min; see presence.go).
	AwayPause time.Duration
}

func (c *Config) defaults() {
	if c.Emitter == nil {
		c.Emitter = events.Discard{}
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Hour
	}
	if c.IdlePause <= 0 {
		c.IdlePause = 10 * time.Minute
	}
	if c.KeepaliveEvery <= 0 {
		c.KeepaliveEvery = time.Minute
	}
	if c.ProbeEvery <= 0 {
		c.ProbeEvery = 30 * time.Second
	}
	if c.TickEvery <= 0 {
		c.TickEvery = 5 * time.Second
	}
	if c.RootFor == nil {
		c.RootFor = func(string) string { return DefaultRoot }
	}
	if c.DefaultTemplate == "" {
		c.DefaultTemplate = DefaultTemplate
	}
	if c.OpTimeout <= 0 {
		c.OpTimeout = 10 * time.Minute
	}
	if c.InstallTimeout <= 0 {
		c.InstallTimeout = 10 * time.Minute
	}
	if c.QuitWait <= 0 {
		c.QuitWait = 20 * time.Second
	}
	if c.CreateAttempts <= 0 {
		c.CreateAttempts = 3
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Parallel <= 0 {
		c.Parallel = 8
	}
	if c.AwayPause <= 0 {
		c.AwayPause = time.Minute
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// opLock is a mutex whose Lock can be abandoned when a context ends.
type opLock chan struct{}

func (l opLock) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l opLock) tryLock() bool {
	select {
	case l <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l opLock) unlock() { <-l }

// entry is the manager's view of one project's sandbox.
type entry struct {
	id string
	op opLock
	// emitMu keeps "compute status, emit it" atomic per project so that
	// events leave in the order their snapshots were taken: the last event
	// the page gets is always the current state.
	emitMu sync.Mutex

	// guarded by Manager.mu
	loaded      bool
	state       State
	errMsg      string
	warning     string
	waiting     string // what an operation waits for now (waits.go)
	sandboxID   string
	template    string       // what the sandbox was made from, when known
	sb          *e2b.Sandbox // connection details, set by connect/create in this process
	ctl         Control      // the client that produced sb
	timeoutAt   time.Time
	lastActive  time.Time
	lastExtend  time.Time
	extending   bool
	holds       int
	accFrom     time.Time // running time before this is already in the store
	lastEmitUse time.Time
	// unreachable is the sentence while E2B does not answer the probe of a
	// running sandbox (see probe.go); lastProbe/probing pace the probes.
	unreachable string
	lastProbe   time.Time
	probing     bool
	// env is the project's variables as last read (env.go); envWritten
	// the hash of what the sandbox's .env holds ("" = not written by
	// this process).
	env        map[string]string
	envWritten string
	// baked are the variables the sandbox was created with (E2B gives
	// them to every process envd starts), bakedFor the sandbox they were
	// read from; ours the names this process has seen among the project's
	// variables, the only ones ever overridden (a template's own are not).
	// See processEnv in env.go.
	baked    map[string]string
	bakedFor string
	ours     map[string]bool
	// envFailed: the variables could not be read (a locked keychain);
	// the create-time ones are then left as they are, not blanked.
	envFailed bool
	cost      costState // cost.go
	books     books     // books.go: running time read once, then kept
	pub       pubState  // publish.go
}

// Manager owns the lifecycle of every project's sandbox. It is safe for
// concurrent use.
type Manager struct {
	cfg    Config
	log    *slog.Logger
	root   context.Context
	cancel context.CancelFunc
	flight singleflight.Group
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	entries map[string]*entry
	away    awayState // presence.go, guarded by mu
	books   ledger    // running time not written yet (ledger.go)
}

// NewManager returns a Manager and, unless cfg.ManualTick, starts its
// ticker. Call Close when done.
func NewManager(cfg Config) *Manager {
	cfg.defaults()
	root, cancel := context.WithCancel(context.Background())
	m := &Manager{cfg: cfg, log: cfg.Logger.With("component", "sandbox"), root: root, cancel: cancel,
		entries: map[string]*entry{}}
	if !cfg.ManualTick && cfg.Cleanup != nil && m.enter() {
		go m.cleanupLoop()
	}
	if !cfg.ManualTick && m.enter() {
		go func() {
			defer m.wg.Done()
			t := time.NewTicker(cfg.TickEvery)
			defer t.Stop()
			for {
				select {
				case <-root.Done():
					return
				case <-t.C:
					m.Tick(root)
				}
			}
		}()
	}
	return m
}

// enter registers a background goroutine; false once Close has begun.
// Adding under mu and flipping closed under mu before Wait means no Add
// can race with Close's Wait.
func (m *Manager) enter() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	m.wg.Add(1)
	return true
}

var errClosed = apperr.New(apperr.Canceled, "Tessera is closing; the sandbox was left as it is.")

// Close flushes running time to the store, stops the ticker and waits for
// background work (which sees a cancelled context). Call PauseAll first.
func (m *Manager) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	now := m.now()
	type pending struct {
		id     string
		chunks []usageChunk
	}
	var flush []pending
	for _, e := range m.entries {
		if c := e.takeUsage(now); len(c) > 0 {
			flush = append(flush, pending{e.id, c})
		}
	}
	m.closed = true
	m.mu.Unlock()
	for _, p := range flush {
		m.record(m.root, p.id, p.chunks)
	}
	m.settleBooks(m.root)
	m.cancel()
	m.wg.Wait()
}

func (m *Manager) now() time.Time { return m.cfg.Clock() }

func (m *Manager) timeouts(ctx context.Context) Timeouts {
	t := Timeouts{Timeout: m.cfg.Timeout, IdlePause: m.cfg.IdlePause}
	if m.cfg.Settings == nil {
		return t
	}
	s, err := m.cfg.Settings(ctx)
	if err != nil {
		m.log.Warn("reading sandbox settings failed; using defaults", "err", err)
		return t
	}
	if s.Timeout > 0 {
		t.Timeout = s.Timeout
	}
	if s.IdlePause > 0 {
		t.IdlePause = s.IdlePause
	}
	return t
}

func (m *Manager) client(ctx context.Context) (Control, error) {
	if m.cfg.Client == nil {
		return nil, apperr.New(apperr.Unauthorized, "Add your E2B API key in Settings to run code in a sandbox.")
	}
	c, err := m.cfg.Client(ctx)
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Message != "" {
			return nil, err
		}
		return nil, apperr.Wrap(err, apperr.Unauthorized, "Add your E2B API key in Settings to run code in a sandbox.")
	}
	if c == nil {
		return nil, apperr.New(apperr.Unauthorized, "Add your E2B API key in Settings to run code in a sandbox.")
	}
	return c, nil
}

// CheckAccount makes a cheap authenticated call with the saved E2B key
// (the account's sandbox list) and says how many sandboxes the account
// has: the Settings page's key check.
func (m *Manager) CheckAccount(ctx context.Context) (int, error) {
	c, err := m.client(ctx)
	if err != nil {
		return 0, err
	}
	list, err := c.List(ctx, e2b.ListOptions{})
	if err != nil {
		return 0, err
	}
	return len(list), nil
}

// entryFor returns the project's entry, creating an unloaded one.
func (m *Manager) entryFor(projectID string) *entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[projectID]
	if e == nil {
		e = &entry{id: projectID, op: make(opLock, 1), state: StateNone}
		m.entries[projectID] = e
	}
	return e
}

// load returns the entry with its sandbox id and state read from the store
// the first time.
func (m *Manager) load(ctx context.Context, projectID string) (*entry, error) {
	if strings.TrimSpace(projectID) == "" {
		return nil, apperr.New(apperr.Invalid, "No project was given. Open a project first.")
	}
	e := m.entryFor(projectID)
	m.mu.Lock()
	loaded := e.loaded
	m.mu.Unlock()
	if loaded {
		return e, nil
	}
	p, err := m.cfg.Store.GetProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	now := m.now()
	m.mu.Lock()
	if !e.loaded {
		e.loaded = true
		e.sandboxID = p.SandboxID
		switch {
		case p.SandboxID == "":
			e.state = StateNone
		case p.SandboxState == store.SandboxRunning:
			// Only trustworthy after Reconcile; if it is stale, the idle
			// pause or the next connect will find out.
			e.state, e.accFrom, e.lastActive = StateRunning, now, now
		default:
			e.state = StatePaused
		}
	}
	running := e.state == StateRunning
	m.mu.Unlock()
	if running {
		m.restorePublish(ctx, e)
	}
	return e, nil
}

// set applies a change to an entry's view, accounts running time across
// the change, and pushes the new status.
func (m *Manager) set(e *entry, fn func(e *entry)) {
	now := m.now()
	m.mu.Lock()
	was := e.state
	fn(e)
	var chunks []usageChunk
	unpublished := false
	if was == StateRunning && e.state != StateRunning {
		chunks = e.takeUsage(now)
		e.accFrom = time.Time{}
		unpublished = !e.pub.until.IsZero()
		e.pub = pubState{} // a paused or lost sandbox serves no link
	}
	if was != StateRunning && e.state == StateRunning {
		e.accFrom = now
	}
	m.mu.Unlock()
	m.record(m.root, e.id, chunks)
	if unpublished {
		m.forgetPublish(e.id)
	}
	m.emit(e)
}

// fail puts the entry in the error state with err's sentence.
func (m *Manager) fail(e *entry, err error) {
	m.log.Error("sandbox operation failed", "project", e.id, "err", err)
	msg := apperr.MessageOf(err)
	m.set(e, func(e *entry) {
		e.state = StateError
		e.errMsg = msg
		e.sb = nil
	})
}
