// Package e2b is Tessera's client for E2B cloud sandboxes: the control plane
// (api.<domain>), the in-sandbox daemon envd (files and processes over plain
// HTTP and the Connect protocol) and the code-interpreter server on port
// 49999. It is written from the wire contract in shared/e2b/PROTOCOL.md; the
// section numbers in comments refer to that document.
//
// Every error returned to callers is an *apperr.Error with a code and a
// sentence for the person using the app; the cause (status, E2B message)
// stays in the chain for the log.
package e2b

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

// DefaultDomain is the E2B domain used when neither Config.Domain nor
// E2B_DOMAIN says otherwise.
const DefaultDomain = "e2b.app"

// Well-known ports inside a sandbox (§3).
const (
	EnvdPort        = 49983
	InterpreterPort = 49999
)

// DefaultUser is the sandbox user envd runs commands and writes files as.
const DefaultUser = "user"

// Config configures a Client. Only APIKey is required.
type Config struct {
	APIKey string // sent as X-API-Key
	// Domain is the E2B domain ("e2b.app"); self-hosted E2B uses its own.
	Domain string
	// APIURL overrides https://api.<domain>.
	APIURL string
	// HTTPClient is used for every request. Its Timeout must be zero: the
	// client bounds unary calls itself and streams must be able to run long.
	// The fake supplies one that routes every *.<domain> host to loopback.
	HTTPClient *http.Client
	// Scheme is "https" (default); tests against the fake use "http".
	Scheme string
	// User is the sandbox user for envd calls; default "user".
	User string
	// Logger receives debug lines about retries; default discards.
	Logger *slog.Logger
	// Retry is the backoff policy for calls that are safe to repeat.
	Retry RetryPolicy
	// RequestTimeout bounds one attempt of a unary call and the wait for
	// response headers of a stream. Default 60 s (the SDKs' value).
	RequestTimeout time.Duration
	// StreamIdleTimeout stops a stream that delivered nothing (not even a
	// keepalive) for this long. Default 90 s; envd is asked for keepalives
	// every 30 s and the interpreter sends them every 5 s.
	StreamIdleTimeout time.Duration
	// ExecStartTimeout is how long a Python cell may go without the server
	// starting it before Tessera interrupts and retries it once; default
	// DefaultExecStartTimeout.
	ExecStartTimeout time.Duration
	// MaxExecOutput and MaxExecLine override the output bounds of one
	// execution (defaults MaxExecOutput, DefaultMaxExecLine); for tests.
	MaxExecOutput, MaxExecLine int
	// Getenv reads E2B_DOMAIN and E2B_API_URL when Domain/APIURL are empty.
	// Nil means os.Getenv; tests pass a map lookup.
	Getenv func(string) string
}

// RetryPolicy is exponential backoff with full jitter.
type RetryPolicy struct {
	// MaxAttempts counts the first try; default 4. 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff ceiling; default 250 ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff; default 5 s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest server-requested wait (Retry-After on a
	// 429) the client sits out before retrying by itself; a longer one is
	// returned to the caller as a rate_limited error. Default 10 s.
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 10 * time.Second
	}
	return p
}

// Client talks to one E2B account. It is safe for concurrent use.
type Client struct {
	api       *resty.Client // control plane, X-API-Key set
	raw       *resty.Client // envd and interpreter: per-sandbox headers set per request
	hc        *http.Client
	domain    string
	scheme    string
	user      string
	log       *slog.Logger
	retry     RetryPolicy
	reqTO     time.Duration
	idleTO    time.Duration
	apiURLStr string

	noV2          atomic.Bool // the API answered 404 for v2 create/connect
	execStartTO   time.Duration
	maxExecOutput int
	maxExecLine   int
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, apperr.New(apperr.Unauthorized, "No E2B API key is set. Add your E2B key in Settings.")
	}
	if strings.ContainsAny(cfg.APIKey, "\r\n") {
		return nil, apperr.New(apperr.Invalid, "The E2B API key contains a line break. Paste the key again in Settings.")
	}
	domain := cfg.Domain
	if domain == "" {
		domain = getenv("E2B_DOMAIN")
	}
	if domain == "" {
		domain = DefaultDomain
	}
	domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if !validDomain(domain) {
		return nil, apperr.Newf(apperr.Invalid, "The E2B domain %q is not a valid host name. Fix it in Settings (the default is %s).", domain, DefaultDomain)
	}
	scheme := cfg.Scheme
	if scheme == "" {
		scheme = "https"
	}
	if scheme != "https" && scheme != "http" {
		return nil, apperr.Newf(apperr.Invalid, "The E2B URL scheme %q is not supported. Use https.", scheme)
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = getenv("E2B_API_URL")
	}
	if apiURL == "" {
		apiURL = scheme + "://api." + domain
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, apperr.Newf(apperr.Invalid, "The E2B API URL %q is not a valid http(s) URL. Fix E2B_API_URL or the setting.", apiURL)
	}
	apiURL = strings.TrimSuffix(apiURL, "/")
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	if hc.Timeout != 0 {
		// A whole-request timeout would also cut long streams (§7); copy the
		// client so the caller's value stays untouched.
		c := *hc
		c.Timeout = 0
		hc = &c
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	user := cfg.User
	if user == "" {
		user = DefaultUser
	}
	if err := validateUser(user); err != nil {
		return nil, err
	}
	c := &Client{
		hc:        hc,
		domain:    domain,
		scheme:    scheme,
		user:      user,
		log:       log,
		retry:     cfg.Retry.withDefaults(),
		reqTO:     cfg.RequestTimeout,
		idleTO:    cfg.StreamIdleTimeout,
		apiURLStr: apiURL,
	}
	if c.reqTO <= 0 {
		c.reqTO = 60 * time.Second
	}
	if c.idleTO <= 0 {
		c.idleTO = 90 * time.Second
	}
	c.execStartTO, c.maxExecOutput, c.maxExecLine = cfg.ExecStartTimeout, cfg.MaxExecOutput, cfg.MaxExecLine
	if c.execStartTO <= 0 {
		c.execStartTO = DefaultExecStartTimeout
	}
	if c.maxExecOutput <= 0 {
		c.maxExecOutput = MaxExecOutput
	}
	if c.maxExecLine <= 0 {
		c.maxExecLine = DefaultMaxExecLine
	}
	rl := restyLogger{log}
	c.api = resty.NewWithClient(hc).
		SetBaseURL(apiURL).
		SetHeader("X-API-Key", cfg.APIKey).
		SetHeader("User-Agent", "tessera-e2b/1").
		SetLogger(rl)
	c.raw = resty.NewWithClient(hc).
		SetHeader("User-Agent", "tessera-e2b/1").
		SetLogger(rl)
	return c, nil
}

// Domain returns the configured E2B domain.
func (c *Client) Domain() string { return c.domain }

// APIURL returns the control-plane base URL in use.
func (c *Client) APIURL() string { return c.apiURLStr }

// HostURL is the URL of a port inside the sandbox, built as the SDKs do
// (§3): <scheme>://<port>-<sandboxID>.<domain>, where domain is the one the
// sandbox reported or else the configured one.
func (c *Client) HostURL(sb *Sandbox, port int) string {
	if sb == nil {
		return ""
	}
	return fmt.Sprintf("%s://%d-%s.%s", c.scheme, port, sb.SandboxID, c.sandboxDomain(sb))
}

func (c *Client) sandboxDomain(sb *Sandbox) string {
	if sb.Domain != "" {
		return sb.Domain
	}
	return c.domain
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

func validateUser(u string) error {
	if u == "" || len(u) > 32 {
		return apperr.Newf(apperr.Invalid, "The sandbox user name %q is not valid. Use a plain user name such as %q.", u, DefaultUser)
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return apperr.Newf(apperr.Invalid, "The sandbox user name %q is not valid. Use a plain user name such as %q.", u, DefaultUser)
		}
	}
	return nil
}

// restyLogger sends resty's own warnings to slog at debug level so they
// never reach stderr of the desktop app.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(f string, v ...any) { r.l.Debug("resty: " + fmt.Sprintf(f, v...)) }
func (r restyLogger) Warnf(f string, v ...any)  { r.l.Debug("resty: " + fmt.Sprintf(f, v...)) }
func (r restyLogger) Debugf(f string, v ...any) { r.l.Debug("resty: " + fmt.Sprintf(f, v...)) }
