import { act } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { ApiError, type HistoryPage, type Message } from '../api'
import { useChat } from './chat'
import { editedSince } from '../lib/fileStory'
import { chatHandlers, type makeApiMock } from '../test/apiMock'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'

function msg(seq: number, role: 'user' | 'assistant'): Message {
  return { id: `m${seq}`, projectId: P, seq, role, content: `#${seq}`, status: 'done', createdAt: '2026-01-01T00:00:00Z' }
}

/** A fake backend chat whose Undo and Redo move exchanges between the list and a redo stack. */
function backend(exchanges: number) {
  let list: Message[] = []
  for (let i = 0; i < exchanges; i++) list.push(msg(2 * i + 1, 'user'), msg(2 * i + 2, 'assistant'))
  const redo: Message[][] = []
  m.chat.history.mockImplementation(async (): Promise<HistoryPage> => ({ messages: list, hasMore: false }))
  m.chat.undo.mockImplementation(async () => {
    const i = list.map((x) => x.role).lastIndexOf('user')
    if (i < 0) throw new ApiError('invalid', 'There is nothing to undo.')
    redo.push(list.slice(i))
    list = list.slice(0, i)
    return { restored: true, canRedo: true }
  })
  m.chat.redo.mockImplementation(async () => {
    const back = redo.pop()
    if (!back) throw new ApiError('invalid', 'There is nothing to redo.')
    list = [...list, ...back]
    return { restored: true, canRedo: redo.length > 0 }
  })
  return { list: () => list, add: (...ms: Message[]) => (list = [...list, ...ms]), drop: (n: number) => (list = list.slice(0, list.length - n)) }
}

const chat = () => useChat.getState().chats[P]
const seqs = () => chat().messages.map((x) => x.seq)

beforeEach(() => {
  vi.clearAllMocks()
  chatHandlers.clear()
  useChat.setState({ chats: {}, drafts: {}, attachments: {}, model: { providerId: 'openai', modelId: 'gpt' }, templates: {}, params: {} })
})

describe('chat store: undo and redo', () => {
  it('undo offers redo; redo puts the exchanges back in order; the list follows the backend', async () => {
    backend(3)
    await useChat.getState().load(P)
    useChat.getState().select(P, 'm6')
    expect(chat().canRedo).toBe(false)

    const r = await useChat.getState().undo(P)
    expect(r).toEqual({ restored: true, canRedo: true })
    expect(seqs()).toEqual([1, 2, 3, 4])
    expect(chat().canRedo).toBe(true)
    // The preview follows the latest answer again; the Code tab reloads the files.
    expect(chat().selected).toBeNull()
    expect(chat().files).toBeNull()

    await useChat.getState().undo(P)
    expect(seqs()).toEqual([1, 2])

    await useChat.getState().redo(P)
    expect(seqs()).toEqual([1, 2, 3, 4])
    expect(chat().canRedo).toBe(true)
    await useChat.getState().redo(P)
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6])
    expect(chat().canRedo).toBe(false)
    expect(m.chat.redo).toHaveBeenCalledWith(P)
  })

  it('a failed undo changes nothing and says why', async () => {
    backend(0)
    await useChat.getState().load(P)
    await expect(useChat.getState().undo(P)).rejects.toThrow('There is nothing to undo.')
    expect(chat().canRedo).toBe(false)
    expect(chat().messages).toEqual([])
  })

  it('a new turn, Clear or Delete take Redo away', async () => {
    const db = backend(3)
    await useChat.getState().load(P)
    await useChat.getState().undo(P)
    expect(chat().canRedo).toBe(true)

    db.add(msg(5, 'user'), msg(6, 'assistant'))
    m.chat.send.mockResolvedValueOnce({ user: msg(5, 'user'), assistant: msg(6, 'assistant'), userSaved: true })
    useChat.getState().setDraft(P, 'something new')
    await act(async () => {
      await useChat.getState().send(P)
    })
    expect(chat().canRedo).toBe(false)

    await useChat.getState().undo(P)
    expect(chat().canRedo).toBe(true)
    await useChat.getState().deleteMessage(P, 'm1')
    expect(chat().canRedo).toBe(false)

    await useChat.getState().undo(P)
    await useChat.getState().clear(P)
    expect(chat().canRedo).toBe(false)
  })

  it('a failed send asks the backend whether Redo is still there', async () => {
    backend(1)
    await useChat.getState().load(P)
    await useChat.getState().undo(P)
    m.chat.send.mockRejectedValueOnce(new ApiError('invalid', 'Choose a model first.', { fromBackend: true }))
    m.chat.canRedo.mockResolvedValueOnce(true)
    useChat.getState().setDraft(P, 'hi')
    await act(async () => {
      await useChat.getState().send(P)
    })
    expect(m.chat.canRedo).toHaveBeenCalledWith(P)
    expect(chat().canRedo).toBe(true)
  })

  it("an agent turn's undo refused over the person's edit changes nothing; anyway undoes it", async () => {
    const db = backend(2)
    await useChat.getState().load(P)
    m.chat.undo.mockRejectedValueOnce(new ApiError('conflict', "src/App.tsx changed after the agent's step; restoring would lose that edit.", { field: 'anyway', fromBackend: true }))
    const refused = await useChat.getState().undo(P).catch((e: unknown) => e)
    expect(editedSince(refused)).toMatch(/src\/App.tsx changed/)
    expect(seqs()).toEqual([1, 2, 3, 4])
    expect(chat().canRedo).toBe(false)
    expect(m.chat.undoAnyway).not.toHaveBeenCalled()

    m.chat.undoAnyway.mockImplementationOnce(async () => {
      db.drop(2)
      return { restored: true, canRedo: true, files: 'restored', agent: true }
    })
    const r = await useChat.getState().undo(P, true)
    expect(m.chat.undoAnyway).toHaveBeenCalledWith(P)
    expect(r).toMatchObject({ agent: true, files: 'restored' })
    expect(seqs()).toEqual([1, 2])
    expect(chat().canRedo).toBe(true)
    expect(chat().files).toBeNull()
  })

  it('loadCanRedo takes the backend answer when a project opens', async () => {
    m.chat.canRedo.mockResolvedValueOnce(true)
    await useChat.getState().loadCanRedo(P)
    expect(chat().canRedo).toBe(true)
    m.chat.canRedo.mockRejectedValueOnce(new ApiError('unavailable', 'offline'))
    await useChat.getState().loadCanRedo(P)
    expect(chat().canRedo).toBe(true)
  })
})
