//go:build linux

package presence

import (
	"bufio"
	"context"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// privateBus starts a dbus-daemon of its own and returns its address.
func privateBus(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon is not installed")
	}
	cmd := exec.Command(bin, "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	return strings.TrimSpace(line)
}

func connect(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	c, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type change struct {
	source string
	away   bool
}

func TestSignalsReachTheCallback(t *testing.T) {
	addr := privateBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan change, 16)
	listener := connect(t, addr)
	if err := WatchConn(ctx, slog.New(slog.DiscardHandler), listener, func(s string, a bool) { got <- change{s, a} }); err != nil {
		t.Fatal(err)
	}
	emitter := connect(t, addr)
	for _, tc := range []struct {
		path, name string
		body       any
		want       *change
	}{
		{"/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", true, &change{Sleep, true}},
		{"/elsewhere", "org.freedesktop.login1.Manager.PrepareForSleep", true, nil}, // not logind's object
		{"/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", "yes", nil},
		{"/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", false, &change{Sleep, false}},
		{"/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", true, &change{Screen, true}},
		{"/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", false, &change{Screen, false}},
	} {
		if err := emitter.Emit(dbus.ObjectPath(tc.path), tc.name, tc.body); err != nil {
			t.Fatal(err)
		}
		if tc.want == nil {
			continue
		}
		select {
		case c := <-got:
			if c != *tc.want {
				t.Fatalf("%s %s %v: got %+v, want %+v (an ignored signal came through?)", tc.path, tc.name, tc.body, c, *tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s: no callback", tc.path, tc.name)
		}
	}
}
