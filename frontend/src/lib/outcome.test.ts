import { describe, expect, it } from 'vitest'
import type { Message, RunResult } from '../api'
import { parseFixPrompt, turnOutcome } from './outcome'
import { fixPrompt, problemsOf } from './problems'

const TB = 'Traceback (most recent call last):\n  File "script.py", line 2\nKeyError: \'region\''
const frag = { template: 'code-interpreter-v1', title: 'Read', file_path: 'script.py', code: 'x' }
const run = (over: Partial<RunResult> = {}): RunResult => ({ kind: 'python', template: 'code-interpreter-v1', stdout: [], stderr: [], results: [], ...over })
const answer = (result: RunResult | null, status: Message['status'] = 'done'): Message => ({
  id: 'a', projectId: 'p', seq: 2, role: 'assistant', content: 'Here.', status, createdAt: '2026-01-01T00:00:00Z', fragment: frag, result,
})
const user = (content: string): Message => ({ id: 'u', projectId: 'p', seq: 1, role: 'user', content, status: 'done', createdAt: '2026-01-01T00:00:00Z' })

describe('turnOutcome', () => {
  const cases: { name: string; msg: Message; asked?: Message; tone: string | null; line?: RegExp; fix?: boolean; detail?: RegExp }[] = [
    { name: 'a run that worked has no mark', msg: answer(run({ stdout: ['1\n'] })), tone: null },
    {
      name: 'a cell that raised is a failed turn, with Fix and the traceback',
      msg: answer(run({ error: { name: 'KeyError', value: "'region'", traceback: TB } })),
      tone: 'failed',
      line: /^The code raised an error: KeyError: 'region'$/,
      fix: true,
      detail: /Traceback/,
    },
    {
      name: 'a failed install',
      msg: answer(run({ stepError: { step: 'install', code: 'internal', message: 'pip install failed (exit 1).' }, installLog: 'ERROR: no such package' }), 'error'),
      tone: 'failed',
      line: /^Installing the dependencies failed: pip install failed/,
      fix: true,
      detail: /no such package/,
    },
    {
      name: 'a failed write',
      msg: answer(run({ stepError: { step: 'write', code: 'unavailable', message: 'The file could not be written.' } }), 'error'),
      tone: 'failed',
      line: /^A step of the run failed: The file could not be written\.$/,
      fix: true,
    },
    {
      name: 'a port that never opened',
      msg: answer(run({ kind: 'web', stepError: { step: 'preview', code: 'unavailable', message: 'Nothing answered on port 3000.' } }), 'error'),
      tone: 'failed',
      line: /^The app did not start: Nothing answered on port 3000\.$/,
      fix: true,
    },
    {
      name: 'a sandbox that did not start fails the turn, but is not the code to fix',
      msg: answer(run({ stepError: { step: 'sandbox', code: 'unavailable', message: 'E2B is unreachable.' } }), 'error'),
      tone: 'failed',
      line: /^E2B is unreachable\.$/,
      fix: false,
    },
    { name: 'stopped', msg: answer(null, 'stopped'), tone: 'stopped', line: /^Stopped/ },
    { name: 'interrupted', msg: answer(null, 'interrupted'), tone: 'stopped', line: /^Interrupted/ },
    {
      name: 'a Fix that runs now says so',
      msg: answer(run({ stdout: ['ok\n'] })),
      asked: user(fixPrompt(problemsOf(run({ error: { name: 'KeyError', value: "'region'", traceback: TB } }))[0])),
      tone: 'fixed',
      line: /^Fixed: it runs now \(before: KeyError: 'region'\)\.$/,
    },
    { name: 'a typed message that only mentions fixing is not a Fix', msg: answer(run()), asked: user('Fix this problem please'), tone: null },
    { name: 'a Fix that failed again is a failure, not fixed', msg: answer(run({ error: { name: 'E', value: 'v', traceback: 'E: v' } })), asked: user(fixPrompt({ id: 't', kind: 'traceback', title: 'E: v', detail: '' })), tone: 'failed' },
    { name: 'a message still streaming has no mark', msg: answer(null, 'streaming' as Message['status']), tone: null },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const o = turnOutcome(c.msg, c.asked)
      expect(o?.tone ?? null).toBe(c.tone)
      if (c.line) expect(o?.line).toMatch(c.line)
      if (c.fix !== undefined) expect(!!o?.problem).toBe(c.fix)
      if (c.detail) expect(o?.detail).toMatch(c.detail)
    })
  }
})

describe('parseFixPrompt', () => {
  it('reads back what fixPrompt wrote', () => {
    const text = fixPrompt({ id: 't', kind: 'traceback', title: "KeyError: 'region'", detail: TB, file: 'script.py' })
    expect(parseFixPrompt(text)).toEqual({ label: 'The code raised an error', title: "KeyError: 'region'", file: 'script.py', detail: TB })
  })
  it('null for what a person typed', () => {
    expect(parseFixPrompt('Make the button green')).toBeNull()
    expect(parseFixPrompt('Fix this problem. no colon here')).toBeNull()
  })
})
