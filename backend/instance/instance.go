// Package instance keeps one Tessera per data folder.
//
// The first process takes an exclusive lock on a file in the data folder
// (flock on Unix, LockFileEx on Windows, through gofrs/flock) before it
// writes anything else there, and listens on a loopback port that it
// records, with a fresh token, beside the lock. A second process on the same
// folder finds the lock held, asks the first over that port to bring its
// window to the front, and ends; when the first does not answer (it is
// stopped or hung) the second says which process holds the lock.
//
// Wails' own SingleInstanceLock is not used: it is keyed by an app id, not
// by a data folder (TESSERA_HOME gives one person several); it runs inside
// wails.Run, after the database and the log are open; on Linux it needs a
// D-Bus session and, when the first instance does not answer, starts a
// second one anyway.
package instance

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"tessera/backend/apperr"
)

const (
	// LockName and InfoName are the files in the data folder.
	LockName = "tessera.lock"
	InfoName = "instance.json"

	showRequest = "show"
	showAnswer  = "shown"

	// AnswerWait bounds how long a second launch waits for the first to
	// answer (and, just after the first took the lock, for its port to be
	// written). Long enough for a busy machine, short enough that a person
	// who clicked the icon twice is not kept waiting by a hung process.
	AnswerWait = 5 * time.Second
)

// info is what the holder records beside the lock.
type info struct {
	PID   int    `json:"pid"`
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

// Running is returned by Claim when another process holds the data
// folder's lock.
type Running struct {
	Home string
	// PID is the holder's process id (0 when it never recorded one).
	PID int
	// Answered: the holder was asked to show its window and said it did.
	Answered bool
	// Err is why it did not answer.
	Err error
}

func (r *Running) Error() string {
	if r.Answered {
		return fmt.Sprintf("Tessera is already open on the data folder %s; its window was brought to the front.", r.Home)
	}
	who := "another process"
	if r.PID > 0 {
		who = fmt.Sprintf("process %d", r.PID)
	}
	return fmt.Sprintf("Tessera is already open on the data folder %s (%s), but it does not answer. "+
		"Close it (or end %s) and start Tessera again.", r.Home, who, who)
}

func (r *Running) Unwrap() error { return r.Err }

// Tell says the sentence where the person will see it: on stderr, and,
// when the open Tessera does not answer, as a desktop notification too
// (notify-send, where it exists): a launch from a menu has no terminal.
func (r *Running) Tell(ctx context.Context, stderr io.Writer) {
	fmt.Fprintln(stderr, r.Error())
	if r.Answered {
		return
	}
	bin, err := exec.LookPath("notify-send")
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, bin, "--app-name=Tessera", "--urgency=critical", "Tessera is already open", r.Error()).Run()
}

// Lock is this process's claim on a data folder. Safe for concurrent use.
type Lock struct {
	fl    *flock.Flock
	ln    net.Listener
	token string
	info  string
	done  chan struct{}
	wg    sync.WaitGroup

	mu      sync.Mutex
	show    func()
	pending bool // a show request came before OnShow
}

// Claim takes the lock on the data folder home (which must exist). When
// another process holds it, Claim asks that process to show its window and
// returns a *Running saying whether it did; nothing in home is changed then.
func Claim(ctx context.Context, home string) (*Lock, error) {
	fl := flock.New(filepath.Join(home, LockName), flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal,
			fmt.Sprintf("Tessera could not lock its data folder %s. Check that you may write there, or set TESSERA_HOME.", home))
	}
	if !ok {
		// The holder may be ending as we ask: a lock that comes free
		// while we wait for an answer is ours.
		if r := askHolder(ctx, home, func() bool { got, _ := fl.TryLock(); return got }); r != nil {
			return nil, r
		}
	}
	l, err := serve(fl, home)
	if err != nil {
		_ = fl.Unlock()
		return nil, err
	}
	return l, nil
}

func serve(fl *flock.Flock, home string) (*Lock, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "Tessera could not open the local port that a second launch uses to find it.")
	}
	tok := make([]byte, 16)
	_, _ = rand.Read(tok) // never fails (crypto/rand)
	l := &Lock{fl: fl, ln: ln, token: hex.EncodeToString(tok), info: filepath.Join(home, InfoName), done: make(chan struct{})}
	if err := writeInfo(l.info, info{PID: os.Getpid(), Addr: ln.Addr().String(), Token: l.token}); err != nil {
		ln.Close()
		return nil, apperr.Wrap(err, apperr.Internal, fmt.Sprintf("Tessera could not write %s in its data folder.", InfoName))
	}
	l.wg.Add(1)
	go l.accept()
	return l, nil
}

// writeInfo replaces the file in one rename, so a reader never sees half.
func writeInfo(path string, in info) error {
	b, _ := json.Marshal(in)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (l *Lock) accept() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return // closed
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.answer(c)
		}()
	}
}

// answer serves one connection: "show <token>\n" -> "shown\n".
func (l *Lock) answer(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(AnswerWait))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	verb, tok, _ := strings.Cut(strings.TrimSpace(line), " ")
	if verb != showRequest || subtle.ConstantTimeCompare([]byte(tok), []byte(l.token)) != 1 {
		return
	}
	l.mu.Lock()
	show := l.show
	if show == nil {
		l.pending = true
	}
	l.mu.Unlock()
	if show != nil {
		show()
	}
	_, _ = c.Write([]byte(showAnswer + "\n"))
}

// OnShow sets what a second launch triggers (bring the window to the
// front). A request that came before runs it at once.
func (l *Lock) OnShow(f func()) {
	l.mu.Lock()
	l.show = f
	pending := l.pending
	l.pending = false
	l.mu.Unlock()
	if pending && f != nil {
		f()
	}
}

// Close stops answering and releases the lock; the info file is removed
// first, so a launch that finds the lock free never reads a dead port.
func (l *Lock) Close() error {
	select {
	case <-l.done:
		return nil
	default:
		close(l.done)
	}
	_ = os.Remove(l.info)
	err := l.ln.Close()
	l.wg.Wait()
	return errors.Join(err, l.fl.Unlock())
}

// askHolder asks the process holding home's lock to show its window; nil
// when the lock came free meanwhile and relock took it.
func askHolder(ctx context.Context, home string, relock func() bool) *Running {
	ctx, cancel := context.WithTimeout(ctx, AnswerWait)
	defer cancel()
	r := &Running{Home: home}
	var last info
	for {
		if relock() {
			return nil
		}
		in, err := readInfo(filepath.Join(home, InfoName))
		if err == nil {
			r.PID = in.PID
			if in != last { // a new record: the holder may have just written it
				last = in
				if r.Err = show(ctx, in); r.Err == nil {
					r.Answered = true
					return r
				}
			}
		} else {
			r.Err = err
		}
		// The holder writes its record right after taking the lock; until
		// then (or while it holds a record it cannot answer on) look again.
		select {
		case <-ctx.Done():
			if r.Err == nil {
				r.Err = ctx.Err()
			}
			return r
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func readInfo(path string) (info, error) {
	var in info
	b, err := os.ReadFile(path)
	if err != nil {
		return in, err
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return in, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

func show(ctx context.Context, in info) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", in.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := fmt.Fprintf(c, "%s %s\n", showRequest, in.Token); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no answer from process %d: %w", in.PID, err)
	}
	if strings.TrimSpace(line) != showAnswer {
		return fmt.Errorf("process %d answered %q", in.PID, line)
	}
	return nil
}
