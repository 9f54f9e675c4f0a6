// Problems of a run, each with what "Fix with AI" sends the model: a
// traceback, a failed install (a command with a non-zero exit), a write or
// run step that failed, a web server that never opened its port, errors in
// the server's console. Pure: unit-tested without React.
import type { RunResult } from '../api'
import type { FragmentView } from './fragment'
import { stripAnsi } from './utils'

export type ProblemKind = 'traceback' | 'install' | 'port' | 'step' | 'server'

export interface Problem {
  /** Stable for one run's problem (React key, test id). */
  id: string
  kind: ProblemKind
  /** One line: what went wrong. */
  title: string
  /** The error text: traceback, install output, console lines. */
  detail: string
  /** The fragment's main file, the code that failed. */
  file?: string
}

/** How much of an error's text is sent with a Fix (its end: where the cause is). */
export const MAX_DETAIL = 6000

function tail(s: string, n = MAX_DETAIL): string {
  const t = s.trimEnd()
  return t.length <= n ? t : '…' + t.slice(t.length - n)
}

function mainFile(fragment: FragmentView | null | undefined): string | undefined {
  return fragment?.files[0]?.path || undefined
}

/** The steps whose failure the model can fix (a failed model call or sandbox start is not its code). */
const FIXABLE_STEPS = new Set(['install', 'write', 'run', 'preview'])

export function problemsOf(result: RunResult | null | undefined, fragment?: FragmentView | null): Problem[] {
  if (!result) return []
  const file = mainFile(fragment)
  const out: Problem[] = []
  if (result.error) {
    const e = result.error
    out.push({
      id: 'traceback',
      kind: 'traceback',
      title: `${e.name}: ${stripAnsi(e.value)}`.trim(),
      detail: tail(stripAnsi(e.traceback || `${e.name}: ${e.value}`)),
      file,
    })
  }
  const se = result.stepError
  if (se && FIXABLE_STEPS.has(se.step)) {
    switch (se.step) {
      case 'install':
        out.push({ id: 'install', kind: 'install', title: se.message, detail: tail(stripAnsi(result.installLog ?? '')), file })
        break
      case 'preview':
        out.push({ id: 'port', kind: 'port', title: se.message, detail: tail(stripAnsi(result.stderr.join(''))), file })
        break
      default:
        out.push({ id: `step-${se.step}`, kind: 'step', title: se.message, detail: tail(stripAnsi(result.stderr.join(''))), file })
    }
  }
  return out
}

const SERVER_ERROR =
  /(Traceback \(most recent call last\)|\b[A-Z][A-Za-z]*Error\b|\bError:|Failed to compile|Module not found|npm ERR!|ERR_[A-Z_]+|Unhandled Runtime Error|Exception\b)/

/** Lines of console context kept before and after the first error line. */
const BEFORE = 3
const AFTER = 30

/**
 * The first error in a server console's output (newest run of it: after
 * the last restart line, if any), with the lines around it; null when none.
 */
export function serverProblem(output: string, file?: string): Problem | null {
  const lines = stripAnsi(output).replace(/\r\n?/g, '\n').split('\n')
  const at = lines.findIndex((l) => SERVER_ERROR.test(l))
  if (at < 0) return null
  const detail = lines.slice(Math.max(0, at - BEFORE), at + AFTER).join('\n')
  return { id: `server-${at}`, kind: 'server', title: `The server reported an error: ${lines[at].trim().slice(0, 200)}`, detail: tail(detail), file }
}

const LABEL: Record<ProblemKind, string> = {
  traceback: 'The code raised an error',
  install: 'Installing the dependencies failed',
  port: 'The app did not start',
  step: 'A step of the run failed',
  server: "The app's server reported an error",
}

export function problemLabel(p: Problem): string {
  return LABEL[p.kind]
}

/** How a Fix's message begins (parseFixPrompt in outcome.ts reads it back). */
export const FIX_PREFIX = 'Fix this problem. '

/** The message a Fix sends: the problem, the file it is in, the error text. */
export function fixPrompt(p: Problem): string {
  const parts = [`${FIX_PREFIX}${LABEL[p.kind]}: ${p.title}`]
  if (p.file) parts.push(`File: ${p.file}`)
  if (p.detail) parts.push('Error output:\n```\n' + p.detail + '\n```')
  parts.push('Change the code so that it runs without this error, and keep everything else as it is.')
  return parts.join('\n\n')
}
