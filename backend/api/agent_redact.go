package api

import (
	"context"
	"sort"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/secrets"
)

// SecretRedactor is the agent's Redactor until the env package's lands:
// every value of the project's secrets (from the keychain) is replaced in
// a tool's output before the model, the step log or the page sees it.
// When the secrets cannot be read it fails closed: the output is withheld.
type SecretRedactor struct {
	Store EnvStore
	Keys  SecretKeychain
}

// minSecretLen: shorter values ("1", "on") would blank ordinary text and
// are not secrets worth the name.
const minSecretLen = 4

// Withheld replaces an output whose secrets could not be checked.
const Withheld = "[output withheld: the project's secrets could not be read to hide them from it]"

// Redact implements agent.Redactor.
func (r SecretRedactor) Redact(ctx context.Context, projectID, text string) string {
	if text == "" {
		return text
	}
	vs, err := r.Store.ListEnv(ctx, projectID)
	if err != nil {
		return Withheld
	}
	type secret struct{ name, value string }
	var ss []secret
	for _, v := range vs {
		if !v.Secret {
			continue
		}
		val, err := r.Keys.Get(ctx, secrets.EnvAccount(projectID, v.Name))
		if apperr.Is(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return Withheld
		}
		if len(val) >= minSecretLen {
			ss = append(ss, secret{v.Name, val})
		}
	}
	// Longest first: a secret that contains another is hidden whole.
	sort.Slice(ss, func(i, j int) bool { return len(ss[i].value) > len(ss[j].value) })
	for _, s := range ss {
		text = strings.ReplaceAll(text, s.value, "[secret "+s.name+"]")
	}
	return text
}
