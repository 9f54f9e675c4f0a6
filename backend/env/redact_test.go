package env

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"tessera/backend/secrets"
	"tessera/backend/store"
)

func TestRedactForms(t *testing.T) {
	e, st, _, _ := newEnv(t)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	other, _ := st.CreateProject(ctx, store.NewProject{Name: "other"})
	const secret = `sk-Ab+/c=d"e f&g`
	e.Set(ctx, p.ID, Var{Name: "API_TOKEN", Value: secret, Secret: true})
	e.Set(ctx, p.ID, Var{Name: "SHORT", Value: "abc", Secret: true})
	e.Set(ctx, p.ID, Var{Name: "PUBLIC_URL", Value: "https://example.org"})
	r := NewRedactor(context.Background, e, func(context.Context) map[string]string {
		return map[string]string{"E2B_API_KEY": "e2b_0123456789", "OLLAMA_API_KEY": "ollama"}
	})
	const mark = "[secret API_TOKEN]"
	cases := []struct{ name, in, want string }{
		{"printed", "token is " + secret + "\n", "token is " + mark + "\n"},
		{"query string", "GET https://api.x/v1?key=" + url.QueryEscape(secret) + "&q=1", "GET https://api.x/v1?key=" + mark + "&q=1"},
		{"path", "https://api.x/" + url.PathEscape(secret) + "/items", "https://api.x/" + mark + "/items"},
		{"base64", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(secret)), "Authorization: Basic " + mark},
		{"json", `{"token": ` + jsonString(secret) + `}`, `{"token": "` + mark + `"}`},
		{"traceback repr", "requests.exceptions.HTTPError: 401 for url 'https://x/?k=" + secret + "'\n  token = '" + pyEscape(secret, '\'') + "'", "requests.exceptions.HTTPError: 401 for url 'https://x/?k=" + mark + "'\n  token = '" + mark + "'"},
		{"app key", "E2B_API_KEY=e2b_0123456789", "E2B_API_KEY=[secret E2B_API_KEY]"},
		{"plain variables stay", "https://example.org", "https://example.org"},
		{"short values stay", "abc", "abc"},
		{"a placeholder key stays", "pull the model with ollama", "pull the model with ollama"},
		{"nothing to do", "hello", "hello"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := r.Redact(p.ID, c.in); got != c.want {
				t.Fatalf("Redact(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
	if got := r.Redact(other.ID, secret); got != secret {
		t.Fatalf("another project's secrets were applied: %q", got)
	}
	if got := r.Redact("", "e2b_0123456789"); got != "[secret E2B_API_KEY]" {
		t.Fatalf("the keys are not redacted without a project: %q", got)
	}
	// A change takes effect at once: the new value is redacted, the old
	// one (no longer a secret of the project) is not.
	e.Set(ctx, p.ID, Var{Name: "API_TOKEN", Value: "sk-new-value", Secret: true})
	if got := r.Redact(p.ID, "sk-new-value "+secret); got != mark+" "+secret {
		t.Fatalf("after a change: %q", got)
	}
	var nilR *Redactor
	if nilR.Redact(p.ID, secret) != secret {
		t.Fatal("a nil Redactor changed the text")
	}
}

// One secret containing another: the longer one is replaced whole.
func TestRedactLongestFirst(t *testing.T) {
	e, st, _, _ := newEnv(t)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	e.Set(ctx, p.ID, Var{Name: "A", Value: "key-1234", Secret: true})
	e.Set(ctx, p.ID, Var{Name: "B", Value: "key-1234-extended", Secret: true})
	r := NewRedactor(context.Background, e, nil)
	if got := r.Redact(p.ID, "x key-1234-extended y key-1234"); got != "x [secret B] y [secret A]" {
		t.Fatal(got)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// BenchmarkRedact: 20 secrets (about 200 forms), one 64 KiB run output.
func BenchmarkRedact(b *testing.B) {
	keyring.MockInit()
	st, _ := newStore(b)
	e := New(st, secrets.New(secrets.OSBackend{}, time.Second), nil)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	for i := 0; i < 20; i++ {
		e.Set(ctx, p.ID, Var{Name: fmt.Sprintf("S%d", i), Value: fmt.Sprintf("sk-%032d", i), Secret: true})
	}
	r := NewRedactor(context.Background, e, nil)
	text := strings.Repeat("Traceback (most recent call last): File \"app.py\", line 3, in <module> 0123456789\n", 64<<10/84)
	r.Redact(p.ID, text) // build
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Redact(p.ID, text)
	}
}

// BenchmarkRedactorBuild: what a change of variables costs the next Redact
// (read 20 secrets from the keychain's mock and SQLite, build the matcher).
func BenchmarkRedactorBuild(b *testing.B) {
	keyring.MockInit()
	st, _ := newStore(b)
	e := New(st, secrets.New(secrets.OSBackend{}, time.Second), nil)
	ctx := context.Background()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	for i := 0; i < 20; i++ {
		e.Set(ctx, p.ID, Var{Name: fmt.Sprintf("S%d", i), Value: fmt.Sprintf("sk-%032d", i), Secret: true})
	}
	r := NewRedactor(context.Background, e, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Invalidate(p.ID)
		r.Redact(p.ID, "x")
	}
}

// A change while a matcher is being built is never lost: the matcher
// built from the old values is not kept.
func TestRedactChangeDuringBuild(t *testing.T) {
	keyring.MockInit()
	st, _ := newStore(t)
	ctx := context.Background()
	keys := &changingKeys{Store: secrets.New(secrets.OSBackend{}, time.Second)}
	e := New(st, keys, nil)
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	e.Set(ctx, p.ID, Var{Name: "A", Value: "first-value", Secret: true})
	r := NewRedactor(context.Background, e, nil)
	// The build reads "first-value"; right after, the secret changes.
	keys.onGet = func() { e.Set(ctx, p.ID, Var{Name: "A", Value: "second-value", Secret: true}) }
	if got := r.Redact(p.ID, "first-value"); got != "[secret A]" {
		t.Fatalf("first build: %q", got)
	}
	if got := r.Redact(p.ID, "second-value"); got != "[secret A]" {
		t.Fatalf("the change during the build was lost: %q", got)
	}
}

// changingKeys runs onGet once, after the first Get.
type changingKeys struct {
	*secrets.Store
	onGet func()
}

func (k *changingKeys) Get(ctx context.Context, account string) (string, error) {
	v, err := k.Store.Get(ctx, account)
	if f := k.onGet; f != nil {
		k.onGet = nil
		f()
	}
	return v, err
}
