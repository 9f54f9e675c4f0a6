import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { ApiError, type ChatEvent, type Message, type SendResult } from '../api'
import { applyEvents, emptyChat, flushDrafts, newRun, useChat } from './chat'
import { useCatalog } from './catalog'
import { chatHandlers, type makeApiMock } from '../test/apiMock'
import { PreviewPanel } from '../components/preview/PreviewPanel'
import { ChatInput } from '../components/chat/ChatInput'
import { TipProvider } from '../components/ui/Tip'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'

function msg(over: Partial<Message>): Message {
  return { id: 'm', projectId: P, seq: 1, role: 'user', content: '', status: 'done', createdAt: '2026-01-01T00:00:00Z', ...over }
}

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Emits a batch on the running request's topic (the store applies each backend batch as it comes). */
function emit(events: ChatEvent[]) {
  const [handler] = [...chatHandlers.values()]
  if (!handler) throw new Error('no subscription')
  act(() => {
    handler(events)
  })
}

const partial = (code: string) => ({
  type: 'partial' as const,
  partial: { commentary: 'Here is a plot', title: 'Sine', description: '', template: 'code-interpreter-v1', files: [{ path: 'script.py', content: code }] },
})

beforeEach(() => {
  vi.clearAllMocks()
  chatHandlers.clear()
  useChat.setState({ chats: {}, drafts: {}, attachments: {}, model: { providerId: 'openai', modelId: 'gpt' }, templates: {}, params: {} })
  useCatalog.setState({
    providers: [{ id: 'openai', name: 'OpenAI', needsKey: true, local: false, hasKey: true, usable: true, models: [{ id: 'gpt', name: 'GPT', multimodal: false }], defaultModel: '', modelsFetchedAt: 0 }],
    templates: [],
    loaded: true,
  })
})

describe('applyEvents', () => {
  it('applies a batch: last partial wins, text accumulates, message upserts', () => {
    const run = newRun('r', 'send')
    const { run: r, messages } = applyEvents(run, [], [
      { type: 'stage', stage: 'generating' },
      partial('a'),
      partial('ab'),
      { type: 'log', text: 'pip ' },
      { type: 'log', text: 'install' },
      { type: 'stdout', text: 'hi\n' },
      { type: 'stage', stage: 'running' },
      { type: 'message', message: msg({ id: 'as', role: 'assistant', seq: 2, status: 'streaming' }) },
    ])
    expect(r.stage).toBe('running')
    expect(r.partial?.files[0].content).toBe('ab')
    expect(r.installLog).toBe('pip install')
    expect(r.stdout).toEqual(['hi\n'])
    expect(r.assistantId).toBe('as')
    expect(messages.map((x) => x.id)).toEqual(['as'])
    expect(run.stdout).toEqual([]) // not mutated
  })
})

describe('chat store: send', () => {
  it('streams partials into the Code tab, then shows the saved result', async () => {
    const d = deferred<SendResult>()
    m.chat.send.mockReturnValue(d.promise)
    useChat.getState().setDraft(P, 'plot a sine')
    render(<PreviewPanel projectId={P} />)

    let sending!: Promise<void>
    act(() => {
      sending = useChat.getState().send(P)
    })
    expect(m.chat.send).toHaveBeenCalledTimes(1)
    const req = m.chat.send.mock.calls[0][0]
    expect(req).toMatchObject({ projectId: P, text: 'plot a sine', providerId: 'openai', modelId: 'gpt', template: '', images: [] })
    expect(m.subscribeChat).toHaveBeenCalledWith(req.requestId, expect.any(Function))
    expect(useChat.getState().drafts[P]).toBe('') // input cleared while sending
    expect(useChat.getState().chats[P].pendingUser?.text).toBe('plot a sine')

    emit([{ type: 'stage', stage: 'generating' }, partial('import math')])
    expect(screen.getByTestId('code-view')).toHaveTextContent('import math')
    emit([partial('import math\nprint(math.sin(1))')])
    expect(screen.getByTestId('code-view')).toHaveTextContent('print(math.sin(1))')
    expect(screen.getByTestId('code-file-tab')).toHaveAttribute('data-path', 'script.py')

    emit([{ type: 'stage', stage: 'running' }, { type: 'stdout', text: '0.84\n' }, { type: 'result', result: { png: 'iVBORw0KGgo=', text: '<Figure>' } }])
    expect(useChat.getState().chats[P].run?.results).toHaveLength(1)

    const assistant = msg({
      id: 'a1',
      seq: 2,
      role: 'assistant',
      content: 'Here is a plot',
      fragment: { title: 'Sine', template: 'code-interpreter-v1', code: 'print(1)', file_path: 'script.py' },
      result: { kind: 'python', template: 'code-interpreter-v1', stdout: ['0.84\n'], stderr: [], results: [{ png: 'iVBORw0KGgo=' }] },
    })
    await act(async () => {
      d.resolve({ user: msg({ id: 'u1', content: 'plot a sine' }), assistant, userSaved: true })
      await sending
    })
    const c = useChat.getState().chats[P]
    expect(c.run).toBeNull()
    expect(c.pendingUser).toBeNull()
    expect(c.messages.map((x) => x.id)).toEqual(['u1', 'a1'])
    expect(c.tab).toBe('preview')
    expect(screen.getByTestId('preview-stdout')).toHaveTextContent('0.84')
    expect(screen.getByTestId('preview-result')).toHaveAttribute('data-kind', 'png')
    expect(chatHandlers.size).toBe(0) // unsubscribed
  })

  it('a failed step becomes an inline sentence with Retry', async () => {
    const d = deferred<SendResult>()
    m.chat.send.mockReturnValue(d.promise)
    useChat.getState().setDraft(P, 'hello')
    let sending!: Promise<void>
    act(() => {
      sending = useChat.getState().send(P)
    })
    emit([{ type: 'error', error: { step: 'install', code: 'unavailable', message: 'Installing the packages failed: pip could not reach PyPI.' } }, { type: 'done' }])
    await act(async () => {
      d.resolve({ user: msg({ id: 'u1', content: 'hello' }), userSaved: true })
      await sending
    })
    expect(useChat.getState().chats[P].sendError).toEqual({
      code: 'unavailable',
      message: 'Installing the packages failed: pip could not reach PyPI.',
      action: 'retry',
    })
  })

  it.each([
    { code: 'not_found', step: 'generate', reloads: true },
    { code: 'unavailable', step: 'generate', reloads: false },
    { code: 'not_found', step: 'run', reloads: false },
  ])('a $code error in $step reloads the model catalog: $reloads', async ({ code, step, reloads }) => {
    const d = deferred<SendResult>()
    m.chat.send.mockReturnValue(d.promise)
    m.catalog.providers.mockClear()
    useChat.getState().setDraft(P, 'hello')
    let sending!: Promise<void>
    act(() => {
      sending = useChat.getState().send(P)
    })
    emit([{ type: 'error', error: { step, code, message: 'OpenAI does not offer the model "gpt" any more.' } }, { type: 'done' }])
    await act(async () => {
      d.resolve({ user: msg({ id: 'u1', content: 'hello' }), userSaved: true })
      await sending
    })
    expect(m.catalog.providers).toHaveBeenCalledTimes(reloads ? 1 : 0)
  })

  it('keeps the draft when the network is unreachable', async () => {
    m.chat.send.mockRejectedValue(new ApiError('unavailable', 'The model provider cannot be reached. Check your connection and try again.'))
    m.chat.history.mockResolvedValue({ messages: [], hasMore: false })
    useChat.getState().setDraft(P, 'my long prompt')
    await act(async () => {
      await useChat.getState().send(P)
    })
    const s = useChat.getState()
    expect(s.drafts[P]).toBe('my long prompt')
    expect(s.chats[P].sendError?.message).toBe('The model provider cannot be reached. Check your connection and try again.')
    expect(s.chats[P].sendError?.action).toBe('resend')
    expect(s.chats[P].pendingUser).toBeNull()
  })

  it('a failed Send the backend says was saved offers Retry and does not put the draft back', async () => {
    // The reload has not caught up (or is offline): the backend's word decides.
    m.chat.send.mockRejectedValue(new ApiError('unavailable', 'The model provider cannot be reached.', { userMessageId: 'u1', fromBackend: true }))
    m.chat.history.mockRejectedValue(new ApiError('unavailable', 'offline'))
    useChat.getState().setDraft(P, 'my prompt')
    await act(async () => {
      await useChat.getState().send(P)
    })
    const s = useChat.getState()
    expect(s.chats[P].sendError?.action).toBe('retry')
    expect(s.drafts[P]).toBe('')
  })

  it('a failed Send the backend says was not saved puts the draft back, whatever the history shows', async () => {
    m.chat.send.mockRejectedValue(new ApiError('unavailable', 'The model provider cannot be reached.', { fromBackend: true }))
    m.chat.history.mockResolvedValue({ messages: [msg({ id: 'u0', content: 'my prompt' })], hasMore: false })
    useChat.getState().setDraft(P, 'my prompt')
    await act(async () => {
      await useChat.getState().send(P)
    })
    const s = useChat.getState()
    expect(s.chats[P].sendError?.action).toBe('resend')
    expect(s.drafts[P]).toBe('my prompt')
  })

  it('without the backend\'s word, a failed Send whose message the reload shows offers Retry', async () => {
    m.chat.send.mockRejectedValue(new ApiError('unavailable', 'The model provider cannot be reached.'))
    m.chat.history.mockResolvedValue({ messages: [msg({ id: 'u1', content: 'my prompt' })], hasMore: false })
    useChat.getState().setDraft(P, 'my prompt')
    await act(async () => {
      await useChat.getState().send(P)
    })
    const s = useChat.getState()
    expect(s.chats[P].messages.map((x) => x.id)).toEqual(['u1'])
    expect(s.chats[P].sendError?.action).toBe('retry')
    expect(s.drafts[P]).toBe('')
  })

  it('stop cancels the running request by id', async () => {
    const d = deferred<SendResult>()
    m.chat.send.mockReturnValue(d.promise)
    useChat.getState().setDraft(P, 'go')
    let sending!: Promise<void>
    act(() => {
      sending = useChat.getState().send(P)
    })
    const { requestId } = m.chat.send.mock.calls[0][0]
    await act(async () => {
      await useChat.getState().stop(P)
    })
    expect(m.chat.stop).toHaveBeenCalledWith(requestId)
    expect(useChat.getState().chats[P].run?.stopping).toBe(true)
    await act(async () => {
      d.resolve({ user: msg({ id: 'u1', content: 'go' }), assistant: msg({ id: 'a1', seq: 2, role: 'assistant', status: 'stopped' }), userSaved: true })
      await sending
    })
    const c = useChat.getState().chats[P]
    expect(c.run).toBeNull()
    expect(c.messages[1].status).toBe('stopped')
    expect(c.sendError).toBeNull()
  })

  it('a canceled Send is not shown as an error', async () => {
    m.chat.send.mockRejectedValue(new ApiError('canceled', 'Stopped.'))
    useChat.getState().setDraft(P, 'x')
    await act(async () => {
      await useChat.getState().send(P)
    })
    expect(useChat.getState().chats[P].sendError).toBeNull()
  })

  it('keeps a draft per project and persists drafts', () => {
    useChat.getState().setDraft('a', 'draft A')
    useChat.getState().setDraft('b', 'draft B')
    expect(useChat.getState().drafts).toMatchObject({ a: 'draft A', b: 'draft B' })
    flushDrafts()
    expect(JSON.parse(localStorage.getItem('tessera.drafts') ?? '{}')).toEqual({ a: 'draft A', b: 'draft B' })
  })

  it('does not send an empty draft', async () => {
    useChat.getState().setDraft(P, '   ')
    await useChat.getState().send(P)
    expect(m.chat.send).not.toHaveBeenCalled()
  })
})

describe('ChatInput keys', () => {
  function setup() {
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true } } })
    useChat.getState().setDraft(P, 'hello')
    const send = vi.fn(async () => {})
    useChat.setState({ send })
    render(
      <TipProvider>
        <ChatInput projectId={P} multimodal={false} canSend />
      </TipProvider>,
    )
    return { send, input: screen.getByTestId('chat-input') }
  }

  it('Enter sends', () => {
    const { send, input } = setup()
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(send).toHaveBeenCalledWith(P)
  })

  it('Shift+Enter does not send', () => {
    const { send, input } = setup()
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true })
    expect(send).not.toHaveBeenCalled()
  })

  it('Enter while an IME is composing does not send', () => {
    const { send, input } = setup()
    fireEvent.keyDown(input, { key: 'Enter', isComposing: true })
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 229 })
    expect(send).not.toHaveBeenCalled()
  })

  it('the draft survives a project switch', async () => {
    useChat.getState().setDraft('other', 'other text')
    const { input } = setup()
    expect(input).toHaveValue('hello')
    await waitFor(() => expect(useChat.getState().drafts.other).toBe('other text'))
  })
})
