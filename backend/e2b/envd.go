package e2b

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
	"tessera/backend/files"
)

// MaxReadFile bounds ReadFile so a huge file cannot exhaust memory.
const MaxReadFile = 256 << 20

// Envd talks to the daemon inside one sandbox (port 49983): files over
// HTTP and the Connect-protocol filesystem and process services (§4).
// It is a small value: WithUser and WithRoot return modified copies, and
// it is safe for concurrent use.
type Envd struct {
	c     *Client
	err   error // set when the sandbox given to Client.Envd was invalid
	id    string
	base  string
	token string
	user  string
	root  string
	// setsid overrides setsidPath (tests of a template without it).
	setsid string
}

// Envd returns the envd client for sb, using the access token from the
// latest Create/Connect and the configured user ("user" by default).
func (c *Client) Envd(sb *Sandbox) *Envd {
	e := &Envd{c: c, user: c.user}
	if e.err = validateSandbox(sb); e.err != nil {
		return e
	}
	e.id = sb.SandboxID
	e.base = c.HostURL(sb, EnvdPort)
	e.token = sb.EnvdAccessToken
	return e
}

// WithUser returns a copy that acts as another sandbox user (e.g. "root").
func (e *Envd) WithUser(user string) *Envd {
	cp := *e
	if err := validateUser(user); err != nil && cp.err == nil {
		cp.err = err
	}
	cp.user = user
	return &cp
}

// WithRoot returns a copy that confines every path to the project folder
// root (an absolute sandbox path such as "/home/user/app"): relative paths
// are taken relative to it and anything that leaves it is refused. Process
// working folders default to it.
func (e *Envd) WithRoot(root string) *Envd {
	cp := *e
	if !path.IsAbs(root) {
		if cp.err == nil {
			cp.err = apperr.Newf(apperr.Invalid, "The project folder %q is not an absolute sandbox path. This is a bug in Tessera; restart the project.", root)
		}
		return &cp
	}
	cp.root = path.Clean(root)
	return &cp
}

// Root returns the project folder set by WithRoot, or "".
func (e *Envd) Root() string { return e.root }

// resolve validates p and, when a root is set, confines it to the root.
// Without a root, relative paths are left for envd to resolve against the
// user's home folder.
func (e *Envd) resolve(p string) (string, error) {
	if e.err != nil {
		return "", e.err
	}
	if e.root != "" {
		return ResolvePath(e.root, p)
	}
	if err := checkPath(p); err != nil {
		return "", err
	}
	return p, nil
}

func (e *Envd) headers(r *resty.Request) {
	if e.token != "" {
		r.SetHeader("X-Access-Token", e.token)
	}
	r.SetHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(e.user+":")))
}

// envdError maps a non-2xx envd (or sandbox proxy) answer.
func envdError(o op, status int, body []byte) error {
	msg, _, cc := parseErrorBody(status, body)
	if status == http.StatusBadGateway {
		ae := &APIError{Op: o.what, Status: status, Message: msg}
		if strings.Contains(msg, "port is not open") {
			return &apperr.Error{Code: apperr.Unavailable, Err: ae,
				Message: "The app in the sandbox is not listening yet. Wait a moment and try again."}
		}
		// §3: the proxy answers 502 when the sandbox is not running.
		return &apperr.Error{Code: apperr.NotFound, Err: ae,
			Message: fmt.Sprintf("The sandbox is not running any more (it timed out or was paused), so Tessera could not %s. Reconnect to it and try again.", o.what)}
	}
	if cc == "" {
		cc = codeForStatus(status)
	}
	return connectError(o, &ConnectError{Code: cc, Message: msg}, status)
}

// connectError maps a Connect error code to the shared vocabulary.
func connectError(o op, ce *ConnectError, status int) error {
	ae := &APIError{Op: o.what, Status: status, Message: ce.Message, ConnectCode: ce.Code}
	var code apperr.Code
	var msg string
	switch ce.Code {
	case "invalid_argument", "failed_precondition", "out_of_range":
		code, msg = apperr.Invalid, fmt.Sprintf("The sandbox refused to %s: %s. Check the path or command and try again.", o.what, strings.TrimSuffix(ce.Message, "."))
	case "not_found":
		code, msg = apperr.NotFound, o.notFound
		if msg == "" {
			msg = fmt.Sprintf("Tessera could not %s: %s.", o.what, strings.TrimSuffix(ce.Message, "."))
		}
	case "already_exists", "aborted":
		code, msg = apperr.Conflict, o.conflict
		if msg == "" {
			msg = fmt.Sprintf("Tessera could not %s because of a conflicting change: %s. Try again.", o.what, strings.TrimSuffix(ce.Message, "."))
		}
	case "unauthenticated", "permission_denied":
		if u, ok := unknownUser(ce.Message); ok {
			// envd answers 401 for an account that does not exist; a new
			// token cannot help, a different user can.
			code, msg = apperr.Invalid, fmt.Sprintf("The sandbox has no user account named %q, so Tessera could not %s. Set the sandbox user to an account that exists in the template (E2B's templates have \"user\" and \"root\").", u, o.what)
			break
		}
		code, msg = apperr.Unauthorized, fmt.Sprintf("The sandbox refused access, so Tessera could not %s. Reconnect to the sandbox and try again.", o.what)
	case "resource_exhausted":
		code, msg = apperr.RateLimited, fmt.Sprintf("The sandbox is out of resources (or busy), so Tessera could not %s. Wait a moment and try again.", o.what)
	case "unavailable", "deadline_exceeded":
		code, msg = apperr.Unavailable, fmt.Sprintf("The sandbox did not answer in time, so Tessera could not %s. Try again in a moment.", o.what)
	case "canceled":
		code, msg = apperr.Canceled, "The operation was stopped."
	default:
		code, msg = apperr.Internal, fmt.Sprintf("The sandbox failed to %s (%s). Try again; if it keeps happening, the log file has the details.", o.what, ce.Code)
	}
	return &apperr.Error{Code: code, Message: msg, Err: ae}
}

// rpc makes a unary Connect call (JSON codec) to envd.
func (e *Envd) rpc(ctx context.Context, o op, mode retryMode, method string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not prepare a sandbox request. This is a bug; the log file has the details.")
	}
	a, err := e.c.do(ctx, o, mode, e.c.raw, http.MethodPost, e.base+"/"+method, func(r *resty.Request) {
		e.headers(r)
		r.SetHeader("Content-Type", "application/json").
			SetHeader("Connect-Protocol-Version", "1").
			SetBody(body)
	})
	if err != nil {
		return err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return envdError(o, a.resp.StatusCode(), a.resp.Body())
	}
	if out != nil {
		if err := json.Unmarshal(a.resp.Body(), out); err != nil {
			return apperr.Wrap(err, apperr.Internal, fmt.Sprintf("The sandbox sent an answer Tessera could not read when trying to %s. Try again; if it keeps happening, the log file has the details.", o.what))
		}
	}
	return nil
}

// File is one file to write (the type every layer shares, see package
// files).
type File = files.File

// Entry is one item of a folder listing.
type Entry struct {
	Name, Path string
	// Type is "file" or "dir"; for a symlink, its target's type (envd
	// reports it so), or "symlink" when the link is broken.
	Type string
	Size int64
	// SymlinkTarget is set for symlinks: the resolved absolute target (for
	// a broken link, envd gives the link's own path).
	SymlinkTarget string
}

// WriteFiles writes all files in one multipart POST /files (§4.3),
// creating parent folders and overwriting existing files. Writing the same
// content again is harmless, so the upload is retried on failures.
func (e *Envd) WriteFiles(ctx context.Context, files []File) error {
	if e.err != nil {
		return e.err
	}
	if len(files) == 0 {
		return nil
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		p, err := e.resolve(f.Path)
		if err != nil {
			return err
		}
		// The part's file name carries the full destination path; Go keeps
		// the slashes, which is what envd expects (§7).
		w, err := mw.CreateFormFile("file", p)
		if err != nil {
			return apperr.Wrap(err, apperr.Internal, "Tessera could not prepare the files for upload. This is a bug; the log file has the details.")
		}
		if _, err := io.WriteString(w, f.Content); err != nil {
			return apperr.Wrap(err, apperr.Internal, "Tessera could not prepare the files for upload. This is a bug; the log file has the details.")
		}
	}
	if err := mw.Close(); err != nil {
		return apperr.Wrap(err, apperr.Internal, "Tessera could not prepare the files for upload. This is a bug; the log file has the details.")
	}
	body, ctype := buf.Bytes(), mw.FormDataContentType()
	o := op{what: "write the files into the sandbox"}
	a, err := e.c.do(ctx, o, idempotent, e.c.raw, http.MethodPost, e.base+"/files", func(r *resty.Request) {
		e.headers(r)
		r.SetQueryParam("username", e.user).SetHeader("Content-Type", ctype).SetBody(body)
	})
	if err != nil {
		return err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return envdError(o, a.resp.StatusCode(), a.resp.Body())
	}
	return nil
}

// ReadFile returns a file's content (GET /files), at most MaxReadFile bytes.
func (e *Envd) ReadFile(ctx context.Context, p string) ([]byte, error) {
	rp, err := e.resolve(p)
	if err != nil {
		return nil, err
	}
	o := op{what: "read " + rp, notFound: fmt.Sprintf("The file %s does not exist in the sandbox. Check the path.", rp)}
	a, err := e.c.do(ctx, o, idempotent, e.c.raw, http.MethodGet, e.base+"/files", func(r *resty.Request) {
		e.headers(r)
		r.SetQueryParam("path", rp).SetQueryParam("username", e.user).SetResponseBodyLimit(MaxReadFile)
	})
	if err != nil {
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return nil, apperr.Wrap(err, apperr.Invalid, fmt.Sprintf("The file %s is larger than %d MB, too big to open here. Download it another way.", rp, MaxReadFile>>20))
		}
		return nil, err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return nil, envdError(o, a.resp.StatusCode(), a.resp.Body())
	}
	b := a.resp.Body()
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

type wireEntry struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Path string `json:"path"`
	Size string `json:"size"` // int64 as a JSON string (protojson)
	// SymlinkTarget is set for links; envd never sends FILE_TYPE_SYMLINK
	// but the type of the target, and no type for a broken link.
	SymlinkTarget string `json:"symlinkTarget"`
}

func (w wireEntry) entry() Entry {
	t := "file"
	switch w.Type {
	case "FILE_TYPE_DIRECTORY", "2":
		t = "dir"
	case "FILE_TYPE_SYMLINK", "3":
		t = "symlink"
	case "", "FILE_TYPE_UNSPECIFIED", "0":
		if w.SymlinkTarget != "" {
			t = "symlink"
		}
	}
	size, _ := strconv.ParseInt(w.Size, 10, 64)
	return Entry{Name: w.Name, Path: w.Path, Type: t, Size: size, SymlinkTarget: w.SymlinkTarget}
}

// List returns the entries of a folder, one level deep
// (filesystem.Filesystem/ListDir).
func (e *Envd) List(ctx context.Context, dir string) ([]Entry, error) {
	rp, err := e.resolve(dir)
	if err != nil {
		return nil, err
	}
	var out struct {
		Entries []wireEntry `json:"entries"`
	}
	o := op{what: "list " + rp, notFound: fmt.Sprintf("The folder %s does not exist in the sandbox. Check the path.", rp)}
	if err := e.rpc(ctx, o, idempotent, "filesystem.Filesystem/ListDir", map[string]any{"path": rp, "depth": 1}, &out); err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(out.Entries))
	for _, w := range out.Entries {
		entries = append(entries, w.entry())
	}
	return entries, nil
}

// MakeDir creates a folder and its parents; an existing folder is fine.
func (e *Envd) MakeDir(ctx context.Context, p string) error {
	rp, err := e.resolve(p)
	if err != nil {
		return err
	}
	o := op{what: "create the folder " + rp}
	err = e.rpc(ctx, o, idempotent, "filesystem.Filesystem/MakeDir", map[string]any{"path": rp}, nil)
	if apperr.Is(err, apperr.Conflict) {
		return nil // already exists (the SDKs return false)
	}
	return err
}

// Remove deletes a file or folder recursively; a missing path is fine.
func (e *Envd) Remove(ctx context.Context, p string) error {
	rp, err := e.resolve(p)
	if err != nil {
		return err
	}
	if e.root != "" && rp == e.root {
		return apperr.Newf(apperr.Invalid, "Refusing to delete the whole project folder %s. Delete single files or folders inside it.", rp)
	}
	return e.rpc(ctx, op{what: "delete " + rp}, idempotent, "filesystem.Filesystem/Remove", map[string]any{"path": rp}, nil)
}

// Stat returns one entry.
func (e *Envd) Stat(ctx context.Context, p string) (*Entry, error) {
	rp, err := e.resolve(p)
	if err != nil {
		return nil, err
	}
	var out struct {
		Entry wireEntry `json:"entry"`
	}
	o := op{what: "look at " + rp, notFound: fmt.Sprintf("%s does not exist in the sandbox. Check the path.", rp)}
	if err := e.rpc(ctx, o, idempotent, "filesystem.Filesystem/Stat", map[string]any{"path": rp}, &out); err != nil {
		return nil, err
	}
	en := out.Entry.entry()
	return &en, nil
}

// unknownUser recognises envd's answers for a user account that does not
// exist: "invalid username: 'x'" (Connect calls) and "error looking up
// user 'x': ..." (/files), and returns the name.
func unknownUser(msg string) (string, bool) {
	for _, prefix := range []string{"invalid username: '", "error looking up user '"} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			if u, _, ok := strings.Cut(rest, "'"); ok {
				return u, true
			}
		}
	}
	return "", false
}
