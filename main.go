package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"tessera/backend/api"
	"tessera/backend/frameguard"
	"tessera/backend/instance"
	"tessera/backend/webassets"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	app, err := NewApp(os.Getenv)
	if running := (*instance.Running)(nil); errors.As(err, &running) {
		// Another Tessera has this data folder: it was asked to show its
		// window (exit 0), or it is hung and the sentence names it.
		running.Tell(context.Background(), os.Stderr)
		if running.Answered {
			os.Exit(0)
		}
		os.Exit(1)
	}
	if err != nil {
		// Only reached when not even the data folder or the log can be set
		// up; everything later is reported inside the window.
		fmt.Fprintln(os.Stderr, "Tessera could not start:", err)
		os.Exit(1)
	}
	// Before the window exists: keeps Wails' message handler away from
	// every frame but the app's own page (see backend/frameguard).
	guard := frameguard.Install()
	go app.reportGuard(guard)
	err = wails.Run(&options.App{
		Title:                    "Tessera",
		Width:                    1280,
		Height:                   820,
		MinWidth:                 900,
		MinHeight:                600,
		AssetServer:              &assetserver.Options{Assets: webassets.GunzipFS(assets), Middleware: frameguard.Middleware(app.previewHosts)},
		BackgroundColour:         &options.RGBA{R: 17, G: 17, B: 19, A: 1},
		OnStartup:                app.startup,
		OnBeforeClose:            app.beforeClose,
		OnShutdown:               app.shutdown,
		Bind:                     app.services(),
		ErrorFormatter:           api.ErrorFormatter(app.log),
		EnableDefaultContextMenu: false,
		Linux:                    &linux.Options{ProgramName: "tessera", WebviewGpuPolicy: gpuPolicy(os.Getenv("TESSERA_GPU"))},
	})
	if err != nil {
		app.log.Error("wails run failed", "err", err)
		fmt.Fprintln(os.Stderr, "Tessera stopped with an error:", err)
		os.Exit(1)
	}
}

// gpuPolicy is the web view's hardware acceleration: off unless
// TESSERA_GPU asks ("on-demand" or "always"). Off is Wails' own default on
// Linux, where WebKitGTK's GPU paths are the usual cause of blank windows,
// and it halves the page process's memory (measured: 221 → 124 MB PSS);
// the page and most previews draw as fast without it. A preview that
// leans on WebGL may want "on-demand".
func gpuPolicy(v string) linux.WebviewGpuPolicy {
	switch v {
	case "on-demand":
		return linux.WebviewGpuPolicyOnDemand
	case "always":
		return linux.WebviewGpuPolicyAlways
	default:
		return linux.WebviewGpuPolicyNever
	}
}
