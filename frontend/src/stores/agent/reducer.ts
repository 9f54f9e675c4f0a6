// The pure part of the agent store: how a turn's event batches change what
// the page shows. No store, no API calls (reducer.test.ts).
import type { AgentApproval, AgentEvent, AgentMode, AgentStep, AgentTodo, TurnStatus } from '../../api/agentTypes'
import { stepFailed, stepSettled } from '../../api/agentTypes'

export interface AgentTurn {
  requestId: string
  mode: AgentMode
  /** Steps by index order; steps[i].index === i + 1 once all have arrived. */
  steps: AgentStep[]
  /** Approvals by id (a step's card shows its own; pending ones are answered here). */
  approvals: Record<string, AgentApproval>
  text: string
  plan: string
  todos: AgentTodo[]
  status: TurnStatus
  stopReason: string
  summary: string
  /** The assistant message the turn is kept with, once the backend says. */
  messageId: string
}

export function newTurn(requestId: string, mode: AgentMode): AgentTurn {
  return { requestId, mode, steps: [], approvals: {}, text: '', plan: '', todos: [], status: 'running', stopReason: '', summary: '', messageId: '' }
}

/** Puts a step in its place by index (a later event for the same step replaces it). */
export function upsertStep(steps: AgentStep[], step: AgentStep): AgentStep[] {
  const last = steps[steps.length - 1]
  if (!last || last.index < step.index) return [...steps, step]
  const i = steps.findIndex((s) => s.index === step.index)
  if (i >= 0) {
    // A settled step never goes back to running (a late, reordered event).
    if (stepSettled(steps[i].status) && !stepSettled(step.status)) return steps
    const next = steps.slice()
    next[i] = step
    return next
  }
  return [...steps, step].sort((a, b) => a.index - b.index)
}

/** Applies one batch of events; returns the same object when nothing changed. */
export function applyAgentEvents(turn: AgentTurn, events: readonly AgentEvent[]): AgentTurn {
  let t = turn
  for (const ev of events) {
    switch (ev.type) {
      case 'step': {
        const steps = upsertStep(t.steps, ev.step)
        if (steps === t.steps) break
        const approvals = ev.step.approval ? { ...t.approvals, [ev.step.approval.id]: ev.step.approval } : t.approvals
        t = { ...t, steps, approvals }
        break
      }
      case 'approval':
        t = { ...t, approvals: { ...t.approvals, [ev.approval.id]: ev.approval } }
        break
      case 'text':
        t = { ...t, text: ev.text }
        break
      case 'plan':
        t = { ...t, plan: ev.plan }
        break
      case 'todos':
        t = { ...t, todos: ev.todos }
        break
      case 'turn':
        t = { ...t, status: ev.status, stopReason: ev.stopReason, summary: ev.summary || t.summary, messageId: ev.messageId || t.messageId }
        break
    }
  }
  if (t !== turn && t.status !== 'running') t = settleApprovals(t)
  return t
}

/** A turn that is over has no pending approval: an unanswered card never becomes yes. */
export function settleApprovals(t: AgentTurn): AgentTurn {
  const pending = Object.values(t.approvals).filter((a) => a.state === 'pending')
  if (pending.length === 0) return t
  const approvals = { ...t.approvals }
  for (const a of pending) approvals[a.id] = { ...a, state: 'expired' }
  return { ...t, approvals }
}

/** The approval a step's card shows: the latest known state of its own. */
export function approvalOf(t: AgentTurn, step: AgentStep): AgentApproval | null {
  if (!step.approval) return null
  return t.approvals[step.approval.id] ?? step.approval
}

export interface TurnTotals {
  steps: number
  failed: number
  tokensIn: number
  tokensOut: number
  costUsd: number
  durationMs: number
}

export function totalsOf(steps: readonly AgentStep[]): TurnTotals {
  const t: TurnTotals = { steps: steps.length, failed: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, durationMs: 0 }
  for (const s of steps) {
    if (stepFailed(s.status)) t.failed++
    t.tokensIn += s.tokensIn
    t.tokensOut += s.tokensOut
    t.costUsd += s.costUsd
    t.durationMs += s.durationMs
  }
  return t
}

/**
 * The turn's outcome as one word for its badge. A finished turn with a
 * failed step the model never got past is not "done": the last step's
 * failure shows; earlier failures it fixed are counted, not hidden.
 */
export function outcomeOf(t: Pick<AgentTurn, 'status' | 'steps'>): 'running' | 'done' | 'failed' | 'paused' | 'stopped' | 'interrupted' {
  if (t.status === 'done') {
    const last = t.steps[t.steps.length - 1]
    return last && stepFailed(last.status) ? 'failed' : 'done'
  }
  return t.status
}

const LIMIT_SENTENCES: Record<string, string> = {
  steps: 'The turn paused at its step limit.',
  spend: 'The turn paused at its spend cap.',
  time: 'The turn paused at its time limit.',
  mistakes: 'The turn paused after too many mistakes in a row.',
  loop: 'The turn stopped: the model repeated the same call.',
  user: 'You stopped the turn.',
  interrupted: 'Tessera closed while the turn ran.',
}

/** The stop reason as a sentence (the backend's own sentence when it sent one). */
export function stopSentence(t: Pick<AgentTurn, 'status' | 'stopReason'>): string {
  const r = t.stopReason.trim()
  if (LIMIT_SENTENCES[r]) return LIMIT_SENTENCES[r]
  if (r) return r
  switch (t.status) {
    case 'paused':
      return 'The turn paused at a limit.'
    case 'stopped':
      return LIMIT_SENTENCES.user
    case 'interrupted':
      return LIMIT_SENTENCES.interrupted
    case 'failed':
      return 'The turn failed.'
    default:
      return ''
  }
}
