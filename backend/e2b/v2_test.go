package e2b_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
)

// An E2B older than the v2 endpoints (self-hosted) answers them with a
// plain 404: the client falls back to v1 and then stays there.
func TestCreateConnectFallBackToV1(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		switch {
		case strings.HasPrefix(r.URL.Path, "/v2/"):
			http.Error(w, "404 page not found", http.StatusNotFound)
		case r.URL.Path == "/sandboxes/inope000000000000000/connect":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":404,"message":"Sandbox \"inope000000000000000\" doesn't exist or you don't have access to it"}`))
		default:
			w.Header().Set("Content-Type", "application/json")
			st := http.StatusCreated
			if strings.HasSuffix(r.URL.Path, "/connect") {
				st = http.StatusOK
			}
			w.WriteHeader(st)
			_, _ = w.Write([]byte(`{"templateID":"t","sandboxID":"iabc0000000000000000","clientID":"6532622b","envdVersion":"0.6.13","envdAccessToken":"tok"}`))
		}
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
	c, err := e2b.New(e2b.Config{APIKey: "e2b_old", Domain: "e2b.test", Scheme: "http", HTTPClient: hc,
		Getenv: func(string) string { return "" }, Retry: e2b.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Create(ctx, e2b.CreateOptions{TemplateID: "base", Secure: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Connect(ctx, "iabc0000000000000000", 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Connect(ctx, "inope000000000000000", 0); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("connect to a missing sandbox: %v", err)
	}
	want := "POST /v2/sandboxes|POST /sandboxes|POST /sandboxes/iabc0000000000000000/connect|POST /sandboxes/inope000000000000000/connect"
	if got := strings.Join(paths, "|"); got != want {
		t.Fatalf("requests\n%s\nwant\n%s", got, want)
	}
}

// Values with & = + % and spaces survive the three decodes of a metadata
// filter, and a bad key is 401 whatever the path.
func TestMetadataFilterAndAuthFirst(t *testing.T) {
	f := e2btest.New(t)
	c := newClient(t, f)
	ctx := context.Background()
	odd := map[string]string{"project id": "a&b=c+d%20e f", "app": "tessera/100%"}
	sb := create(t, c, e2b.CreateOptions{Metadata: odd})
	create(t, c, e2b.CreateOptions{Metadata: map[string]string{"project id": "a&b=c+d e f", "app": "tessera/100%"}})
	got, err := c.List(ctx, e2b.ListOptions{Metadata: odd})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SandboxID != sb.SandboxID || got[0].Metadata["project id"] != odd["project id"] {
		t.Fatalf("listed %+v", got)
	}

	req, _ := http.NewRequest(http.MethodPost, c.APIURL()+"/no/such/route", nil)
	req.Header.Set("X-API-Key", "e2b_wrong")
	resp, err := f.Config("e2b_x").HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad key on an unknown route: %s, want 401", resp.Status)
	}
}
