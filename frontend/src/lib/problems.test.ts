import { describe, expect, it } from 'vitest'
import type { RunResult } from '../api'
import { fixPrompt, MAX_DETAIL, problemsOf, serverProblem } from './problems'
import type { FragmentView } from './fragment'

const base: RunResult = { kind: 'python', template: 'code-interpreter-v1', stdout: [], stderr: [], results: [] }
const frag: FragmentView = { title: 'T', description: '', template: 'code-interpreter-v1', commentary: '', files: [{ path: 'script.py', content: '1/0' }] }
const tb = 'Traceback (most recent call last):\n  File "<cell>", line 1\n\u001b[31mZeroDivisionError\u001b[0m: division by zero'

describe('problemsOf', () => {
  const cases: { name: string; result: RunResult | null; kinds: string[]; title?: string; detail?: string }[] = [
    { name: 'nothing', result: null, kinds: [] },
    { name: 'a clean run', result: base, kinds: [] },
    { name: 'a traceback', result: { ...base, error: { name: 'ZeroDivisionError', value: 'division by zero', traceback: tb } }, kinds: ['traceback'], title: 'ZeroDivisionError: division by zero', detail: 'ZeroDivisionError: division by zero' },
    {
      name: 'a failed install',
      result: { ...base, installLog: 'ERROR: No matching distribution found for nopkg', stepError: { step: 'install', code: 'invalid', message: 'The install command "pip install nopkg" failed with exit code 1' } },
      kinds: ['install'],
      title: 'exit code 1',
      detail: 'No matching distribution',
    },
    { name: 'a port that never opened', result: { ...base, kind: 'web', stepError: { step: 'preview', code: 'unavailable', message: 'The app did not open port 3000.' } }, kinds: ['port'], title: 'port 3000' },
    { name: 'a write that failed', result: { ...base, stepError: { step: 'write', code: 'unavailable', message: 'could not write' } }, kinds: ['step'] },
    { name: 'a model call that failed is not the code', result: { ...base, stepError: { step: 'generate', code: 'unavailable', message: 'offline' } }, kinds: [] },
    { name: 'a sandbox that did not start is not the code', result: { ...base, stepError: { step: 'sandbox', code: 'unauthorized', message: 'key' } }, kinds: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const ps = problemsOf(c.result, frag)
      expect(ps.map((p) => p.kind)).toEqual(c.kinds)
      if (c.title) expect(ps[0].title).toContain(c.title)
      if (c.detail) expect(ps[0].detail).toContain(c.detail)
      for (const p of ps) {
        expect(p.file).toBe('script.py')
        expect(p.detail).not.toMatch(/\u001b/)
      }
    })
  }

  it('keeps the end of a long error, where the cause is', () => {
    const long = 'x'.repeat(MAX_DETAIL * 2) + '\nKeyError: "region"'
    const [p] = problemsOf({ ...base, error: { name: 'KeyError', value: "'region'", traceback: long } })
    expect(p.detail.length).toBeLessThanOrEqual(MAX_DETAIL + 1)
    expect(p.detail.endsWith('KeyError: "region"')).toBe(true)
  })
})

describe('serverProblem', () => {
  it('finds the first error line with its context', () => {
    const out = 'ready - started server on 0.0.0.0:3000\nwait - compiling...\n\u001b[31merror\u001b[0m - ./pages/index.tsx\nError: Cannot find module \'leftpad\'\n    at x (y.js:1)\n'
    const p = serverProblem(out, 'pages/index.tsx')
    expect(p?.kind).toBe('server')
    expect(p?.title).toContain("Cannot find module 'leftpad'")
    expect(p?.detail).toContain('at x (y.js:1)')
    expect(p?.file).toBe('pages/index.tsx')
  })
  it('is null for a console without errors', () => {
    expect(serverProblem('ready on 3000\nGET / 200\n')).toBeNull()
  })
})

describe('fixPrompt', () => {
  it('carries the problem, the file and the error text', () => {
    const [p] = problemsOf({ ...base, error: { name: 'ZeroDivisionError', value: 'division by zero', traceback: tb } }, frag)
    const s = fixPrompt(p)
    expect(s).toContain('Fix this problem.')
    expect(s).toContain('File: script.py')
    expect(s).toContain('Traceback (most recent call last):')
    expect(s).toContain('ZeroDivisionError: division by zero')
  })
})
