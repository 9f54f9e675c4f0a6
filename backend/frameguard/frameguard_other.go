//go:build !(linux && (dev || production))

package frameguard

// Install has nothing to do here: on macOS and Windows Wails itself drops
// messages from frames other than the main one (see the package comment),
// and builds without the desktop frontend (tests) have no web view.
func Install() *Guard {
	g := &Guard{done: make(chan struct{})}
	g.finish(Result{Needed: false, Isolated: true})
	return g
}
