package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"tessera/backend/agent"
	"tessera/backend/api"
	"tessera/backend/apperr"
	"tessera/backend/chat"
	"tessera/backend/config"
	"tessera/backend/env"
	"tessera/backend/events"
	"tessera/backend/fragment"
	"tessera/backend/frameguard"
	"tessera/backend/instance"
	"tessera/backend/llm"
	"tessera/backend/presence"
	"tessera/backend/projectfiles"
	"tessera/backend/sandbox"
	"tessera/backend/secrets"
	"tessera/backend/spend"
	"tessera/backend/starters"
	"tessera/backend/store"
	"tessera/backend/terminal"
	"tessera/backend/update"
	"tessera/backend/uploads"
	"tessera/backend/workspace"
)

// quitWait bounds how long closing the window waits for sandboxes to pause.
const quitWait = 20 * time.Second

// App owns Tessera's lifetime: the data folder, the log, the database, the
// keychain, the sandbox manager, the chat and the bound services.
type App struct {
	getenv config.Getenv
	paths  config.Paths
	log    *slog.Logger
	logf   *config.RotatingFile
	store  *store.Store
	keys   *secrets.Store
	emit   *events.Late

	e2bHTTP   *http.Client
	e2bScheme string
	// e2b is the E2B client built once from the key and the settings;
	// only the sandbox manager uses it (the chat runs code through the
	// manager's Handle). Invalidated when the key or the settings change.
	e2b       *sandbox.E2BClients
	settings  *settingsCache
	llm       *llmClients
	sandboxes *sandbox.Manager
	points    *sandbox.RestorePoints // runtime restore points (snapshots)
	terminals *terminal.Manager
	chat      *chat.Service
	// vars is the projects' variables and secrets; redact takes their
	// values (and the keys) out of what leaves Tessera (issue 30).
	vars      *env.Env
	redact    *env.Redactor
	logRedact *env.LogHandler
	agent     *agent.Service
	// workspaces holds each project's folder of files under git.
	workspaces *workspace.Manager

	// rootCtx is ours, not Wails': the OnStartup context never ends, so we
	// derive one that shutdown cancels.
	rootCtx context.Context
	cancel  context.CancelFunc

	// startErr is a sentence shown by the page when the database could not
	// be opened (for example one written by a newer Tessera).
	startErr error

	quitMu   sync.Mutex
	quitting bool // PauseAll started
	paused   chan struct{}

	bound []any

	// dialogs opens the native file dialogs once the window exists.
	dialogs *nativeDialogs
	// files is the one owner of the projects' files (folder, index,
	// sandbox); it brings in edits made in the project folders too,
	// watched once the window has painted (watchOutside).
	files *projectfiles.Owner
	// lock keeps one Tessera per data folder (taken before anything is
	// written there); a second launch asks it to show the window.
	lock *instance.Lock
}

// NewApp sets up paths, logging, the database and the services before the
// window opens.
func NewApp(getenv config.Getenv) (*App, error) {
	a := &App{getenv: getenv, keys: secrets.New(secrets.OSBackend{}, secrets.DefaultTimeout), emit: &events.Late{},
		paused: make(chan struct{}), dialogs: &nativeDialogs{}}
	a.rootCtx, a.cancel = context.WithCancel(context.Background())
	ctxf := func() context.Context { return a.rootCtx }
	if bindingsOnly {
		// `wails generate` only needs the bound types; touch nothing.
		a.log = slog.New(slog.DiscardHandler)
		a.bound = api.ServiceTypes()
		return a, nil
	}
	paths, err := config.Resolve(getenv)
	if err != nil {
		return nil, err
	}
	if err := paths.Ensure(); err != nil {
		return nil, err
	}
	// Before the log, the database or a project folder is touched: a
	// second Tessera on this folder ends here (see main).
	if a.lock, err = instance.Claim(a.rootCtx, paths.Home); err != nil {
		return nil, err
	}
	a.paths = paths
	if a.logf, err = config.OpenLog(paths.LogFile, config.DefaultLogMaxBytes); err != nil {
		return nil, err
	}
	// Logs are stored: secrets are redacted in them once the redactor
	// exists (wire).
	a.logRedact = env.NewLogHandler(config.NewLogger(a.logf, getenv("TESSERA_LOG_STDERR") != "", slog.LevelInfo).Handler())
	a.log = slog.New(a.logRedact)
	a.log.Info("starting", "home", paths.Home, "version", api.Version)
	if a.e2bHTTP, a.e2bScheme, err = newE2BHTTP(getenv); err != nil {
		return nil, err
	}
	// Generous: an upgrade's migrations run here, and indexing a large
	// database for search (0004) took 21 s for 100k messages on a 2-core
	// machine; a slower one must not fail to start because of it.
	openCtx, cancel := context.WithTimeout(a.rootCtx, 10*time.Minute)
	a.store, a.startErr = store.Open(openCtx, paths.Database)
	cancel()
	if a.startErr != nil {
		a.log.Error("database open failed", "err", a.startErr)
		a.bound = []any{api.NewSystemService(a.startErr, a.paths, ""), api.NewAboutService(buildInfo())}
		return a, nil
	}
	// Answers left streaming were cut off by a crash or a kill: say so on
	// them (their text is kept) before any new turn can start.
	markCtx, cancel := context.WithTimeout(a.rootCtx, 30*time.Second)
	if n, err := a.store.MarkInterrupted(markCtx); err != nil {
		a.log.Warn("could not mark unfinished answers", "err", err)
	} else if n > 0 {
		a.log.Info("unfinished answers marked interrupted", "count", n)
	}
	cancel()
	a.wire(ctxf)
	// Agent turns a crash left running become interrupted (Continue offered).
	recCtx, cancelRec := context.WithTimeout(a.rootCtx, 30*time.Second)
	if n, err := a.agent.Recover(recCtx); err != nil {
		a.log.Warn("could not mark unfinished agent turns", "err", err)
	} else if n > 0 {
		a.log.Info("unfinished agent turns marked interrupted", "count", n)
	}
	cancelRec()
	return a, nil
}

// wire builds the domain services and the bound ones.
func (a *App) wire(ctxf func() context.Context) {
	a.settings = newSettingsCache(a.store, a.log)
	a.workspaces = workspace.Start(a.rootCtx, a.store, config.WorkspaceRoot(a.getenv, a.settings.get(a.rootCtx)), a.log.With("part", "workspace"))
	a.e2b = sandbox.NewE2BClients(a.e2bConfig)
	// Marks this computer's sandboxes, so that another computer's start-up
	// (same E2B account) leaves them alone. Without it (a database that
	// cannot be written) every sandbox counts as this one's, as before.
	install, err := a.store.InstallID(a.rootCtx)
	if err != nil {
		a.log.Warn("no installation id; sandboxes are not marked as this computer's", "err", err)
	}
	a.vars = env.New(a.store, a.keys, a.log.With("part", "env"))
	a.redact = env.NewRedactor(ctxf, a.vars, a.appKeys)
	if a.logRedact != nil {
		a.logRedact.Use(a.redact)
	}
	idle := a.durationEnv("TESSERA_IDLE_PAUSE")
	a.sandboxes = sandbox.NewManager(sandbox.Config{
		Install: install,
		// The project's variables and the idle-sandbox cleanup (issue 16).
		Env: a.vars.Resolve,
		// No check of the folder against project_files before a sandbox
		// goes: the index is derived from the folder (package projectfiles),
		// so a rebuild from it is the folder's files.
		Cleanup: &sandbox.CleanupPolicy{After: a.cleanupAfter},
		Client:  a.e2b.Client,
		Store:   a.store,
		Emitter: a.emit,
		Logger:  a.log.With("part", "sandbox"),
		Settings: func(ctx context.Context) (sandbox.Timeouts, error) {
			s := a.settings.get(ctx)
			t := sandbox.Timeouts{Timeout: time.Duration(s.SandboxTimeoutMinutes) * time.Minute,
				IdlePause: time.Duration(s.IdlePauseMinutes) * time.Minute}
			if idle > 0 { // tests: TESSERA_IDLE_PAUSE
				t.IdlePause = idle
			}
			return t, nil
		},
		Prices: func(ctx context.Context) sandbox.Prices {
			s := a.settings.get(ctx)
			return sandbox.Prices{VCPUSecond: s.VCPUPricePerSecond, GiBSecond: s.GiBPricePerSecond}
		},
		// Default 1 min; tests shorten it with TESSERA_AWAY_PAUSE.
		AwayPause: a.durationEnv("TESSERA_AWAY_PAUSE"),
	})
	a.points = sandbox.NewRestorePoints(a.sandboxes, a.store, 0, a.log.With("part", "sandbox"))
	a.llm = newLLMClients(a.keys, a.log)
	a.llm.modes = chat.ModeMemory{Store: a.store}
	a.llm.rebuild(a.settings.get(a.rootCtx))
	a.files = projectfiles.New(projectfiles.Config{Workspaces: a.workspaces, Store: a.store,
		Replica: projectfiles.SandboxReplica{Manager: a.sandboxes}, Points: a.points, Logger: a.log.With("part", "files")})
	ws := a.files
	versions := api.NewVersionsService(ctxf, ws, a.log, api.WithRestorePoints(a.points))
	// One recorder for both paths: every model call's usage and price,
	// and the monthly model budget that refuses the next turn.
	spendRec := &spend.Recorder{Store: a.store, Logger: a.log.With("part", "spend")}
	a.terminals = terminal.New(terminal.Config{Sandboxes: a.sandboxes, Emitter: a.emit, Logger: a.log.With("part", "terminal"), Redact: a.redact,
		TemplateOf: func(ctx context.Context, id string) string { p, _ := a.store.GetProject(ctx, id); return p.Template }})
	agentPrefs := api.AgentSettingsStore{KV: a.store}
	agentBackend := api.AgentBackend{Turns: a.store, Prefs: agentPrefs}
	agentBackend.Service = agent.New(agent.Config{
		Model: api.AgentModel{Client: a.llm.Client},
		Files: agent.OwnerFiles{Owner: a.files},
		Sandbox: &agent.E2BSandbox{Sandboxes: a.sandboxes, Consoles: a.terminals, RootDir: sandbox.DefaultRoot, Port: terminal.ServerPort,
			HTTP: a.e2bHTTP}, // the preview is an E2B host (TESSERA_E2B_CONNECT in tests)
		Store: a.store, Versions: agent.WorkspaceVersions{Open: a.files.Workspace}, Emitter: a.emit,
		Policy: agentBackend.Policy, Logger: a.log.With("part", "agent"), Redactor: env.ToolOutput{R: a.redact},
		Spend: spendRec,
	})
	a.agent = agentBackend.Service
	a.chat = chat.New(chat.Config{
		Files:    a.files,
		Outside:  a.files,
		Restorer: a.files,
		// Undo of an agent turn: only the files it changed go back.
		AgentUndo: agentBackend,
		Store:     a.store,
		Generator: chat.LLMGenerator{Client: a.llm.Client, Models: a.store},
		Sandboxes: a.sandboxes,
		// How long a web app may take to answer (default 3 min); a slow
		// template's first build may need more, a test less.
		PreviewWait: a.durationEnv("TESSERA_PREVIEW_WAIT"),
		// After a turn that installed: a snapshot tied to its version.
		RestorePoints: a.points,
		Emitter:       a.emit,
		Templates: func(ctx context.Context) []fragment.Template {
			return fragment.WithCustom(a.settings.get(ctx).CustomTemplates)
		},
		Logger:   a.log.With("part", "chat"),
		EnvNames: a.vars.Names,
		Redactor: a.redact,
		Spend:    spendRec,
	})
	catalog := api.NewCatalogService(ctxf, a.llm, a.store, a.keys, a.store, a.log)
	about := buildInfo()
	// Tests set TESSERA_UPDATE_FEED=off (or a local feed) so that no run of
	// the test suite asks GitHub.
	feedEnv := a.getenv("TESSERA_UPDATE_FEED")
	updates := update.New(update.Config{
		HTTP:    &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}},
		Current: about.Version,
		Prefs: func(ctx context.Context) (update.Prefs, error) {
			s := a.settings.get(ctx)
			return update.WithEnv(update.Prefs{Enabled: s.UpdateCheck, FeedURL: s.UpdateFeedURL}, feedEnv), nil
		},
		State: a.store,
		Log:   a.log.With("part", "update"),
		Feed:  about.ReleaseFeed, // "" (no channel) unless set at build time
	})
	gallery, err := starters.Load()
	if err != nil {
		// A bug of this build; projects are still made without a starter.
		a.log.Error("the built-in starters are not offered", "err", err)
		gallery = nil
	}
	a.bound = []any{
		api.NewSystemService(nil, a.paths, a.getenv("E2B_DOMAIN")),
		api.NewProjectService(ctxf, a.store, a.sandboxes, a.log, api.WithWorkspaces(ws), api.WithTerminals(a.terminals), api.WithStarters(gallery),
			api.WithRemoteTokens(a.keys, a.log), api.WithHome(a.store, a.vars, a.cleanupAfter),
			api.WithSnapshotCleanup(a.points, a.log.With("part", "sandbox"))),
		api.NewSettingsService(ctxf, a.store, keyWatch{Store: a.keys, onE2B: a.e2b.Invalidate, onAny: a.redact.InvalidateKeys}, a.paths, a.log, a.settingsSaved),
		api.NewSandboxService(ctxf, a.sandboxes, api.WithModelSpend(spendRec)),
		api.NewChatService(ctxf, a.chat),
		catalog,
		api.NewKeyCheckService(ctxf, catalog, a.sandboxes.CheckAccount, a.log),
		versions,
		api.NewAboutService(about),
		api.NewUpdateService(ctxf, updates),
		api.NewSearchService(ctxf, a.store),
		api.NewTerminalService(ctxf, a.terminals),
		api.NewUploadService(ctxf, uploads.New(uploads.Config{Store: a.store, Files: a.files,
			Logger: a.log.With("part", "uploads")}), a.dialogs.OpenFiles, api.WithUploadEvents(a.emit)),
		api.NewTransferService(api.TransferConfig{Ctx: ctxf, Workspaces: ws, Store: a.store, Sandboxes: a.sandboxes,
			Keys: a.keys, Dialogs: a.dialogs, Version: about.Version, Log: a.log.With("part", "transfer"), Redactor: a.redact}),
		api.NewFilesService(ctxf, a.files, a.log),
		api.NewAgentService(ctxf, agentBackend),
		api.NewEnvService(ctxf, a.vars, a.sandboxes, a.terminals,
			func(template string) bool { _, ok := terminal.StartCommand(template); return ok }),
	}
}

// watchOutside brings in edits made to the project folders in other
// programs: first what changed while Tessera was closed, then as they
// happen (projectfiles.Owner.Changed).
// outsideWatchDelay is how long after start the project folders are
// watched and swept for outside edits.
const outsideWatchDelay = 3 * time.Second

func (a *App) watchOutside(o *projectfiles.Owner) {
	go func() {
		// After the first paint: watching and sweeping a thousand folders
		// would otherwise share the two cores with the page loading. Edits
		// made meanwhile are found by the sweep, and a turn brings in what
		// is not committed yet before it builds its prompt (Settle).
		select {
		case <-time.After(outsideWatchDelay):
		case <-a.rootCtx.Done():
			return
		}
		if _, err := a.workspaces.Watch(a.rootCtx, func(folder string, paths []string) { o.Changed(a.rootCtx, folder, paths) }); err != nil {
			a.log.Warn("edits made outside Tessera will not be seen", "err", err)
		}
		o.SweepAll(a.rootCtx)
	}()
}

// settingsSaved is told about settings SettingsService saved: the running
// parts follow them (the cached settings, the E2B client built for the old
// domain, the LLM client for the old provider list).
func (a *App) settingsSaved(s config.Settings) {
	a.settings.set(s)
	a.e2b.Invalidate()
	a.llm.rebuild(s)
}

func (a *App) services() []any { return a.bound }

// cleanupAfter is the idle age after which a project's sandbox is removed
// (Settings, days; 0 = never).
func (a *App) cleanupAfter(ctx context.Context) time.Duration {
	return time.Duration(a.settings.get(ctx).SandboxCleanupDays) * 24 * time.Hour
}

// startup runs once the window exists: events can flow from now on, and
// sandboxes left from the last run are reconciled in the background.
func (a *App) startup(ctx context.Context) {
	a.emit.Set(events.NewWails(ctx))
	a.dialogs.set(ctx)
	if a.lock != nil {
		a.lock.OnShow(func() {
			a.log.Info("another launch on this data folder: showing the window")
			runtime.WindowUnminimise(ctx)
			runtime.WindowShow(ctx)
		})
	}
	if a.sandboxes == nil {
		return
	}
	// Screen lock and sleep pause sandboxes too (D-Bus on Linux); the
	// connections are made off the start-up path.
	go presence.Watch(a.rootCtx, a.log.With("part", "presence"), a.sandboxes.SetAway)
	a.watchOutside(a.files)
	go func() {
		rctx, cancel := context.WithTimeout(a.rootCtx, 2*time.Minute)
		defer cancel()
		if err := a.sandboxes.Reconcile(rctx); err != nil {
			if apperr.Is(err, apperr.Unauthorized) {
				a.log.Info("reconcile skipped: no E2B key yet")
				return
			}
			a.log.Warn("reconcile failed", "err", err)
		}
		// Snapshots of deleted projects and those no version needs.
		if err := a.points.Tidy(rctx); err != nil && !apperr.Is(err, apperr.Unauthorized) {
			a.log.Warn("tidying the restore points failed", "err", err)
		}
	}()
}

// beforeClose pauses running sandboxes before the window goes. The first
// close request starts the pauses in the background and keeps the window
// (so the page can show progress on events.AppQuit); when they are done (or
// quitWait passed) the app quits for real.
func (a *App) beforeClose(ctx context.Context) (prevent bool) {
	if a.sandboxes == nil {
		return false
	}
	a.quitMu.Lock()
	defer a.quitMu.Unlock()
	select {
	case <-a.paused:
		return false
	default:
	}
	if a.quitting {
		return true // still pausing; the page shows progress
	}
	a.quitting = true
	go func() {
		a.pauseAll()
		runtime.Quit(ctx)
	}()
	return true
}

type quitProgress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// pauseAll pauses every running sandbox once, bounded by quitWait.
func (a *App) pauseAll() {
	select {
	case <-a.paused:
		return
	default:
	}
	defer close(a.paused)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(a.rootCtx), quitWait)
	defer cancel()
	err := a.sandboxes.PauseAll(ctx, func(done, total int) {
		a.emit.Emit(events.AppQuit, quitProgress{Done: done, Total: total})
	})
	if err != nil {
		a.log.Warn("not every sandbox paused before quitting; E2B pauses them at their timeout", "err", err)
	}
}

// shutdown releases everything. A quit that skipped beforeClose (Ctrl+C,
// SIGTERM) still pauses the sandboxes here.
func (a *App) shutdown(context.Context) {
	if a.sandboxes != nil {
		a.quitMu.Lock()
		started := a.quitting
		a.quitting = true
		a.quitMu.Unlock()
		if !started {
			a.pauseAll()
		}
		<-a.paused
		a.terminals.Shutdown()
		a.sandboxes.Close()
	}
	a.cancel()
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Error("database close failed", "err", err)
		}
	}
	a.log.Info("stopped")
	if a.logf != nil {
		a.logf.Close()
	}
	if a.lock != nil {
		_ = a.lock.Close() // last: nothing in the folder is written after it
	}
}

// llmClients holds the LLM client, rebuilt when the person changes the
// provider list in Settings.
type llmClients struct {
	keys  *secrets.Store
	log   *slog.Logger
	hc    *http.Client
	modes llm.ModeMemory // the structured-output mode that works, per model

	mu sync.RWMutex
	c  *llm.Client
}

func newLLMClients(keys *secrets.Store, log *slog.Logger) *llmClients {
	return &llmClients{keys: keys, log: log, hc: &http.Client{}}
}

// Client returns the current client.
func (l *llmClients) Client() *llm.Client {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.c
}

// rebuild makes a client for the settings' catalog; settings that do not
// make a valid catalog keep the built-in one (Save validated them already).
func (l *llmClients) rebuild(s config.Settings) {
	cat, err := llm.NewCatalog(s.CustomProviders)
	if err != nil {
		l.log.Warn("custom providers ignored", "err", err)
		cat = llm.DefaultCatalog()
	}
	var opts []llm.Option
	if l.modes != nil {
		opts = append(opts, llm.WithModeMemory(l.modes))
	}
	c := llm.NewClient(cat, l.keys, l.hc, opts...)
	l.mu.Lock()
	l.c = c
	l.mu.Unlock()
}

// reportGuard logs how the frame guard went. Without it the page refuses to
// show previews (it checks for itself), so a failure is loud in the log
// and visible on the screen, never silent.
func (a *App) reportGuard(g *frameguard.Guard) {
	r := g.WaitTimeout(30 * time.Second)
	switch {
	case !r.Needed:
	case r.Isolated:
		a.log.Info("frame guard in place: only the app's page reaches the bindings", "reloaded", r.Reloaded)
	default:
		a.log.Error("frame guard failed: previews stay off", "detail", r.Detail)
	}
}

// durationEnv reads a Go duration (e.g. "90s") from the environment; 0
// (the default of whatever reads it) when unset or not a positive duration.
func (a *App) durationEnv(name string) time.Duration {
	v := a.getenv(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		a.log.Warn("ignoring an environment variable that is not a duration", "name", name, "value", v)
		return 0
	}
	return d
}
