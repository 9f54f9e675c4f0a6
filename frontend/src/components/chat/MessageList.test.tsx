import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { HistoryPage, Message } from '../../api'
import { emptyChat, exchangeOf, useChat } from '../../stores/chat'
import type { makeApiMock } from '../../test/apiMock'
import { MessageList, PAGE } from './MessageList'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

function many(n: number): Message[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    projectId: 'p',
    seq: i + 1,
    role: i % 2 ? 'assistant' : 'user',
    content: i % 2 ? `Answer **${i}** with a [link](https://example.com)` : `Question ${i}`,
    fragment: i % 2 ? { title: `Frag ${i}`, template: 'nextjs-developer', files: [{ path: 'app/page.tsx', content: 'x' }] } : null,
    result: null,
    status: i === n - 1 ? 'error' : 'done',
    createdAt: '2026-01-01T00:00:00Z',
  }))
}

describe('MessageList', () => {
  afterEach(() => vi.clearAllMocks())

  it('renders only a window of a 1,000-message chat, quickly', () => {
    const chat = { ...emptyChat(), loaded: true, messages: many(1000) }
    useChat.setState({ chats: { p: chat } })
    const t0 = performance.now()
    render(<MessageList projectId="p" chat={chat} />)
    const ms = performance.now() - t0
    const rows = screen.getAllByTestId('chat-message')
    expect(rows).toHaveLength(PAGE)
    expect(rows[rows.length - 1]).toHaveAttribute('data-status', 'error')
    expect(screen.getByText(`Show earlier messages (${1000 - PAGE})`)).toBeInTheDocument()
    expect(screen.getAllByTestId('fragment-card')).toHaveLength(PAGE / 2)
    // The budget is 200 ms in the app; jsdom is slower than a browser, so allow more here.
    expect(ms).toBeLessThan(1500)
  })

  it('offers Retry only on the last failed answer', () => {
    const chat = { ...emptyChat(), loaded: true, messages: many(4) }
    render(<MessageList projectId="p" chat={chat} />)
    expect(screen.getAllByTestId('chat-retry')).toHaveLength(1)
  })

  it('deletes any one message after asking: a prompt goes with its answer', async () => {
    const msgs = many(6).map((x) => ({ ...x, status: 'done' as const }))
    useChat.setState({ chats: { p: { ...emptyChat(), loaded: true, messages: msgs } } })
    m.chat.history.mockResolvedValueOnce({ messages: [msgs[0], msgs[1], msgs[4], msgs[5]], hasMore: false })
    const { rerender } = render(<MessageList projectId="p" chat={useChat.getState().chats.p} />)
    const rows = screen.getAllByTestId('chat-message')
    // the second prompt (m2), in the middle of the chat
    fireEvent.click(rows[2].querySelector('[data-testid="message-delete"]')!)
    expect(await screen.findByText('Delete this prompt and its answer?')).toBeInTheDocument()
    fireEvent.click(screen.getByTestId('confirm-delete-message'))
    await waitFor(() => expect(m.chat.deleteMessage).toHaveBeenCalledWith('p', 'm2'))
    await waitFor(() => expect(useChat.getState().chats.p.messages.map((x) => x.id)).toEqual(['m0', 'm1', 'm4', 'm5']))
    rerender(<MessageList projectId="p" chat={useChat.getState().chats.p} />)
    expect(screen.getAllByTestId('chat-message')).toHaveLength(4)
  })

  it('exchangeOf: an answer alone, a prompt with the answers up to the next prompt', () => {
    const msgs = many(6)
    expect(exchangeOf(msgs, 'm1')).toEqual(['m1'])
    expect(exchangeOf(msgs, 'm2')).toEqual(['m2', 'm3'])
    expect(exchangeOf(msgs, 'm4')).toEqual(['m4', 'm5'])
    expect(exchangeOf(msgs, 'nope')).toEqual([])
  })

  it('says an answer cut off by a crash was interrupted, keeps its text and offers Retry', () => {
    const msgs = many(2)
    msgs[1] = { ...msgs[1], status: 'interrupted', content: 'Half of the answer' }
    const chat = { ...emptyChat(), loaded: true, messages: msgs }
    render(<MessageList projectId="p" chat={chat} />)
    expect(screen.getByText(/Interrupted: Tessera closed before this answer finished/)).toBeInTheDocument()
    expect(screen.getByText('Half of the answer')).toBeInTheDocument()
    expect(screen.getByTestId('chat-retry')).toBeInTheDocument()
  })
})

/** Messages with seqs from..to (inclusive). */
function seqs(from: number, to: number): Message[] {
  return many(to).slice(from - 1).map((x) => ({ ...x, status: 'done' as const }))
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

/** The list as ChatPanel renders it: fed from the store. */
function Harness() {
  const chat = useChat((s) => s.chats.p)
  return <MessageList projectId="p" chat={chat} />
}

/**
 * jsdom has no layout: every message row is 100px tall, stacked in DOM
 * order, and the scroller (at the top of the viewport) scrolls them.
 */
function fakeLayout() {
  let top = 0
  const el = screen.getByTestId('chat-messages')
  Object.defineProperty(el, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) })
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    const rows = [...el.querySelectorAll('[data-message-id]')]
    const i = rows.indexOf(this)
    return new DOMRect(0, i < 0 ? 0 : i * 100 - top, 100, i < 0 ? 0 : 100)
  })
  return {
    el,
    get scrollTop() {
      return top
    },
    /** The person scrolls to the very top. */
    toTop() {
      top = 0
      fireEvent.scroll(el)
    },
  }
}

const rowIds = () => screen.getAllByTestId('chat-message').map((r) => r.getAttribute('data-message-id'))

describe('MessageList: older pages', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('reveals loaded rows first, then calls loadOlder at the top and keeps the view still', async () => {
    // The newest page of 100 messages: 51..100 loaded, 1..50 older.
    useChat.setState({ chats: { p: { ...emptyChat(), loaded: true, messages: seqs(51, 100), hasMore: true, oldestSeq: 51 } } })
    const d = deferred<HistoryPage>()
    m.chat.history.mockReturnValueOnce(d.promise)
    render(<Harness />)
    const view = fakeLayout()
    expect(rowIds()).toHaveLength(PAGE)

    // At the top of the rendered rows with loaded rows still hidden: reveal them, no fetch.
    view.toTop()
    expect(rowIds()).toHaveLength(50)
    expect(m.chat.history).not.toHaveBeenCalled()
    expect(view.scrollTop).toBe(10 * 100) // m61 stays where it was

    // All loaded rows shown: the top fetches the page before seq 51.
    view.toTop()
    expect(m.chat.history).toHaveBeenCalledTimes(1)
    expect(m.chat.history).toHaveBeenCalledWith({ projectId: 'p', beforeSeq: 51, limit: 50 })
    expect(screen.getByTestId('chat-history-loading')).toHaveTextContent('Loading earlier messages…')
    // Scrolling at the top again while it loads does not fetch twice.
    view.toTop()
    expect(m.chat.history).toHaveBeenCalledTimes(1)

    await act(async () => {
      d.resolve({ messages: seqs(1, 50), hasMore: false })
      await d.promise
    })
    expect(screen.queryByTestId('chat-history-loading')).toBeNull()
    // The window grew to 80 rows: 30 of the fetched rows are above m51, which did not move.
    expect(rowIds()).toHaveLength(2 * PAGE)
    expect(rowIds()[0]).toBe('m20')
    expect(view.scrollTop).toBe(30 * 100)
    expect(screen.getByText('Show earlier messages (20)')).toBeInTheDocument()

    // Everything loaded and shown: the beginning marker, and no more fetches.
    view.toTop()
    expect(rowIds()[0]).toBe('m0')
    expect(screen.getByTestId('chat-history-start')).toHaveTextContent('Beginning of the chat')
    view.toTop()
    expect(m.chat.history).toHaveBeenCalledTimes(1)
  })

  it('shows the beginning marker only when nothing older exists', () => {
    useChat.setState({ chats: { p: { ...emptyChat(), loaded: true, messages: seqs(1, 4), hasMore: true, oldestSeq: 1 } } })
    const { rerender } = render(<Harness />)
    expect(screen.queryByTestId('chat-history-start')).toBeNull()
    expect(screen.getByTestId('chat-history-more')).toBeInTheDocument()
    act(() => useChat.setState({ chats: { p: { ...useChat.getState().chats.p, hasMore: false } } }))
    rerender(<Harness />)
    expect(screen.getByTestId('chat-history-start')).toBeInTheDocument()
    expect(screen.queryByTestId('chat-history-more')).toBeNull()
  })
})
