package api

import (
	"context"
	"encoding/json"

	"tessera/backend/apperr"
	"tessera/backend/config"
)

// agentSettingsKey is where the agent's settings live in the settings
// table (beside the preferences, which they are not part of: the agent
// owns its limits and approvals).
const agentSettingsKey = "agent"

// DefaultAgentSettings are the settings of a person who never changed
// them: 30 steps, $1 and 20 minutes a turn, nothing auto-approved.
func DefaultAgentSettings() AgentSettings {
	return AgentSettings{StepLimit: 30, SpendCapUSD: 1, TimeLimitSeconds: 20 * 60, Tools: map[string]string{}, Allow: map[string]bool{}}
}

// AgentSettingsStore keeps AgentSettings in the settings table.
type AgentSettingsStore struct{ KV config.KV }

// Load returns the saved settings, with defaults for what is missing or
// out of range (a file edited by hand never widens a limit past the
// checks SaveSettings makes).
func (s AgentSettingsStore) Load(ctx context.Context) (AgentSettings, error) {
	d := DefaultAgentSettings()
	raw, ok, err := s.KV.GetSetting(ctx, agentSettingsKey)
	if err != nil {
		return d, apperr.Wrap(err, apperr.Internal, "The agent's settings could not be read.")
	}
	if !ok || raw == "" {
		return d, nil
	}
	var got AgentSettings
	if json.Unmarshal([]byte(raw), &got) != nil {
		return d, nil
	}
	if got.Tools == nil {
		got.Tools = map[string]string{}
	}
	if got.Allow == nil {
		got.Allow = map[string]bool{}
	}
	if checkAgentSettings(got) != nil {
		return d, nil
	}
	return got, nil
}

// Save stores settings that passed checkAgentSettings.
func (s AgentSettingsStore) Save(ctx context.Context, in AgentSettings) error {
	if err := checkAgentSettings(in); err != nil {
		return err
	}
	b, err := json.Marshal(in)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "The agent's settings could not be saved.")
	}
	if err := s.KV.SetSetting(ctx, agentSettingsKey, string(b)); err != nil {
		return apperr.Wrap(err, apperr.Internal, "The agent's settings could not be saved.")
	}
	return nil
}
