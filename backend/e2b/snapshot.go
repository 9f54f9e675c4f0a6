package e2b

// Snapshots and fork (openapi.yml: POST /sandboxes/{id}/snapshots,
// GET /snapshots, DELETE /templates/{id}, POST /sandboxes/{id}/fork),
// on the wire as E2B's JS SDK 2.51.0 calls them (Sandbox.createSnapshot,
// listSnapshots, deleteSnapshot, fork). A snapshot is a template: a sandbox
// is created from it with Create{TemplateID: snapshotID}.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"tessera/backend/apperr"
)

// Snapshot is one persistent snapshot (a template new sandboxes start from).
type Snapshot struct {
	// ID is the template id with its tag ("abc123:default"); it is what
	// Create takes as TemplateID and DeleteSnapshot deletes.
	ID    string
	Names []string
}

type wireSnapshot struct {
	SnapshotID string   `json:"snapshotID"`
	Names      []string `json:"names"`
}

// maxSnapshotIDLen bounds snapshot ids (template id, namespace, tag).
const maxSnapshotIDLen = 256

// ValidateSnapshotID checks a snapshot id before it goes into a URL path or
// a create request: E2B ids are letters, digits and "-_.:/" (namespace/
// alias:tag), never "..".
func ValidateSnapshotID(id string) error {
	if id == "" {
		return apperr.New(apperr.Invalid, "No snapshot id was given.")
	}
	if len(id) > maxSnapshotIDLen || strings.Contains(id, "..") {
		return apperr.Newf(apperr.Invalid, "%q is not a valid E2B snapshot id.", id)
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("-_.:/", ch) >= 0) {
			return apperr.Newf(apperr.Invalid, "%q is not a valid E2B snapshot id.", id)
		}
	}
	return nil
}

// CreateSnapshot makes a persistent snapshot of the sandbox's current
// state (files, installed packages; E2B briefly pauses it) and returns its
// id (POST /sandboxes/{id}/snapshots, body {} as the SDK sends without a
// name). It is sent once: a lost answer may hide a snapshot that was made,
// and a second call would make (and bill) another.
func (c *Client) CreateSnapshot(ctx context.Context, sandboxID string) (Snapshot, error) {
	if err := ValidateSandboxID(sandboxID); err != nil {
		return Snapshot{}, err
	}
	o := op{what: "save a restore point of the sandbox"}
	a, err := c.do(ctx, o, onlyUnsent, c.api, http.MethodPost, sandboxPath(sandboxID, "/snapshots"), func(r *resty.Request) {
		r.SetHeader("Content-Type", "application/json").SetBody(map[string]any{})
	})
	if err != nil {
		return Snapshot{}, err
	}
	if st := a.resp.StatusCode(); st != http.StatusCreated {
		return Snapshot{}, statusError(o, st, a.resp.Header(), a.resp.Body())
	}
	return decodeSnapshot(o, a.resp.Body())
}

func decodeSnapshot(o op, body []byte) (Snapshot, error) {
	var w wireSnapshot
	if err := json.Unmarshal(body, &w); err != nil {
		return Snapshot{}, apperr.Wrap(err, apperr.Internal, fmt.Sprintf("E2B sent an answer Tessera could not read when trying to %s. Try again; if it keeps happening, the log file has the details.", o.what))
	}
	if err := ValidateSnapshotID(w.SnapshotID); err != nil {
		return Snapshot{}, apperr.Wrap(err, apperr.Internal, fmt.Sprintf("E2B sent an invalid snapshot id when Tessera tried to %s.", o.what))
	}
	names := w.Names
	if names == nil {
		names = []string{}
	}
	return Snapshot{ID: w.SnapshotID, Names: names}, nil
}

// ListSnapshots returns the team's snapshots, those made from sandboxID
// when it is not empty (GET /snapshots?sandboxID=), following X-Next-Token.
func (c *Client) ListSnapshots(ctx context.Context, sandboxID string) ([]Snapshot, error) {
	q := url.Values{}
	if sandboxID != "" {
		if err := ValidateSandboxID(sandboxID); err != nil {
			return nil, err
		}
		q.Set("sandboxID", sandboxID)
	}
	q.Set("limit", "100")
	o := op{what: "list the restore points"}
	var out []Snapshot
	for page := 0; page < maxListPages; page++ {
		a, err := c.do(ctx, o, idempotent, c.api, http.MethodGet, "/snapshots", func(r *resty.Request) {
			r.SetQueryParamsFromValues(q)
		})
		if err != nil {
			return nil, err
		}
		if st := a.resp.StatusCode(); st != http.StatusOK {
			return nil, statusError(o, st, a.resp.Header(), a.resp.Body())
		}
		var items []wireSnapshot
		if err := json.Unmarshal(a.resp.Body(), &items); err != nil {
			return nil, apperr.Wrap(err, apperr.Internal, "E2B sent a snapshot list Tessera could not read. Try again; if it keeps happening, the log file has the details.")
		}
		for _, it := range items {
			names := it.Names
			if names == nil {
				names = []string{}
			}
			out = append(out, Snapshot{ID: it.SnapshotID, Names: names})
		}
		next := a.resp.Header().Get("X-Next-Token")
		if next == "" {
			return out, nil
		}
		q.Set("nextToken", next)
	}
	return out, nil
}

// snapshotSegment escapes a (validated) snapshot id for a path segment as
// the SDK's encodeURIComponent does: ":" and "/" are escaped, the other
// allowed characters are plain.
var snapshotSegment = strings.NewReplacer(":", "%3A", "/", "%2F")

// DeleteSnapshot deletes a snapshot (DELETE /templates/{id}, as the SDK's
// deleteSnapshot). found is false when E2B did not have it (404), which
// the SDK also reports as "not found" rather than an error.
func (c *Client) DeleteSnapshot(ctx context.Context, snapshotID string) (found bool, err error) {
	if err := ValidateSnapshotID(snapshotID); err != nil {
		return false, err
	}
	o := op{what: "delete a restore point"}
	a, err := c.do(ctx, o, idempotent, c.api, http.MethodDelete, "/templates/"+snapshotSegment.Replace(snapshotID), nil)
	if err != nil {
		return false, err
	}
	switch st := a.resp.StatusCode(); {
	case st == http.StatusNoContent || st == http.StatusOK:
		return true, nil
	case st == http.StatusNotFound:
		// After a retry, the lost first attempt may be what deleted it.
		return a.n > 1, nil
	default:
		return false, statusError(o, st, a.resp.Header(), a.resp.Body())
	}
}

// Fork copies a running sandbox (files, installed packages, memory) into a
// new sandbox that runs for timeout (POST /sandboxes/{id}/fork, count 1).
// The source keeps running with its id and end time. The new sandbox
// carries the source's settings, metadata included. It is sent once, like
// Create.
func (c *Client) Fork(ctx context.Context, sandboxID string, timeout time.Duration) (*Sandbox, error) {
	if err := ValidateSandboxID(sandboxID); err != nil {
		return nil, err
	}
	if err := checkTimeout(timeout, "sandbox timeout"); err != nil {
		return nil, err
	}
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	o := op{what: "copy the sandbox",
		conflict: "The sandbox is in the middle of another change, so it could not be copied. Wait a moment and try again."}
	a, err := c.do(ctx, o, onlyUnsent, c.api, http.MethodPost, sandboxPath(sandboxID, "/fork"), func(r *resty.Request) {
		r.SetHeader("Content-Type", "application/json").SetBody(map[string]int{"timeout": seconds(timeout), "count": 1})
	})
	if err != nil {
		return nil, err
	}
	if st := a.resp.StatusCode(); st != http.StatusCreated {
		return nil, statusError(o, st, a.resp.Header(), a.resp.Body())
	}
	var results []struct {
		Sandbox *json.RawMessage `json:"sandbox"`
		Error   *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(a.resp.Body(), &results); err != nil || len(results) == 0 {
		return nil, apperr.New(apperr.Internal, "E2B sent an answer Tessera could not read when trying to copy the sandbox. Try again; if it keeps happening, the log file has the details.")
	}
	r := results[0]
	if r.Error != nil || r.Sandbox == nil {
		code, msg := http.StatusInternalServerError, "Failed to start forked sandbox"
		if r.Error != nil {
			code, msg = r.Error.Code, r.Error.Message
		}
		b, _ := json.Marshal(map[string]any{"code": code, "message": msg})
		return nil, statusError(o, code, http.Header{}, b)
	}
	sb, err := decodeSandbox(o, *r.Sandbox)
	if err != nil {
		return nil, err
	}
	sb.State = StateRunning
	return sb, nil
}
