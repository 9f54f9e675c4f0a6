// What a turn came to, for the mark on the turn itself (issue 29, item 1):
// a run, install, write or port that failed; a turn that fixed the one
// before it; a stopped or interrupted answer. Pure: unit-tested without
// React.
import type { Message } from '../api'
import { runResultOf } from '../api'
import { fragmentFromStored } from './fragment'
import { FIX_PREFIX, problemLabel, problemsOf, type Problem } from './problems'

export type OutcomeTone = 'failed' | 'fixed' | 'stopped'

export interface Outcome {
  tone: OutcomeTone
  /** One line: what happened to this turn. */
  line: string
  /** The error text behind the line, one click away; empty when there is none. */
  detail: string
  /** What Fix sends, when the model can fix it. */
  problem?: Problem
}

export interface FixRequest {
  /** "The code raised an error", as the Problems panel names it. */
  label: string
  /** The problem's one line, e.g. "KeyError: 'region'". */
  title: string
  file?: string
  /** The error output that was sent. */
  detail: string
}

/**
 * Reads a message written by fixPrompt back into its parts, so the chat
 * shows "Fix: KeyError: 'region'" instead of the raw prompt with its code
 * fences; null for anything the person typed.
 */
export function parseFixPrompt(text: string): FixRequest | null {
  if (!text.startsWith(FIX_PREFIX)) return null
  const parts = text.split('\n\n')
  const head = parts[0].slice(FIX_PREFIX.length)
  const colon = head.indexOf(': ')
  if (colon < 0) return null
  const fileLine = parts.find((p) => p.startsWith('File: '))
  const out = text.match(/Error output:\n```\n([\s\S]*)\n```/)
  return {
    label: head.slice(0, colon),
    title: head.slice(colon + 2),
    file: fileLine ? fileLine.slice('File: '.length) : undefined,
    detail: out ? out[1] : '',
  }
}

/**
 * The outcome of an assistant message, or null when it simply worked.
 * asked is the person's message this answers: when it was a Fix and this
 * run has no problem, the turn says it fixed it.
 */
export function turnOutcome(message: Message, asked?: Message | null): Outcome | null {
  if (message.role !== 'assistant') return null
  if (message.status === 'stopped') return { tone: 'stopped', line: 'Stopped. The partial answer was kept.', detail: '' }
  if (message.status === 'interrupted') {
    return { tone: 'stopped', line: 'Interrupted: Tessera closed before this answer finished. What arrived was kept.', detail: '' }
  }
  if (message.status !== 'done' && message.status !== 'error') return null
  const result = runResultOf(message)
  const [problem] = problemsOf(result, fragmentFromStored(message.fragment))
  if (problem) {
    return { tone: 'failed', line: `${problemLabel(problem)}: ${problem.title}`, detail: problem.detail, problem }
  }
  if (message.status === 'error') {
    // A failed model call or sandbox start: not the code's fault, so no Fix.
    return { tone: 'failed', line: result?.stepError?.message || 'This answer failed.', detail: '' }
  }
  const fix = asked?.role === 'user' ? parseFixPrompt(asked.content) : null
  if (fix && result) {
    return { tone: 'fixed', line: `Fixed: it runs now (before: ${fix.title}).`, detail: '' }
  }
  return null
}
