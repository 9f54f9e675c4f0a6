package e2b

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

// Envs returns the sandbox-global environment variables (GET /envs): the
// envVars the sandbox was created with, which envd puts in every process
// it starts beneath each process's own envs, plus envd's own (E2B_*).
// Measured with E2B's real envd (shared/e2b/real): after /init with
// envVars, /envs lists them with E2B_SANDBOX; a process started with the
// same name in its envs sees that value instead, "" included.
func (e *Envd) Envs(ctx context.Context) (map[string]string, error) {
	o := op{what: "read the sandbox's environment"}
	a, err := e.c.do(ctx, o, idempotent, e.c.raw, http.MethodGet, e.base+"/envs", func(r *resty.Request) {
		e.headers(r)
		r.SetResponseBodyLimit(1 << 20)
	})
	if err != nil {
		return nil, err
	}
	if a.resp.StatusCode() != http.StatusOK {
		return nil, envdError(o, a.resp.StatusCode(), a.resp.Body())
	}
	out := map[string]string{}
	if err := json.Unmarshal(a.resp.Body(), &out); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "The sandbox answered with an environment Tessera cannot read.")
	}
	return out, nil
}
