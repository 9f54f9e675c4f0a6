package e2b

import (
	"context"
	"errors"
	"net/http"
	"time"

	"tessera/backend/apperr"
)

// WaitPort polls a port of the sandbox through the sandbox proxy until a
// server answers there (any status but the proxy's 502 "port is not open"),
// then returns its URL. It gives up when ctx ends.
func (c *Client) WaitPort(ctx context.Context, sb *Sandbox, port int) (string, error) {
	if err := ValidateSandboxID(sb.SandboxID); err != nil {
		return "", err
	}
	if port < 1 || port > 65535 {
		return "", apperr.Newf(apperr.Invalid, "Port %d is not a valid port.", port)
	}
	url := c.HostURL(sb, port)
	delay := 200 * time.Millisecond
	for {
		status, err := c.probe(ctx, url)
		if err == nil && status != http.StatusBadGateway {
			return url, nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return "", apperr.Wrap(ctx.Err(), apperr.Unavailable,
					"The app in the sandbox did not start answering in time. Look at the code for errors, then retry.")
			}
			return "", apperr.Wrap(ctx.Err(), apperr.Canceled, "The operation was stopped.")
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay *= 2
		}
	}
}

func (c *Client) probe(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
