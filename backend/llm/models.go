package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"tessera/backend/apperr"
)

// RefreshModels lists the models the provider offers now (GET
// <base>/models). Models the catalog knows keep their names and flags (see
// MergeModels); new ones are listed by id, not multimodal. key may be empty
// for local servers.
func RefreshModels(ctx context.Context, client *http.Client, p Provider, key string) ([]Model, error) {
	if p.BaseURL == "" {
		return nil, apperr.Newf(apperr.Invalid, "%s has no base URL. Set it in Settings.", p.Name)
	}
	c := &Client{hc: wrapHTTPClient(client)}
	base := strings.TrimRight(p.BaseURL, "/")
	resp, err := c.do(ctx, http.MethodGet, base+"/models", key, nil, false)
	if err != nil {
		return nil, mapError(ctx, nil, err, call{provider: p, model: "(model list)", baseURL: base})
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&list); err != nil {
		return nil, apperr.Wrap(err, apperr.Unavailable, fmt.Sprintf("%s sent a model list Tessera could not read. Try again.", p.Name))
	}
	var got []Model
	for _, m := range list.Data {
		// Gemini lists "models/gemini-..."; its chat endpoint takes both.
		id := strings.TrimPrefix(strings.TrimSpace(m.ID), "models/")
		if id == "" {
			continue
		}
		got = append(got, Model{ID: id, Name: id, ProviderID: p.ID})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
	return MergeModels(p.Models, got), nil
}

// ListModels is RefreshModels for a catalog provider, with its key from
// the keychain and an optional base URL override.
func (c *Client) ListModels(ctx context.Context, providerID, baseURL string) ([]Model, error) {
	r, err := c.resolve(ctx, providerID, "", baseURL)
	if err != nil {
		return nil, err
	}
	p := r.p
	p.BaseURL = r.base
	return RefreshModels(ctx, c.hc, p, r.key)
}

// detectTimeout keeps the settings page snappy when nothing listens.
const detectTimeout = 1500 * time.Millisecond

// DetectLocal reports whether a local server (Ollama on :11434, LM Studio
// on :1234, or whatever p.BaseURL says) answers GET <base>/models.
func DetectLocal(ctx context.Context, client *http.Client, p Provider) bool {
	if p.BaseURL == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, detectTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(p.BaseURL, "/")+"/models", nil)
	if err != nil {
		return false
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// LocalProviders returns the catalog's local providers that answer now.
func (c *Client) LocalProviders(ctx context.Context) []Provider {
	var out []Provider
	for _, p := range c.cat.Providers() {
		if p.Local && DetectLocal(ctx, c.hc, p) {
			out = append(out, p)
		}
	}
	return out
}
