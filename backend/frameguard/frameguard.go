// Package frameguard keeps the app's bound methods and Wails runtime calls
// out of reach of every frame but the app's own page.
//
// Why: on Linux, Wails v2 registers its "external" script message handler in
// the web view's main script world. WebKitGTK exposes a main-world handler to
// every frame of the page, and Wails' origin check looks at the web view's
// main URI, not the frame that sent the message. So a page in the preview
// iframe (written by a model, or anything it loads) could post
// "C{...ProjectService.Create...}", "Q" (quit) or "BO:..." (open a browser)
// and Wails would run it as if the app had.
//
// The fix moves the handler into an isolated script world that only a user
// script injected into the top frame ever runs in:
//
//   - the "external" handler is registered in the world "tessera-bridge" and
//     unregistered from the main world, so no page script in any frame (main
//     world) sees window.webkit.messageHandlers.external at all; Wails' own
//     signal handler keeps receiving the messages, unchanged;
//   - a top-frame-only user script in that world listens for
//     "tessera:ipc" events on the top document and posts their text to the
//     handler; events on the top document can only come from the top frame's
//     own scripts (a cross-origin frame cannot reach that document);
//   - a top-frame-only user script in the main world defines
//     window.WailsInvoke (what the Wails runtime calls) to dispatch that event.
//
// Other platforms need nothing here (checked against Wails v2.16.0): on
// macOS Wails drops messages whose WKFrameInfo is not the main frame and
// checks that frame's origin; on Windows it checks both the top document's
// and the sending document's source (ICoreWebView2WebMessageReceivedEventArgs).
//
// Defence in depth lives elsewhere: the page's Content-Security-Policy
// (frames only from sandbox hosts, the app never framed), the preview
// iframe's sandbox attribute, and a Go-side confirmation before settings
// that would send a key elsewhere are saved.
package frameguard

import (
	"context"
	_ "embed"
	"time"
)

// World is the isolated script world that holds the message handler.
const World = "tessera-bridge"

// Event is the DOM event the main-world shim dispatches on the top document.
const Event = "tessera:ipc"

//go:embed isolated.js
var isolatedJS string

//go:embed main.js
var mainJS string

// Result says whether the handler was moved out of the main world.
type Result struct {
	// Needed is false where the platform's frontend already checks the
	// sending frame (macOS, Windows) or in builds without a window (tests).
	Needed bool
	// Isolated is true once the handler lives only in the isolated world.
	Isolated bool
	// Reloaded is true when the page had already loaded before the guard
	// was in place and was reloaded so that it runs under the guard.
	Reloaded bool
	// Detail explains a failure.
	Detail string
}

// Guard is the pending or finished installation.
type Guard struct {
	done   chan struct{}
	result Result
}

// Wait returns the result once the installation ran on the GTK thread, or
// a failed Result when ctx ends first.
func (g *Guard) Wait(ctx context.Context) Result {
	select {
	case <-g.done:
		return g.result
	case <-ctx.Done():
		return Result{Needed: true, Detail: "the guard did not run before " + ctx.Err().Error()}
	}
}

// WaitTimeout is Wait with a deadline.
func (g *Guard) WaitTimeout(d time.Duration) Result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return g.Wait(ctx)
}

func (g *Guard) finish(r Result) {
	g.result = r
	close(g.done)
}
