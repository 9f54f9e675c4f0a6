// The page's shapes of an agent turn. The events on `agent:turn:<requestId>`
// are backend/agent's Event JSON (Wails cannot generate event types); the
// bound results (AgentStep, AgentTurnResult) carry the same fields. Both
// pass the checks here before a store sees them: a field of the wrong type
// is dropped, an unknown status is never shown as success.

/** How a chat's turns run: Agent (tools, steps), Ask (read-only tools), Plan (reads, then a plan), Quick (one shot). */
export type AgentMode = 'agent' | 'ask' | 'plan' | 'quick'

export const AGENT_MODES: readonly AgentMode[] = ['agent', 'ask', 'plan', 'quick']

export function isAgentMode(v: unknown): v is AgentMode {
  return typeof v === 'string' && (AGENT_MODES as readonly string[]).includes(v)
}

/**
 * A step's state on its card. running: the tool is at work; waiting: an
 * approval card waits for the person; ok: it did what was asked; failed: it
 * ran and failed (a non-zero exit, an edit whose text had changed); denied:
 * the person said no; refused: Tessera's rules refused it (mode, loop
 * guard, bad arguments); canceled: Stop.
 */
export type StepStatus = 'running' | 'waiting' | 'ok' | 'failed' | 'denied' | 'refused' | 'canceled'

/** backend/agent's StepStatus → the card's. */
const STEP_STATUS: Record<string, StepStatus> = {
  running: 'running',
  awaiting_approval: 'waiting',
  ok: 'ok',
  failed: 'failed',
  refused: 'refused',
  declined: 'denied',
  canceled: 'canceled',
}

/** A step that is over (a card that no longer changes). */
export function stepSettled(s: StepStatus): boolean {
  return s !== 'running' && s !== 'waiting'
}

/** A step that did not do what it was asked: its card is marked failed, never as success. */
export function stepFailed(s: StepStatus): boolean {
  return s === 'failed' || s === 'denied' || s === 'refused' || s === 'canceled'
}

/** What an approval card asks: the exact command (or call) and why Tessera asks. */
export interface AgentApproval {
  id: string
  stepId: string
  tool: string
  /** The exact command or call, as it would run. */
  command: string
  cwd: string
  /** Tessera's reasons for asking ("pushes to a remote"). */
  reasons: string[]
  /** expired: the turn ended (Stop, a limit) before an answer: it did not run. */
  state: 'pending' | 'allowed' | 'denied' | 'expired'
}

export interface AgentStep {
  id: string
  /** 1-based, in the order the model asked (across Continue). */
  index: number
  tool: string
  /** One line for the card's header ("read src/app.py:1-80"). */
  args: string
  status: StepStatus
  startedAt: string
  durationMs: number
  /** The tool's output as the model saw it (capped, secrets redacted). */
  output: string
  /** How to narrow the call when the output was cut, or why it failed. */
  hint: string
  exitCode: number | null
  /** The output's length before the cap (0: not cut). */
  truncatedFrom: number
  /** The model call that asked for this step: its tokens and priced cost. */
  tokensIn: number
  tokensOut: number
  costUsd: number
  approvalId: string
  changed: string[]
}

/**
 * A turn's state. running; paused: a limit was reached (steps, spend, time,
 * the loop guard, mistakes) and Continue goes on; done; stopped: Stop;
 * failed: an error ended it; interrupted: Tessera ended while it ran
 * (Continue goes on).
 */
export type TurnStatus = 'running' | 'paused' | 'done' | 'stopped' | 'failed' | 'interrupted'

export interface AgentTodo {
  text: string
  done: boolean
}

/** How a turn (or one segment) ended, as the page uses it. */
export interface AgentTurnEnd {
  turnId: string
  messageId: string
  mode: AgentMode
  status: TurnStatus
  /** backend/agent's StopReason: finished, step_limit, budget, time, loop, mistakes, cancelled, error, interrupted, quick, question. */
  reason: string
  summary: string
  notice: string
  canContinue: boolean
  costUsd: number
  partial: boolean
  checked: string[]
  todos: AgentTodo[]
}

/** One event of a turn, checked. */
export type AgentEvent =
  | { type: 'turn'; turnId: string }
  | { type: 'text'; text: string }
  | { type: 'step'; step: AgentStep }
  | { type: 'approval'; approval: AgentApproval }
  | { type: 'resolved'; approvalId: string; state: AgentApproval['state'] }
  | { type: 'todos'; todos: AgentTodo[] }
  | { type: 'notice'; text: string }
  | { type: 'done'; end: AgentTurnEnd }

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** Go's zero time ("0001-01-01T00:00:00Z") is no time. */
const time = (v: unknown): string => {
  const s = str(v)
  return s.startsWith('0001-') ? '' : s
}

/** A short line of a call's arguments, when the backend gave no title. */
function shortArgs(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return s.length > 120 ? `${s.slice(0, 119)}…` : s
}

export function normalizeTodos(v: unknown): AgentTodo[] {
  return (Array.isArray(v) ? v : []).flatMap((t) => {
    const x = obj(t)
    return x && str(x.text) ? [{ text: str(x.text), done: x.done === true }] : []
  })
}

export function normalizeApproval(v: unknown): AgentApproval | null {
  const o = obj(v)
  if (!o || !str(o.id)) return null
  return { id: str(o.id), stepId: str(o.stepId), tool: str(o.tool), command: str(o.command), cwd: str(o.cwd), reasons: strs(o.reasons), state: 'pending' }
}

/** A step from an event or a bound result (usage in the provider's snake_case or the contract's camelCase). */
export function normalizeStep(v: unknown): AgentStep | null {
  const o = obj(v)
  if (!o || !Number.isInteger(o.seq) || (o.seq as number) < 1) return null
  const result = obj(o.result)
  const usage = obj(o.usage) ?? {}
  let status: StepStatus = STEP_STATUS[str(o.status)] ?? 'failed'
  // A tool that said it did not succeed is not shown as success.
  if (status === 'ok' && result && result.ok === false) status = 'failed'
  const exit = result?.exitCode
  return {
    id: str(o.id),
    index: o.seq as number,
    tool: str(o.tool),
    args: str(o.title) || shortArgs(o.args),
    status,
    startedAt: time(o.startedAt),
    durationMs: num(o.durationMs),
    output: str(result?.output),
    hint: str(result?.hint),
    exitCode: typeof exit === 'number' && Number.isInteger(exit) ? exit : null,
    truncatedFrom: num(result?.truncatedFrom),
    tokensIn: num(usage.prompt_tokens ?? usage.promptTokens),
    tokensOut: num(usage.completion_tokens ?? usage.completionTokens),
    costUsd: num(o.costUsd),
    approvalId: str(o.approvalId),
    changed: strs(o.changed),
  }
}

/** backend/agent's turn status and reason → the page's. */
export function turnStatusOf(status: string, reason: string): TurnStatus {
  if (reason === 'interrupted') return 'interrupted'
  switch (status) {
    case 'running':
    case 'paused':
    case 'done':
    case 'stopped':
      return status
    default:
      // 'error', or anything unknown: never shown as done.
      return 'failed'
  }
}

export function normalizeTurnEnd(v: unknown): AgentTurnEnd | null {
  const o = obj(v)
  if (!o || !str(o.status)) return null
  const mode = str(o.mode)
  return {
    turnId: str(o.turnId),
    messageId: str(o.messageId),
    mode: isAgentMode(mode) ? mode : 'agent',
    status: turnStatusOf(str(o.status), str(o.reason)),
    reason: str(o.reason),
    summary: str(o.summary),
    notice: str(o.notice),
    canContinue: o.canContinue === true,
    costUsd: num(o.costUsd),
    partial: o.partial === true,
    checked: strs(o.checked),
    todos: normalizeTodos(o.todos),
  }
}

const RESOLVED: Record<string, AgentApproval['state']> = { approve: 'allowed', decline: 'denied', canceled: 'expired' }

/** One event as the page may trust it, or null (dropped). */
export function normalizeAgentEvent(v: unknown): AgentEvent | null {
  const o = obj(v)
  if (!o) return null
  switch (o.type) {
    case 'turn':
      return { type: 'turn', turnId: str(o.turnId) }
    case 'text':
      return { type: 'text', text: str(o.text) }
    case 'step': {
      const step = normalizeStep(o.step)
      return step ? { type: 'step', step } : null
    }
    case 'approval': {
      const approval = normalizeApproval(o.approval)
      return approval ? { type: 'approval', approval } : null
    }
    case 'resolved': {
      const a = obj(o.approval)
      if (!a || !str(a.id)) return null
      return { type: 'resolved', approvalId: str(a.id), state: RESOLVED[str(o.text)] ?? 'expired' }
    }
    case 'todos':
      return { type: 'todos', todos: normalizeTodos(o.todos) }
    case 'notice':
      return str(o.text) ? { type: 'notice', text: str(o.text) } : null
    case 'done': {
      const end = normalizeTurnEnd(o.result)
      return end ? { type: 'done', end } : null
    }
    default:
      return null
  }
}
