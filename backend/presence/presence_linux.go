//go:build linux

package presence

import (
	"context"
	"log/slog"
	"os"

	"github.com/godbus/dbus/v5"

	"tessera/backend/apperr"
)

// Signals watched. logind's PrepareForSleep(true) comes before suspend and
// (false) after resume; the screen savers' ActiveChanged(true) when the
// screen locks or blanks.
var (
	sleepSignal  = match{"/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", Sleep}
	screenSavers = []match{
		{"", "org.freedesktop.ScreenSaver", "ActiveChanged", Screen},
		{"", "org.gnome.ScreenSaver", "ActiveChanged", Screen},
	}
)

type match struct {
	path, iface, member, source string
}

func (m match) options() []dbus.MatchOption {
	opts := []dbus.MatchOption{dbus.WithMatchInterface(m.iface), dbus.WithMatchMember(m.member)}
	if m.path != "" {
		opts = append(opts, dbus.WithMatchObjectPath(dbus.ObjectPath(m.path)))
	}
	return opts
}

// Watch listens on the system bus (sleep) and the session bus (screen
// lock) until ctx ends, calling on for each change. A bus that cannot be
// reached is logged and skipped: presence is a saving, not a requirement.
func Watch(ctx context.Context, log *slog.Logger, on Func) {
	if c, err := dbus.ConnectSystemBus(dbus.WithContext(ctx)); err != nil {
		log.Info("presence: no system bus; sleep is not noticed", "err", err)
	} else {
		go listen(ctx, log, c, []match{sleepSignal}, on)
	}
	if c, err := dbus.ConnectSessionBus(dbus.WithContext(ctx)); err != nil {
		log.Info("presence: no session bus; the screen lock is not noticed", "err", err)
	} else {
		go listen(ctx, log, c, screenSavers, on)
	}
}

// WatchConn is Watch on one connection with the given signals (tests use a
// private bus).
func WatchConn(ctx context.Context, log *slog.Logger, c *dbus.Conn, on Func) error {
	ms := append([]match{sleepSignal}, screenSavers...)
	if err := addMatches(c, ms); err != nil {
		return err
	}
	go loop(ctx, log, c, ms, on, true)
	return nil
}

func addMatches(c *dbus.Conn, ms []match) error {
	for _, m := range ms {
		if err := c.AddMatchSignal(m.options()...); err != nil {
			return apperr.Wrap(err, apperr.Unavailable, "Tessera could not listen for the screen lock and sleep on D-Bus.")
		}
	}
	return nil
}

func listen(ctx context.Context, log *slog.Logger, c *dbus.Conn, ms []match, on Func) {
	if err := addMatches(c, ms); err != nil {
		log.Info("presence: not watching", "err", err)
		_ = c.Close()
		return
	}
	loop(ctx, log, c, ms, on, ms[0] == sleepSignal)
}

// inhibit takes logind's "delay" sleep lock: the machine waits (up to
// logind's InhibitDelayMaxSec, 5 s by default) until it is released, so
// the sandboxes can be paused before it sleeps. Nil when logind refuses.
func inhibit(log *slog.Logger, c *dbus.Conn) *os.File {
	var fd dbus.UnixFD
	err := c.Object("org.freedesktop.login1", "/org/freedesktop/login1").
		Call("org.freedesktop.login1.Manager.Inhibit", 0, "sleep", "Tessera", "Pausing the E2B sandboxes", "delay").Store(&fd)
	if err != nil {
		log.Info("presence: no sleep delay lock; sandboxes may not be paused before sleep", "err", err)
		return nil
	}
	return os.NewFile(uintptr(fd), "logind-inhibit")
}

func loop(ctx context.Context, log *slog.Logger, c *dbus.Conn, ms []match, on Func, sleep bool) {
	defer c.Close()
	// Signals first: none may be missed while the lock is being taken.
	ch := make(chan *dbus.Signal, 16)
	c.Signal(ch)
	var lock *os.File
	if sleep {
		lock = inhibit(log, c)
	}
	defer func() {
		if lock != nil {
			lock.Close()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-ch:
			if !ok {
				return
			}
			for _, m := range ms {
				if s.Name != m.iface+"."+m.member || m.path != "" && string(s.Path) != m.path {
					continue
				}
				if len(s.Body) != 1 {
					continue
				}
				if v, ok := s.Body[0].(bool); ok {
					log.Info("presence signal", "source", m.source, "away", v)
					on(m.source, v) // for sleep it pauses before returning
					if m.source == Sleep && sleep {
						if v && lock != nil {
							lock.Close() // the machine may sleep now
							lock = nil
						} else if !v && lock == nil {
							lock = inhibit(log, c) // for the next sleep
						}
					}
				}
			}
		}
	}
}
