package env

import "context"

// Withheld replaces a tool's output whose secrets could not be checked.
const Withheld = "[output withheld: the project's secrets could not be read to hide them from it]"

// ToolOutput is the redactor the agent's tool results go through before
// the model, the step log or the page sees them (agent.Redactor). Unlike
// Redact it fails closed: when the project's secret values cannot be read
// (a locked keychain) the output is withheld, since a sandbox made before
// the keychain locked still holds them.
type ToolOutput struct{ R *Redactor }

// Redact implements agent.Redactor.
func (t ToolOutput) Redact(_ context.Context, projectID, text string) string {
	out, ok := t.R.RedactChecked(projectID, text)
	if !ok {
		return Withheld
	}
	return out
}
