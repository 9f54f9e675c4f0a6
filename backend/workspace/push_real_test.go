package workspace

import (
	"context"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tessera/backend/apperr"
)

// realBare makes a bare repository with real git (its HEAD is git's
// default, master) that accepts pushes over http.
func realBare(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p.git")
	if out, err := realGit(filepath.Dir(dir), "-c", "init.defaultBranch=master", "init", "-q", "--bare", dir); err != nil {
		t.Fatal(err, out)
	}
	if out, err := realGit(dir, "config", "http.receivepack", "true"); err != nil {
		t.Fatal(err, out)
	}
	return dir
}

// authLog records, per request, whether it carried credentials, and
// whether any did before the server had asked.
type authLog struct {
	mu        sync.Mutex
	asked     bool
	early     bool // credentials sent before any 401
	requests  int
	withCreds int
}

// realGitHTTP serves the bare repository dir at /p.git with git's own
// http-backend (CGI), behind basic auth for user/token.
func realGitHTTP(t *testing.T, dir, user, token string) (*httptest.Server, *authLog) {
	t.Helper()
	exec, err := realGit(dir, "--exec-path")
	if err != nil {
		t.Skip("no git exec path:", err)
	}
	backend := filepath.Join(strings.TrimSpace(exec), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Skip("git-http-backend is not installed:", err)
	}
	log := &authLog{}
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		log.mu.Lock()
		log.requests++
		if ok {
			log.withCreds++
			if !log.asked {
				log.early = true
			}
		}
		if !ok {
			log.asked = true
		}
		log.mu.Unlock()
		if !ok {
			rw.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(rw, "auth required", http.StatusUnauthorized)
			return
		}
		if u != user || p != token {
			http.Error(rw, "forbidden", http.StatusForbidden)
			return
		}
		(&cgi.Handler{
			Path: backend,
			Root: "/",
			Env:  []string{"GIT_PROJECT_ROOT=" + filepath.Dir(dir), "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + u, "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir},
		}).ServeHTTP(rw, r)
	})
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s, log
}

// TestPushToRealGitHTTPBackend: against git's own server, the token goes
// only after the server asked (401), the current branch is pushed to the
// same-named branch, plain http is allowed only to this computer (with a
// warning), and elsewhere the token is never sent.
func TestPushToRealGitHTTPBackend(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := threeVersions(t)
	dir := realBare(t)
	const token = "tok-real-7d2e"
	srv, log := realGitHTTP(t, dir, "me", token)
	addr := srv.URL + "/p.git"

	// The person checked out a branch of their own: that one is pushed.
	if out, err := realGit(w.Root(), "checkout", "-q", "-b", "feature"); err != nil {
		t.Fatal(err, out)
	}
	res, err := w.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if res.Branch != "feature" || !strings.Contains(res.Warning, "plain http") {
		t.Errorf("result = %+v", res)
	}
	if got, _ := realGit(dir, "rev-parse", "refs/heads/feature"); strings.TrimSpace(got) != res.Head {
		t.Errorf("remote feature = %q, want %s", got, res.Head)
	}
	if _, err := realGit(dir, "rev-parse", "--verify", "-q", "refs/heads/main"); err == nil {
		t.Error("the push also wrote main")
	}
	if log.early || log.withCreds == 0 || !log.asked {
		t.Errorf("credentials before the server asked: %+v", log)
	}
	if out, err := realGit(dir, "fsck", "--full"); err != nil {
		t.Fatalf("remote fsck: %v\n%s", err, out)
	}
	// A branch chosen by name, to the same name there.
	if res, err := w.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token, Branch: "main"}); err != nil || res.Branch != "main" {
		t.Fatalf("push main: %+v %v", res, err)
	}
	if _, err := w.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token, Branch: "nope"}); apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "no branch") {
		t.Errorf("a branch the project lacks: %v", err)
	}

	// Plain http to another machine: the server asks, the token stays home.
	// (0.0.0.0 reaches this machine on Linux, but is no loopback address.)
	far := strings.Replace(addr, "127.0.0.1", "0.0.0.0", 1)
	before := log.withCreds
	_, err = w.Push(ctx, PushTarget{URL: far, Username: "me", Token: token})
	if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "only over https") || strings.Contains(err.Error(), token) {
		t.Fatalf("token over plain http: %v", err)
	}
	if log.withCreds != before {
		t.Fatal("the token was sent over plain http to another machine")
	}
}

// TestPushSetsANewBareRemotesHead: a new bare repository's HEAD names
// master, which does not exist; after the first push it names the pushed
// branch, so a clone checks the files out.
func TestPushSetsANewBareRemotesHead(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	w := threeVersions(t)
	dir := realBare(t)
	if _, err := w.Push(ctx, PushTarget{URL: dir}); err != nil {
		t.Fatal(err)
	}
	if got, _ := realGit(dir, "symbolic-ref", "HEAD"); strings.TrimSpace(got) != "refs/heads/main" {
		t.Errorf("remote HEAD = %q, want refs/heads/main", got)
	}
	clone := filepath.Join(t.TempDir(), "c")
	if out, err := realGit(filepath.Dir(clone), "clone", "-q", dir, clone); err != nil {
		t.Fatal(err, out)
	}
	if ents, _ := os.ReadDir(clone); len(ents) < 2 {
		t.Errorf("the clone checked out nothing: %v", ents)
	}
	// A bare repository whose HEAD names an existing branch keeps it.
	if out, err := realGit(dir, "symbolic-ref", "HEAD", "refs/heads/kept"); err != nil {
		t.Fatal(err, out)
	}
	if out, err := realGit(dir, "branch", "kept", "main"); err != nil {
		t.Fatal(err, out)
	}
	makeBranch(t, w, "other")
	if _, err := w.Push(ctx, PushTarget{URL: dir, Branch: "other"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := realGit(dir, "symbolic-ref", "HEAD"); strings.TrimSpace(got) != "refs/heads/kept" {
		t.Errorf("remote HEAD moved to %q", got)
	}
}
