package api

import (
	"testing"

	"tessera/backend/config"
)

func TestStatusSaysWhenE2BDomainEnvOverrides(t *testing.T) {
	if got := NewSystemService(nil, config.Paths{}, "").Status().E2BDomainEnv; got != "" {
		t.Fatalf("no override: got %q", got)
	}
	st := NewSystemService(nil, config.Paths{}, "e2b.internal.example").Status()
	if !st.OK || st.E2BDomainEnv != "e2b.internal.example" {
		t.Fatalf("override not reported: %+v", st)
	}
}
