// Typed wrappers over AgentService: a chat's mode, agent turns (run,
// continue, stop), approvals, plans and the agent's settings. Every call
// resolves with clean data or rejects with an ApiError carrying a sentence.
import { ApiError, BACKEND_MISSING, toApiError } from './errors'
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import type { AgentEvent, AgentMode, AgentStep, TurnStatus } from './agentTypes'
import { isAgentMode, normalizeAgentEvent, normalizeStep } from './agentTypes'
import { bindings, runtime } from './wails'

export * from './agentTypes'

// The topic of a turn's event batches (backend/events/topics.go once the agent package adds it).
const agentEvents = (requestId: string): string => `agent:events:${requestId}`

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

/** A turn's end as the page uses it: status, stop reason, the steps, and the saved messages' ids. */
export interface AgentTurnResult {
  status: TurnStatus
  stopReason: string
  summary: string
  plan: string
  userMessageId: string
  assistantMessageId: string
  steps: AgentStep[]
}

function cleanResult(r: Data<api.AgentTurnResult> | null | undefined): AgentTurnResult {
  const status = (r?.status ?? 'failed') as TurnStatus
  return {
    status,
    stopReason: r?.stopReason ?? '',
    summary: r?.summary ?? '',
    plan: r?.plan ?? '',
    userMessageId: r?.userMessageId ?? '',
    assistantMessageId: r?.assistantMessageId ?? '',
    steps: (r?.steps ?? []).flatMap((s) => normalizeStep(s) ?? []),
  }
}

function cleanSettings(s: Data<api.AgentSettings>): AgentSettings {
  return { ...s, tools: s.tools ?? {} }
}

export const agent = {
  /** The chat's mode: the one chosen, or the default for the model ("agent" where it takes tools). */
  mode: async (projectId: string, supportsTools: boolean): Promise<AgentMode> => {
    const m = await call(() => bindings.Agent.Mode({ projectId, supportsTools }))
    return isAgentMode(m) ? m : supportsTools ? 'agent' : 'quick'
  },
  setMode: (projectId: string, mode: AgentMode) => call(() => bindings.Agent.SetMode({ projectId, mode })),
  /** Runs a turn to its end (done, paused, stopped, failed); steps stream on agent:events:<requestId>. */
  run: async (req: AgentTurnRequest): Promise<AgentTurnResult> => cleanResult(await call(() => bindings.Agent.Run(req))),
  /** Goes on with a paused or interrupted turn (its steps stream on the new request id). */
  continue: async (req: AgentContinueRequest): Promise<AgentTurnResult> => cleanResult(await call(() => bindings.Agent.Continue(req))),
  stop: (requestId: string) => call(() => bindings.Agent.Stop(requestId)),
  /** Answers an approval card: allow once, deny, or always (for this tool from now on). */
  answer: (approvalId: string, decision: ApprovalDecision) => call(() => bindings.Agent.Answer({ approvalId, decision })),
  /** The stored steps of an agent answer (for replay after a restart). */
  steps: async (messageId: string): Promise<AgentStep[]> =>
    ((await call(() => bindings.Agent.Steps(messageId))) ?? []).flatMap((s) => normalizeStep(s) ?? []),
  settings: async (): Promise<AgentSettings> => cleanSettings(await call(() => bindings.Agent.Settings())),
  saveSettings: async (s: AgentSettings): Promise<AgentSettings> => cleanSettings(await call(() => bindings.Agent.SaveSettings(s))),
}

/** Subscribes to a turn's event batches; each event is checked, a bad one is dropped. */
export function subscribeAgent(requestId: string, handler: (batch: AgentEvent[]) => void): () => void {
  if (typeof window === 'undefined' || !(window as WailsWindow).runtime) return () => {}
  const off = runtime.EventsOn(agentEvents(requestId), (p: unknown) => {
    const batch = (Array.isArray(p) ? p : [p]).flatMap((e) => normalizeAgentEvent(e) ?? [])
    if (batch.length) handler(batch)
  })
  return typeof off === 'function' ? off : () => {}
}
