// An agent turn in the chat: the person's message shows at once, the
// steps stream into the agent store, and when the call returns the chat
// reloads the saved messages (the answer the turn is kept with). Stop ends
// the turn through the agent; Continue goes on with a paused one.
import * as agentApi from '../../api/agent'
import type { AgentMode } from '../../api/agent'
import { toApiError } from '../../api'
import { newId } from '../../lib/utils'
import { useCatalog } from '../catalog'
import { modeFor, useAgent } from '../agent/store'
import { outcomeOf, type AgentTurn } from '../agent/reducer'
import type { Problem } from '../../lib/problems'
import { persistDrafts } from './drafts'
import { refreshNewest } from './paging'
import { newRun } from './reducer'
import { userMessageSaved } from './saved'
import type { Attachment, StoreTools } from './types'

/** Whether the chosen model takes native tool calls (the catalog's word: the model's own, else its provider's). */
export function modelTakesTools(providerId: string | undefined, modelId?: string): boolean {
  if (!providerId) return false
  const p = useCatalog.getState().providers.find((x) => x.id === providerId)
  const m = p?.models.find((x) => x.id === modelId)
  return m ? !!m.tools : !!p?.tools
}

/** The mode the project's next turn runs in. */
export function chatMode(tools: StoreTools, projectId: string): AgentMode {
  const model = tools.get().model
  return modeFor(useAgent.getState().modes, projectId, modelTakesTools(model?.providerId, model?.modelId))
}

export interface AgentTurnInput {
  text: string
  images: Attachment[]
  /** The text came from the draft: the input cleared and comes back if nothing was kept. */
  fromDraft: boolean
  mode: AgentMode
  /** "Build this plan": the plan the Agent turn builds. */
  plan?: string
  /** Continue: the paused turn and the answer it is kept with. */
  continueFrom?: { turnId: string; messageId: string }
}

/**
 * Runs one agent turn (or continues one) to its end. Resolves when the
 * backend's call returns; never rejects (a failure is marked on the turn
 * and in the chat's error line).
 */
export async function runAgentTurn(tools: StoreTools, projectId: string, input: AgentTurnInput): Promise<agentApi.AgentTurnEnd | null> {
  const { set, get, patchChat } = tools
  const model = get().model
  if (!model) return null
  const requestId = newId()
  const draftText = get().drafts[projectId] ?? ''
  if (input.fromDraft) {
    set((st) => ({ drafts: { ...st.drafts, [projectId]: '' }, attachments: { ...st.attachments, [projectId]: [] } }))
    persistDrafts(get().drafts)
  }
  const agent = useAgent.getState()
  const carry = input.continueFrom ? (agent.byMessage[input.continueFrom.messageId] ?? null) : null
  agent.begin(projectId, requestId, input.mode, carry)
  // The step log shows progress: no fragment stage line under it.
  patchChat(projectId, {
    // Continue: the live row takes the place of the answer it goes on with.
    run: { ...newRun(requestId, 'agent'), stage: null, assistantId: input.continueFrom?.messageId ?? null },
    sendError: null,
    selected: null,
    pendingUser: input.continueFrom ? null : { text: input.text || 'Build this plan', images: input.images },
  })
  // Subscribe before calling: steps may arrive as soon as the turn starts.
  const off = agentApi.subscribeAgent(requestId, (batch) => useAgent.getState().apply(projectId, requestId, batch))
  try {
    const res = input.continueFrom
      ? await agentApi.agent.continue({ requestId, turnId: input.continueFrom.turnId })
      : await agentApi.agent.run({
          requestId,
          projectId,
          text: input.text,
          mode: input.mode,
          providerId: model.providerId,
          modelId: model.modelId,
          params: get().params,
          plan: input.plan ?? '',
        })
    useAgent.getState().settle(projectId, requestId, res)
    // The turn changed the project's files outside any fragment: the Code tab reads them again.
    patchChat(projectId, { run: null, pendingUser: null, canRedo: false, files: null })
    await tryRefresh(tools, projectId)
    return res
  } catch (e) {
    const err = toApiError(e)
    useAgent.getState().fail(projectId, requestId, err.message)
    patchChat(projectId, { run: null })
    await tryRefresh(tools, projectId)
    const saved = !!input.continueFrom || userMessageSaved(e, get().chats[projectId]?.messages ?? [], input.text)
    patchChat(projectId, {
      pendingUser: null,
      sendError: err.code === 'canceled' ? null : { code: err.code, message: err.message, action: saved ? 'retry' : 'resend' },
    })
    if (input.fromDraft && !saved && err.code !== 'canceled') {
      set((st) => ({
        drafts: st.drafts[projectId] ? st.drafts : { ...st.drafts, [projectId]: draftText },
        attachments: (st.attachments[projectId] ?? []).length ? st.attachments : { ...st.attachments, [projectId]: input.images },
      }))
      persistDrafts(get().drafts)
    }
    return null
  } finally {
    off()
  }
}

async function tryRefresh(tools: StoreTools, projectId: string) {
  try {
    await refreshNewest(tools, projectId)
  } catch {
    // offline: keep what is shown
  }
}

/** Stops the project's running agent turn (the backend kills what it started). */
export function stopAgentTurn(requestId: string): Promise<void> {
  return agentApi.agent.stop(requestId)
}

/** Puts the files an agent turn changed back to before its step seq. */
export function restoreAgentStep(turnId: string, seq: number, anyway = false): Promise<void> {
  return agentApi.agent.restoreBefore(turnId, seq, anyway)
}

/**
 * The problem of a turn that finished on a failed step (what Auto-fix
 * sends back), or null: a turn that was stopped, paused, or could not
 * reach the model is not "fixed" by sending it again.
 */
export function agentFixProblem(t: AgentTurn | undefined): Problem | null {
  if (!t || t.status !== 'done' || outcomeOf(t) !== 'failed') return null
  const last = t.steps[t.steps.length - 1]
  const detail = [last.output, last.exitCode ? `exit code ${last.exitCode}` : '', last.hint].filter(Boolean).join('\n')
  return { id: `agent-${t.turnId}-${last.index}`, kind: 'step', title: `step ${last.index} (${last.tool} ${last.args}) failed`, detail }
}
