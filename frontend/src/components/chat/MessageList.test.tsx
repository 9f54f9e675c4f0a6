import { render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { Message } from '../../api'
import { emptyChat, useChat } from '../../stores/chat'
import { MessageList, PAGE } from './MessageList'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})

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
})
