package chat

// Redaction (issue 30): a secret the sandbox printed, threw in a
// traceback or echoed in a URL must not reach the model (Fix, Auto-fix,
// the prompt's files, the history), the database (run results, the
// person's message, the version's message) or the page. Each exit of the
// chat goes through Config.Redactor.

import (
	"encoding/json"
)

// Redacter replaces a project's secret values by "[secret NAME]"
// (*env.Redactor).
type Redacter interface {
	Redact(projectID, s string) string
}

func (s *Service) redact(projectID, text string) string {
	if s.cfg.Redactor == nil || text == "" {
		return text
	}
	return s.cfg.Redactor.Redact(projectID, text)
}

// redactJSON redacts encoded JSON: the marker needs no escaping inside a
// JSON string, and the Redactor matches the JSON-escaped forms too.
func (s *Service) redactJSON(projectID string, b json.RawMessage) json.RawMessage {
	if s.cfg.Redactor == nil || len(b) == 0 {
		return b
	}
	out := s.cfg.Redactor.Redact(projectID, string(b))
	if out == string(b) {
		return b
	}
	if !json.Valid([]byte(out)) {
		// Cannot happen with the marker's characters; never store less
		// than valid JSON.
		return b
	}
	return json.RawMessage(out)
}

func (s *Service) redactExecError(projectID string, e *ExecError) *ExecError {
	if e == nil {
		return nil
	}
	return &ExecError{Name: s.redact(projectID, e.Name), Value: s.redact(projectID, e.Value), Traceback: s.redact(projectID, e.Traceback)}
}

// redactResult redacts a cell's result (every format) through its JSON.
func (s *Service) redactResult(projectID string, r ExecResult) ExecResult {
	if s.cfg.Redactor == nil {
		return r
	}
	b, err := json.Marshal(r)
	if err != nil {
		return r
	}
	red := s.redactJSON(projectID, b)
	if len(red) == len(b) && string(red) == string(b) {
		return r
	}
	var out ExecResult
	if err := json.Unmarshal(red, &out); err != nil {
		return r
	}
	return out
}

// redactRequest redacts everything the model is about to get: the system
// prompt (the project's files), every turn of the history.
func (s *Service) redactRequest(projectID string, g GenerateRequest) GenerateRequest {
	if s.cfg.Redactor == nil {
		return g
	}
	g.System = s.redact(projectID, g.System)
	turns := make([]Turn, len(g.Turns))
	for i, t := range g.Turns {
		t.Content = s.redact(projectID, t.Content)
		turns[i] = t
	}
	g.Turns = turns
	return g
}
