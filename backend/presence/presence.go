// Package presence tells the sandbox manager when the person is away from
// the computer: the screen locked (screen saver active) or the machine
// about to sleep. On Linux these come from D-Bus (presence_linux.go); the
// window being hidden or minimised comes from the page, not from here.
package presence

// Sources, matching sandbox.AwayScreen and sandbox.AwaySleep.
const (
	Screen = "screen"
	Sleep  = "sleep"
)

// Func is told each change: source went away (true) or came back.
type Func func(source string, away bool)
