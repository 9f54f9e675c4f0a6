//go:build linux

package presence

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"os"
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

// fakeLogind answers Inhibit with the write end of a pipe, as logind
// hands out a file descriptor that holds the delay lock until closed.
type fakeLogind struct {
	calls chan [2]*os.File // read end, write end of each lock
}

func (l *fakeLogind) Inhibit(what, who, why, mode string) (dbus.UnixFD, *dbus.Error) {
	if what != "sleep" || mode != "delay" {
		return 0, dbus.MakeFailedError(errors.New("unexpected lock " + what + "/" + mode))
	}
	r, w, err := os.Pipe()
	if err != nil {
		return 0, dbus.MakeFailedError(err)
	}
	fd := dbus.UnixFD(w.Fd())
	l.calls <- [2]*os.File{r, w}
	return fd, nil
}

func TestSleepWaitsForThePause(t *testing.T) {
	addr := privateBus(t)
	logind := connect(t, addr)
	fake := &fakeLogind{calls: make(chan [2]*os.File, 4)}
	if err := logind.Export(fake, "/org/freedesktop/login1", "org.freedesktop.login1.Manager"); err != nil {
		t.Fatal(err)
	}
	if r, err := logind.RequestName("org.freedesktop.login1", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", r, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	paused := make(chan bool, 4)
	if err := WatchConn(ctx, slog.New(slog.DiscardHandler), connect(t, addr), func(s string, a bool) {
		if s == Sleep {
			paused <- a
		}
	}); err != nil {
		t.Fatal(err)
	}
	next := func(what string) [2]*os.File {
		select {
		case l := <-fake.calls:
			return l
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s", what)
		}
		return [2]*os.File{}
	}
	first := next("delay lock at start")
	if err := logind.Emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", true); err != nil {
		t.Fatal(err)
	}
	wait := func() bool {
		select {
		case v := <-paused:
			return v
		case <-time.After(10 * time.Second):
			t.Fatal("PrepareForSleep was not reported")
		}
		return false
	}
	if !wait() {
		t.Fatal("sleep reported as wake")
	}
	if err := logind.Emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", false); err != nil {
		t.Fatal(err)
	}
	if wait() {
		t.Fatal("wake reported as sleep")
	}
	second := next("a new delay lock after waking")
	// The first reply went out long ago: with logind's own copy closed,
	// the pipe ends once Tessera released its lock (after the pause).
	first[1].Close()
	if n, err := first[0].Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("the sleep lock was kept after the pause: %d %v", n, err)
	}
	first[0].Close()
	// The second lock's reply may still be on its way: close it after the
	// watcher has stopped.
	t.Cleanup(func() { second[1].Close(); second[0].Close() })
}
