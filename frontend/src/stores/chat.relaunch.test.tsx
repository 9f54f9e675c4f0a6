import { act, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { normalizeMessage, runResultOf, type ChatEvent, type HistoryPage, type Message, type SandboxStatus, type SendResult } from '../api'
import { emptyChat, initialTab, useChat } from './chat'
import { enableMarks } from '../lib/instrument'
import { useCatalog } from './catalog'
import { useSandbox } from './sandbox'
import { chatHandlers, type makeApiMock } from '../test/apiMock'
import { PreviewPanel } from '../components/preview/PreviewPanel'
import { ChatPanel } from '../components/chat/ChatPanel'
import { MessageRow } from '../components/chat/MessageRow'
import { TipProvider } from '../components/ui/Tip'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'
const PNG = 'iVBORw0KGgo='

function msg(over: Partial<Message>): Message {
  return { id: 'm', projectId: P, seq: 1, role: 'user', content: '', status: 'done', createdAt: '2026-01-01T00:00:00Z', ...over }
}

const pyFragment = { title: 'Sine', template: 'code-interpreter-v1', code: 'print(0.84)', file_path: 'script.py' }
const pyResult = { kind: 'python' as const, template: 'code-interpreter-v1', stdout: ['0.84\n'], stderr: [], results: [{ png: PNG }] }

/** What ChatService.Messages sends (JSON columns as text, as an older path may), normalised like src/api does. */
function fromBackend(list: Message[]): Message[] {
  return list.map((x) => normalizeMessage({ ...x, result: x.result === undefined ? undefined : (JSON.stringify(x.result) as never) }))
}

/** A ChatService.History page as src/api returns it. */
function page(messages: Message[], hasMore = false): HistoryPage {
  return { messages, hasMore }
}

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

afterEach(() => {
  vi.restoreAllMocks()
  delete document.body.dataset.lastRender
})

describe('relaunch: the preview opens on the last output', () => {
  it('opens the Preview tab with the stored Python output of the newest answer', async () => {
    m.chat.history.mockResolvedValue(
      page(fromBackend([
        msg({ id: 'u1', content: 'plot a sine' }),
        msg({ id: 'a1', seq: 2, role: 'assistant', content: 'Here', fragment: pyFragment, result: pyResult }),
      ])),
    )
    render(<PreviewPanel projectId={P} />)
    await act(async () => {
      await useChat.getState().load(P)
    })
    expect(useChat.getState().chats[P].tab).toBe('preview')
    expect(screen.getByTestId('tab-preview')).toHaveAttribute('data-state', 'active')
    expect(screen.getByTestId('preview-stdout')).toHaveTextContent('0.84')
    expect(screen.getByTestId('preview-result')).toHaveAttribute('data-kind', 'png')
  })

  it('opens a stored web result in the iframe', async () => {
    m.chat.history.mockResolvedValue(
      page(fromBackend([
        msg({ id: 'u1', content: 'a page' }),
        msg({
          id: 'a1',
          seq: 2,
          role: 'assistant',
          fragment: { title: 'Page', template: 'nextjs-developer', files: [{ path: 'pages/index.tsx', content: 'x' }] },
          result: { kind: 'web', template: 'nextjs-developer', url: 'https://3000-sbx.e2b.app', stdout: [], stderr: [], results: [] },
        }),
      ])),
    )
    // The project's sandbox, as its status topic reports it on relaunch
    // (without one, another sandbox's address is never loaded).
    useSandbox.setState({ byProject: { [P]: { projectId: P, state: 'running', sandboxId: 'sbx' } as SandboxStatus } })
    render(<PreviewPanel projectId={P} />)
    await act(async () => {
      await useChat.getState().load(P)
    })
    expect(screen.getByTestId('preview-iframe')).toHaveAttribute('src', 'https://3000-sbx.e2b.app')
    useSandbox.setState({ byProject: {} })
  })

  it('stays on Code when the newest answer has no result or a failed step', async () => {
    const failed = { ...pyResult, stepError: { step: 'run', code: 'unavailable', message: 'The sandbox could not be reached.' } }
    m.chat.history.mockResolvedValueOnce(
      page(fromBackend([
        msg({ id: 'a0', seq: 1, role: 'assistant', fragment: pyFragment, result: pyResult }),
        msg({ id: 'a1', seq: 2, role: 'assistant', fragment: pyFragment, result: failed }),
      ])),
    )
    await useChat.getState().load(P)
    expect(useChat.getState().chats[P].tab).toBe('code')

    m.chat.history.mockResolvedValueOnce(page(fromBackend([msg({ id: 'a1', seq: 2, role: 'assistant', fragment: pyFragment })])))
    await useChat.getState().load('p2')
    expect(useChat.getState().chats.p2.tab).toBe('code')
  })

  it('does not override a tab the person chose for that project during the session', async () => {
    const list = fromBackend([msg({ id: 'a1', seq: 2, role: 'assistant', fragment: pyFragment, result: pyResult })])
    let release!: () => void
    m.chat.history.mockImplementationOnce(() => new Promise<HistoryPage>((res) => (release = () => res(page(list)))))
    const loading = useChat.getState().load(P)
    useChat.getState().setTab(P, 'code') // chosen while the messages load
    release()
    await loading
    expect(useChat.getState().chats[P].tab).toBe('code')

    // A forced reload later keeps the choice too.
    m.chat.history.mockResolvedValueOnce(page(list))
    await useChat.getState().load(P, true)
    expect(useChat.getState().chats[P].tab).toBe('code')

    // Another project is not affected by that choice.
    m.chat.history.mockResolvedValueOnce(page(list))
    await useChat.getState().load('p2')
    expect(useChat.getState().chats.p2.tab).toBe('preview')
  })

  it('initialTab looks only at the newest assistant message', () => {
    const user = normalizeMessage({ ...msg({ id: 'u', seq: 3 }), attachments: [{ mime: 'image/png', data: PNG }] })
    expect(initialTab([msg({ id: 'a', seq: 2, role: 'assistant', result: pyResult }), user])).toBe('preview')
    expect(initialTab([user])).toBe('code')
    expect(initialTab([])).toBe('code')
  })

  it('a web project whose newest turn failed before any code reopens on the preview it still shows', () => {
    const web = msg({
      id: 'a1', seq: 2, role: 'assistant',
      fragment: { title: 'Page', template: 'nextjs-developer', files: [{ path: 'pages/index.tsx', content: 'x' }] },
      result: { kind: 'web', template: 'nextjs-developer', url: 'https://3000-sbx.e2b.app', stdout: [], stderr: [], results: [] },
    })
    const llmFailed = msg({
      id: 'a2', seq: 4, role: 'assistant', status: 'error',
      result: { kind: 'python', template: '', stdout: [], stderr: [], results: [], stepError: { step: 'generate', code: 'unavailable', message: 'The model could not be reached.' } },
    })
    expect(initialTab([web, msg({ id: 'u2', seq: 3 }), llmFailed])).toBe('preview')
  })
})

describe('user message attachments', () => {
  const stored = { images: [{ mime: 'image/png', data: PNG }, { mime: 'image/jpeg', data: '/9j/4AAQ' }] }

  it('src/api reads a user message\'s images from attachments, checked, and never as a RunResult', () => {
    const u = normalizeMessage({ ...msg({ id: 'u1' }), attachments: stored.images })
    expect(u.result).toBeNull()
    expect(u.attachments).toEqual(stored.images)
    expect(runResultOf(u)).toBeNull()
    // Non-image or malformed entries are dropped.
    const bad = normalizeMessage({
      ...msg({}),
      attachments: [{ mime: 'text/html', data: 'PGI+' }, { mime: 'image/png', data: 'not"base64' }, { mime: 'image/gif', data: '' }],
    })
    expect(bad.attachments).toEqual([])
    // An assistant's result without a kind is not run output.
    expect(normalizeMessage(msg({ role: 'assistant', result: stored as never })).result).toBeNull()
  })

  it('renders the images as thumbnails in the user bubble', () => {
    const u = normalizeMessage({ ...msg({ id: 'u1', content: 'like this' }), attachments: stored.images })
    render(<MessageRow message={u} canRetry={false} selected={false} onOpen={() => {}} onRetry={() => {}} />)
    const imgs = screen.getAllByTestId('message-attachment')
    expect(imgs).toHaveLength(2)
    expect(imgs[0]).toHaveAttribute('src', `data:image/png;base64,${PNG}`)
    expect(imgs[1]).toHaveAttribute('src', 'data:image/jpeg;base64,/9j/4AAQ')
    expect(screen.getByText('like this')).toBeInTheDocument()
  })

  it('the preview ignores a user message result even when it is selected or newest', async () => {
    const raw = msg({ id: 'u2', seq: 3, content: 'again', result: stored as never }) // not normalised on purpose
    expect(runResultOf(raw)).toBeNull()
    useChat.setState({
      chats: {
        [P]: {
          ...emptyChat(),
          loaded: true,
          tab: 'preview',
          selected: 'u2',
          messages: [msg({ id: 'a1', seq: 2, role: 'assistant', fragment: pyFragment, result: pyResult }), raw],
        },
      },
    })
    render(<PreviewPanel projectId={P} />)
    expect(screen.queryByTestId('preview-result')).toBeNull()
    expect(screen.queryByTestId('preview-stdout')).toBeNull()
  })
})

describe('performance marks', () => {
  // Off in the product; the benchmark turns them on (window.__tesseraMarks).
  beforeEach(() => enableMarks())
  afterEach(() => enableMarks(null))

  it('marks messages-rendered once the rows are in the DOM, and sets data-last-render', async () => {
    const seen: { name: string; rows: number }[] = []
    vi.spyOn(performance, 'mark').mockImplementation(((name: string) => {
      seen.push({ name, rows: document.querySelectorAll('[data-testid="chat-message"]').length })
      return undefined
    }) as never)
    m.chat.history.mockResolvedValue(
      page(fromBackend([msg({ id: 'u1', content: 'hi' }), msg({ id: 'a1', seq: 2, role: 'assistant', content: 'hello' })])),
    )
    render(
      <TipProvider>
        <ChatPanel projectId={P} />
      </TipProvider>,
    )
    await waitFor(() => expect(seen.some((s) => s.name === `tessera:messages-rendered:${P}`)).toBe(true))
    const rendered = seen.filter((s) => s.name === `tessera:messages-rendered:${P}`)
    expect(rendered).toHaveLength(1)
    expect(rendered[0].rows).toBe(2)
    expect(document.body.dataset.lastRender).toBe(P)

    // A reload in the same project (undo, clear) is not a project switch.
    await act(async () => {
      await useChat.getState().load(P, true)
    })
    expect(seen.filter((s) => s.name === `tessera:messages-rendered:${P}`)).toHaveLength(1)
  })

  it('marks messages-rendered once for a long chat opened with its newest page, not again for older pages', async () => {
    const seen: { name: string; rows: number }[] = []
    vi.spyOn(performance, 'mark').mockImplementation(((name: string) => {
      seen.push({ name, rows: document.querySelectorAll('[data-testid="chat-message"]').length })
      return undefined
    }) as never)
    const newest = Array.from({ length: 50 }, (_, i) =>
      msg({ id: `m${951 + i}`, seq: 951 + i, role: i % 2 ? 'assistant' : 'user', content: `#${951 + i}` }),
    )
    m.chat.history.mockResolvedValueOnce(page(newest, true))
    render(
      <TipProvider>
        <ChatPanel projectId={P} />
      </TipProvider>,
    )
    const name = `tessera:messages-rendered:${P}`
    await waitFor(() => expect(seen.some((s) => s.name === name)).toBe(true))
    expect(m.chat.history).toHaveBeenCalledTimes(1)
    expect(m.chat.history).toHaveBeenCalledWith({ projectId: P, beforeSeq: 0, limit: 50 })
    expect(seen.filter((s) => s.name === name)).toEqual([{ name, rows: 40 }])
    expect(document.body.dataset.lastRender).toBe(P)

    m.chat.history.mockResolvedValueOnce(page([msg({ id: 'm950', seq: 950, role: 'assistant' })], false))
    await act(async () => {
      await useChat.getState().loadOlder(P)
    })
    expect(m.chat.history).toHaveBeenLastCalledWith({ projectId: P, beforeSeq: 951, limit: 50 })
    expect(useChat.getState().chats[P].messages).toHaveLength(51)
    expect(seen.filter((s) => s.name === name)).toHaveLength(1)
  })

  it('marks stream-done when the done event is applied, once', async () => {
    const mark = vi.spyOn(performance, 'mark').mockImplementation((() => undefined) as never)
    let finish!: (r: SendResult) => void
    m.chat.send.mockReturnValue(new Promise<SendResult>((res) => (finish = res)))
    useChat.getState().setDraft(P, 'go')
    let sending!: Promise<void>
    act(() => {
      sending = useChat.getState().send(P)
    })
    const { requestId } = m.chat.send.mock.calls[0][0]
    const name = `tessera:stream-done:${requestId}`
    const handler = chatHandlers.get(requestId)!
    act(() => {
      handler([{ type: 'stage', stage: 'generating' }] as ChatEvent[])
    })
    expect(mark).not.toHaveBeenCalledWith(name)
    act(() => {
      handler([{ type: 'done' }] as ChatEvent[])
    })
    expect(mark).toHaveBeenCalledWith(name)
    await act(async () => {
      finish({ user: msg({ id: 'u1', content: 'go' }), userSaved: true })
      await sending
    })
    expect(mark.mock.calls.filter(([n]) => n === name)).toHaveLength(1)
  })
})
