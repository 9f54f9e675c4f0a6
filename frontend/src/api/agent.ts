// Typed wrappers over AgentService: a chat's mode, agent turns (run,
// continue, stop), approvals, plans and the agent's settings. Every call
// resolves with clean data or rejects with an ApiError carrying a sentence.
import { ApiError, BACKEND_MISSING, toApiError } from './errors'
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import type { AgentEvent, AgentMode, AgentStep, AgentTurnEnd } from './agentTypes'
import { isAgentMode, normalizeAgentEvent, normalizeStep, normalizeTurnEnd } from './agentTypes'
import { agentTurn } from './topics'
import { bindings, models, runtime } from './wails'

export * from './agentTypes'


type WailsWindow = Window & { go?: Record<string, unknown>; runtime?: Record<string, unknown> }

async function call<T>(fn: () => Promise<T>): Promise<Data<T>> {
  if (typeof window === 'undefined' || !(window as WailsWindow).go) throw new ApiError('unavailable', BACKEND_MISSING)
  try {
    return (await fn()) as Data<T>
  } catch (e) {
    throw toApiError(e)
  }
}

export type AgentTurnRequest = Data<api.AgentTurnRequest>
export type AgentContinueRequest = Data<api.AgentContinueRequest>
export type AgentSettings = Data<api.AgentSettings>
export type ToolApproval = 'ask' | 'always' | 'never'
export type ApprovalDecision = 'allow' | 'deny' | 'always'

/** A bound call's result that is not a turn's end is a failed turn, never a done one. */
function endOf(r: unknown): AgentTurnEnd {
  return normalizeTurnEnd(r) ?? { turnId: '', messageId: '', mode: 'agent', status: 'failed', reason: 'error', summary: '', notice: '', canContinue: false, costUsd: 0, partial: false, checked: [], todos: [] }
}

function cleanSettings(s: Data<api.AgentSettings>): AgentSettings {
  return { ...s, tools: s.tools ?? {}, allow: s.allow ?? {} }
}

export const agent = {
  /** The chat's mode: the one chosen, or the model's default (Agent where it takes tools). */
  mode: async (projectId: string, providerId: string, modelId: string): Promise<AgentMode | null> => {
    const m = await call(() => bindings.Agent.Mode({ projectId, providerId, modelId }))
    return isAgentMode(m) ? m : null
  },
  setMode: (projectId: string, mode: AgentMode) => call(() => bindings.Agent.SetMode({ projectId, mode })),
  /** Runs a turn to its end or pause; its events stream on agent:turn:<requestId>. */
  run: async (req: AgentTurnRequest): Promise<AgentTurnEnd> => endOf(await call(() => bindings.Agent.Run(models.AgentTurnRequest.createFrom(req)))),
  /** Goes on with a paused or interrupted turn (same log, same answer). */
  continue: async (req: AgentContinueRequest): Promise<AgentTurnEnd> => endOf(await call(() => bindings.Agent.Continue(req))),
  stop: (requestId: string) => call(() => bindings.Agent.Stop(requestId)),
  /** Answers an approval card: allow once, deny, or always (the tool's setting becomes "always"). */
  answer: (approvalId: string, decision: ApprovalDecision, tool: string) => call(() => bindings.Agent.Answer({ approvalId, decision, tool })),
  /** The saved turn of an agent answer with its steps; null when the answer was not an agent turn. */
  turn: async (messageId: string): Promise<{ end: AgentTurnEnd; steps: AgentStep[] } | null> => {
    try {
      const log = await call(() => bindings.Agent.Turn(messageId))
      const end = normalizeTurnEnd(log?.turn)
      if (!end) return null
      return { end, steps: (log?.stepList ?? []).flatMap((s) => normalizeStep(s) ?? []) }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') return null
      throw e
    }
  },
  /** Puts the files the turn changed back to before its step seq (a new version). */
  restoreBefore: (turnId: string, seq: number, anyway = false) => call(() => bindings.Agent.RestoreBefore({ turnId, seq, anyway })),
  settings: async (): Promise<AgentSettings> => cleanSettings(await call(() => bindings.Agent.Settings())),
  saveSettings: async (s: AgentSettings): Promise<AgentSettings> => cleanSettings(await call(() => bindings.Agent.SaveSettings(s))),
}

/** Subscribes to a turn's events (one or a batch per emission); each is checked, a bad one is dropped. */
export function subscribeAgent(requestId: string, handler: (batch: AgentEvent[]) => void): () => void {
  if (typeof window === 'undefined' || !(window as WailsWindow).runtime) return () => {}
  const off = runtime.EventsOn(agentTurn(requestId), (p: unknown) => {
    const batch = (Array.isArray(p) ? p : [p]).flatMap((e) => normalizeAgentEvent(e) ?? [])
    if (batch.length) handler(batch)
  })
  return typeof off === 'function' ? off : () => {}
}
