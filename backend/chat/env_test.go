package chat

import (
	"context"
	"strings"
	"testing"

	"tessera/backend/store"
)

// The model is told the names of the project's variables, never a value.
func TestPromptListsVariableNamesOnly(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.store.PutEnv(ctx, r.proj.ID, store.EnvVar{Name: "API_URL", Value: "https://plain-value.example"})
	r.store.PutEnv(ctx, r.proj.ID, store.EnvVar{Name: "API_TOKEN", Secret: true})
	cases := []struct {
		name     string
		names    func(ctx context.Context, id string) []string
		want     []string
		wantNone []string
	}{
		{"no source", nil, nil, []string{"environment variables"}},
		{"names", func(ctx context.Context, id string) []string {
			vs, _ := r.store.ListEnv(ctx, id)
			var out []string
			for _, v := range vs {
				out = append(out, v.Name)
			}
			return out
		}, []string{"API_TOKEN, API_URL"}, []string{"plain-value"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r.chat.cfg.EnvNames = c.names
			gen, _, err := r.chat.prompt(ctx, turn{Project: r.proj, ProviderID: "custom", ModelID: "m1"})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(gen.System, w) {
					t.Errorf("system prompt lacks %q", w)
				}
			}
			for _, w := range c.wantNone {
				if strings.Contains(gen.System, w) {
					t.Errorf("system prompt has %q", w)
				}
			}
		})
	}
}
