// The agent's settings (limits, approvals), loaded and saved on their own:
// AgentService checks them; a refused save keeps what was saved and says why.
import { create } from 'zustand'
import { agent, type AgentSettings } from '../api/agent'
import { ApiError, errorMessage } from '../api'

interface AgentSettingsState {
  settings: AgentSettings | null
  saving: boolean
  error: string | null
  /** The field the last refusal was about (stepLimit, spendCapUsd, …). */
  errorField: string | null
  saved: boolean
  load: () => Promise<void>
  save: (s: AgentSettings) => Promise<boolean>
}

export const useAgentSettings = create<AgentSettingsState>((set) => ({
  settings: null,
  saving: false,
  error: null,
  errorField: null,
  saved: false,
  load: async () => {
    try {
      set({ settings: await agent.settings(), error: null, errorField: null })
    } catch (e) {
      set({ error: errorMessage(e) })
    }
  },
  save: async (s) => {
    set({ saving: true, error: null, errorField: null, saved: false })
    try {
      set({ settings: await agent.saveSettings(s), saving: false, saved: true })
      return true
    } catch (e) {
      set({ saving: false, error: errorMessage(e), errorField: e instanceof ApiError ? (e.field ?? null) : null })
      return false
    }
  },
}))
