package e2b_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
)

// TestConformance runs one table of envd behaviours against the fake and
// against E2B's own envd: the fake may not pass what the real one fails.
func TestConformance(t *testing.T) {
	servers := []struct {
		name  string
		start func(*testing.T) *confServer
	}{
		{"fake", fakeConfServer},
		{"real", realConfServer},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
			defer cancel()
			if err := s.env.MakeDir(ctx, s.scratch); err != nil {
				t.Fatal(err)
			}
			t.Run("group", func(t *testing.T) {
				for _, tc := range append(append(conformanceCases, ptyConformanceCases...), sdkConformanceCases...) {
					t.Run(tc.name, func(t *testing.T) {
						t.Parallel()
						dir := path.Join(s.scratch, tc.name)
						if err := s.env.MakeDir(ctx, dir); err != nil {
							t.Fatal(err)
						}
						tc.run(ctx, t, s, dir)
					})
				}
			})
		})
	}
}

var conformanceCases = []struct {
	name string
	run  func(ctx context.Context, t *testing.T, s *confServer, dir string)
}{
	{"files_nested_and_binary", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		bin := make([]byte, 256)
		for i := range bin {
			bin[i] = byte(i)
		}
		files := []e2b.File{
			{Path: dir + "/a/b/c/deep.txt", Content: "deep\n"},
			{Path: dir + "/bin.dat", Content: string(bin)},
			{Path: dir + "/empty", Content: ""},
		}
		must(t, s.env.WriteFiles(ctx, files))
		for _, f := range files {
			got, err := s.env.ReadFile(ctx, f.Path)
			must(t, err)
			if !bytes.Equal(got, []byte(f.Content)) {
				t.Errorf("%s: read %d bytes back, wrote %d", f.Path, len(got), len(f.Content))
			}
		}
	}},
	// Issue 30: a variable given at create is in every process beneath the
	// process's own envs; a process's own value wins, "" included, which
	// is how Tessera hides a removed secret's create-time value.
	{"create_time_env_beneath_process_env", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		envs, err := s.env.Envs(ctx)
		must(t, err)
		if envs["FROM_INIT"] != "1" {
			t.Fatalf("GET /envs = %v, want FROM_INIT=1", envs)
		}
		for _, c := range []struct {
			env  map[string]string
			want string
		}{{nil, "[1]\n"}, {map[string]string{"FROM_INIT": ""}, "[]\n"}, {map[string]string{"FROM_INIT": "2"}, "[2]\n"}} {
			out, _, code := run(ctx, t, s.env, e2b.ProcessOptions{Cmd: `echo "[${FROM_INIT-unset}]"`, Env: c.env})
			if code != 0 || out != c.want {
				t.Errorf("with envs %v: %q (exit %d), want %q", c.env, out, code, c.want)
			}
		}
	}},
	{"file_5MB", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		big := make([]byte, 5<<20)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range big {
			big[i] = byte(r.Uint32())
		}
		must(t, s.env.WriteFiles(ctx, []e2b.File{{Path: dir + "/big.bin", Content: string(big)}}))
		got, err := s.env.ReadFile(ctx, dir+"/big.bin")
		must(t, err)
		if !bytes.Equal(got, big) {
			t.Fatalf("5 MB file came back different (%d bytes)", len(got))
		}
		en, err := s.env.Stat(ctx, dir+"/big.bin")
		must(t, err)
		if en.Size != int64(len(big)) || en.Type != "file" {
			t.Errorf("stat = %+v", en)
		}
	}},
	{"unicode_names", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		name := "héllo wörld/日本語 ファイル 🎉.txt"
		must(t, s.env.WriteFiles(ctx, []e2b.File{{Path: dir + "/" + name, Content: "ü"}}))
		got, err := s.env.ReadFile(ctx, dir+"/"+name)
		must(t, err)
		if string(got) != "ü" {
			t.Errorf("content %q", got)
		}
		entries, err := s.env.List(ctx, dir+"/héllo wörld")
		must(t, err)
		if len(entries) != 1 || entries[0].Name != path.Base(name) || entries[0].Path != dir+"/"+name {
			t.Errorf("entries = %+v", entries)
		}
	}},
	{"symlinks", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "mkdir d && echo hi > f && ln -s f lf && ln -s " + dir + "/d ld && ln -s nowhere lb", Cwd: dir})
		entries, err := s.env.List(ctx, dir)
		must(t, err)
		got := map[string]e2b.Entry{}
		for _, e := range entries {
			got[e.Name] = e
		}
		want := map[string]struct{ typ, target string }{
			"d": {"dir", ""}, "f": {"file", ""},
			"lf": {"file", dir + "/f"}, "ld": {"dir", dir + "/d"}, "lb": {"symlink", dir + "/lb"},
		}
		if len(got) != len(want) {
			t.Errorf("listed %d entries, want %d: %+v", len(got), len(want), entries)
		}
		for name, w := range want {
			e := got[name]
			if e.Type != w.typ || e.SymlinkTarget != w.target {
				t.Errorf("list %s: type %q target %q, want %q %q", name, e.Type, e.SymlinkTarget, w.typ, w.target)
			}
			st, err := s.env.Stat(ctx, dir+"/"+name)
			must(t, err)
			if st.Type != w.typ || st.SymlinkTarget != w.target {
				t.Errorf("stat %s: type %q target %q, want %q %q", name, st.Type, st.SymlinkTarget, w.typ, w.target)
			}
		}
		if b, err := s.env.ReadFile(ctx, dir+"/lf"); err != nil || string(b) != "hi\n" {
			t.Errorf("read through link: %q %v", b, err)
		}
		if _, err := s.env.ReadFile(ctx, dir+"/lb"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("read broken link: %v, want not_found", err)
		}
	}},
	{"list_stat_mkdir_remove", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		must(t, s.env.MakeDir(ctx, dir+"/x/y/z"))
		must(t, s.env.MakeDir(ctx, dir+"/x/y/z")) // existing: fine
		must(t, s.env.WriteFiles(ctx, []e2b.File{{Path: dir + "/x/file.txt", Content: "12345"}}))
		if err := s.env.MakeDir(ctx, dir+"/x/file.txt"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("mkdir over a file: %v, want invalid", err)
		}
		entries, err := s.env.List(ctx, dir+"/x")
		must(t, err)
		if len(entries) != 2 || entries[0].Name != "file.txt" || entries[0].Type != "file" || entries[0].Size != 5 ||
			entries[1].Name != "y" || entries[1].Type != "dir" || entries[1].Path != dir+"/x/y" {
			t.Errorf("entries = %+v", entries)
		}
		st, err := s.env.Stat(ctx, dir+"/x/y")
		must(t, err)
		if st.Type != "dir" || st.Name != "y" {
			t.Errorf("stat = %+v", st)
		}
		if _, err := s.env.List(ctx, dir+"/x/file.txt"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("list a file: %v, want invalid", err)
		}
		must(t, s.env.Remove(ctx, dir+"/x"))
		must(t, s.env.Remove(ctx, dir+"/x")) // missing: fine
		if _, err := s.env.Stat(ctx, dir+"/x"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("stat removed: %v", err)
		}
	}},
	{"not_found", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		missing := dir + "/missing"
		_, err1 := s.env.ReadFile(ctx, missing)
		_, err2 := s.env.List(ctx, missing)
		_, err3 := s.env.Stat(ctx, missing)
		for i, err := range []error{err1, err2, err3} {
			if apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("call %d: %v, want not_found", i, err)
			}
		}
		if _, err := s.env.ReadFile(ctx, dir); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("read a folder: %v, want invalid", err)
		}
		if _, err := s.env.Run(ctx, e2b.ProcessOptions{Cmd: "true", Cwd: missing}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("run in a missing folder: %v, want invalid", err)
		}
	}},
	{"process_output_and_exit", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		out, errOut, code := run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "echo out; echo err >&2; exit 3"})
		if out != "out\n" || errOut != "err\n" || code != 3 {
			t.Errorf("got %q %q %d", out, errOut, code)
		}
		out, _, code = run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "/bin/echo", Args: []string{"a b", "c"}})
		if out != "a b c\n" || code != 0 {
			t.Errorf("direct exec: %q %d", out, code)
		}
		if _, _, code = run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "kill -9 $$"}); code != -1 {
			t.Errorf("killed shell exit code %d, want -1", code)
		}
	}},
	{"env_and_path", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		const p = "/opt/conformance/bin:/usr/bin:/bin"
		out, _, _ := run(ctx, t, s.env, e2b.ProcessOptions{Cmd: `printf '%s|%s|%s' "$PATH" "$FOO" "$FROM_ENV"`,
			Env: map[string]string{"PATH": p, "FOO": `a b'c"$x`, "FROM_ENV": "1"}})
		if out != p+`|a b'c"$x|1` {
			t.Errorf("got %q", out)
		}
	}},
	{"cwd", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		if out, _, _ := run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "pwd", Cwd: dir}); out != dir+"\n" {
			t.Errorf("pwd = %q, want %s", out, dir)
		}
		if out, _, _ := run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "pwd"}); out != s.home+"\n" {
			t.Errorf("default cwd = %q, want %s", out, s.home)
		}
	}},
	{"users", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		out, _, _ := run(ctx, t, s.env.WithUser(s.user), e2b.ProcessOptions{Cmd: `printf '%s:%s:%s' "$USER" "$LOGNAME" "$HOME"`})
		if want := s.user + ":" + s.user + ":" + s.envHome; out != want {
			t.Errorf("got %q, want %q", out, want)
		}
		bad := s.env.WithUser("nosuchuser")
		_, err := bad.Run(ctx, e2b.ProcessOptions{Cmd: "true"})
		_, ferr := bad.ReadFile(ctx, dir+"/x")
		lerr := bad.MakeDir(ctx, dir+"/y")
		for i, err := range []error{err, ferr, lerr} {
			if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), `"nosuchuser"`) {
				t.Errorf("unknown user, call %d: %v", i, err)
			}
		}
	}},
	{"output_10MB", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		var n, x int
		_, err := s.env.Run(ctx, e2b.ProcessOptions{Cmd: "head -c 10485760 /dev/zero | tr '\\0' x; echo done >&2",
			OnStdout: func(b []byte) { n += len(b); x += bytes.Count(b, []byte("x")) }})
		must(t, err)
		if n != 10<<20 || x != n {
			t.Errorf("got %d bytes (%d x), want %d", n, x, 10<<20)
		}
	}},
	{"parallel_runs", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out bytes.Buffer
				code, err := s.env.Run(ctx, e2b.ProcessOptions{Cmd: fmt.Sprintf("sleep 0.2; echo %d; exit %d", i, i),
					OnStdout: func(b []byte) { out.Write(b) }})
				if err != nil || code != i || out.String() != fmt.Sprintf("%d\n", i) {
					errs <- fmt.Errorf("run %d: %q %d %v", i, out.String(), code, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}},
	{"auth", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		for _, tok := range []string{"wrong-token", ""} {
			e := s.withToken(tok)
			_, err1 := e.ReadFile(ctx, dir+"/x")
			_, err2 := e.List(ctx, dir)
			_, err3 := e.Run(ctx, e2b.ProcessOptions{Cmd: "true"})
			for i, err := range []error{err1, err2, err3} {
				if apperr.CodeOf(err) != apperr.Unauthorized {
					t.Errorf("token %q, call %d: %v, want unauthorized", tok, i, err)
				}
			}
		}
	}},
	{"template_without_setsid", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		// A template without setsid(1) still runs commands (a stop then
		// reaches only the shell, as with envd alone).
		out, _, code := run(ctx, t, s.env.WithoutSetsid(), e2b.ProcessOptions{Cmd: "echo $((6*7)) $PATH", Env: map[string]string{"PATH": "/usr/bin:/bin"}})
		if out != "42 /usr/bin:/bin\n" || code != 0 {
			t.Errorf("got %q %d", out, code)
		}
	}},
	{"envd_signals_only_the_pid", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		// What envd does on its own (no session from the client): the
		// shell dies, its child lives on. The fake must not hide this.
		m := marker()
		rctx, cancel := context.WithCancel(ctx)
		_, err := s.env.RunWithoutTree(rctx, e2b.ProcessOptions{Cmd: "sleep " + m + " & echo started; wait",
			OnStdout: func(b []byte) {
				if bytes.Contains(b, []byte("started")) {
					cancel()
				}
			}})
		cancel()
		if apperr.CodeOf(err) != apperr.Canceled {
			t.Errorf("err = %v", err)
		}
		if n := sleepers(ctx, t, s, m); n != 1 {
			t.Errorf("%d `sleep %s` left, want the orphan that envd leaves", n, m)
		}
		run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "pkill -KILL -x -f 'sleep " + m + "'; true"})
	}},
	{"cancel_stops_the_tree", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		m := marker()
		rctx, cancel := context.WithCancel(ctx)
		_, err := s.env.Run(rctx, e2b.ProcessOptions{Cmd: "(sleep " + m + " &); sleep " + m + " & echo started; sleep " + m,
			OnStdout: func(b []byte) {
				if bytes.Contains(b, []byte("started")) {
					cancel()
				}
			}})
		cancel()
		if apperr.CodeOf(err) != apperr.Canceled {
			t.Errorf("err = %v", err)
		}
		noSleepers(ctx, t, s, m)
	}},
	{"a_run_is_found_by_its_tag", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		// A Stop that comes before envd told the pid finds the command by
		// the tag Run gives it: envd must keep and list that tag.
		m := marker()
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go s.env.Run(rctx, e2b.ProcessOptions{Cmd: "sleep " + m + " & sleep " + m, Timeout: -1})
		tag := ""
		for i := 0; i < 50 && tag == ""; i++ {
			ps, err := s.env.ListProcesses(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if strings.HasPrefix(p.Tag, "tessera-run-") && strings.Contains(strings.Join(p.Args, " "), "sleep "+m) {
					tag = p.Tag
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		if tag == "" {
			t.Fatal("the command is not listed with its tag")
		}
		s.env.KillStarted(ctx, tag)
		noSleepers(ctx, t, s, m)
	}},
	{"timeout_stops_the_tree", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		m := marker()
		start := time.Now()
		_, err := s.env.Run(ctx, e2b.ProcessOptions{Cmd: "sleep " + m + " & sleep " + m + "; echo never", Timeout: time.Second})
		if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(apperr.MessageOf(err), "time limit") {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("a 1 s limit took %s", d)
		}
		noSleepers(ctx, t, s, m)
	}},
	{"kill_stops_the_tree", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		m := marker()
		pids := make(chan uint32, 1)
		done := make(chan error, 1)
		go func() {
			_, err := s.env.Run(ctx, e2b.ProcessOptions{Cmd: "sleep " + m + " & echo $$; sleep " + m, Timeout: -1,
				OnStdout: func(b []byte) {
					if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
						pids <- uint32(n)
					}
				}})
			done <- err
		}()
		var pid uint32
		select {
		case pid = <-pids:
		case err := <-done:
			t.Fatalf("ended before printing its pid: %v", err)
		}
		must(t, s.env.Kill(ctx, pid))
		if err := <-done; err != nil {
			t.Errorf("killed command: %v", err)
		}
		noSleepers(ctx, t, s, m)
	}},
}

// marker is a unique `sleep` argument, to find a case's processes.
func marker() string { return strconv.Itoa(100000 + rand.IntN(800000)) }

// sleepers counts the processes `sleep <m>` in the sandbox, listed by ps
// inside it, the way a user would look.
func sleepers(ctx context.Context, t *testing.T, s *confServer, m string) int {
	t.Helper()
	out, _, _ := run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "ps -eo args="})
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "sleep "+m {
			n++
		}
	}
	return n
}

// noSleepers fails unless every `sleep <m>` is gone (a kill takes effect
// at once, but the kernel may need a moment to reap).
func noSleepers(ctx context.Context, t *testing.T, s *confServer, m string) {
	t.Helper()
	for range 20 {
		if sleepers(ctx, t, s, m) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("`sleep %s` still running in the sandbox", m)
	run(ctx, t, s.env, e2b.ProcessOptions{Cmd: "pkill -KILL -x -f 'sleep " + m + "'; true"})
}

func run(ctx context.Context, t *testing.T, e *e2b.Envd, po e2b.ProcessOptions) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	po.OnStdout = func(b []byte) { out.Write(b) }
	po.OnStderr = func(b []byte) { errOut.Write(b) }
	code, err := e.Run(ctx, po)
	if err != nil {
		t.Fatalf("%s: %v", po.Cmd, err)
	}
	return out.String(), errOut.String(), code
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
