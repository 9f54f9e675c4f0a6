package main

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"tessera/backend/apperr"
)

// nativeDialogs opens the system's file dialogs through the Wails runtime,
// which needs the window's context: calls before startup are refused
// (Wails' runtime.* would log.Fatalf on a plain context).
type nativeDialogs struct {
	mu  sync.Mutex
	ctx context.Context
}

func (d *nativeDialogs) set(ctx context.Context) {
	d.mu.Lock()
	d.ctx = ctx
	d.mu.Unlock()
}

func (d *nativeDialogs) window() (context.Context, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return nil, apperr.New(apperr.Unavailable, "File dialogs are not available yet; try again in a moment.")
	}
	return d.ctx, nil
}

func dialogErr(err error) error {
	return apperr.Wrap(err, apperr.Unavailable, "The file dialog could not open. Type the path instead.")
}

// SaveFile implements api.Dialogs.
func (d *nativeDialogs) SaveFile(_ context.Context, title, name string) (string, error) {
	ctx, err := d.window()
	if err != nil {
		return "", err
	}
	p, err := runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: name,
		Filters: []runtime.FileFilter{{DisplayName: "Zip archives (*.zip)", Pattern: "*.zip"}}})
	if err != nil {
		return "", dialogErr(err)
	}
	return p, nil
}

// OpenFile implements api.Dialogs.
func (d *nativeDialogs) OpenFile(_ context.Context, title string) (string, error) {
	ctx, err := d.window()
	if err != nil {
		return "", err
	}
	p, err := runtime.OpenFileDialog(ctx, runtime.OpenDialogOptions{Title: title,
		Filters: []runtime.FileFilter{{DisplayName: "Zip archives (*.zip)", Pattern: "*.zip"}}})
	if err != nil {
		return "", dialogErr(err)
	}
	return p, nil
}

// OpenFolder implements api.Dialogs.
func (d *nativeDialogs) OpenFolder(_ context.Context, title string) (string, error) {
	ctx, err := d.window()
	if err != nil {
		return "", err
	}
	p, err := runtime.OpenDirectoryDialog(ctx, runtime.OpenDialogOptions{Title: title})
	if err != nil {
		return "", dialogErr(err)
	}
	return p, nil
}

// OpenFiles lets the person choose files to upload into the project
// (UploadService.Pick).
func (d *nativeDialogs) OpenFiles(context.Context) ([]string, error) {
	ctx, err := d.window()
	if err != nil {
		return nil, err
	}
	ps, err := runtime.OpenMultipleFilesDialog(ctx, runtime.OpenDialogOptions{Title: "Upload files into the project"})
	if err != nil {
		return nil, dialogErr(err)
	}
	return ps, nil
}
