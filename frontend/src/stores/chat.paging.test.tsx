import { act } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import type { HistoryPage, Message, SendResult } from '../api'
import { useChat } from './chat'
import { chatHandlers, type makeApiMock } from '../test/apiMock'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'

/** Messages with seqs from..to (inclusive), alternating user/assistant. */
function range(from: number, to: number): Message[] {
  const out: Message[] = []
  for (let seq = from; seq <= to; seq++) {
    out.push({ id: `m${seq}`, projectId: P, seq, role: seq % 2 ? 'user' : 'assistant', content: `#${seq}`, status: 'done', createdAt: '2026-01-01T00:00:00Z' })
  }
  return out
}

/** A fake ChatService.History over a chat of `total` messages (seq 1..total). */
function backend(total: number) {
  let chat = range(1, total)
  m.chat.history.mockImplementation(async ({ beforeSeq = 0, limit = 50 }): Promise<HistoryPage> => {
    const older = beforeSeq > 0 ? chat.filter((x) => x.seq < beforeSeq) : chat
    const messages = older.slice(-limit)
    return { messages, hasMore: older.length > messages.length }
  })
  return { set: (list: Message[]) => (chat = list), get: () => chat }
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

const ids = (list: Message[]) => list.map((x) => x.seq)
const chat = () => useChat.getState().chats[P]

beforeEach(() => {
  vi.clearAllMocks()
  chatHandlers.clear()
  useChat.setState({ chats: {}, drafts: {}, attachments: {}, model: { providerId: 'openai', modelId: 'gpt' }, templates: {}, params: {} })
})

describe('chat store: paged history', () => {
  it('load fetches one page of 50 (the newest) and never the whole chat', async () => {
    backend(1000)
    await useChat.getState().load(P)
    expect(m.chat.history).toHaveBeenCalledTimes(1)
    expect(m.chat.history).toHaveBeenCalledWith({ projectId: P, beforeSeq: 0, limit: 50 })
    const c = chat()
    expect(c.messages).toHaveLength(50)
    expect(ids(c.messages)[0]).toBe(951)
    expect(ids(c.messages).at(-1)).toBe(1000)
    expect(c.hasMore).toBe(true)
    expect(c.oldestSeq).toBe(951)
  })

  it('loadOlder prepends the page before the oldest loaded seq and stops when hasMore is false', async () => {
    backend(120)
    await useChat.getState().load(P)
    expect(ids(chat().messages)).toEqual(ids(range(71, 120)))

    await useChat.getState().loadOlder(P)
    expect(m.chat.history).toHaveBeenLastCalledWith({ projectId: P, beforeSeq: 71, limit: 50 })
    expect(ids(chat().messages)).toEqual(ids(range(21, 120)))
    expect(chat().hasMore).toBe(true)
    expect(chat().oldestSeq).toBe(21)

    await useChat.getState().loadOlder(P)
    expect(m.chat.history).toHaveBeenLastCalledWith({ projectId: P, beforeSeq: 21, limit: 50 })
    expect(ids(chat().messages)).toEqual(ids(range(1, 120)))
    expect(chat().hasMore).toBe(false)

    await useChat.getState().loadOlder(P)
    expect(m.chat.history).toHaveBeenCalledTimes(3) // nothing older: no call
    expect(chat().messages).toHaveLength(120)
  })

  it('ignores a loadOlder while one is in flight, and dedupes by id', async () => {
    backend(100)
    await useChat.getState().load(P)
    const d = deferred<HistoryPage>()
    m.chat.history.mockReturnValueOnce(d.promise)
    const a = useChat.getState().loadOlder(P)
    const b = useChat.getState().loadOlder(P)
    expect(chat().loadingOlder).toBe(true)
    expect(m.chat.history).toHaveBeenCalledTimes(2) // load + one loadOlder
    // The page overlaps what is loaded (m51): it must not appear twice.
    d.resolve({ messages: range(1, 51), hasMore: false })
    await Promise.all([a, b])
    expect(chat().loadingOlder).toBe(false)
    expect(ids(chat().messages)).toEqual(ids(range(1, 100)))
    expect(new Set(chat().messages.map((x) => x.id)).size).toBe(100)
  })

  it('drops an older page that a reload made stale', async () => {
    const db = backend(100)
    await useChat.getState().load(P)
    const d = deferred<HistoryPage>()
    m.chat.history.mockReturnValueOnce(d.promise)
    const older = useChat.getState().loadOlder(P)
    db.set(range(1, 30)) // e.g. a Clear and new messages elsewhere
    await useChat.getState().load(P, true)
    d.resolve({ messages: range(1, 50), hasMore: false })
    await older
    expect(ids(chat().messages)).toEqual(ids(range(1, 30)))
    expect(chat().loadingOlder).toBe(false)
  })

  it('undo reloads the newest page and keeps the older pages already loaded', async () => {
    const db = backend(120)
    await useChat.getState().load(P)
    await useChat.getState().loadOlder(P) // 21..120 loaded
    db.set(range(1, 118))
    await useChat.getState().undo(P)
    expect(m.chat.undo).toHaveBeenCalledWith(P)
    expect(m.chat.history).toHaveBeenLastCalledWith({ projectId: P, beforeSeq: 0, limit: 50 })
    expect(ids(chat().messages)).toEqual(ids(range(21, 118)))
    expect(chat().oldestSeq).toBe(21)
    expect(chat().hasMore).toBe(true)
  })

  it('clear empties the chat and nothing older is fetched', async () => {
    const db = backend(120)
    await useChat.getState().load(P)
    db.set([])
    await useChat.getState().clear(P)
    expect(chat().messages).toEqual([])
    expect(chat().hasMore).toBe(false)
    const calls = m.chat.history.mock.calls.length
    await useChat.getState().loadOlder(P)
    expect(m.chat.history).toHaveBeenCalledTimes(calls)
  })

  it('retry reloads the newest page so the replaced answer goes away', async () => {
    const db = backend(4) // u1 a2 u3 a4
    await useChat.getState().load(P)
    const fresh: Message = { id: 'a5', projectId: P, seq: 5, role: 'assistant', content: 'again', status: 'done', createdAt: '2026-01-01T00:00:00Z' }
    m.chat.retry.mockImplementation(async (): Promise<SendResult> => {
      db.set([...range(1, 3), fresh])
      return { user: range(3, 3)[0], assistant: fresh, userSaved: true }
    })
    await act(async () => {
      await useChat.getState().retry(P)
    })
    expect(chat().messages.map((x) => x.id)).toEqual(['m1', 'm2', 'm3', 'a5'])
  })

  it('send appends the saved messages to the loaded page without reloading', async () => {
    backend(100)
    await useChat.getState().load(P)
    const calls = m.chat.history.mock.calls.length
    const u: Message = { id: 'u101', projectId: P, seq: 101, role: 'user', content: 'hi', status: 'done', createdAt: '' }
    const a: Message = { ...u, id: 'a102', seq: 102, role: 'assistant', content: 'hello' }
    m.chat.send.mockResolvedValue({ user: u, assistant: a, userSaved: true })
    useChat.getState().setDraft(P, 'hi')
    await act(async () => {
      await useChat.getState().send(P)
    })
    expect(m.chat.history).toHaveBeenCalledTimes(calls)
    expect(ids(chat().messages)).toEqual([...ids(range(51, 100)), 101, 102])
    expect(chat().oldestSeq).toBe(51)
    expect(chat().hasMore).toBe(true)
  })
})
