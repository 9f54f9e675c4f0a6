import { describe, expect, it } from 'vitest'
import { normalizeAgentEvent, normalizeStep, normalizeTurnEnd, type AgentEvent } from '../../api/agentTypes'
import { applyAgentEvents, newTurn, outcomeOf, stopSentence, totalsOf, upsertStep } from './reducer'

// Events as backend/agent emits them (agent.Event JSON), read through the page's checks.
function rawStep(seq: number, status: string, extra: Record<string, unknown> = {}) {
  return { id: `s${seq}`, turnId: 't1', seq, tool: 'run_command', args: { command: 'npm test' }, title: 'npm test', status, usage: { prompt_tokens: 100, completion_tokens: 20 }, costUsd: 0.001, startedAt: '2026-12-08T03:00:00Z', durationMs: 10, ...extra }
}
function ev(raw: unknown): AgentEvent {
  const e = normalizeAgentEvent(raw)
  if (!e) throw new Error(`dropped: ${JSON.stringify(raw)}`)
  return e
}
const step = (seq: number, status: string, extra: Record<string, unknown> = {}) => normalizeStep(rawStep(seq, status, extra))!
const done = (result: Record<string, unknown>) => ev({ type: 'done', turnId: 't1', result: { turnId: 't1', messageId: 'm1', mode: 'agent', status: 'done', reason: 'finished', summary: '', canContinue: false, ...result } })

describe('upsertStep', () => {
  const cases: { name: string; before: string[]; add: [number, string]; want: [number, string][] }[] = [
    { name: 'appends a new step', before: ['ok'], add: [2, 'running'], want: [[1, 'ok'], [2, 'running']] },
    { name: 'replaces the same step', before: ['running'], add: [1, 'failed'], want: [[1, 'failed']] },
    { name: 'a settled step never goes back to running', before: ['failed'], add: [1, 'running'], want: [[1, 'failed']] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const before = c.before.map((st, i) => step(i + 1, st))
      expect(upsertStep(before, step(...c.add)).map((s) => [s.index, s.status])).toEqual(c.want)
    })
  }
  it('puts a late step in order', () => {
    expect(upsertStep([step(1, 'ok'), step(3, 'ok')], step(2, 'ok')).map((s) => s.index)).toEqual([1, 2, 3])
  })
})

describe('applyAgentEvents', () => {
  it('streams steps, an approval, its answer, text deltas and the end', () => {
    const approval = { id: 'a1', turnId: 't1', stepId: 's2', projectId: 'p', tool: 'run_command', command: 'git push origin main', reasons: ['Pushes to a remote.'] }
    let t = applyAgentEvents(newTurn('r1', 'agent'), [
      ev({ type: 'turn', turnId: 't1' }),
      ev({ type: 'step', turnId: 't1', step: rawStep(1, 'running', { tool: 'write_file', title: 'write src/App.tsx' }) }),
      ev({ type: 'step', turnId: 't1', step: rawStep(1, 'ok', { tool: 'write_file', title: 'write src/App.tsx', result: { ok: true, output: 'wrote 20 lines' } }) }),
      ev({ type: 'step', turnId: 't1', step: rawStep(2, 'awaiting_approval', { approvalId: 'a1', title: 'git push origin main' }) }),
      ev({ type: 'approval', turnId: 't1', approval }),
      ev({ type: 'text', turnId: 't1', text: 'Push' }),
      ev({ type: 'text', turnId: 't1', text: 'ing…' }),
    ])
    expect(t.turnId).toBe('t1')
    expect(t.steps.map((s) => s.status)).toEqual(['ok', 'waiting'])
    expect(t.steps[0]).toMatchObject({ args: 'write src/App.tsx', output: 'wrote 20 lines', tokensIn: 100, tokensOut: 20 })
    expect(t.approvals.a1).toMatchObject({ state: 'pending', command: 'git push origin main', reasons: ['Pushes to a remote.'] })
    expect(t.text).toBe('Pushing…')
    t = applyAgentEvents(t, [
      ev({ type: 'resolved', turnId: 't1', approval, text: 'decline' }),
      ev({ type: 'step', turnId: 't1', step: rawStep(2, 'declined', { approvalId: 'a1', result: { ok: false, output: 'The person declined.' } }) }),
      done({}),
    ])
    expect(t.approvals.a1.state).toBe('denied')
    expect(t.status).toBe('done')
    expect(t.messageId).toBe('m1')
    expect(outcomeOf(t)).toBe('failed') // the last step was declined: not shown as success
  })

  it('an unanswered approval never becomes yes when the turn ends', () => {
    const t = applyAgentEvents(newTurn('r', 'agent'), [
      ev({ type: 'step', step: rawStep(1, 'awaiting_approval', { approvalId: 'a1' }) }),
      ev({ type: 'approval', approval: { id: 'a1', stepId: 's1', tool: 'run_command', command: 'curl x | sh', reasons: [] } }),
      done({ status: 'stopped', reason: 'cancelled' }),
    ])
    expect(t.approvals.a1.state).toBe('expired')
  })

  it('a step left running by a crash shows as stopped once the turn is over', () => {
    const t = applyAgentEvents(newTurn('r', 'agent'), [
      ev({ type: 'step', step: rawStep(1, 'ok') }),
      ev({ type: 'step', step: rawStep(2, 'running') }),
      done({ status: 'paused', reason: 'interrupted', canContinue: true }),
    ])
    expect(t.status).toBe('interrupted')
    expect(t.steps.map((s) => s.status)).toEqual(['ok', 'canceled'])
    expect(t.steps[1].hint).toMatch(/closed/)
  })

  it('a late approval event does not reopen an answered card', () => {
    const approval = { id: 'a1', stepId: 's1', tool: 'run_command', command: 'git push', reasons: [] }
    const t = applyAgentEvents(newTurn('r', 'agent'), [ev({ type: 'approval', approval }), ev({ type: 'resolved', approval, text: 'approve' }), ev({ type: 'approval', approval })])
    expect(t.approvals.a1.state).toBe('allowed')
  })

  it('keeps notices once and returns the same turn for an empty batch', () => {
    const t0 = newTurn('r', 'agent')
    expect(applyAgentEvents(t0, [])).toBe(t0)
    const t = applyAgentEvents(t0, [ev({ type: 'notice', text: 'You called read_file with the same arguments 3 times.' }), ev({ type: 'notice', text: 'You called read_file with the same arguments 3 times.' })])
    expect(t.notices).toHaveLength(1)
  })
})

describe('outcome, totals and stop sentences', () => {
  const cases: { name: string; status: Parameters<typeof outcomeOf>[0]['status']; steps: string[]; want: string }[] = [
    { name: 'done after fixing a failure', status: 'done', steps: ['failed', 'ok'], want: 'done' },
    { name: 'done with a failed last step', status: 'done', steps: ['ok', 'failed'], want: 'failed' },
    { name: 'paused', status: 'paused', steps: ['ok'], want: 'paused' },
    { name: 'stopped', status: 'stopped', steps: ['canceled'], want: 'stopped' },
  ]
  for (const c of cases) it(c.name, () => expect(outcomeOf({ status: c.status, steps: c.steps.map((s, i) => step(i + 1, s)) })).toBe(c.want))

  it('adds up tokens, cost and failures', () => {
    expect(totalsOf([step(1, 'ok'), step(2, 'refused'), step(3, 'ok')])).toEqual({ steps: 3, failed: 1, tokensIn: 300, tokensOut: 60, costUsd: 0.003, durationMs: 30 })
  })

  it('says why a turn stopped', () => {
    expect(stopSentence({ status: 'paused', reason: 'step_limit', summary: '' })).toMatch(/step limit/)
    expect(stopSentence({ status: 'paused', reason: 'budget', summary: '' })).toMatch(/spend cap/)
    expect(stopSentence({ status: 'stopped', reason: 'cancelled', summary: '' })).toBe('You stopped the turn.')
    expect(stopSentence({ status: 'failed', reason: 'error', summary: 'The model is not available.' })).toBe('The turn failed. The model is not available.')
    expect(stopSentence({ status: 'done', reason: 'finished', summary: 'Built it.' })).toBe('')
  })
})

describe('the checks on what the backend sends', () => {
  it('drops what it cannot trust', () => {
    expect(normalizeAgentEvent(null)).toBeNull()
    expect(normalizeAgentEvent({ type: 'step', step: { seq: 0 } })).toBeNull()
    expect(normalizeAgentEvent({ type: 'done', result: {} })).toBeNull()
    expect(normalizeAgentEvent({ type: 'approval', approval: { command: 'x' } })).toBeNull()
    expect(normalizeAgentEvent({ type: 'eval', code: 'x' })).toBeNull()
  })

  it('an unknown status, or ok with a result that failed, is a failure, never a success', () => {
    expect(normalizeStep(rawStep(1, 'success'))?.status).toBe('failed')
    expect(normalizeStep(rawStep(1, 'ok', { result: { ok: false, output: 'x', exitCode: 2 } }))).toMatchObject({ status: 'failed', exitCode: 2 })
    expect(normalizeTurnEnd({ status: 'error', reason: 'error' })?.status).toBe('failed')
    expect(normalizeTurnEnd({ status: 'weird' })?.status).toBe('failed')
    expect(normalizeTurnEnd({ status: 'paused', reason: 'interrupted' })?.status).toBe('interrupted')
  })

  it('reads the contract camelCase usage as well as the events', () => {
    const s = normalizeStep({ ...rawStep(2, 'ok'), usage: { promptTokens: 7, completionTokens: 3 }, durationMs: -5, costUsd: 'lots', startedAt: '0001-01-01T00:00:00Z' })
    expect(s).toMatchObject({ index: 2, tokensIn: 7, tokensOut: 3, durationMs: 0, costUsd: 0, startedAt: '' })
  })
})
