// The pure part of the agent store: how a turn's event batches change what
// the page shows. No store, no API calls (reducer.test.ts).
import type { AgentApproval, AgentEvent, AgentMode, AgentStep, AgentTodo, AgentTurnEnd, TurnStatus } from '../../api/agentTypes'
import { stepFailed, stepSettled } from '../../api/agentTypes'

export interface AgentTurn {
  requestId: string
  /** backend/agent's turn id (Continue names it), once the turn started. */
  turnId: string
  mode: AgentMode
  /** Steps in index order. */
  steps: AgentStep[]
  /** Approvals by id (a step's card shows its own). */
  approvals: Record<string, AgentApproval>
  /** The model's text so far (deltas appended). */
  text: string
  todos: AgentTodo[]
  /** Sentences for the person beside the turn (the loop guard, a fallback to Quick). */
  notices: string[]
  status: TurnStatus
  /** backend/agent's stop reason (finished, step_limit, budget, …). */
  reason: string
  /** The finish summary, the plan (Plan mode), or why it stopped. */
  summary: string
  canContinue: boolean
  /** What the agent checked before finishing. */
  checked: string[]
  partial: boolean
  /** The assistant message the turn is kept with, once known. */
  messageId: string
}

export function newTurn(requestId: string, mode: AgentMode): AgentTurn {
  return { requestId, turnId: '', mode, steps: [], approvals: {}, text: '', todos: [], notices: [], status: 'running', reason: '', summary: '', canContinue: false, checked: [], partial: false, messageId: '' }
}

/** The end of a turn (a done event or the bound call's result) applied to it. */
export function endTurn(t: AgentTurn, end: AgentTurnEnd): AgentTurn {
  // A step still "running" in a turn that is over never finished (Stop, a
  // crash): it shows as stopped, never as working or done.
  const steps = end.status === 'running' || t.steps.every((s) => stepSettled(s.status)) ? t.steps
    : t.steps.map((s) => (stepSettled(s.status) ? s : { ...s, status: 'canceled' as const, hint: s.hint || (end.reason === 'interrupted' ? 'Tessera closed while this step ran.' : 'The turn ended before this step did.') }))
  return settleApprovals({
    ...t,
    steps,
    turnId: end.turnId || t.turnId,
    messageId: end.messageId || t.messageId,
    mode: t.mode,
    status: end.status,
    reason: end.reason,
    summary: end.summary || t.summary,
    canContinue: end.canContinue,
    checked: end.checked,
    partial: end.partial,
    todos: end.todos.length ? end.todos : t.todos,
    notices: end.notice && !t.notices.includes(end.notice) ? [...t.notices, end.notice] : t.notices,
  })
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
      case 'turn':
        t = { ...t, turnId: ev.turnId || t.turnId, status: 'running' }
        break
      case 'text':
        if (ev.text) t = { ...t, text: t.text + ev.text }
        break
      case 'step': {
        const steps = upsertStep(t.steps, ev.step)
        if (steps !== t.steps) t = { ...t, steps }
        break
      }
      case 'approval':
        // A card already answered (a late, reordered event) stays answered.
        if (!t.approvals[ev.approval.id]) t = { ...t, approvals: { ...t.approvals, [ev.approval.id]: ev.approval } }
        break
      case 'resolved': {
        const a = t.approvals[ev.approvalId]
        if (a) t = { ...t, approvals: { ...t.approvals, [a.id]: { ...a, state: ev.state } } }
        break
      }
      case 'todos':
        t = { ...t, todos: ev.todos }
        break
      case 'notice':
        if (!t.notices.includes(ev.text)) t = { ...t, notices: [...t.notices, ev.text] }
        break
      case 'done':
        t = endTurn(t, ev.end)
        break
    }
  }
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

/** The approval a step's card shows, when it asked for one. */
export function approvalOf(t: AgentTurn, step: AgentStep): AgentApproval | null {
  if (step.approvalId && t.approvals[step.approvalId]) return t.approvals[step.approvalId]
  // The approval event may name its step before the step names it.
  for (const a of Object.values(t.approvals)) if (a.stepId && a.stepId === step.id) return a
  return null
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

const REASON_SENTENCES: Record<string, string> = {
  step_limit: 'The turn paused at its step limit.',
  budget: 'The turn paused at its spend cap.',
  time: 'The turn paused at its time limit.',
  mistakes: 'The turn paused after too many mistakes in a row.',
  loop: 'The turn paused: the model repeated the same call.',
  cancelled: 'You stopped the turn.',
  interrupted: 'Tessera closed while the turn ran.',
  quick: 'The model could not use tools; the turn finished in Quick mode.',
  question: 'The agent asks you something: answer in the chat.',
  error: 'The turn failed.',
}

/**
 * Why the turn ended, as a sentence: the backend's own sentence (the
 * summary of a turn that did not finish) after the reason's. Empty for a
 * turn that finished or still runs.
 */
export function stopSentence(t: Pick<AgentTurn, 'status' | 'reason' | 'summary'>): string {
  if (t.status === 'running') return ''
  if (t.status === 'done' && (t.reason === 'finished' || t.reason === '')) return ''
  const base = REASON_SENTENCES[t.reason] ?? (t.status === 'stopped' ? REASON_SENTENCES.cancelled : t.status === 'failed' ? REASON_SENTENCES.error : t.status === 'paused' ? 'The turn paused at a limit.' : '')
  const own = t.status === 'failed' && t.summary.trim() && t.summary.trim() !== base ? t.summary.trim() : ''
  return own ? `${base} ${own}`.trim() : base
}
