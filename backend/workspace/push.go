package workspace

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"tessera/backend/apperr"
)

// PushTarget is where Push sends the history: a remote address (https or
// http, with a user name and token for the server), or a local repository
// (a path or file:// URL), and the branch there to update.
type PushTarget struct {
	URL      string
	Branch   string // the project's branch to push, to the same-named one there; "" = the current branch
	Username string // for https; GitHub accepts any non-empty name with a token
	Token    string // never logged, never stored by this package
}

// PushResult says what a push did.
type PushResult struct {
	Head     string // the version now on the remote
	Branch   string // the branch pushed (to the same-named one there)
	UpToDate bool   // the remote had it already
	// Warning is a sentence for the person when the push worked but not
	// as safely as it should (plain http to this computer).
	Warning string
}

// plainHTTP says how an address travels: "" for https or a local path,
// "loopback" for http to this computer, "network" for http elsewhere
// (where a token would be readable on the way).
func plainHTTP(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "http" {
		return ""
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return "loopback"
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return "loopback"
	}
	return "network"
}

// CheckRemoteURL validates a remote address as the person typed it and
// returns it trimmed. Addresses with a password or token inside are
// refused, so a secret never reaches the database: the token has its own
// field (kept in the keychain).
func CheckRemoteURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", apperr.New(apperr.Invalid, "Type the address of the git repository to push to, for example https://github.com/you/project.git.")
	}
	if strings.ContainsAny(s, "\x00\r\n\t ") || len(s) > 2048 {
		return "", apperr.New(apperr.Invalid, "That git address has spaces or line breaks in it; paste just the address.")
	}
	if filepath.IsAbs(s) {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		if strings.Contains(s, "@") && strings.Contains(s, ":") {
			return "", apperr.New(apperr.Invalid, "Tessera pushes over https with a token, not over SSH. Use the repository's https address (for example https://github.com/you/project.git).")
		}
		return "", apperr.Newf(apperr.Invalid, "%q is not a git address Tessera can push to. Use an https address, or the path of a repository on this computer.", s)
	}
	switch u.Scheme {
	case "https", "http":
		if u.Host == "" {
			return "", apperr.Newf(apperr.Invalid, "%q has no server name.", s)
		}
		if _, has := u.User.Password(); has {
			return "", apperr.New(apperr.Invalid, "That address has a password or token inside it. Remove it from the address and put the token in the token field: Tessera keeps it in your system keychain.")
		}
	case "file":
		if u.Path == "" {
			return "", apperr.Newf(apperr.Invalid, "%q names no folder.", s)
		}
	case "ssh", "git":
		return "", apperr.New(apperr.Invalid, "Tessera pushes over https with a token, not over SSH. Use the repository's https address (for example https://github.com/you/project.git).")
	default:
		return "", apperr.Newf(apperr.Invalid, "Tessera cannot push to %s addresses. Use an https address, or the path of a repository on this computer.", u.Scheme)
	}
	return s, nil
}

// localPath returns the folder of a local remote ("" for a network one).
func localPath(s string) string {
	if filepath.IsAbs(s) {
		return s
	}
	if u, err := url.Parse(s); err == nil && u.Scheme == "file" {
		return filepath.FromSlash(u.Path)
	}
	return ""
}

// Push sends the project's history (its main branch) to the target's
// branch. Only fast-forward updates are made: a remote that has versions
// this project lacks is left alone, with a sentence saying so.
func (w *Workspace) Push(ctx context.Context, t PushTarget) (PushResult, error) {
	addr, err := CheckRemoteURL(t.URL)
	if err != nil {
		return PushResult{}, err
	}
	if t.Branch != "" {
		b := plumbing.NewBranchReferenceName(t.Branch)
		if !b.IsBranch() || strings.ContainsAny(t.Branch, " ~^:?*[\\") || strings.Contains(t.Branch, "..") || strings.HasPrefix(t.Branch, "-") {
			return PushResult{}, apperr.Newf(apperr.Invalid, "%q is not a branch name git accepts.", t.Branch)
		}
	}
	if err := w.lock(); err != nil {
		return PushResult{}, err
	}
	defer w.mu.Unlock()
	branch, head, err := w.pushSource(t.Branch)
	if err != nil {
		return PushResult{}, err
	}
	if dir := localPath(addr); dir != "" {
		return w.pushLocal(ctx, dir, branch, head)
	}
	remote := git.NewRemote(w.repo.Storer, &config.RemoteConfig{Name: "tessera-push", URLs: []string{addr}})
	opts := &git.PushOptions{
		RemoteName: "tessera-push",
		RefSpecs:   []config.RefSpec{config.RefSpec(branch.String() + ":" + branch.String())},
	}
	res := PushResult{Head: head.String(), Branch: branch.Short()}
	via := plainHTTP(addr)
	if via == "loopback" {
		res.Warning = "The push went over plain http to this computer (" + addr + "), which nobody else can read; use https for any other server."
	}
	// The token is sent only when the server asks for it (401): a server
	// that takes the push without one never sees it.
	err = remote.PushContext(ctx, opts)
	if errors.Is(err, transport.ErrAuthenticationRequired) && t.Token != "" {
		if via == "network" {
			return PushResult{}, apperr.Wrap(err, apperr.Invalid, "The server at "+addr+" asks for the token, but the address is plain http, where anyone on the way could read it; Tessera sends tokens only over https. Use the repository's https address.")
		}
		user := t.Username
		if user == "" {
			user = "tessera" // GitHub and GitLab ignore the name when a token is the password
		}
		opts.Auth = &githttp.BasicAuth{Username: user, Password: t.Token}
		err = remote.PushContext(ctx, opts)
	}
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		res.UpToDate = true
		return res, nil
	}
	if err != nil {
		return PushResult{}, pushErr(err, addr, branch.Short(), t.Token != "")
	}
	return res, nil
}

// pushSource is the branch to push and its commit: the one named, or the
// current branch. Called with w.mu held.
func (w *Workspace) pushSource(name string) (plumbing.ReferenceName, plumbing.Hash, error) {
	if name == "" {
		head, err := w.repo.Storer.Reference(plumbing.HEAD)
		if err != nil {
			return "", plumbing.ZeroHash, w.gitErr(err)
		}
		if head.Type() != plumbing.SymbolicReference {
			return "", plumbing.ZeroHash, apperr.New(apperr.Invalid, "The project's folder is on no branch (git checked out a single version). Name the branch to push, or check a branch out again.")
		}
		name = head.Target().Short()
	}
	branch := plumbing.NewBranchReferenceName(name)
	ref, err := w.repo.Storer.Reference(branch)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		if h, herr := w.repo.Head(); errors.Is(herr, plumbing.ErrReferenceNotFound) || (herr == nil && h.Name() == branch) {
			return "", plumbing.ZeroHash, apperr.New(apperr.Invalid, "This project has no version yet; there is nothing to push.")
		}
		return "", plumbing.ZeroHash, apperr.Newf(apperr.Invalid, "This project has no branch %q. Push its current branch (leave the branch empty), or one of its branches.", name)
	}
	if err != nil {
		return "", plumbing.ZeroHash, w.gitErr(err)
	}
	return branch, ref.Hash(), nil
}

// pushErr turns what go-git and the network said into a sentence that
// says what to do. The error chain (for the log) never holds the token:
// go-git's errors carry the URL, which was refused if it held one.
func pushErr(err error, addr, branch string, hadToken bool) error {
	msg := err.Error()
	var nerr net.Error
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled):
		return apperr.Wrap(err, apperr.Canceled, "The push was stopped.")
	case errors.Is(err, context.DeadlineExceeded):
		return apperr.Wrap(err, apperr.Unavailable, "The push took too long and was stopped. Check your connection and try again.")
	case errors.Is(err, transport.ErrAuthenticationRequired) && !hadToken:
		return apperr.Wrap(err, apperr.Unauthorized, "The server asks for a sign-in. Add an access token for "+addr+" (on GitHub: Settings → Developer settings → Personal access tokens, with write access to the repository).")
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return apperr.Wrap(err, apperr.Unauthorized, "The server refused the token for "+addr+". Check that it is still valid and may write to this repository, then save it again.")
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return apperr.Wrap(err, apperr.NotFound, "There is no repository at "+addr+" (or the token may not see it). Check the address, or create the repository first.")
	case strings.Contains(msg, "non-fast-forward"), strings.Contains(msg, "fetch first"), errors.Is(err, git.ErrForceNeeded):
		return apperr.Wrap(err, apperr.Conflict, "The branch "+branch+" at "+addr+" has changes this project does not have, so the push was refused (not a fast-forward). Push to a new branch, or bring those changes into this project first.")
	case strings.Contains(msg, "command error on"), strings.Contains(msg, "rejected"), strings.Contains(msg, "protected branch"):
		return apperr.Wrap(err, apperr.Conflict, "The server at "+addr+" refused the push: "+lastPart(msg)+".")
	case errors.As(err, &dnsErr):
		return apperr.Wrap(err, apperr.Unavailable, "Tessera could not find the server of "+addr+". Check the address and your connection.")
	case errors.As(err, &opErr), errors.As(err, &nerr):
		return apperr.Wrap(err, apperr.Unavailable, "Tessera could not reach "+addr+". Check your connection and try again.")
	}
	return apperr.Wrap(err, apperr.Unavailable, "The push to "+addr+" failed: "+lastPart(msg)+".")
}

func lastPart(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return strings.TrimSpace(msg[i+2:])
	}
	return msg
}

// pushLocal pushes into a repository on this computer without the git
// program (go-git's file transport runs git-receive-pack, which people
// using Tessera need not have): the objects the target lacks are copied
// and its branch moved, only forward.
func (w *Workspace) pushLocal(ctx context.Context, dir string, branch plumbing.ReferenceName, head plumbing.Hash) (PushResult, error) {
	if _, err := os.Stat(dir); err != nil {
		return PushResult{}, apperr.Wrap(err, apperr.NotFound, "There is no repository at "+dir+". Create one there first (git init --bare), or check the path.")
	}
	target, err := git.PlainOpen(dir)
	if err == nil {
		target, err = lockedTarget(target) // git's lock files there too
	}
	if err != nil {
		return PushResult{}, apperr.Wrap(err, apperr.NotFound, "The folder "+dir+" is not a git repository. Create one there first (git init --bare), or check the path.")
	}
	done := PushResult{Head: head.String(), Branch: branch.Short()}
	if _, err := target.Worktree(); err == nil {
		if h, err := target.Storer.Reference(plumbing.HEAD); err == nil && h.Target() == branch {
			return PushResult{}, apperr.Newf(apperr.Conflict, "The repository at %s has %s checked out in its own folder, so git refuses to push to it. Push to a bare repository (git init --bare) or to another branch.", dir, branch.Short())
		}
	}
	var ignore []plumbing.Hash
	old, err := target.Storer.Reference(branch)
	switch {
	case err == nil && old.Hash() == head:
		done.UpToDate = true
		return done, nil
	case err == nil:
		oc, cerr := w.repo.CommitObject(old.Hash())
		nc, nerr := w.repo.CommitObject(head)
		if cerr != nil || nerr != nil {
			return PushResult{}, pushErr(errors.New("non-fast-forward"), dir, branch.Short(), false)
		}
		if ok, aerr := oc.IsAncestor(nc); aerr != nil || !ok {
			return PushResult{}, pushErr(errors.New("non-fast-forward"), dir, branch.Short(), false)
		}
		ignore = []plumbing.Hash{old.Hash()}
	case !errors.Is(err, plumbing.ErrReferenceNotFound):
		return PushResult{}, apperr.Wrap(err, apperr.Internal, "Tessera could not read the repository at "+dir+".")
	}
	hashes, err := revlist.ObjectsWithStorageForIgnores(w.repo.Storer, target.Storer, []plumbing.Hash{head}, ignore)
	if err != nil {
		return PushResult{}, w.gitErr(err)
	}
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return PushResult{}, apperr.Wrap(err, apperr.Canceled, "The push was stopped.")
		}
		if target.Storer.HasEncodedObject(h) == nil {
			continue
		}
		obj, err := w.repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err == nil {
			_, err = target.Storer.SetEncodedObject(obj)
		}
		if err != nil {
			return PushResult{}, apperr.Wrap(err, apperr.Internal, "Tessera could not write to the repository at "+dir+". Check that you may write there.")
		}
	}
	// Compare-and-set: someone pushing there meanwhile is not overwritten.
	if err := target.Storer.CheckAndSetReference(plumbing.NewHashReference(branch, head), old); err != nil {
		return PushResult{}, pushErr(errors.New("non-fast-forward: "+err.Error()), dir, branch.Short(), false)
	}
	setUnbornHead(target, branch)
	return done, nil
}

// lockedTarget opens a repository to push into over a gitStore, so its
// refs are written with git's lock files as well.
func lockedTarget(r *git.Repository) (*git.Repository, error) {
	fsst, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return r, nil
	}
	st := newGitStore(fsst, fsst.Filesystem().Root())
	if wt, err := r.Worktree(); err == nil {
		return git.Open(st, wt.Filesystem)
	}
	return git.Open(st, nil)
}

// setUnbornHead points a bare repository's HEAD at branch when it names
// a branch that does not exist (a new bare repository, whose HEAD is
// master or main before anything was pushed): a clone of it then checks
// the pushed branch out instead of nothing. Best effort.
func setUnbornHead(r *git.Repository, branch plumbing.ReferenceName) {
	if _, err := r.Worktree(); err == nil {
		return // not bare: its HEAD is its owner's checkout
	}
	head, err := r.Storer.Reference(plumbing.HEAD)
	if err != nil || head.Type() != plumbing.SymbolicReference || head.Target() == branch {
		return
	}
	if _, err := r.Storer.Reference(head.Target()); errors.Is(err, plumbing.ErrReferenceNotFound) {
		_ = r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch))
	}
}
