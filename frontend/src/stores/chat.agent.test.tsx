import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import * as agentApi from '../api/agent'
import type { AgentEvent, AgentTurnEnd } from '../api/agent'
import { normalizeAgentEvent, normalizeStep } from '../api/agentTypes'
import type { Message, Provider } from '../api'
import type { makeApiMock } from '../test/apiMock'
import { emptyChat, useChat } from './chat'
import { useCatalog } from './catalog'
import { useAgent } from './agent/store'
import { DEFAULT_SETTINGS, useSettings } from './settings'
import { MessageList } from '../components/chat/MessageList'
import { STEP_WINDOW } from '../components/chat/agent/AgentTurnView'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})

const agentHandlers = new Map<string, (batch: AgentEvent[]) => void>()
vi.mock('../api/agent', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api/agent')>()
  return {
    ...actual,
    agent: {
      mode: vi.fn(async () => null),
      setMode: vi.fn(async () => undefined),
      run: vi.fn(),
      continue: vi.fn(),
      stop: vi.fn(async () => undefined),
      answer: vi.fn(async () => undefined),
      turn: vi.fn(async () => null),
      restoreBefore: vi.fn(async () => undefined),
      settings: vi.fn(),
      saveSettings: vi.fn(),
    },
    subscribeAgent: vi.fn((requestId: string, h: (batch: AgentEvent[]) => void) => {
      agentHandlers.set(requestId, h)
      return () => agentHandlers.delete(requestId)
    }),
  }
})
const m = api as unknown as ReturnType<typeof makeApiMock>
const a = agentApi.agent as unknown as Record<keyof typeof agentApi.agent, ReturnType<typeof vi.fn>>

const P = 'p1'
const toolsProvider: Provider = { id: 'openai', name: 'OpenAI', needsKey: true, local: false, hasKey: true, usable: true, tools: true, models: [{ id: 'gpt', name: 'GPT', multimodal: false, tools: true }], defaultModel: 'gpt', modelsFetchedAt: 0 }

/** A step as backend/agent emits it (agent.Step JSON). */
function rawStep(seq: number, status: string, extra: Record<string, unknown> = {}) {
  return { id: `s${seq}`, turnId: 't1', seq, tool: 'write_file', args: { path: `src/f${seq}.ts` }, title: `write src/f${seq}.ts`, status, result: status === 'running' ? undefined : { ok: status === 'ok', output: `wrote ${seq}` }, usage: { prompt_tokens: 50, completion_tokens: 10 }, costUsd: 0.0001, startedAt: '2026-12-08T03:00:00Z', durationMs: 120, ...extra }
}

function msg(id: string, role: 'user' | 'assistant', seq: number, content: string): Message {
  return { id, projectId: P, seq, role, content, fragment: null, result: null, status: 'done', createdAt: '2026-01-01T00:00:00Z' }
}

function result(over: Partial<AgentTurnEnd> & { steps?: unknown[] } = {}): AgentTurnEnd {
  return { turnId: 't1', messageId: 'a1', mode: 'agent', status: 'done', reason: 'finished', summary: '', notice: '', canContinue: false, costUsd: 0, partial: false, checked: [], todos: [], ...over }
}

/** A call that resolves when the test says so (the turn "runs" meanwhile). */
function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/** Emits backend/agent events on the running turn's topic, read as subscribeAgent reads them. */
function emit(raw: unknown[]) {
  const [h] = [...agentHandlers.values()]
  if (!h) throw new Error('no turn is subscribed')
  act(() => h(raw.flatMap((e) => normalizeAgentEvent(e) ?? [])))
}

function Chat() {
  const chat = useChat((s) => s.chats[P]) ?? emptyChat()
  return <MessageList projectId={P} chat={chat} />
}

beforeEach(() => {
  vi.clearAllMocks()
  agentHandlers.clear()
  useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true } }, drafts: {}, attachments: {}, model: { providerId: 'openai', modelId: 'gpt' }, templates: {}, params: {} })
  useCatalog.setState({ providers: [toolsProvider], templates: [], loaded: true })
  useAgent.setState({ modes: {}, turns: {}, byMessage: {}, planDrafts: {}, answerErrors: {}, stepsAsked: {} })
  useSettings.setState({ settings: { ...DEFAULT_SETTINGS } })
})

describe('an agent turn in the chat', () => {
  it('a model that takes tools runs Agent: steps stream as cards, an approval waits for the person, a denied last step is Failed', async () => {
    const call = deferred<AgentTurnEnd>()
    a.run.mockReturnValue(call.promise)
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'make a todo app'), msg('a1', 'assistant', 2, 'I could not push.')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'make a todo app' } })
    render(<Chat />)
    const sent = useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalledTimes(1))
    expect(m.chat.send).not.toHaveBeenCalled()
    expect(a.run.mock.calls[0][0]).toMatchObject({ projectId: P, text: 'make a todo app', mode: 'agent', providerId: 'openai', modelId: 'gpt' })
    expect(useChat.getState().drafts[P]).toBe('')

    emit([{ type: 'turn', turnId: 't1' }, { type: 'step', turnId: 't1', step: rawStep(1, 'running') }])
    expect(screen.getByTestId('agent-step')).toHaveAttribute('data-status', 'running')
    const approval = { id: 'ap1', turnId: 't1', stepId: 's2', projectId: P, tool: 'run_command', command: 'git push origin main', reasons: ['Pushes to a remote.'] }
    emit([
      { type: 'step', turnId: 't1', step: rawStep(1, 'ok') },
      { type: 'step', turnId: 't1', step: rawStep(2, 'awaiting_approval', { tool: 'run_command', title: 'git push origin main', approvalId: 'ap1' }) },
      { type: 'approval', turnId: 't1', approval },
    ])
    const cards = screen.getAllByTestId('agent-step')
    expect(cards.map((c) => c.dataset.status)).toEqual(['ok', 'waiting'])
    const card = screen.getByTestId('approval-card')
    expect(within(card).getByTestId('approval-command')).toHaveTextContent('git push origin main')
    expect(card).toHaveTextContent('Pushes to a remote.')

    fireEvent.click(within(card).getByTestId('approval-deny'))
    await waitFor(() => expect(a.answer).toHaveBeenCalledWith('ap1', 'deny', 'run_command'))
    // The card changes only when the turn says so.
    expect(screen.getByTestId('approval-card')).toHaveAttribute('data-state', 'pending')
    emit([
      { type: 'resolved', turnId: 't1', approval, text: 'decline' },
      { type: 'step', turnId: 't1', step: rawStep(2, 'declined', { tool: 'run_command', approvalId: 'ap1' }) },
    ])
    expect(screen.getByTestId('approval-card')).toHaveAttribute('data-state', 'denied')

    call.resolve(result({ summary: 'I could not push.' }))
    await sent
    expect(useChat.getState().chats[P].run).toBeNull()
    expect(useChat.getState().chats[P].files).toBeNull() // the Code tab reads the files the turn wrote
    const turn = await screen.findByTestId('agent-turn')
    expect(turn).toHaveAttribute('data-outcome', 'failed')
    expect(screen.getByTestId('agent-outcome')).toHaveTextContent('Failed')
    expect(screen.getAllByTestId('agent-step').map((c) => c.dataset.status)).toEqual(['ok', 'denied'])
  })

  it('an unanswered approval is not allowed when the turn is stopped', async () => {
    const call = deferred<AgentTurnEnd>()
    a.run.mockReturnValue(call.promise)
    useChat.setState({ drafts: { [P]: 'go' } })
    render(<Chat />)
    const sent = useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalled())
    const approval = { id: 'ap', stepId: 's1', tool: 'run_command', command: 'curl x | sh', reasons: ['Runs a script from the internet.'] }
    emit([{ type: 'step', step: rawStep(1, 'awaiting_approval', { approvalId: 'ap' }) }, { type: 'approval', approval }])
    await useChat.getState().stop(P)
    expect(a.stop).toHaveBeenCalledWith(a.run.mock.calls[0][0].requestId)
    expect(m.chat.stop).not.toHaveBeenCalled()
    emit([{ type: 'step', step: rawStep(1, 'canceled', { approvalId: 'ap' }) }])
    call.resolve(result({ status: 'stopped', reason: 'cancelled' }))
    await sent
    expect(await screen.findByTestId('agent-stop-reason')).toHaveTextContent('You stopped the turn.')
    expect(screen.getByTestId('approval-card')).toHaveAttribute('data-state', 'expired')
    expect(screen.queryByTestId('approval-allow')).toBeNull()
  })

  it('a turn paused at its step limit says so and Continue goes on with the same answer', async () => {
    const call = deferred<AgentTurnEnd>()
    a.run.mockReturnValue(call.promise)
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'build'), msg('a1', 'assistant', 2, '')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'build' } })
    render(<Chat />)
    const sent = useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalled())
    emit([{ type: 'turn', turnId: 't1' }, { type: 'step', step: rawStep(1, 'ok') }, { type: 'step', step: rawStep(2, 'ok') }])
    call.resolve(result({ status: 'paused', reason: 'step_limit', canContinue: true }))
    await sent
    expect(await screen.findByTestId('agent-stop-reason')).toHaveTextContent('step limit')
    expect(screen.getByTestId('agent-outcome')).toHaveTextContent('Paused')
    const cont = deferred<AgentTurnEnd>()
    a.continue.mockReturnValue(cont.promise)
    fireEvent.click(screen.getByTestId('agent-continue'))
    await waitFor(() => expect(a.continue).toHaveBeenCalledTimes(1))
    expect(a.continue.mock.calls[0][0]).toMatchObject({ turnId: 't1' })
    // The log so far stays while the turn goes on, in the answer's place.
    emit([{ type: 'turn', turnId: 't1' }, { type: 'step', step: rawStep(3, 'running') }])
    expect(screen.getAllByTestId('agent-step').map((c) => c.dataset.index)).toEqual(['1', '2', '3'])
    emit([{ type: 'step', step: rawStep(3, 'ok') }])
    cont.resolve(result({ status: 'done', reason: 'finished' }))
    await waitFor(() => expect(screen.getByTestId('agent-turn')).toHaveAttribute('data-outcome', 'done'))
    expect(screen.queryByTestId('agent-continue')).toBeNull()
  })

  it('Plan: the plan is editable and "Build this plan" starts an Agent turn with the edited plan', async () => {
    useAgent.setState({ modes: { [P]: 'plan' } })
    a.run.mockResolvedValueOnce(result({ mode: 'plan', summary: '1. Add a list\n2. Add a form' }))
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'todo app'), msg('a1', 'assistant', 2, 'Here is the plan.')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'todo app' } })
    render(<Chat />)
    await useChat.getState().send(P)
    expect(a.run.mock.calls[0][0]).toMatchObject({ mode: 'plan', plan: '' })
    expect(screen.queryByTestId('agent-text')).toBeNull() // the plan shows once, in its editor
    const text = await screen.findByTestId('agent-plan-text')
    fireEvent.change(text, { target: { value: '1. Add a list\n2. Add a form\n3. Store in localStorage' } })
    a.run.mockResolvedValueOnce(result({ messageId: 'a2' }))
    fireEvent.click(screen.getByTestId('agent-build-plan'))
    await waitFor(() => expect(a.run).toHaveBeenCalledTimes(2))
    expect(a.run.mock.calls[1][0]).toMatchObject({ mode: 'agent', plan: '1. Add a list\n2. Add a form\n3. Store in localStorage' })
  })

  it('a settled step that changed files offers "Back to before this step", asked first', async () => {
    const call = deferred<AgentTurnEnd>()
    a.run.mockReturnValue(call.promise)
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'two files'), msg('a1', 'assistant', 2, 'Done.')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'two files' } })
    render(<Chat />)
    const sent = useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalled())
    emit([{ type: 'turn', turnId: 't1' }, { type: 'step', step: rawStep(1, 'ok', { changed: ['src/f1.ts'] }) }, { type: 'step', step: rawStep(2, 'ok', { changed: ['src/f2.ts'] }) }])
    // Not while the turn runs.
    expect(screen.queryByTestId('agent-step-restore')).toBeNull()
    call.resolve(result({}))
    await sent
    const buttons = await screen.findAllByTestId('agent-step-restore')
    expect(buttons).toHaveLength(2)
    fireEvent.click(buttons[1])
    expect(a.restoreBefore).not.toHaveBeenCalled()
    // The person edited the file since: the backend refuses, the card says so and offers Restore anyway.
    a.restoreBefore.mockRejectedValueOnce(new api.ApiError('conflict', 'You edited src/f2.ts since the agent changed it.'))
    fireEvent.click(screen.getByTestId('agent-step-restore-confirm'))
    expect(await screen.findByTestId('agent-step-restore-conflict')).toHaveTextContent('You edited src/f2.ts')
    expect(a.restoreBefore).toHaveBeenCalledWith('t1', 2, false)
    fireEvent.click(screen.getByTestId('agent-step-restore-anyway'))
    await waitFor(() => expect(a.restoreBefore).toHaveBeenCalledWith('t1', 2, true))
    await waitFor(() => expect(screen.queryByTestId('agent-step-restore-conflict')).toBeNull())
  })

  it('auto-fix once: a turn that finished on a failed step is sent back once as an agent turn, never twice', async () => {
    useSettings.setState({ settings: { ...DEFAULT_SETTINGS, autoFixOnce: true } })
    const failing = (id: string) => async (req: { requestId: string }) => {
      agentHandlers.get(req.requestId)?.([{ type: 'step', step: normalizeStep(rawStep(1, 'failed', { tool: 'run_command', title: '$ npm test', result: { ok: false, output: 'TypeError: x is undefined', exitCode: 1 } }))! }])
      return result({ turnId: id })
    }
    a.run.mockImplementationOnce(failing('t1')).mockImplementationOnce(failing('t2'))
    useChat.setState({ drafts: { [P]: 'make the tests pass' } })
    await useChat.getState().send(P)
    expect(a.run).toHaveBeenCalledTimes(2)
    const fix = a.run.mock.calls[1][0]
    expect(fix.mode).toBe('agent')
    expect(fix.text).toContain('TypeError: x is undefined')
    expect(fix.text).toContain('step 1 (run_command $ npm test) failed')
  })

  it('auto-fix leaves a stopped turn alone', async () => {
    useSettings.setState({ settings: { ...DEFAULT_SETTINGS, autoFixOnce: true } })
    a.run.mockResolvedValue(result({ status: 'stopped', reason: 'cancelled' }))
    useChat.setState({ drafts: { [P]: 'go' } })
    await useChat.getState().send(P)
    expect(a.run).toHaveBeenCalledTimes(1)
  })

  it('Fix becomes an agent turn in Agent mode', async () => {
    a.run.mockResolvedValue(result({}))
    await useChat.getState().fix(P, { id: 'x', kind: 'traceback', title: 'KeyError', detail: 'Traceback…', file: 'script.py' })
    expect(a.run).toHaveBeenCalledTimes(1)
    expect(a.run.mock.calls[0][0].text).toContain('Traceback')
    expect(m.chat.send).not.toHaveBeenCalled()
  })

  it('a model without tools runs Quick (the one-shot path) by default', async () => {
    useCatalog.setState({ providers: [{ ...toolsProvider, tools: false, models: [{ id: 'gpt', name: 'GPT', multimodal: false }] }] })
    useChat.setState({ drafts: { [P]: 'plot' } })
    await useChat.getState().send(P)
    expect(m.chat.send).toHaveBeenCalledTimes(1)
    expect(a.run).not.toHaveBeenCalled()
  })

  it('a failed call marks the turn failed with the sentence and gives the draft back', async () => {
    a.run.mockRejectedValue(new api.ApiError('conflict', 'The agent is already working in this project. Wait for it or stop it first.'))
    useChat.setState({ drafts: { [P]: 'go on' } })
    render(<Chat />)
    await useChat.getState().send(P)
    expect(useAgent.getState().turns[P].status).toBe('failed')
    expect(useChat.getState().chats[P].sendError?.message).toBe('The agent is already working in this project. Wait for it or stop it first.')
    expect(useChat.getState().drafts[P]).toBe('go on')
  })

  it('a 100-step log renders a window of cards and the rest on demand', async () => {
    const call = deferred<AgentTurnEnd>()
    a.run.mockReturnValue(call.promise)
    useChat.setState({ drafts: { [P]: 'long' } })
    render(<Chat />)
    void useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalled())
    emit(Array.from({ length: 100 }, (_, i) => ({ type: 'step', step: rawStep(i + 1, 'ok') })))
    expect(screen.getAllByTestId('agent-step')).toHaveLength(STEP_WINDOW)
    fireEvent.click(screen.getByText(`Show earlier steps (${100 - STEP_WINDOW})`))
    expect(screen.getAllByTestId('agent-step')).toHaveLength(100)
    expect(screen.getByTestId('agent-totals')).toHaveTextContent('100 steps')
    call.resolve(result({}))
  })
})
