import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import * as agentApi from '../api/agent'
import type { AgentEvent, AgentStep, AgentTurnResult } from '../api/agent'
import type { Message, Provider } from '../api'
import type { makeApiMock } from '../test/apiMock'
import { emptyChat, useChat } from './chat'
import { useCatalog } from './catalog'
import { useAgent } from './agent/store'
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
      mode: vi.fn(async (_p: string, tools: boolean) => (tools ? 'agent' : 'quick')),
      setMode: vi.fn(async () => undefined),
      run: vi.fn(),
      continue: vi.fn(),
      stop: vi.fn(async () => undefined),
      answer: vi.fn(async () => undefined),
      steps: vi.fn(async () => []),
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
const toolsProvider: Provider = { id: 'openai', name: 'OpenAI', needsKey: true, local: false, hasKey: true, usable: true, tools: true, models: [{ id: 'gpt', name: 'GPT', multimodal: false }], defaultModel: 'gpt', modelsFetchedAt: 0 }

function step(index: number, status: AgentStep['status'], extra: Partial<AgentStep> = {}): AgentStep {
  return { index, tool: 'write_file', args: `src/f${index}.ts`, status, startedAt: '', durationMs: 120, output: `wrote ${index}`, error: '', tokensIn: 50, tokensOut: 10, costUsd: 0.0001, approval: null, ...extra }
}

function msg(id: string, role: 'user' | 'assistant', seq: number, content: string): Message {
  return { id, projectId: P, seq, role, content, fragment: null, result: null, status: 'done', createdAt: '2026-01-01T00:00:00Z' }
}

function result(over: Partial<AgentTurnResult>): AgentTurnResult {
  return { status: 'done', stopReason: '', summary: '', plan: '', userMessageId: 'u1', assistantMessageId: 'a1', steps: [], ...over }
}

/** A call that resolves when the test says so (the turn "runs" meanwhile). */
function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

function emit(events: AgentEvent[]) {
  const [h] = [...agentHandlers.values()]
  if (!h) throw new Error('no turn is subscribed')
  act(() => h(events))
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
})

describe('an agent turn in the chat', () => {
  it('a model that takes tools runs Agent: steps stream as cards, an approval waits for the person, a denied last step is Failed', async () => {
    const call = deferred<AgentTurnResult>()
    a.run.mockReturnValue(call.promise)
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'make a todo app'), msg('a1', 'assistant', 2, 'I could not push.')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'make a todo app' } })
    render(<Chat />)
    const sent = useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalledTimes(1))
    expect(m.chat.send).not.toHaveBeenCalled()
    expect(a.run.mock.calls[0][0]).toMatchObject({ projectId: P, text: 'make a todo app', mode: 'agent', providerId: 'openai', modelId: 'gpt' })
    expect(useChat.getState().drafts[P]).toBe('')

    emit([{ type: 'step', step: step(1, 'running') }])
    expect(screen.getByTestId('agent-step')).toHaveAttribute('data-status', 'running')
    const approval = { id: 'ap1', step: 2, tool: 'run_command', command: 'git push origin main', reason: 'Pushes to a remote.', state: 'pending' as const }
    emit([{ type: 'step', step: step(1, 'ok') }, { type: 'step', step: step(2, 'waiting', { tool: 'run_command', args: 'git push origin main', approval }) }])
    const cards = screen.getAllByTestId('agent-step')
    expect(cards.map((c) => c.dataset.status)).toEqual(['ok', 'waiting'])
    const card = screen.getByTestId('approval-card')
    expect(within(card).getByTestId('approval-command')).toHaveTextContent('git push origin main')

    fireEvent.click(within(card).getByTestId('approval-deny'))
    await waitFor(() => expect(a.answer).toHaveBeenCalledWith('ap1', 'deny'))
    // The card changes only when the turn says so.
    expect(screen.getByTestId('approval-card')).toHaveAttribute('data-state', 'pending')
    emit([{ type: 'step', step: step(2, 'denied', { tool: 'run_command', args: 'git push origin main', approval: { ...approval, state: 'denied' }, error: 'You denied it.' }) }])
    expect(screen.getByTestId('approval-card')).toHaveAttribute('data-state', 'denied')

    call.resolve(result({ steps: [step(1, 'ok'), step(2, 'denied', { tool: 'run_command', approval: { ...approval, state: 'denied' } })] }))
    await sent
    expect(useChat.getState().chats[P].run).toBeNull()
    const turn = await screen.findByTestId('agent-turn')
    expect(turn).toHaveAttribute('data-outcome', 'failed')
    expect(screen.getByTestId('agent-outcome')).toHaveTextContent('Failed')
    expect(screen.getAllByTestId('agent-step').map((c) => c.dataset.status)).toEqual(['ok', 'denied'])
  })

  it('an unanswered approval is not allowed when the turn is stopped', async () => {
    const call = deferred<AgentTurnResult>()
    a.run.mockReturnValue(call.promise)
    useChat.setState({ drafts: { [P]: 'go' } })
    render(<Chat />)
    const sent = useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalled())
    const approval = { id: 'ap', step: 1, tool: 'run_command', command: 'curl x | sh', reason: 'Runs a script from the internet.', state: 'pending' as const }
    emit([{ type: 'step', step: step(1, 'waiting', { approval }) }])
    await useChat.getState().stop(P)
    expect(a.stop).toHaveBeenCalledWith(a.run.mock.calls[0][0].requestId)
    expect(m.chat.stop).not.toHaveBeenCalled()
    call.resolve(result({ status: 'stopped', stopReason: 'user', steps: [step(1, 'canceled', { approval })] }))
    await sent
    expect(await screen.findByTestId('agent-stop-reason')).toHaveTextContent('You stopped the turn.')
    expect(screen.getByTestId('approval-card')).toHaveAttribute('data-state', 'expired')
    expect(screen.queryByTestId('approval-allow')).toBeNull()
  })

  it('a turn paused at its step limit says so and Continue goes on with the same answer', async () => {
    a.run.mockResolvedValue(result({ status: 'paused', stopReason: 'steps', steps: [step(1, 'ok'), step(2, 'ok')] }))
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'build'), msg('a1', 'assistant', 2, '')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'build' } })
    render(<Chat />)
    await useChat.getState().send(P)
    expect(await screen.findByTestId('agent-stop-reason')).toHaveTextContent('step limit')
    const cont = deferred<AgentTurnResult>()
    a.continue.mockReturnValue(cont.promise)
    fireEvent.click(screen.getByTestId('agent-continue'))
    await waitFor(() => expect(a.continue).toHaveBeenCalledTimes(1))
    expect(a.continue.mock.calls[0][0]).toMatchObject({ projectId: P, messageId: 'a1' })
    // The log so far stays while the turn goes on.
    emit([{ type: 'step', step: step(3, 'running') }])
    expect(screen.getAllByTestId('agent-step').map((c) => c.dataset.index)).toEqual(['1', '2', '3'])
    cont.resolve(result({ status: 'done', steps: [step(1, 'ok'), step(2, 'ok'), step(3, 'ok')] }))
    await waitFor(() => expect(screen.getByTestId('agent-turn')).toHaveAttribute('data-outcome', 'done'))
    expect(screen.queryByTestId('agent-continue')).toBeNull()
  })

  it('Plan: the plan is editable and "Build this plan" starts an Agent turn with the edited plan', async () => {
    useAgent.setState({ modes: { [P]: 'plan' } })
    a.run.mockResolvedValueOnce(result({ status: 'done', plan: '1. Add a list\n2. Add a form', steps: [step(1, 'ok', { tool: 'read_file' })] }))
    m.chat.history.mockResolvedValue({ messages: [msg('u1', 'user', 1, 'todo app'), msg('a1', 'assistant', 2, 'Here is the plan.')], hasMore: false })
    useChat.setState({ drafts: { [P]: 'todo app' } })
    render(<Chat />)
    await useChat.getState().send(P)
    expect(a.run.mock.calls[0][0]).toMatchObject({ mode: 'plan', plan: '' })
    const text = await screen.findByTestId('agent-plan-text')
    fireEvent.change(text, { target: { value: '1. Add a list\n2. Add a form\n3. Store in localStorage' } })
    a.run.mockResolvedValueOnce(result({ status: 'done', assistantMessageId: 'a2', userMessageId: 'u2' }))
    fireEvent.click(screen.getByTestId('agent-build-plan'))
    await waitFor(() => expect(a.run).toHaveBeenCalledTimes(2))
    expect(a.run.mock.calls[1][0]).toMatchObject({ mode: 'agent', plan: '1. Add a list\n2. Add a form\n3. Store in localStorage' })
  })

  it('Fix becomes an agent turn in Agent mode', async () => {
    a.run.mockResolvedValue(result({}))
    await useChat.getState().fix(P, { id: 'x', kind: 'traceback', title: 'KeyError', detail: 'Traceback…', file: 'script.py' })
    expect(a.run).toHaveBeenCalledTimes(1)
    expect(a.run.mock.calls[0][0].text).toContain('Traceback')
    expect(m.chat.send).not.toHaveBeenCalled()
  })

  it('a model without tools runs Quick (the one-shot path) by default', async () => {
    useCatalog.setState({ providers: [{ ...toolsProvider, tools: false }] })
    useChat.setState({ drafts: { [P]: 'plot' } })
    await useChat.getState().send(P)
    expect(m.chat.send).toHaveBeenCalledTimes(1)
    expect(a.run).not.toHaveBeenCalled()
  })

  it('a failed call marks the turn failed with the sentence and gives the draft back', async () => {
    a.run.mockRejectedValue(new api.ApiError('unavailable', 'The model is not answering; try again.'))
    useChat.setState({ drafts: { [P]: 'go on' } })
    render(<Chat />)
    await useChat.getState().send(P)
    expect(useAgent.getState().turns[P].status).toBe('failed')
    expect(useChat.getState().chats[P].sendError?.message).toBe('The model is not answering; try again.')
    expect(useChat.getState().drafts[P]).toBe('go on')
  })

  it('a 100-step log renders a window of cards and the rest on demand', async () => {
    const call = deferred<AgentTurnResult>()
    a.run.mockReturnValue(call.promise)
    useChat.setState({ drafts: { [P]: 'long' } })
    render(<Chat />)
    void useChat.getState().send(P)
    await waitFor(() => expect(a.run).toHaveBeenCalled())
    emit(Array.from({ length: 100 }, (_, i) => ({ type: 'step' as const, step: step(i + 1, 'ok') })))
    expect(screen.getAllByTestId('agent-step')).toHaveLength(STEP_WINDOW)
    fireEvent.click(screen.getByText(`Show earlier steps (${100 - STEP_WINDOW})`))
    expect(screen.getAllByTestId('agent-step')).toHaveLength(100)
    expect(screen.getByTestId('agent-totals')).toHaveTextContent('100 steps')
    call.resolve(result({}))
  })
})
