//go:build unix

package instance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The holder in these tests is a real second process: this test binary run
// again with holderEnv set (TestMain), which claims the folder, prints
// "ready", and prints "shown" each time a launch asks for its window.
const holderEnv = "TESSERA_INSTANCE_TEST_HOLDER"

func TestMain(m *testing.M) {
	if home := os.Getenv(holderEnv); home != "" {
		os.Exit(hold(home))
	}
	os.Exit(m.Run())
}

func hold(home string) int {
	l, err := Claim(context.Background(), home)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	l.OnShow(func() { fmt.Println("shown") })
	fmt.Println("ready")
	// Until the test closes our stdin.
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := l.Close(); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	return 0
}

type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

func startHolder(t *testing.T, home string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+home)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			h.lines <- s.Text()
		}
		close(h.lines)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	h.expect(t, "ready")
	return h
}

// expect waits for the holder's next line; the ceiling only ends a hung run.
func (h *holder) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got, ok := <-h.lines:
		if !ok || got != want {
			t.Fatalf("holder said %q (open %v), want %q", got, ok, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("holder never said %q", want)
	}
}

func TestSecondLaunchShowsTheFirstWindow(t *testing.T) {
	home := t.TempDir()
	h := startHolder(t, home)
	before := listing(t, home)

	_, err := Claim(context.Background(), home)
	var r *Running
	if !errors.As(err, &r) {
		t.Fatalf("second claim: %v, want *Running", err)
	}
	if !r.Answered || r.PID != h.cmd.Process.Pid {
		t.Fatalf("second claim: %+v, want answered by pid %d", r, h.cmd.Process.Pid)
	}
	h.expect(t, "shown")
	if !strings.Contains(r.Error(), "brought to the front") {
		t.Errorf("sentence: %q", r.Error())
	}
	if after := listing(t, home); after != before {
		t.Errorf("the second launch changed the data folder:\n%s\n->\n%s", before, after)
	}
}

func TestHungHolderIsNamed(t *testing.T) {
	home := t.TempDir()
	h := startHolder(t, home)
	pid := h.cmd.Process.Pid
	// Stopped: the kernel still accepts the connection, nobody answers.
	if err := h.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// kill(2) returns before every thread has stopped: wait for the state
	// the system reports.
	waitStopped(t, pid)
	// Unanswered is the outcome here, so a short wait proves as much.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := Claim(ctx, home)
	var r *Running
	if !errors.As(err, &r) {
		t.Fatalf("claim: %v, want *Running", err)
	}
	if r.Answered || r.PID != pid {
		t.Fatalf("claim: %+v, want unanswered, pid %d", r, pid)
	}
	if want := fmt.Sprintf("process %d", pid); !strings.Contains(r.Error(), want) || !strings.Contains(r.Error(), "does not answer") {
		t.Errorf("sentence %q does not name %s", r.Error(), want)
	}
}

func TestLockFreedWhenHolderEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(*holder) error
	}{
		{"closed", func(h *holder) error { h.stdin.Close(); return h.cmd.Wait() }},
		{"killed", func(h *holder) error { _ = h.cmd.Process.Kill(); _ = h.cmd.Wait(); return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			h := startHolder(t, home)
			if err := tc.end(h); err != nil {
				t.Fatalf("holder ended with %v", err)
			}
			l, err := Claim(context.Background(), home)
			if err != nil {
				t.Fatalf("claim after the holder ended: %v", err)
			}
			// A launch that comes now is answered by us, not the dead port.
			shown := make(chan struct{}, 1)
			l.OnShow(func() { shown <- struct{}{} })
			_, err = Claim(context.Background(), home)
			var r *Running
			if !errors.As(err, &r) || !r.Answered || r.PID != os.Getpid() {
				t.Fatalf("claim while we hold it: %v", err)
			}
			<-shown
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestShowBeforeOnShowIsKept(t *testing.T) {
	home := t.TempDir()
	l, err := Claim(context.Background(), home)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	in, err := readInfo(filepath.Join(home, InfoName))
	if err != nil {
		t.Fatal(err)
	}
	if err := show(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	n := 0
	l.OnShow(func() { n++ })
	if n != 1 {
		t.Fatalf("a request before OnShow ran it %d times, want 1", n)
	}
}

func TestWrongTokenIsIgnored(t *testing.T) {
	home := t.TempDir()
	l, err := Claim(context.Background(), home)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	shown := 0
	l.OnShow(func() { shown++ })
	in, err := readInfo(filepath.Join(home, InfoName))
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"", "0000", in.Token + "x"} {
		bad := in
		bad.Token = tok
		if err := show(context.Background(), bad); err == nil {
			t.Errorf("token %q was answered", tok)
		}
	}
	if shown != 0 {
		t.Fatalf("a wrong token showed the window %d times", shown)
	}
}

func listing(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %s\n", p, fi.Size(), fi.ModTime().Format(time.RFC3339Nano))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// waitStopped waits until the process is reported stopped (ps state T).
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // only ends a hung run
	for {
		out, err := exec.Command("ps", "-o", "state=", "-p", fmt.Sprint(pid)).Output()
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(out)), "T") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d never stopped: %q %v", pid, out, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A hung holder is also named in a desktop notification (a launch from a
// menu has no terminal); an answered launch only says so on stderr.
func TestTellNotifiesWhenNotAnswered(t *testing.T) {
	bin := t.TempDir()
	got := filepath.Join(bin, "notified")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + got + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "notify-send"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, tc := range []struct {
		r      Running
		notify bool
	}{
		{Running{Home: "/data", Answered: true}, false},
		{Running{Home: "/data", PID: 4242}, true},
	} {
		os.Remove(got)
		var stderr strings.Builder
		tc.r.Tell(context.Background(), &stderr)
		if strings.TrimSpace(stderr.String()) != tc.r.Error() {
			t.Errorf("stderr %q, want the sentence", stderr.String())
		}
		b, err := os.ReadFile(got)
		if tc.notify != (err == nil) {
			t.Fatalf("answered %v: notified %v (%v)", tc.r.Answered, err == nil, err)
		}
		if tc.notify && !strings.Contains(string(b), "process 4242") {
			t.Errorf("the notification says %q", b)
		}
	}
}
