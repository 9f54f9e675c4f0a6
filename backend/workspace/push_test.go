package workspace

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"tessera/backend/apperr"
)

func bareRepo(t *testing.T) (string, *git.Repository) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "remote.git")
	r, err := git.PlainInit(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	return dir, r
}

func refOf(t *testing.T, r *git.Repository, branch string) string {
	t.Helper()
	ref, err := r.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return ""
	}
	return ref.Hash().String()
}

// makeBranch makes a branch of w at its current version (as git branch).
func makeBranch(t *testing.T, w *Workspace, name string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	head, err := w.repo.Head()
	if err == nil {
		err = w.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), head.Hash()))
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestPushLocal(t *testing.T) {
	ctx := context.Background()
	w := threeVersions(t)
	dir, remote := bareRepo(t)
	for _, addr := range []string{dir, "file://" + filepath.ToSlash(dir)} {
		res, err := w.Push(ctx, PushTarget{URL: addr})
		if err != nil {
			t.Fatalf("push to %s: %v", addr, err)
		}
		if got := refOf(t, remote, "main"); got != res.Head {
			t.Fatalf("remote main = %s, want %s", got, res.Head)
		}
	}
	// The second push above found it there already.
	res, err := w.Push(ctx, PushTarget{URL: dir})
	if err != nil || !res.UpToDate {
		t.Fatalf("again: %+v, %v", res, err)
	}
	// A new version goes forward; the whole history is readable there.
	v := mustCommit(t, w, []File{{Path: "new.txt", Content: []byte("n")}}, "fourth")
	if _, err := w.Push(ctx, PushTarget{URL: dir}); err != nil {
		t.Fatal(err)
	}
	if refOf(t, remote, "main") != v.ID {
		t.Fatal("the new version did not reach the remote")
	}
	log, err := remote.Log(&git.LogOptions{From: plumbing.NewHash(v.ID)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	log.ForEach(func(*object.Commit) error { n++; return nil })
	if n != 4 {
		t.Fatalf("remote history has %d commits, want 4", n)
	}
	// Another branch, to the same-named one.
	makeBranch(t, w, "tessera")
	if _, err := w.Push(ctx, PushTarget{URL: dir, Branch: "tessera"}); err != nil || refOf(t, remote, "tessera") != v.ID {
		t.Fatalf("branch push: %v", err)
	}
}

func TestPushLocalRefusals(t *testing.T) {
	ctx := context.Background()
	w := threeVersions(t)
	dir, remote := bareRepo(t)
	if _, err := w.Push(ctx, PushTarget{URL: dir}); err != nil {
		t.Fatal(err)
	}
	// Someone else pushed a version this project lacks.
	other := open(t)
	mustCommit(t, other, []File{{Path: "theirs.txt", Content: []byte("t")}}, "theirs")
	makeBranch(t, other, "side")
	makeBranch(t, w, "side")
	if _, err := other.Push(ctx, PushTarget{URL: dir, Branch: "side"}); err != nil {
		t.Fatal(err)
	}
	side := refOf(t, remote, "side")
	if _, err := w.Push(ctx, PushTarget{URL: dir, Branch: "side"}); !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.MessageOf(err), "fast-forward") {
		t.Fatalf("non-fast-forward: %v", err)
	}
	if refOf(t, remote, "side") != side {
		t.Fatal("a refused push moved the branch")
	}
	// Not a repository, no folder, a working copy with main checked out.
	if _, err := w.Push(ctx, PushTarget{URL: t.TempDir()}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("plain folder: %v", err)
	}
	if _, err := w.Push(ctx, PushTarget{URL: filepath.Join(t.TempDir(), "nope")}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("missing folder: %v", err)
	}
	wc := open(t)
	mustCommit(t, wc, []File{{Path: "x", Content: []byte("x")}}, "x")
	if _, err := w.Push(ctx, PushTarget{URL: wc.Root()}); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("checked-out branch: %v", err)
	}
	// No version yet.
	if _, err := open(t).Push(ctx, PushTarget{URL: dir}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("empty project: %v", err)
	}
	if _, err := w.Push(ctx, PushTarget{URL: dir, Branch: "a..b"}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad branch: %v", err)
	}
}

func TestCheckRemoteURL(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"https://github.com/you/p.git", true},
		{"  http://localhost:8080/p.git ", true},
		{"https://user@github.com/you/p.git", true},
		{"/srv/git/p.git", true},
		{"file:///srv/git/p.git", true},
		{"https://user:ghp_secret@github.com/you/p.git", false},
		{"git@github.com:you/p.git", false},
		{"ssh://git@github.com/you/p.git", false},
		{"ftp://x/y", false},
		{"relative/path", false},
		{"", false},
		{"https://github.com/a b", false},
		{"https:///nohost", false},
	} {
		_, err := CheckRemoteURL(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("CheckRemoteURL(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
		if err != nil && (apperr.MessageOf(err) == "" || strings.Contains(apperr.MessageOf(err), "ghp_secret")) {
			t.Errorf("CheckRemoteURL(%q): sentence %q", tc.in, apperr.MessageOf(err))
		}
	}
}

// gitHTTP is a git smart-HTTP server for receive-pack over go-git's own
// server package, with basic auth: the path /<name>.git serves the bare
// repository repos[name]; any other path is 404.
func gitHTTP(t *testing.T, repos map[string]string, user, token string) *httptest.Server {
	t.Helper()
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok {
			rw.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(rw, "auth required", http.StatusUnauthorized)
			return
		}
		if u != user || p != token {
			http.Error(rw, "forbidden", http.StatusForbidden)
			return
		}
		name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), ".git/")
		dir, found := repos[name]
		if !found {
			http.NotFound(rw, r)
			return
		}
		sto := filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault())
		srv := server.NewServer(server.MapLoader{"file:///repo": sto})
		ep, _ := transport.NewEndpoint("file:///repo")
		sess, err := srv.NewReceivePackSession(ep, nil)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
			return
		}
		defer sess.Close()
		switch {
		case rest == "info/refs" && r.URL.Query().Get("service") == transport.ReceivePackServiceName:
			ar, err := sess.AdvertisedReferencesContext(r.Context())
			if err != nil {
				http.Error(rw, err.Error(), http.StatusInternalServerError)
				return
			}
			ar.Prefix = [][]byte{[]byte("# service=git-receive-pack"), pktline.Flush}
			rw.Header().Set("Content-Type", "application/x-git-receive-pack-advertisement")
			ar.Encode(rw)
		case rest == "git-receive-pack" && r.Method == http.MethodPost:
			req := packp.NewReferenceUpdateRequest()
			if err := req.Decode(r.Body); err != nil {
				http.Error(rw, err.Error(), http.StatusBadRequest)
				return
			}
			rs, err := sess.ReceivePack(r.Context(), req)
			rw.Header().Set("Content-Type", "application/x-git-receive-pack-result")
			if rs != nil {
				rs.Encode(rw)
			} else if err != nil {
				http.Error(rw, err.Error(), http.StatusInternalServerError)
			}
		default:
			http.NotFound(rw, r)
		}
	})
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func TestPushHTTP(t *testing.T) {
	ctx := context.Background()
	w := threeVersions(t)
	dir, remote := bareRepo(t)
	const token = "tok-3f9a1c"
	srv := gitHTTP(t, map[string]string{"p": dir}, "me", token)
	addr := srv.URL + "/p.git"

	for _, tc := range []struct {
		name string
		t    PushTarget
		code apperr.Code
	}{
		{"no token", PushTarget{URL: addr}, apperr.Unauthorized},
		{"wrong token", PushTarget{URL: addr, Username: "me", Token: "nope"}, apperr.Unauthorized},
		{"not found", PushTarget{URL: srv.URL + "/missing.git", Username: "me", Token: token}, apperr.NotFound},
		{"unreachable", PushTarget{URL: "http://127.0.0.1:1/p.git", Username: "me", Token: token}, apperr.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Push(ctx, tc.t)
			if !apperr.Is(err, tc.code) {
				t.Fatalf("err = %v (%v), want %v", err, apperr.CodeOf(err), tc.code)
			}
			if msg := apperr.MessageOf(err); msg == "" || strings.Contains(msg, token) || strings.Contains(err.Error(), token) {
				t.Fatalf("sentence %q / chain %q", msg, err.Error())
			}
		})
	}
	if refOf(t, remote, "main") != "" {
		t.Fatal("a failed push wrote the branch")
	}
	res, err := w.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if refOf(t, remote, "main") != res.Head {
		t.Fatalf("remote main = %q, want %s", refOf(t, remote, "main"), res.Head)
	}
	if res, err := w.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token}); err != nil || !res.UpToDate {
		t.Fatalf("again: %+v %v", res, err)
	}
	// A version the project lacks is on the remote: refused, not overwritten.
	other := open(t)
	mustCommit(t, other, []File{{Path: "theirs.txt", Content: []byte("t")}}, "theirs")
	makeBranch(t, other, "side")
	makeBranch(t, w, "side")
	if _, err := other.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token, Branch: "side"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Push(ctx, PushTarget{URL: addr, Username: "me", Token: token, Branch: "side"}); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("non-fast-forward over http: %v", err)
	}
}
