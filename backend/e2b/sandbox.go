package e2b

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

// Sandbox states reported by E2B.
const (
	StateRunning = "running"
	StatePaused  = "paused"
)

// DefaultTimeout is the sandbox lifetime used when a caller gives none
// (the SDKs' default for create and connect).
const DefaultTimeout = 300 * time.Second

// Sandbox is what E2B reports about one sandbox. Create and Connect fill
// the connection fields (tokens, domain); Get and List fill state, metadata
// and times.
type Sandbox struct {
	SandboxID          string
	TemplateID         string
	ClientID           string
	Alias              string
	EnvdVersion        string
	EnvdAccessToken    string
	TrafficAccessToken string
	Domain             string
	State              string // "running" | "paused"
	Metadata           map[string]string
	StartedAt, EndAt   time.Time
	CPUCount, MemoryMB int
}

// CreateOptions configure a new sandbox.
type CreateOptions struct {
	TemplateID string            // template id or alias, e.g. "code-interpreter-v1"
	Timeout    time.Duration     // lifetime before auto-pause or kill; 0 = 5 min
	Metadata   map[string]string // e.g. {"projectID": "...", "app": "tessera"}
	EnvVars    map[string]string
	AutoPause  bool // pause instead of kill when the timeout expires
	Secure     bool // require the envd access token (the SDKs' default: set it)
}

// ListOptions filter List. Empty State means running and paused.
type ListOptions struct {
	State    []string
	Metadata map[string]string
}

// wireSandbox covers the Sandbox, SandboxDetail and ListedSandbox shapes.
type wireSandbox struct {
	TemplateID         string            `json:"templateID"`
	SandboxID          string            `json:"sandboxID"`
	Alias              string            `json:"alias"`
	ClientID           string            `json:"clientID"`
	EnvdVersion        string            `json:"envdVersion"`
	EnvdAccessToken    *string           `json:"envdAccessToken"`
	TrafficAccessToken *string           `json:"trafficAccessToken"`
	Domain             *string           `json:"domain"`
	State              string            `json:"state"`
	Metadata           map[string]string `json:"metadata"`
	StartedAt          time.Time         `json:"startedAt"`
	EndAt              time.Time         `json:"endAt"`
	CPUCount           int               `json:"cpuCount"`
	MemoryMB           int               `json:"memoryMB"`
}

func (w *wireSandbox) toSandbox() Sandbox {
	s := Sandbox{
		SandboxID: w.SandboxID, TemplateID: w.TemplateID, ClientID: w.ClientID, Alias: w.Alias,
		EnvdVersion: w.EnvdVersion, State: w.State, Metadata: w.Metadata,
		StartedAt: w.StartedAt, EndAt: w.EndAt, CPUCount: w.CPUCount, MemoryMB: w.MemoryMB,
	}
	if w.EnvdAccessToken != nil {
		s.EnvdAccessToken = *w.EnvdAccessToken
	}
	if w.TrafficAccessToken != nil {
		s.TrafficAccessToken = *w.TrafficAccessToken
	}
	if w.Domain != nil {
		s.Domain = *w.Domain
	}
	return s
}

func decodeSandbox(o op, body []byte) (*Sandbox, error) {
	var w wireSandbox
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, fmt.Sprintf("E2B sent an answer Tessera could not read when trying to %s. Try again; if it keeps happening, the log file has the details.", o.what))
	}
	if err := ValidateSandboxID(w.SandboxID); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, fmt.Sprintf("E2B sent an invalid sandbox id when Tessera tried to %s. Try again; if it keeps happening, the log file has the details.", o.what))
	}
	s := w.toSandbox()
	return &s, nil
}

// seconds converts to the API's whole seconds, rounding up as the SDKs do.
func seconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

func checkTimeout(d time.Duration, what string) error {
	if d < 0 {
		return apperr.Newf(apperr.Invalid, "The %s cannot be negative. Choose a positive duration.", what)
	}
	if d > 24*time.Hour {
		return apperr.Newf(apperr.Invalid, "The %s of %s is longer than E2B allows (24 hours at most). Choose a shorter duration.", what, d)
	}
	return nil
}

func checkMap(m map[string]string, what string) error {
	for k := range m {
		if k == "" {
			return apperr.Newf(apperr.Invalid, "A sandbox %s entry has an empty name. Give every entry a name.", what)
		}
		if strings.ContainsAny(k, "\x00") {
			return apperr.Newf(apperr.Invalid, "The sandbox %s name %q contains a NUL character. Use plain names.", what, k)
		}
	}
	return nil
}

// Create starts a new sandbox (POST /sandboxes). It is never repeated after
// a timeout, reset or 5xx, because E2B may have created the sandbox anyway
// and a second one would run (and cost) unseen; only a connection that
// could not be opened at all is retried.
func (c *Client) Create(ctx context.Context, opts CreateOptions) (*Sandbox, error) {
	if strings.TrimSpace(opts.TemplateID) == "" {
		return nil, apperr.New(apperr.Invalid, "No sandbox template was chosen. Pick a template and try again.")
	}
	if err := checkTimeout(opts.Timeout, "sandbox timeout"); err != nil {
		return nil, err
	}
	if err := checkMap(opts.Metadata, "metadata"); err != nil {
		return nil, err
	}
	if err := checkMap(opts.EnvVars, "environment variable"); err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	body := map[string]any{
		"templateID": opts.TemplateID,
		"timeout":    seconds(timeout),
		"autoPause":  opts.AutoPause,
	}
	if len(opts.Metadata) > 0 {
		body["metadata"] = opts.Metadata
	}
	if len(opts.EnvVars) > 0 {
		body["envVars"] = opts.EnvVars
	}
	o := op{what: "create the sandbox",
		notFound: fmt.Sprintf("E2B has no template %q for this key. Check the template name in Settings.", opts.TemplateID)}
	a, err := c.v2OrV1(ctx, o, onlyUnsent, "/v2/sandboxes", "/sandboxes", func(r *resty.Request, v1 bool) {
		b := body
		if v1 {
			// v2 is always secure and has no such field; v1 needs it.
			b = cloneAny(body)
			b["secure"] = opts.Secure
		}
		r.SetHeader("Content-Type", "application/json").SetBody(b)
	})
	if err != nil {
		return nil, err
	}
	if a.resp.StatusCode() != http.StatusCreated {
		return nil, statusError(o, a.resp.StatusCode(), a.resp.Header(), a.resp.Body())
	}
	sb, err := decodeSandbox(o, a.resp.Body())
	if err != nil {
		return nil, err
	}
	sb.State = StateRunning
	if sb.Metadata == nil && len(opts.Metadata) > 0 {
		sb.Metadata = cloneMap(opts.Metadata)
	}
	return sb, nil
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sandboxPath(id, suffix string) string {
	return "/sandboxes/" + url.PathEscape(id) + suffix
}

// Get returns one sandbox's details, running or paused (GET /sandboxes/{id}).
func (c *Client) Get(ctx context.Context, id string) (*Sandbox, error) {
	if err := ValidateSandboxID(id); err != nil {
		return nil, err
	}
	o := op{what: "look up the sandbox"}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodGet, sandboxPath(id, ""), nil)
	if err != nil {
		return nil, err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return nil, statusError(o, a.resp.StatusCode(), a.resp.Header(), a.resp.Body())
	}
	return decodeSandbox(o, a.resp.Body())
}

// maxListPages stops a server that keeps returning a next token.
const maxListPages = 100

// List returns the sandboxes matching opts (GET /v2/sandboxes), following
// X-Next-Token through all pages.
func (c *Client) List(ctx context.Context, opts ListOptions) ([]Sandbox, error) {
	for _, s := range opts.State {
		if s != StateRunning && s != StatePaused {
			return nil, apperr.Newf(apperr.Invalid, "%q is not a sandbox state. Use %q or %q.", s, StateRunning, StatePaused)
		}
	}
	if err := checkMap(opts.Metadata, "metadata"); err != nil {
		return nil, err
	}
	q := url.Values{}
	if len(opts.State) > 0 {
		q.Set("state", strings.Join(opts.State, ","))
	}
	if len(opts.Metadata) > 0 {
		q.Set("metadata", metadataFilter(opts.Metadata))
	}
	q.Set("limit", "100")
	o := op{what: "list the sandboxes"}
	var out []Sandbox
	for page := 0; page < maxListPages; page++ {
		a, err := c.do(ctx, o, idempotent, c.api, http.MethodGet, "/v2/sandboxes", func(r *resty.Request) {
			r.SetQueryParamsFromValues(q)
		})
		if err != nil {
			return nil, err
		}
		if a.resp.StatusCode() != http.StatusOK {
			return nil, statusError(o, a.resp.StatusCode(), a.resp.Header(), a.resp.Body())
		}
		var items []wireSandbox
		if err := json.Unmarshal(a.resp.Body(), &items); err != nil {
			return nil, apperr.Wrap(err, apperr.Internal, "E2B sent a sandbox list Tessera could not read. Try again; if it keeps happening, the log file has the details.")
		}
		for i := range items {
			out = append(out, items[i].toSandbox())
		}
		next := a.resp.Header().Get("X-Next-Token")
		if next == "" {
			return out, nil
		}
		q.Set("nextToken", next)
	}
	return out, nil
}

// Connect makes sure the sandbox runs for at least timeout from now
// (POST /v2/sandboxes/{id}/connect, else v1's, §2.3): a paused sandbox is resumed
// (201, resumed=true), a running one keeps running and its end time is only
// extended (200). Repeating it is harmless, so it is retried; after a
// retry, resumed may under-report a resume done by a lost first attempt.
func (c *Client) Connect(ctx context.Context, id string, timeout time.Duration) (*Sandbox, bool, error) {
	if err := ValidateSandboxID(id); err != nil {
		return nil, false, err
	}
	if err := checkTimeout(timeout, "sandbox timeout"); err != nil {
		return nil, false, err
	}
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	o := op{what: "connect to the sandbox",
		conflict: "The sandbox is being deleted, so Tessera cannot connect to it. Wait a moment; Tessera can create a new one."}
	a, err := c.v2OrV1(ctx, o, idempotent, "/v2"+sandboxPath(id, "/connect"), sandboxPath(id, "/connect"), func(r *resty.Request, _ bool) {
		r.SetHeader("Content-Type", "application/json").SetBody(map[string]int{"timeout": seconds(timeout)})
	})
	if err != nil {
		return nil, false, err
	}
	st := a.resp.StatusCode()
	if st != http.StatusOK && st != http.StatusCreated {
		return nil, false, statusError(o, st, a.resp.Header(), a.resp.Body())
	}
	sb, err := decodeSandbox(o, a.resp.Body())
	if err != nil {
		return nil, false, err
	}
	sb.State = StateRunning
	return sb, st == http.StatusCreated, nil
}

// Pause snapshots a running sandbox (files and memory) and stops it
// (POST /sandboxes/{id}/pause). It blocks until the snapshot is done. An
// already paused sandbox gives a Conflict error, except after a retry,
// where the lost first attempt is what paused it.
func (c *Client) Pause(ctx context.Context, id string) error {
	if err := ValidateSandboxID(id); err != nil {
		return err
	}
	o := op{what: "pause the sandbox", conflict: "The sandbox is already paused (or busy with another change). Nothing else to do."}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodPost, sandboxPath(id, "/pause"), nil)
	if err != nil {
		return err
	}
	st := a.resp.StatusCode()
	if st == http.StatusNoContent || st == http.StatusConflict && a.n > 1 {
		return nil
	}
	return statusError(o, st, a.resp.Header(), a.resp.Body())
}

// Kill deletes a sandbox, running or paused, with its files
// (DELETE /sandboxes/{id}). A 404 after a retry counts as done.
func (c *Client) Kill(ctx context.Context, id string) error {
	if err := ValidateSandboxID(id); err != nil {
		return err
	}
	o := op{what: "delete the sandbox"}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodDelete, sandboxPath(id, ""), nil)
	if err != nil {
		return err
	}
	st := a.resp.StatusCode()
	if st == http.StatusNoContent || st == http.StatusNotFound && a.n > 1 {
		return nil
	}
	return statusError(o, st, a.resp.Header(), a.resp.Body())
}

// SetTimeout sets the sandbox to end timeout from now; it may shorten the
// lifetime (POST /sandboxes/{id}/timeout). Only running sandboxes.
func (c *Client) SetTimeout(ctx context.Context, id string, timeout time.Duration) error {
	if err := ValidateSandboxID(id); err != nil {
		return err
	}
	if err := checkTimeout(timeout, "sandbox timeout"); err != nil {
		return err
	}
	if timeout == 0 {
		return apperr.New(apperr.Invalid, "A sandbox timeout of zero would stop it at once. Choose a positive duration, or pause or delete the sandbox instead.")
	}
	o := op{what: "change the sandbox timeout",
		notFound: "The sandbox is not running (it is paused, expired or was deleted). Connect to it first."}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodPost, sandboxPath(id, "/timeout"), func(r *resty.Request) {
		r.SetHeader("Content-Type", "application/json").SetBody(map[string]int{"timeout": seconds(timeout)})
	})
	if err != nil {
		return err
	}
	if st := a.resp.StatusCode(); st != http.StatusNoContent {
		return statusError(o, st, a.resp.Header(), a.resp.Body())
	}
	return nil
}

// Refresh keeps a running sandbox alive for at least d more (at most 1 h);
// unlike SetTimeout it never shortens (POST /sandboxes/{id}/refreshes).
func (c *Client) Refresh(ctx context.Context, id string, d time.Duration) error {
	if err := ValidateSandboxID(id); err != nil {
		return err
	}
	if d < 0 || d > time.Hour {
		return apperr.New(apperr.Invalid, "A sandbox keep-alive must be between 0 and 1 hour. Choose a shorter duration.")
	}
	o := op{what: "keep the sandbox alive",
		notFound: "The sandbox is not running (it is paused, expired or was deleted). Connect to it first."}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodPost, sandboxPath(id, "/refreshes"), func(r *resty.Request) {
		r.SetHeader("Content-Type", "application/json").SetBody(map[string]int{"duration": seconds(d)})
	})
	if err != nil {
		return err
	}
	if st := a.resp.StatusCode(); st != http.StatusNoContent {
		return statusError(o, st, a.resp.Header(), a.resp.Body())
	}
	return nil
}

// metadataFilter encodes a metadata filter for ONE query parameter. The
// server decodes it three times (PROTOCOL.md Corrections, §2.3): as a query
// parameter, the whole string, then each key and value; so each key and
// value is escaped, the joined string escaped again, and the query
// encoding adds the third.
func metadataFilter(md map[string]string) string {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(md[k]))
	}
	return url.QueryEscape(strings.Join(pairs, "&"))
}
