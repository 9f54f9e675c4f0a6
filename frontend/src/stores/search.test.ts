import { act } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import type { HistoryPage, Message, Project, SearchGroup } from '../api'
import { emptyChat, useChat } from './chat'
import { useProjects } from './projects'
import { flatHits, SEARCH_DEBOUNCE_MS, useSearch } from './search'
import { useToasts } from './toast'
import type { makeApiMock } from '../test/apiMock'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const proj = (id: string): Project => ({
  id, name: id, description: '', template: '', sandboxId: '', sandboxState: 'none',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-01-01T00:00:00Z',
})

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return { id: `m${seq}`, projectId: 'p2', seq, role: seq % 2 ? 'user' : 'assistant', content: `#${seq}`, status: 'done', createdAt: '2026-01-01T00:00:00Z', ...extra }
}

/** A fake ChatService.History over `chat`. */
function backend(chat: Message[]) {
  m.chat.history.mockImplementation(async ({ beforeSeq = 0, limit = 50 }): Promise<HistoryPage> => {
    const older = beforeSeq > 0 ? chat.filter((x) => x.seq < beforeSeq) : chat
    const messages = older.slice(-limit)
    return { messages, hasMore: older.length > messages.length }
  })
}

const groups: SearchGroup[] = [
  { projectId: 'p1', projectName: 'One', hits: [{ kind: 'project', snippet: '\u0002One\u0003', messageId: '', seq: 0, path: '', line: 0 }] },
  {
    projectId: 'p2', projectName: 'Two',
    hits: [
      { kind: 'message', snippet: 'a', messageId: 'm3', seq: 3, path: '', line: 0 },
      { kind: 'file', snippet: 'b', messageId: '', seq: 0, path: 'app.py', line: 7 },
    ],
  },
]

beforeEach(() => {
  vi.useRealTimers()
  vi.clearAllMocks()
  useSearch.setState({ open: false, query: '', groups: [], answered: '', loading: false, error: null, active: 0, jump: null, reveal: null })
  useProjects.setState({ projects: [proj('p1'), proj('p2')], currentId: 'p1', loaded: true })
  useChat.setState({ chats: {} })
  useToasts.setState({ toasts: [] })
  m.projects.select.mockImplementation(async (id: string) => proj(id))
})

describe('search store', () => {
  it('debounces typing, sends the last query only, and keeps the newest answer', async () => {
    vi.useFakeTimers()
    m.search.query.mockResolvedValue(groups)
    const s = useSearch.getState()
    s.setQuery('t')
    s.setQuery('tw')
    s.setQuery('two')
    expect(m.search.query).not.toHaveBeenCalled()
    await act(async () => {
      await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS + 1)
    })
    expect(m.search.query).toHaveBeenCalledTimes(1)
    expect(m.search.query).toHaveBeenCalledWith('two')
    expect(useSearch.getState().groups).toEqual(groups)
    expect(useSearch.getState().answered).toBe('two')
  })

  it('ignores an answer that arrives after a newer query', async () => {
    let release!: (g: SearchGroup[]) => void
    m.search.query.mockImplementationOnce(() => new Promise<SearchGroup[]>((r) => (release = r)))
    m.search.query.mockResolvedValueOnce([])
    const slow = useSearch.getState().run('old')
    await useSearch.getState().run('new')
    release(groups)
    await slow
    expect(useSearch.getState().groups).toEqual([])
    expect(useSearch.getState().answered).toBe('new')
  })

  it('clearing the query clears the results without a call', () => {
    useSearch.setState({ groups, answered: 'x' })
    useSearch.getState().setQuery('  ')
    expect(useSearch.getState().groups).toEqual([])
    expect(m.search.query).not.toHaveBeenCalled()
  })

  it('shows the error sentence', async () => {
    m.search.query.mockRejectedValue(new api.ApiError('internal', 'Tessera could not search in its database.'))
    await useSearch.getState().run('x')
    expect(useSearch.getState().error).toBe('Tessera could not search in its database.')
  })

  it('moves through every hit of every group and wraps', () => {
    useSearch.setState({ groups })
    expect(flatHits(groups).map((r) => r.hit.kind)).toEqual(['project', 'message', 'file'])
    const s = useSearch.getState()
    s.move(1)
    s.move(1)
    expect(useSearch.getState().active).toBe(2)
    s.move(1)
    expect(useSearch.getState().active).toBe(0)
    s.move(-1)
    expect(useSearch.getState().active).toBe(2)
  })

  it('opens a message: switches project, fetches older pages until it is loaded, asks for the jump', async () => {
    backend(Array.from({ length: 120 }, (_, i) => msg(i + 1)))
    useSearch.setState({ open: true })
    await useSearch.getState().openHit('p2', { kind: 'message', snippet: '', messageId: 'm3', seq: 3, path: '', line: 0 })
    expect(useSearch.getState().open).toBe(false)
    expect(useProjects.getState().currentId).toBe('p2')
    expect(m.projects.select).toHaveBeenCalledWith('p2')
    const chat = useChat.getState().chats.p2
    expect(chat.messages.some((x) => x.id === 'm3')).toBe(true)
    expect(m.chat.history).toHaveBeenCalledTimes(3) // newest page + two older ones
    expect(useSearch.getState().jump).toMatchObject({ projectId: 'p2', messageId: 'm3' })
  })

  it('says so when the message is gone', async () => {
    backend([msg(1), msg(2)])
    await useSearch.getState().openHit('p2', { kind: 'message', snippet: '', messageId: 'gone', seq: 9, path: '', line: 0 })
    expect(useSearch.getState().jump).toBeNull()
    expect(useToasts.getState().toasts.map((t) => t.message)).toEqual(['That message is no longer in the chat.'])
  })

  it('opens a file: selects the newest answer that has it, on the Code tab, and asks to show its line', async () => {
    const frag = (path: string) => ({ title: 't', template: 'code-interpreter-v1', files: [{ path, content: 'x' }] })
    backend([msg(1), msg(2, { fragment: frag('app.py') }), msg(3), msg(4, { fragment: frag('other.py') })])
    await useSearch.getState().openHit('p2', groups[1].hits[1])
    const chat = useChat.getState().chats.p2
    expect(chat.selected).toBe('m2')
    expect(chat.tab).toBe('code')
    expect(useSearch.getState().reveal).toMatchObject({ projectId: 'p2', path: 'app.py', line: 7 })
  })

  it('opens a project hit by switching to it only', async () => {
    useChat.setState({ chats: { p2: { ...emptyChat(), loaded: true } } })
    await useSearch.getState().openHit('p2', { kind: 'project', snippet: '', messageId: '', seq: 0, path: '', line: 0 })
    expect(useProjects.getState().currentId).toBe('p2')
    expect(useSearch.getState().jump).toBeNull()
    expect(useSearch.getState().reveal).toBeNull()
  })
})
