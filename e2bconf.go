package main

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/config"
	"tessera/backend/e2b"
	"tessera/backend/secrets"
)

// e2bConfig builds the E2B client configuration from the keychain and the
// settings. sandbox.E2BClients calls it once and again only after an
// Invalidate (a changed E2B key or settings, see wire), so a key or domain
// changed in Settings is used at once without reading the keychain on
// every operation.
//
// Development overrides, read from the environment:
//   - E2B_DOMAIN and E2B_API_URL, as in E2B's SDKs;
//   - TESSERA_E2B_CONNECT=http://host:port connects every E2B host name to
//     that address (like curl --connect-to), over plain HTTP when the URL
//     says http. The end-to-end tests point it at a fake E2B on loopback.
func (a *App) e2bConfig(ctx context.Context) (e2b.Config, error) {
	key, err := a.keys.Get(ctx, secrets.AccountE2B)
	if apperr.Is(err, apperr.NotFound) {
		return e2b.Config{}, apperr.New(apperr.Unauthorized,
			"Tessera needs your E2B API key to run code. Add it in Settings (you can get one at e2b.dev).")
	}
	if err != nil {
		return e2b.Config{}, err
	}
	cfg := e2b.Config{APIKey: key, Domain: a.e2bDomain(a.settings.get(ctx)), HTTPClient: a.e2bHTTP, Logger: a.log}
	cfg.APIURL = a.getenv("E2B_API_URL")
	if a.e2bScheme != "" {
		cfg.Scheme = a.e2bScheme
	}
	return cfg, nil
}

// newE2BHTTP returns the process's one HTTP client for E2B and the scheme
// to use ("" = https), honouring TESSERA_E2B_CONNECT.
func newE2BHTTP(getenv config.Getenv) (*http.Client, string, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	connect := getenv("TESSERA_E2B_CONNECT")
	if connect == "" {
		return &http.Client{Transport: tr}, "", nil
	}
	u, err := url.Parse(connect)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, "", apperr.New(apperr.Invalid, "TESSERA_E2B_CONNECT must look like http://127.0.0.1:8080.")
	}
	addr := u.Host
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr}, strings.ToLower(u.Scheme), nil
}

// e2bDomain is the E2B domain in use: the environment's override, else the
// settings'.
func (a *App) e2bDomain(s config.Settings) string {
	if d := a.getenv("E2B_DOMAIN"); d != "" {
		return d
	}
	return s.E2BDomain
}

// previewHosts is where previews are served from, for the page's
// Content-Security-Policy, and whether sandbox hosts are plain HTTP.
func (a *App) previewHosts() (string, bool) {
	s := config.DefaultSettings()
	if a.settings != nil {
		ctx, cancel := context.WithTimeout(a.rootCtx, 2*time.Second)
		s = a.settings.get(ctx)
		cancel()
	}
	return a.e2bDomain(s), a.e2bScheme == "http"
}
