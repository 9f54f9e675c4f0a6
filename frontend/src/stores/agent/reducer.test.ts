import { describe, expect, it } from 'vitest'
import { normalizeAgentEvent, normalizeStep, type AgentEvent, type AgentStep } from '../../api/agentTypes'
import { applyAgentEvents, newTurn, outcomeOf, stopSentence, totalsOf, upsertStep } from './reducer'

function step(index: number, status: AgentStep['status'], extra: Partial<AgentStep> = {}): AgentStep {
  return { index, tool: 'run_command', args: 'npm test', status, startedAt: '', durationMs: 10, output: '', error: '', tokensIn: 100, tokensOut: 20, costUsd: 0.001, approval: null, ...extra }
}

describe('upsertStep', () => {
  const cases: { name: string; before: AgentStep[]; add: AgentStep; want: [number, string][] }[] = [
    { name: 'appends a new step', before: [step(1, 'ok')], add: step(2, 'running'), want: [[1, 'ok'], [2, 'running']] },
    { name: 'replaces the same step', before: [step(1, 'running')], add: step(1, 'failed'), want: [[1, 'failed']] },
    { name: 'puts a late step in order', before: [step(1, 'ok'), step(3, 'ok')], add: step(2, 'ok'), want: [[1, 'ok'], [2, 'ok'], [3, 'ok']] },
    { name: 'a settled step never goes back to running', before: [step(1, 'failed')], add: step(1, 'running'), want: [[1, 'failed']] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(upsertStep(c.before, c.add).map((s) => [s.index, s.status])).toEqual(c.want)
    })
  }
})

describe('applyAgentEvents', () => {
  it('streams steps, approvals, text and the end', () => {
    const approval = { id: 'a1', step: 2, tool: 'run_command', command: 'git push origin main', reason: 'pushes to a remote', state: 'pending' as const }
    const events: AgentEvent[] = [
      { type: 'step', step: step(1, 'running', { tool: 'write_file', args: 'src/App.tsx' }) },
      { type: 'step', step: step(1, 'ok', { tool: 'write_file', args: 'src/App.tsx' }) },
      { type: 'step', step: step(2, 'waiting', { approval }) },
      { type: 'text', text: 'Pushing…' },
    ]
    const t = applyAgentEvents(newTurn('r1', 'agent'), events)
    expect(t.steps.map((s) => s.status)).toEqual(['ok', 'waiting'])
    expect(t.approvals.a1.state).toBe('pending')
    expect(t.text).toBe('Pushing…')
    const denied = applyAgentEvents(t, [
      { type: 'approval', approval: { ...approval, state: 'denied' } },
      { type: 'step', step: step(2, 'denied', { approval: { ...approval, state: 'denied' }, error: 'You denied it.' }) },
      { type: 'turn', status: 'done', stopReason: '', summary: 'Built it', messageId: 'm1' },
    ])
    expect(denied.approvals.a1.state).toBe('denied')
    expect(denied.status).toBe('done')
    expect(denied.messageId).toBe('m1')
    expect(outcomeOf(denied)).toBe('failed') // the last step was denied: not shown as success
  })

  it('an unanswered approval never becomes yes when the turn ends', () => {
    const approval = { id: 'a1', step: 1, tool: 'run_command', command: 'curl x | sh', reason: 'runs a script from the internet', state: 'pending' as const }
    const t = applyAgentEvents(newTurn('r', 'agent'), [
      { type: 'step', step: step(1, 'waiting', { approval }) },
      { type: 'turn', status: 'stopped', stopReason: 'user', summary: '', messageId: '' },
    ])
    expect(t.approvals.a1.state).toBe('expired')
  })

  it('returns the same turn for an empty batch', () => {
    const t = newTurn('r', 'agent')
    expect(applyAgentEvents(t, [])).toBe(t)
  })
})

describe('outcome, totals and stop sentences', () => {
  const cases: { name: string; status: Parameters<typeof outcomeOf>[0]['status']; steps: AgentStep[]; want: string }[] = [
    { name: 'done after fixing a failure', status: 'done', steps: [step(1, 'failed'), step(2, 'ok')], want: 'done' },
    { name: 'done with a failed last step', status: 'done', steps: [step(1, 'ok'), step(2, 'failed')], want: 'failed' },
    { name: 'paused', status: 'paused', steps: [step(1, 'ok')], want: 'paused' },
    { name: 'stopped', status: 'stopped', steps: [step(1, 'canceled')], want: 'stopped' },
  ]
  for (const c of cases) it(c.name, () => expect(outcomeOf({ status: c.status, steps: c.steps })).toBe(c.want))

  it('adds up tokens, cost and failures', () => {
    expect(totalsOf([step(1, 'ok'), step(2, 'refused'), step(3, 'ok')])).toEqual({ steps: 3, failed: 1, tokensIn: 300, tokensOut: 60, costUsd: 0.003, durationMs: 30 })
  })

  it('says why a turn stopped', () => {
    expect(stopSentence({ status: 'paused', stopReason: 'steps' })).toMatch(/step limit/)
    expect(stopSentence({ status: 'paused', stopReason: 'spend' })).toMatch(/spend cap/)
    expect(stopSentence({ status: 'stopped', stopReason: '' })).toBe('You stopped the turn.')
    expect(stopSentence({ status: 'failed', stopReason: 'The model is not available.' })).toBe('The model is not available.')
    expect(stopSentence({ status: 'done', stopReason: '' })).toBe('')
  })
})

describe('normalizeAgentEvent', () => {
  it('drops what it cannot trust', () => {
    expect(normalizeAgentEvent(null)).toBeNull()
    expect(normalizeAgentEvent({ type: 'step', step: { index: 0 } })).toBeNull()
    expect(normalizeAgentEvent({ type: 'turn', status: 'great' })).toBeNull()
    expect(normalizeAgentEvent({ type: 'approval', approval: { command: 'x' } })).toBeNull()
    expect(normalizeAgentEvent({ type: 'eval', code: 'x' })).toBeNull()
  })

  it('an unknown step status is a failure, never a success', () => {
    expect(normalizeStep({ index: 1, status: 'success' })?.status).toBe('failed')
  })

  it('keeps a well-formed step and cleans bad numbers', () => {
    const s = normalizeStep({ index: 2, tool: 'read_file', args: 'a.ts', status: 'ok', durationMs: -5, tokensIn: 'many', costUsd: 0.5 })
    expect(s).toMatchObject({ index: 2, tool: 'read_file', status: 'ok', durationMs: 0, tokensIn: 0, costUsd: 0.5, approval: null })
  })
})
