package e2b_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"
)

// Calls E2B's SDK makes that Tessera's client does not (issue 23): raw
// uploads, stdin, directory watch, the default account. Sent as the SDK
// sends them, to the fake and to E2B's own envd alike.
var sdkConformanceCases = []struct {
	name string
	run  func(ctx context.Context, t *testing.T, s *confServer, dir string)
}{
	{"octet_stream_upload", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		bin := make([]byte, 256)
		for i := range bin {
			bin[i] = byte(i)
		}
		p := dir + "/raw.bin"
		st, body := rawDo(ctx, t, s, http.MethodPost, "/files?path="+p+"&username="+s.user,
			map[string]string{"Content-Type": "application/octet-stream"}, bytes.NewReader(bin))
		var got []map[string]string
		if st != http.StatusOK || json.Unmarshal(body, &got) != nil || len(got) != 1 ||
			got[0]["name"] != "raw.bin" || got[0]["path"] != p || got[0]["type"] != "file" {
			t.Fatalf("octet-stream upload: %d %s", st, body)
		}
		back, err := s.env.ReadFile(ctx, p)
		must(t, err)
		if !bytes.Equal(back, bin) {
			t.Fatalf("read back %d bytes, wrote %d", len(back), len(bin))
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write([]byte("zipped ü"))
		must(t, zw.Close())
		st, body = rawDo(ctx, t, s, http.MethodPost, "/files?path="+dir+"/z.txt&username="+s.user,
			map[string]string{"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"}, &z)
		if st != http.StatusOK {
			t.Fatalf("gzip upload: %d %s", st, body)
		}
		if back, err := s.env.ReadFile(ctx, dir+"/z.txt"); err != nil || string(back) != "zipped ü" {
			t.Fatalf("gzip upload read back %q, %v", back, err)
		}
		for _, tc := range []struct {
			name, query string
			hdr         map[string]string
			want        string
		}{
			{"no path", "", map[string]string{"Content-Type": "application/octet-stream"},
				"path query parameter is required for raw body upload"},
			{"a folder", "path=" + dir, map[string]string{"Content-Type": "application/octet-stream"},
				"path is a directory: " + dir},
			{"another type", "path=" + dir + "/t.txt", map[string]string{"Content-Type": "text/plain"},
				"unsupported content type: text/plain, expected multipart/form-data or application/octet-stream"},
			{"another encoding", "path=" + dir + "/b.txt", map[string]string{"Content-Type": "application/octet-stream", "Content-Encoding": "br"},
				"error decompressing request body: unsupported Content-Encoding: br, supported: [gzip]"},
		} {
			st, body := rawDo(ctx, t, s, http.MethodPost, "/files?"+tc.query+"&username="+s.user, tc.hdr, strings.NewReader("x"))
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if st != http.StatusBadRequest || json.Unmarshal(body, &e) != nil || e.Code != 400 || e.Message != tc.want {
				t.Errorf("%s: %d %s, want 400 %q", tc.name, st, body, tc.want)
			}
		}
	}},
	{"stdin_send_and_close", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		frames := rawStart(ctx, t, s, "", `cat; echo done`, true)
		pid := startPid(t, frames)
		unary := func(method, body string) (int, string) {
			st, b := rawDo(ctx, t, s, http.MethodPost, "/process.Process/"+method,
				map[string]string{"Content-Type": "application/json", "Authorization": basicAuth(s.user)}, strings.NewReader(body))
			return st, strings.TrimSpace(string(b))
		}
		in := base64.StdEncoding.EncodeToString([]byte("hello\n"))
		if st, b := unary("SendInput", fmt.Sprintf(`{"process":{"pid":%d},"input":{"stdin":%q}}`, pid, in)); st != 200 || b != "{}" {
			t.Fatalf("SendInput: %d %s", st, b)
		}
		if st, b := unary("CloseStdin", fmt.Sprintf(`{"process":{"pid":%d}}`, pid)); st != 200 || b != "{}" {
			t.Fatalf("CloseStdin: %d %s", st, b)
		}
		out, end := drain(t, frames)
		if out != "hello\ndone\n" || end["exited"] != true {
			t.Fatalf("stdout %q, end %v", out, end)
		}
		// Without stdin: input is refused, closing is fine.
		frames = rawStart(ctx, t, s, "", `sleep 30`, false)
		pid = startPid(t, frames)
		defer func() { _ = s.env.Kill(ctx, pid) }()
		st, b := unary("SendInput", fmt.Sprintf(`{"process":{"pid":%d},"input":{"stdin":%q}}`, pid, in))
		if st != 500 || b != `{"code":"internal","message":"error writing to stdin: stdin not enabled or closed"}` {
			t.Errorf("SendInput without stdin: %d %s", st, b)
		}
		if st, b := unary("CloseStdin", fmt.Sprintf(`{"process":{"pid":%d}}`, pid)); st != 200 || b != "{}" {
			t.Errorf("CloseStdin without stdin: %d %s", st, b)
		}
	}},
	{"default_account", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		// No Authorization header: envd runs the command as its default
		// account ("user" in E2B's templates; root in the real half here).
		out, _ := drain(t, rawStart(ctx, t, s, "-", `whoami; echo "$HOME"`, false))
		if want := s.user + "\n" + s.envHome + "\n"; out != want {
			t.Errorf("whoami and HOME: %q, want %q", out, want)
		}
	}},
	{"watch_dir", func(ctx context.Context, t *testing.T, s *confServer, dir string) {
		frames := rawStream(ctx, t, s, "/filesystem.Filesystem/WatchDir", basicAuth(s.user), fmt.Sprintf(`{"path":%q}`, dir))
		if f := <-frames; f.flags != 0 || !bytes.Equal(f.body, []byte(`{"start":{}}`)) {
			t.Fatalf("first frame %d %s", f.flags, f.body)
		}
		must(t, s.env.MakeDir(ctx, dir+"/made"))
		f := <-frames
		if f.flags != 0 || string(f.body) != `{"filesystem":{"name":"made","type":"EVENT_TYPE_CREATE"}}` {
			t.Fatalf("after MakeDir: %d %s", f.flags, f.body)
		}
		for _, tc := range []struct{ p, want string }{
			{dir + "/missing", fmt.Sprintf(`{"error":{"code":"not_found","message":"path %s/missing not found: stat %s/missing: no such file or directory"}}`, dir, dir)},
		} {
			f := <-rawStream(ctx, t, s, "/filesystem.Filesystem/WatchDir", basicAuth(s.user), fmt.Sprintf(`{"path":%q}`, tc.p))
			if f.flags != 2 || string(f.body) != tc.want {
				t.Errorf("watch %s: %d %s, want %s", path.Base(tc.p), f.flags, f.body, tc.want)
			}
		}
	}},
}

func basicAuth(user string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"))
}

func rawDo(ctx context.Context, t *testing.T, s *confServer, method, target string, hdr map[string]string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := s.raw(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type frame struct {
	flags byte
	body  []byte
}

// rawStream opens a Connect server stream and delivers its frames; the
// channel closes when the stream does (or the test ends).
func rawStream(ctx context.Context, t *testing.T, s *confServer, method, auth, body string) <-chan frame {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	env := make([]byte, 5, 5+len(body))
	binary.BigEndian.PutUint32(env[1:], uint32(len(body)))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, method, bytes.NewReader(append(env, body...)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/connect+json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := s.raw(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("%s: %s %s", method, resp.Status, b)
	}
	ch := make(chan frame, 64)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		for {
			var hdr [5]byte
			if _, err := io.ReadFull(br, hdr[:]); err != nil {
				return
			}
			b := make([]byte, binary.BigEndian.Uint32(hdr[1:]))
			if _, err := io.ReadFull(br, b); err != nil {
				return
			}
			select {
			case ch <- frame{hdr[0], b}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// rawStart starts `bash -c cmd` as the SDK does; user "" is the server's
// account, "-" sends no Authorization (envd's default account).
func rawStart(ctx context.Context, t *testing.T, s *confServer, user, cmd string, stdin bool) <-chan frame {
	t.Helper()
	auth := basicAuth(s.user)
	switch user {
	case "-":
		auth = ""
	case "":
	default:
		auth = basicAuth(user)
	}
	body, _ := json.Marshal(map[string]any{"process": map[string]any{"cmd": "/bin/bash", "args": []string{"-c", cmd}}, "stdin": stdin})
	return rawStream(ctx, t, s, "/process.Process/Start", auth, string(body))
}

func startPid(t *testing.T, frames <-chan frame) uint32 {
	t.Helper()
	f, ok := <-frames
	var ev struct {
		Event struct {
			Start struct {
				Pid uint32 `json:"pid"`
			} `json:"start"`
		} `json:"event"`
	}
	if !ok || json.Unmarshal(f.body, &ev) != nil || ev.Event.Start.Pid == 0 {
		t.Fatalf("no start event: %s", f.body)
	}
	return ev.Event.Start.Pid
}

// drain reads a process stream to its end: stdout, and the end event.
func drain(t *testing.T, frames <-chan frame) (string, map[string]any) {
	t.Helper()
	var out strings.Builder
	var end map[string]any
	timeout := time.After(45 * time.Second) // only ends a hung run
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				return out.String(), end
			}
			var ev struct {
				Event struct {
					Data map[string][]byte `json:"data"`
					End  map[string]any    `json:"end"`
				} `json:"event"`
			}
			if f.flags == 2 {
				if !bytes.Equal(f.body, []byte("{}")) {
					t.Errorf("stream ended with %s", f.body)
				}
				continue
			}
			_ = json.Unmarshal(f.body, &ev)
			out.Write(ev.Event.Data["stdout"])
			if ev.Event.End != nil {
				end = ev.Event.End
			}
		case <-timeout:
			t.Fatalf("the stream never ended; so far %q", out.String())
		}
	}
}
