import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FileEntry, Message } from '../../api'
import { emptyChat, useChat } from '../../stores/chat'
import { useSearch } from '../../stores/search'
import { MessageList, PAGE } from '../chat/MessageList'
import { CodeView } from '../preview/CodeView'
import { JUMP_FLASH_MS } from './useMessageJump'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})

function many(n: number): Message[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${i}`, projectId: 'p', seq: i + 1, role: i % 2 ? 'assistant' : 'user', content: `Message ${i}`,
    status: 'done', createdAt: '2026-01-01T00:00:00Z',
  }))
}

beforeEach(() => useSearch.setState({ jump: null, reveal: null }))
afterEach(() => vi.useRealTimers())

describe('opening a search result', () => {
  it('renders rows up to an old message, scrolls it into view and highlights it briefly', () => {
    vi.useFakeTimers()
    const scrolled: Element[] = []
    const spy = vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function (this: Element) {
      scrolled.push(this)
    })
    const chat = { ...emptyChat(), loaded: true, messages: many(200) }
    useChat.setState({ chats: { p: chat } })
    render(<MessageList projectId="p" chat={chat} />)
    expect(screen.getAllByTestId('chat-message')).toHaveLength(PAGE)
    expect(document.querySelector('[data-message-id="m5"]')).toBeNull()

    act(() => useSearch.setState({ jump: { projectId: 'p', messageId: 'm5', nonce: 1 } }))
    const row = document.querySelector<HTMLElement>('[data-message-id="m5"]')
    expect(row).not.toBeNull()
    expect(row!.dataset.searchHit).toBe('true')
    expect(scrolled).toContain(row)
    expect(useSearch.getState().jump).toBeNull()
    act(() => vi.advanceTimersByTime(JUMP_FLASH_MS + 10))
    expect(row!.dataset.searchHit).toBeUndefined()
    spy.mockRestore()
  })

  it('ignores a jump meant for another project', () => {
    const chat = { ...emptyChat(), loaded: true, messages: many(4) }
    render(<MessageList projectId="p" chat={chat} />)
    act(() => useSearch.setState({ jump: { projectId: 'other', messageId: 'm1', nonce: 2 } }))
    expect(document.querySelector('[data-search-hit]')).toBeNull()
    expect(useSearch.getState().jump).not.toBeNull()
  })

  it('shows the revealed file in the Code view, at its line', () => {
    const files: FileEntry[] = [
      { path: 'a.py', content: 'a' },
      { path: 'b.py', content: 'one\ntwo\nthree' },
    ]
    render(<CodeView files={files} />)
    expect(screen.getByRole('tab', { selected: true })).toHaveTextContent('a.py')
    act(() => useSearch.setState({ reveal: { projectId: 'p', path: 'b.py', line: 3, nonce: 3 } }))
    expect(screen.getByRole('tab', { selected: true })).toHaveTextContent('b.py')
    expect(screen.getByTestId('code-text')).toHaveAttribute('data-goto-line', '3')
    expect(useSearch.getState().reveal).toBeNull()
  })
})
