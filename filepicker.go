package main

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"tessera/backend/apperr"
)

// filePicker opens the OS's file dialog for UploadService.Pick. Wails'
// runtime needs its own context (the OnStartup one), which exists only
// once the window does: set it from startup.
type filePicker struct {
	mu  sync.Mutex
	ctx context.Context
}

func (p *filePicker) set(ctx context.Context) {
	p.mu.Lock()
	p.ctx = ctx
	p.mu.Unlock()
}

func (p *filePicker) pick(context.Context) ([]string, error) {
	p.mu.Lock()
	wctx := p.ctx
	p.mu.Unlock()
	if wctx == nil {
		return nil, apperr.New(apperr.Unavailable, "The window is not ready yet.")
	}
	return runtime.OpenMultipleFilesDialog(wctx, runtime.OpenDialogOptions{Title: "Upload files into the project"})
}
