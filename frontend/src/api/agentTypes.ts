// The page's shapes of an agent turn. The event payloads on the
// `agent:events:<requestId>` topic are JSON the backend/agent package emits
// (Wails cannot generate event types), so they are written here by hand and
// every payload passes normalizeAgentEvent before a store sees it: a field
// of the wrong type is dropped, never trusted.

/** How a chat's turns run: Agent (tools, steps), Ask (read-only tools), Plan (reads, then a plan), Quick (one shot). */
export type AgentMode = 'agent' | 'ask' | 'plan' | 'quick'

export const AGENT_MODES: readonly AgentMode[] = ['agent', 'ask', 'plan', 'quick']

export function isAgentMode(v: unknown): v is AgentMode {
  return typeof v === 'string' && (AGENT_MODES as readonly string[]).includes(v)
}

/**
 * A step's state. running: the tool is at work; waiting: an approval card
 * waits for the person; ok: it did what was asked; failed: it ran and
 * failed (a command's non-zero exit, an edit whose text had changed);
 * denied: the person (or a "never" setting) said no; refused: Tessera's
 * rules refused it (the loop guard, a tool not offered); canceled: Stop.
 */
export type StepStatus = 'running' | 'waiting' | 'ok' | 'failed' | 'denied' | 'refused' | 'canceled'

const STEP_STATUSES: readonly StepStatus[] = ['running', 'waiting', 'ok', 'failed', 'denied', 'refused', 'canceled']

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
  /** 1-based index of the step that waits for it. */
  step: number
  tool: string
  /** The exact command or call, as it would run. */
  command: string
  /** Tessera's reason for asking ("pushes to a remote", "installs a new package"). */
  reason: string
  state: 'pending' | 'allowed' | 'denied' | 'expired'
}

export interface AgentStep {
  /** 1-based, in the order the model asked. */
  index: number
  tool: string
  /** The call's arguments, short (one line) for the card's header. */
  args: string
  status: StepStatus
  /** When the tool started (RFC 3339), "" before. */
  startedAt: string
  durationMs: number
  /** The tool's output as the model saw it (capped, secrets redacted). */
  output: string
  /** A sentence when the step failed, was denied or refused. */
  error: string
  /** The model call that asked for this step: its tokens and priced cost. */
  tokensIn: number
  tokensOut: number
  costUsd: number
  /** The approval of the step, when it needed one. */
  approval: AgentApproval | null
}

/**
 * A turn's state. running; paused: a limit was reached (steps, spend, time)
 * and Continue goes on; done: the model finished with a summary; stopped:
 * the person pressed Stop; failed: an error ended it; interrupted: the app
 * ended while it ran (Continue goes on).
 */
export type TurnStatus = 'running' | 'paused' | 'done' | 'stopped' | 'failed' | 'interrupted'

const TURN_STATUSES: readonly TurnStatus[] = ['running', 'paused', 'done', 'stopped', 'failed', 'interrupted']

/** A turn that Continue can take on. */
export function turnContinuable(s: TurnStatus): boolean {
  return s === 'paused' || s === 'interrupted'
}

export interface AgentTodo {
  text: string
  done: boolean
}

/**
 * One event of a turn (the backend batches them like the chat's): a step
 * (new or changed; the whole step each time), an approval asked or
 * answered, the model's text so far, the plan (Plan mode), the to-do list,
 * the turn's status with its stop reason.
 */
export type AgentEvent =
  | { type: 'step'; step: AgentStep }
  | { type: 'approval'; approval: AgentApproval }
  | { type: 'text'; text: string }
  | { type: 'plan'; plan: string }
  | { type: 'todos'; todos: AgentTodo[] }
  | { type: 'turn'; status: TurnStatus; stopReason: string; summary: string; messageId: string }

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

export function normalizeApproval(v: unknown): AgentApproval | null {
  const o = obj(v)
  if (!o || !str(o.id)) return null
  const state = str(o.state)
  return {
    id: str(o.id),
    step: num(o.step),
    tool: str(o.tool),
    command: str(o.command),
    reason: str(o.reason),
    state: state === 'allowed' || state === 'denied' || state === 'expired' ? state : 'pending',
  }
}

export function normalizeStep(v: unknown): AgentStep | null {
  const o = obj(v)
  if (!o || !Number.isInteger(o.index) || (o.index as number) < 1) return null
  const status = str(o.status)
  return {
    index: o.index as number,
    tool: str(o.tool),
    args: str(o.args),
    // An unknown status is not shown as success.
    status: (STEP_STATUSES as readonly string[]).includes(status) ? (status as StepStatus) : 'failed',
    startedAt: str(o.startedAt),
    durationMs: num(o.durationMs),
    output: str(o.output),
    error: str(o.error),
    tokensIn: num(o.tokensIn),
    tokensOut: num(o.tokensOut),
    costUsd: num(o.costUsd),
    approval: normalizeApproval(o.approval),
  }
}

/** One event as the page may trust it, or null (dropped). */
export function normalizeAgentEvent(v: unknown): AgentEvent | null {
  const o = obj(v)
  if (!o) return null
  switch (o.type) {
    case 'step': {
      const step = normalizeStep(o.step)
      return step ? { type: 'step', step } : null
    }
    case 'approval': {
      const approval = normalizeApproval(o.approval)
      return approval ? { type: 'approval', approval } : null
    }
    case 'text':
      return { type: 'text', text: str(o.text) }
    case 'plan':
      return { type: 'plan', plan: str(o.plan) }
    case 'todos':
      return {
        type: 'todos',
        todos: (Array.isArray(o.todos) ? o.todos : []).flatMap((t) => {
          const x = obj(t)
          return x && str(x.text) ? [{ text: str(x.text), done: x.done === true }] : []
        }),
      }
    case 'turn': {
      const status = str(o.status)
      if (!(TURN_STATUSES as readonly string[]).includes(status)) return null
      return { type: 'turn', status: status as TurnStatus, stopReason: str(o.stopReason), summary: str(o.summary), messageId: str(o.messageId) }
    }
    default:
      return null
  }
}
