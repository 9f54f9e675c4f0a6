package e2btest

import (
	"bytes"
	"context"
	_ "embed"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// openapiSpec is a copy of shared/e2b/openapi.yml, embedded so the fake
// works in any checkout.
//
//go:embed openapi.yml
var openapiSpec []byte

type validator struct {
	router routers.Router
}

func newValidator() (*validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiSpec)
	if err != nil {
		return nil, err
	}
	// The spec's server is https://api.e2b.app; the fake answers on any
	// host, so route on paths only.
	doc.Servers = nil
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &validator{router: r}, nil
}

func (v *validator) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults: true,
		MultiError:          true,
	}
}

// request finds the operation and validates the request; the body is
// restored for the handler.
func (v *validator) request(r *http.Request) (*openapi3filter.RequestValidationInput, error, error) {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, err, nil
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.options()}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	verr := openapi3filter.ValidateRequest(context.Background(), in)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return in, nil, verr
}

func (v *validator) response(in *openapi3filter.RequestValidationInput, status int, h http.Header, body []byte) error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 h,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                v.options(),
	}
	return openapi3filter.ValidateResponse(context.Background(), out)
}
