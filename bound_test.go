package main

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"tessera/backend/api"
)

// The services app.go binds are exactly the ones api.ServiceTypes lists,
// which `wails generate` binds and api/contract_test.go holds to the
// contract: a service bound but not listed would speak outside it, one
// listed but not bound would be generated for the page and fail there.
func TestBoundServicesAreTheContractsServices(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"TESSERA_HOME": home, "TESSERA_UPDATE_FEED": "off"}
	a, err := NewApp(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.shutdown(context.Background()) })
	if a.startErr != nil {
		t.Fatalf("start: %v", a.startErr)
	}
	names := func(vs []any) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = reflect.TypeOf(v).String()
		}
		slices.Sort(out)
		return out
	}
	bound, listed := names(a.services()), names(api.ServiceTypes())
	if !slices.Equal(bound, listed) {
		t.Fatalf("app.go binds %v\napi.ServiceTypes lists %v", bound, listed)
	}
	for _, s := range a.services() {
		if reflect.ValueOf(s).IsNil() {
			t.Fatalf("%T is bound as nil", s)
		}
	}
}
