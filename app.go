package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"tessera/backend/api"
	"tessera/backend/config"
	"tessera/backend/secrets"
	"tessera/backend/store"
)

// App owns Tessera's lifetime: the data folder, the log, the database, the
// keychain and the bound services.
type App struct {
	paths config.Paths
	log   *slog.Logger
	logf  *config.RotatingFile
	store *store.Store
	keys  *secrets.Store

	// rootCtx is ours, not Wails': the OnStartup context never ends, so we
	// derive one that shutdown cancels.
	rootCtx context.Context
	cancel  context.CancelFunc

	// startErr is a sentence shown by the page when the database could not
	// be opened (for example one written by a newer Tessera).
	startErr error

	projects *api.ProjectService
	settings *api.SettingsService
	system   *api.SystemService
	sandbox  *api.SandboxService
	chat     *api.ChatService
	catalog  *api.CatalogService
}

// NewApp sets up paths, logging and the database before the window opens.
func NewApp(getenv config.Getenv) (*App, error) {
	a := &App{keys: secrets.New(secrets.OSBackend{}, secrets.DefaultTimeout)}
	a.rootCtx, a.cancel = context.WithCancel(context.Background())
	ctxf := func() context.Context { return a.rootCtx }
	if bindingsOnly {
		a.log = slog.New(slog.DiscardHandler)
	} else {
		paths, err := config.Resolve(getenv)
		if err != nil {
			return nil, err
		}
		if err := paths.Ensure(); err != nil {
			return nil, err
		}
		a.paths = paths
		if a.logf, err = config.OpenLog(paths.LogFile, config.DefaultLogMaxBytes); err != nil {
			return nil, err
		}
		a.log = config.NewLogger(a.logf, getenv("TESSERA_LOG_STDERR") != "", slog.LevelInfo)
		a.log.Info("starting", "home", paths.Home)
		openCtx, cancel := context.WithTimeout(a.rootCtx, 30*time.Second)
		a.store, a.startErr = store.Open(openCtx, paths.Database)
		cancel()
		if a.startErr != nil {
			a.log.Error("database open failed", "err", a.startErr)
		}
	}
	a.projects = api.NewProjectService(ctxf, a.store, nil, a.log)
	a.settings = api.NewSettingsService(ctxf, a.store, a.keys, a.paths, a.log, nil)
	a.system = api.NewSystemService(a.startErr, a.paths)
	a.sandbox = api.NewSandboxService(ctxf, nil)
	a.chat = api.NewChatService(ctxf, nil)
	a.catalog = api.NewCatalogService(ctxf, nil)
	return a, nil
}

func (a *App) services() []any {
	return []any{a.system, a.projects, a.settings, a.sandbox, a.chat, a.catalog}
}

// startup runs once the window exists.
func (a *App) startup(ctx context.Context) {
	runtime.LogInfo(ctx, "Tessera started")
}

// beforeClose pauses running sandboxes before the window goes.
func (a *App) beforeClose(ctx context.Context) bool {
	return false
}

// shutdown releases everything.
func (a *App) shutdown(ctx context.Context) {
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
}
