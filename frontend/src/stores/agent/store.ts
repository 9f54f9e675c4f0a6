// The agent store: each chat's mode, the live turn of each project (its
// steps, approvals, plan, status) and the settled turns by the answer they
// are kept with. The turn's flow (the person's message, Stop, settling the
// chat) is the chat store's (stores/chat/agentTurn.ts); this store only
// holds what the step log and the mode control show.
import { create } from 'zustand'
import * as agentApi from '../../api/agent'
import type { AgentEvent, AgentMode, AgentTurnEnd, ApprovalDecision } from '../../api/agent'
import { errorMessage } from '../../api'
import { applyAgentEvents, endTurn, newTurn, settleApprovals, type AgentTurn } from './reducer'

export interface AgentState {
  /** The mode per project as the backend remembers it (absent: not loaded yet). */
  modes: Record<string, AgentMode>
  /** The live (or last) turn per project. */
  turns: Record<string, AgentTurn>
  /** Settled turns by the assistant message they are kept with (replay). */
  byMessage: Record<string, AgentTurn>
  /** The plan text the person edits before "Build this plan", per project. */
  planDrafts: Record<string, string>
  /** A sentence when answering an approval failed, per approval id. */
  answerErrors: Record<string, string>
  /** Answers whose stored steps were asked for already (each is asked once). */
  stepsAsked: Record<string, true>

  loadMode: (projectId: string, providerId: string, modelId: string) => Promise<void>
  setMode: (projectId: string, mode: AgentMode) => Promise<void>
  begin: (projectId: string, requestId: string, mode: AgentMode, carry?: AgentTurn | null) => void
  apply: (projectId: string, requestId: string, events: AgentEvent[]) => void
  settle: (projectId: string, requestId: string, end: AgentTurnEnd) => void
  /** The turn ended without a result (the call failed): it is marked failed, with the sentence. */
  fail: (projectId: string, requestId: string, sentence: string) => void
  answer: (approvalId: string, decision: ApprovalDecision, tool: string) => Promise<void>
  /** Loads the saved turn of an agent answer (once per answer). */
  loadTurn: (messageId: string) => Promise<void>
  setPlanDraft: (projectId: string, text: string) => void
}

export const useAgent = create<AgentState>((set, get) => {
  const patchTurn = (projectId: string, requestId: string, f: (t: AgentTurn) => AgentTurn) =>
    set((s) => {
      const t = s.turns[projectId]
      if (!t || t.requestId !== requestId) return s
      const next = f(t)
      if (next === t) return s
      const byMessage = next.messageId && next.status !== 'running' ? { ...s.byMessage, [next.messageId]: next } : s.byMessage
      return { turns: { ...s.turns, [projectId]: next }, byMessage }
    })

  return {
    modes: {},
    turns: {},
    byMessage: {},
    planDrafts: {},
    answerErrors: {},
    stepsAsked: {},

    loadMode: async (projectId, providerId, modelId) => {
      try {
        const mode = await agentApi.agent.mode(projectId, providerId, modelId)
        if (mode) set((s) => ({ modes: { ...s.modes, [projectId]: mode } }))
      } catch {
        // Unknown (offline, no backend): the composer shows the model's default.
      }
    },

    setMode: async (projectId, mode) => {
      const before = get().modes[projectId]
      set((s) => ({ modes: { ...s.modes, [projectId]: mode } }))
      try {
        await agentApi.agent.setMode(projectId, mode)
      } catch (e) {
        // Not remembered: show what is.
        set((s) => {
          const modes = { ...s.modes }
          if (before) modes[projectId] = before
          else delete modes[projectId]
          return { modes }
        })
        throw e
      }
    },

    begin: (projectId, requestId, mode, carry) =>
      set((s) => {
        // Continue goes on with the same log: the steps so far stay, the turn runs again.
        const t: AgentTurn = carry ? { ...carry, requestId, status: 'running', reason: '', canContinue: false } : newTurn(requestId, mode)
        return { turns: { ...s.turns, [projectId]: t } }
      }),

    apply: (projectId, requestId, events) => patchTurn(projectId, requestId, (t) => applyAgentEvents(t, events)),

    settle: (projectId, requestId, end) =>
      patchTurn(projectId, requestId, (t) => {
        const next = endTurn(t, end)
        // Plan mode: the finished turn's text is the plan the person edits.
        if (t.mode === 'plan' && next.status === 'done' && next.summary) set((s) => ({ planDrafts: { ...s.planDrafts, [projectId]: next.summary } }))
        return next
      }),

    fail: (projectId, requestId, sentence) =>
      patchTurn(projectId, requestId, (t) =>
        settleApprovals({
          ...t,
          steps: t.steps.map((st) => (st.status === 'running' || st.status === 'waiting' ? { ...st, status: 'failed', hint: st.hint || sentence } : st)),
          status: 'failed',
          reason: 'error',
          summary: sentence,
          canContinue: false,
        }),
      ),

    answer: async (approvalId, decision, tool) => {
      set((s) => {
        const answerErrors = { ...s.answerErrors }
        delete answerErrors[approvalId]
        return { answerErrors }
      })
      try {
        // The card changes when the turn says so (its resolved event), not
        // before: a click that did not reach the turn never shows as allowed.
        await agentApi.agent.answer(approvalId, decision, tool)
      } catch (e) {
        set((s) => ({ answerErrors: { ...s.answerErrors, [approvalId]: errorMessage(e) } }))
      }
    },

    loadTurn: async (messageId) => {
      if (get().byMessage[messageId] || get().stepsAsked[messageId]) return
      set((s) => ({ stepsAsked: { ...s.stepsAsked, [messageId]: true } }))
      try {
        const log = await agentApi.agent.turn(messageId)
        if (!log) return
        const t = endTurn({ ...newTurn('', log.end.mode), steps: log.steps, messageId }, log.end)
        set((s) => ({ byMessage: { ...s.byMessage, [messageId]: t } }))
      } catch {
        // offline: the answer shows without its log
      }
    },

    setPlanDraft: (projectId, text) => set((s) => ({ planDrafts: { ...s.planDrafts, [projectId]: text } })),
  }
})

/** The mode a chat runs in: the remembered one, else the model's default. */
export function modeFor(modes: Record<string, AgentMode>, projectId: string, supportsTools: boolean): AgentMode {
  const m = modes[projectId]
  // A model without native tool calls still runs Agent through the text protocol
  // when the person chose it; only the default follows the catalog.
  if (m) return m
  return supportsTools ? 'agent' : 'quick'
}
