import { describe, expect, it } from 'vitest'
import type { ChatEvent, Message, RunResult } from '../../api'
import { applyEvents, dropsModel, emptyChat, exchangeOf, hasPreview, initialTab, newRun, settleRun, showsStepDetail, upsertMessage } from './reducer'

const P = 'p1'

function msg(over: Partial<Message>): Message {
  return { id: 'm', projectId: P, seq: 1, role: 'user', content: '', status: 'done', createdAt: '2026-01-01T00:00:00Z', ...over }
}

const frag = (code: string) => ({ commentary: '', title: 'T', description: '', template: 'code-interpreter-v1', files: [{ path: 'script.py', content: code }] })
const py: RunResult = { kind: 'python', template: 'code-interpreter-v1', stdout: ['1\n'], stderr: [], results: [] }

describe('applyEvents', () => {
  it('shows what a slow step waits for until it stops waiting or the stage moves on', () => {
    let { run } = applyEvents(newRun('r', 'send'), [], [
      { type: 'stage', stage: 'writing' },
      { type: 'wait', text: 'Still waiting for the sandbox to take the files (5 seconds so far).' },
    ])
    expect(run.waiting).toBe('Still waiting for the sandbox to take the files (5 seconds so far).')
    ;({ run } = applyEvents(run, [], [{ type: 'wait' }]))
    expect(run.waiting).toBe('')
    ;({ run } = applyEvents(run, [], [{ type: 'wait', text: 'x' }, { type: 'stage', stage: 'running' }]))
    expect(run.waiting).toBe('')
  })

  it('accumulates text across batches and keeps the last partial of a batch', () => {
    let { run, messages } = applyEvents(newRun('r', 'send'), [], [
      { type: 'reasoning', text: 'think ' },
      { type: 'partial', partial: frag('a') },
      { type: 'log', text: 'pip ' },
    ])
    ;({ run, messages } = applyEvents(run, messages, [
      { type: 'reasoning', text: 'more' },
      { type: 'partial', partial: frag('ab') },
      { type: 'partial', partial: frag('abc') },
      { type: 'log', text: 'install' },
    ]))
    expect(run.reasoning).toBe('think more')
    expect(run.installLog).toBe('pip install')
    expect(run.partial?.files[0].content).toBe('abc')
    expect(messages).toEqual([])
  })

  it('appends output and results without mutating the previous run', () => {
    const first = applyEvents(newRun('r', 'send'), [], [{ type: 'stdout', text: 'a' }, { type: 'stderr', text: 'w' }]).run
    const second = applyEvents(first, [], [{ type: 'stdout', text: 'b' }, { type: 'result', result: { text: '42' } }]).run
    expect(first.stdout).toEqual(['a'])
    expect(first.results).toEqual([])
    expect(second.stdout).toEqual(['a', 'b'])
    expect(second.stderr).toEqual(['w'])
    expect(second.results).toEqual([{ text: '42' }])
    // Unchanged arrays are kept (no needless re-render of their readers).
    expect(second.stderr).toBe(first.stderr)
  })

  it.each<{ name: string; events: ChatEvent[]; check: (r: ReturnType<typeof newRun>) => void }>([
    { name: 'stage', events: [{ type: 'stage', stage: 'installing' }, { type: 'stage', stage: 'running' }], check: (r) => expect(r.stage).toBe('running') },
    { name: 'stage without a value', events: [{ type: 'stage' }], check: (r) => expect(r.stage).toBe('generating') },
    {
      name: 'exec_error',
      events: [{ type: 'exec_error', execError: { name: 'NameError', value: 'x', traceback: '' } }],
      check: (r) => expect(r.execError?.name).toBe('NameError'),
    },
    {
      name: 'error',
      events: [{ type: 'error', error: { step: 'install', code: 'unavailable', message: 'no PyPI' } }],
      check: (r) => expect(r.stepError?.step).toBe('install'),
    },
    { name: 'done', events: [{ type: 'done' }], check: (r) => expect(r.done).toBe(true) },
    { name: 'result without a value', events: [{ type: 'result' }], check: (r) => expect(r.results).toEqual([]) },
    {
      name: 'garbage is skipped',
      events: [null as unknown as ChatEvent, 'x' as unknown as ChatEvent, { type: 'nonsense' } as unknown as ChatEvent],
      check: (r) => expect(r).toEqual(newRun('r', 'send')),
    },
  ])('$name', ({ events, check }) => {
    check(applyEvents(newRun('r', 'send'), [], events).run)
  })

  it('upserts saved messages and remembers the assistant id', () => {
    const before = [msg({ id: 'u1', seq: 1 })]
    const { run, messages } = applyEvents(newRun('r', 'send'), before, [
      { type: 'message', message: msg({ id: 'a1', seq: 2, role: 'assistant', status: 'streaming' }) },
      { type: 'message', message: msg({ id: 'a1', seq: 2, role: 'assistant', status: 'done', content: 'hi' }) },
      { type: 'message', message: msg({ id: '', seq: 3 }) },
    ])
    expect(messages.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'done'],
      ['a1', 'done'],
    ])
    expect(messages[1].content).toBe('hi')
    expect(run.assistantId).toBe('a1')
    expect(before).toHaveLength(1)
  })

  it('a user message does not become the assistant id', () => {
    const { run } = applyEvents(newRun('r', 'send'), [], [{ type: 'message', message: msg({ id: 'u1' }) }])
    expect(run.assistantId).toBeNull()
  })
})

describe('upsertMessage', () => {
  it('keeps seq order and replaces by id', () => {
    let list = upsertMessage([], msg({ id: 'b', seq: 5 }))
    list = upsertMessage(list, msg({ id: 'c', seq: 7 }))
    list = upsertMessage(list, msg({ id: 'a', seq: 2 }))
    list = upsertMessage(list, msg({ id: 'b', seq: 5, content: 'new' }))
    expect(list.map((m) => m.id)).toEqual(['a', 'b', 'c'])
    expect(list[1].content).toBe('new')
  })
})

describe('dropsModel', () => {
  it.each<[string, ChatEvent[], boolean]>([
    ['not_found in generate', [{ type: 'error', error: { step: 'generate', code: 'not_found', message: '' } }], true],
    ['not_found in run', [{ type: 'error', error: { step: 'run', code: 'not_found', message: '' } }], false],
    ['unavailable in generate', [{ type: 'error', error: { step: 'generate', code: 'unavailable', message: '' } }], false],
    ['no error', [{ type: 'done' }], false],
  ])('%s: %s', (_name, events, want) => {
    expect(dropsModel(events)).toBe(want)
  })
})

describe('settleRun', () => {
  const running = (stepError?: { step: string; code: string; message: string }) => ({
    ...emptyChat(),
    messages: [msg({ id: 'old', seq: 1 })],
    pendingUser: { text: 'hi', images: [] },
    run: { ...newRun('r', 'send'), stepError: stepError ?? null },
  })

  it('replaces the run with the saved messages and opens Preview on output', () => {
    const got = settleRun(running(), {
      user: msg({ id: 'u', seq: 2 }),
      assistant: msg({ id: 'a', seq: 3, role: 'assistant', fragment: { title: 'x' } as Message['fragment'], result: py }),
      userSaved: true,
    })
    expect(got.messages?.map((m) => m.id)).toEqual(['old', 'u', 'a'])
    expect(got).toMatchObject({ run: null, pendingUser: null, sendError: null, tab: 'preview' })
  })

  it.each([
    { name: 'saved messages: Retry', res: { user: msg({ id: 'u', seq: 2 }), userSaved: true }, want: { code: 'unavailable', message: 'down', action: 'retry' } },
    { name: 'nothing saved: Resend', res: { userSaved: false }, want: { code: 'unavailable', message: 'down', action: 'resend' } },
    {
      name: 'shown on the saved answer: no inline error',
      res: { assistant: msg({ id: 'a', seq: 3, role: 'assistant', status: 'error' }), userSaved: true },
      want: null,
    },
  ])('a failed step, $name', ({ res, want }) => {
    const got = settleRun(running({ step: 'install', code: 'unavailable', message: 'down' }), res)
    expect(got.sendError).toEqual(want)
    expect(got.tab).toBe('code')
  })

  it.each([
    { step: 'sandbox', tab: 'preview' },
    { step: 'install', tab: 'preview' },
    { step: 'write', tab: 'preview' },
    { step: 'run', tab: 'preview' },
    { step: 'preview', tab: 'preview' },
    { step: 'generate', tab: 'code' },
  ])('a saved answer whose $step step failed opens $tab, where its detail is', ({ step, tab }) => {
    const stepError = { step, code: 'unavailable', message: 'down' }
    const got = settleRun(running(stepError), {
      assistant: msg({ id: 'a', seq: 3, role: 'assistant', status: 'error', fragment: { title: 'x' } as Message['fragment'], result: { ...py, stepError } }),
      userSaved: true,
    })
    expect(got.tab).toBe(tab)
    expect(showsStepDetail({ ...py, stepError })).toBe(tab === 'preview')
  })
})

describe('hasPreview and initialTab', () => {
  it.each<[string, RunResult | null, boolean]>([
    ['python output', py, true],
    ['web with url', { ...py, kind: 'web', url: 'https://x' }, true],
    ['web without url', { ...py, kind: 'web' }, false],
    ['failed step', { ...py, stepError: { step: 'run', code: 'internal', message: '' } }, false],
    ['none', null, false],
  ])('%s', (_n, r, want) => expect(hasPreview(r)).toBe(want))

  it('opens on the newest answer with a fragment', () => {
    const withOutput = msg({ id: 'a1', seq: 2, role: 'assistant', fragment: { title: 'x' } as Message['fragment'], result: py })
    const textOnly = msg({ id: 'a2', seq: 4, role: 'assistant', content: 'just text' })
    expect(initialTab([msg({ id: 'u1' }), withOutput, msg({ id: 'u2', seq: 3 }), textOnly])).toBe('preview')
    expect(initialTab([msg({ id: 'u1' }), msg({ id: 'a', seq: 2, role: 'assistant', fragment: { title: 'x' } as Message['fragment'] })])).toBe('code')
    expect(initialTab([])).toBe('code')
  })
})

describe('exchangeOf', () => {
  const list = [
    msg({ id: 'u1', seq: 1 }),
    msg({ id: 'a1', seq: 2, role: 'assistant' }),
    msg({ id: 'a1b', seq: 3, role: 'assistant' }),
    msg({ id: 'u2', seq: 4 }),
    msg({ id: 'a2', seq: 5, role: 'assistant' }),
  ]
  it.each<[string, string[]]>([
    ['u1', ['u1', 'a1', 'a1b']],
    ['a1', ['a1']],
    ['u2', ['u2', 'a2']],
    ['missing', []],
  ])('%s', (id, want) => expect(exchangeOf(list, id)).toEqual(want))
})
