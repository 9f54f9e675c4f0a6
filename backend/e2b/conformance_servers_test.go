package e2b_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

// confServer is one envd the conformance suite runs against.
type confServer struct {
	name string
	// env acts as user, with the right access token.
	env  *e2b.Envd
	user string // an account that exists: "user" in the fake, "root" for the real envd
	home string // that account's home folder (default working folder)
	// envHome is $HOME in commands: the real half gives root a clean one.
	envHome string
	// withToken is env with another access token ("" for none).
	withToken func(tok string) *e2b.Envd
	// scratch is an absolute sandbox folder the cases may fill.
	scratch string
	// raw sends one request to envd as is (with the access token): for
	// calls the SDK makes that Tessera's client does not.
	raw func(req *http.Request) (*http.Response, error)
}

// rawSender sends requests to base (envd's address) with the token.
func rawSender(hc *http.Client, base, token string) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) {
		u, err := url.Parse(base + req.URL.String())
		if err != nil {
			return nil, err
		}
		req.URL, req.Host = u, u.Host
		req.Header.Set("X-Access-Token", token)
		return hc.Do(req)
	}
}

// fakeConfServer is the fake, with a secure sandbox (token required).
func fakeConfServer(t *testing.T) *confServer {
	f := e2btest.New(t)
	cfg := f.Config("e2b_conformance")
	c, err := e2b.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// FROM_INIT as the real half's /init has it (create-time envVars).
	sb, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "base", Timeout: 10 * time.Minute, Secure: true, EnvVars: map[string]string{"FROM_INIT": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if sb.EnvdAccessToken == "" {
		t.Fatal("the fake gave a secure sandbox no access token")
	}
	return &confServer{
		name: "fake", env: c.Envd(sb), user: "user", home: "/home/user", envHome: "/home/user",
		withToken: func(tok string) *e2b.Envd { cp := *sb; cp.EnvdAccessToken = tok; return c.Envd(&cp) },
		scratch:   "/home/user/conformance",
		raw:       rawSender(cfg.HTTPClient, c.HostURL(sb, e2b.EnvdPort), sb.EnvdAccessToken),
	}
}

// envdBinary finds E2B's real envd: $TESSERA_REAL_ENVD, or shared/e2b/real
// beside the checkout.
func envdBinary() string {
	if p := os.Getenv("TESSERA_REAL_ENVD"); p != "" {
		return p
	}
	p, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "e2b", "real", "envd"))
	return p
}

// realConfServer starts E2B's own envd on a free loopback port and
// initialises it with an access token, as E2B's orchestrator does.
func realConfServer(t *testing.T) *confServer {
	bin := envdBinary()
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("real envd half skipped: no envd binary at %s (set TESSERA_REAL_ENVD)", bin)
	}
	if os.Geteuid() != 0 {
		t.Skip("real envd half skipped: envd must run as root (it switches users); CI runs it")
	}
	// The loopback build's run folder (README of shared/e2b/real).
	if err := os.MkdirAll("/tmp/envd-local/e2b", 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "-isnotfc", "-no-cgroups", "-port", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("envd log:\n%s", logs.String())
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNoContent {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("envd did not become healthy: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	// A clean $HOME (set through /init, as sandbox env vars are): a login
	// shell then reads no dotfiles of the host's root, which E2B templates
	// do not have (here /root/.bashrc runs pyenv, whose rehash lock, left
	// behind by a killed shell, stalls every later login shell).
	envHome := t.TempDir()
	body := fmt.Sprintf(`{"accessToken":%q,"envVars":{"FROM_INIT":"1","HOME":%q},"defaultUser":"root"}`, token, envHome)
	resp, err := http.Post("http://"+addr+"/init", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("envd /init: %s", resp.Status)
	}
	// Real host names, dialled to the one envd (as the fake routes them).
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 16,
	}}
	c, err := e2b.New(e2b.Config{APIKey: "e2b_conformance", Domain: "e2b.test", Scheme: "http", HTTPClient: hc,
		User: "root", RequestTimeout: 10 * time.Second, StreamIdleTimeout: 60 * time.Second,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	sb := &e2b.Sandbox{SandboxID: "iconformance0realenvd", EnvdAccessToken: token}
	scratch, err := os.MkdirTemp("", "tessera-conformance-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(scratch) })
	return &confServer{
		name: "real", env: c.Envd(sb), user: "root", home: "/root", envHome: envHome,
		withToken: func(tok string) *e2b.Envd { cp := *sb; cp.EnvdAccessToken = tok; return c.Envd(&cp) },
		scratch:   scratch,
		raw:       rawSender(&http.Client{}, "http://"+addr, token),
	}
}
