import { fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../api'
import { emptyChat, newRun, useChat } from '../../stores/chat'
import { useCatalog } from '../../stores/catalog'
import { templateKind, templateName } from '../../lib/templates'
import { MessageList } from './MessageList'
import { FragmentCard } from './MessageRow'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})

const TEMPLATES = [
  { id: 'code-interpreter-v1', name: 'Python data analyst', file: 'script.py', port: 0, custom: false },
  { id: 'nextjs-developer', name: 'Next.js developer', file: 'pages/index.tsx', port: 3000, custom: false },
]

function answer(i: number, over: Partial<Message> = {}): Message {
  return {
    id: `a${i}`,
    projectId: 'p',
    seq: i,
    role: 'assistant',
    content: `Answer ${i}`,
    fragment: { title: `Frag ${i}`, template: 'code-interpreter-v1', files: [{ path: 'script.py', content: 'print(1)' }] },
    result: null,
    status: 'done',
    createdAt: '2026-01-01T00:00:00Z',
    ...over,
  }
}

afterEach(() => useCatalog.setState({ templates: [] }))

describe('template names and icons', () => {
  it('names a template as the picker does and gives each kind its own icon', () => {
    expect(templateName('code-interpreter-v1', TEMPLATES)).toBe('Python data analyst')
    expect(templateName('', TEMPLATES)).toBe('Auto')
    expect(templateName('my-custom', TEMPLATES)).toBe('my-custom')
    const kinds = ['code-interpreter-v1', 'nextjs-developer', 'vue-developer', 'streamlit-developer', 'gradio-developer', ''].map(templateKind)
    expect(new Set(kinds).size).toBe(kinds.length)
  })

  it('a card shows the template name, not its id, with its icon', () => {
    useCatalog.setState({ templates: TEMPLATES })
    render(<FragmentCard title="Plot" template="code-interpreter-v1" files={1} />)
    expect(screen.getByTestId('fragment-card-template')).toHaveTextContent('Python data analyst')
    expect(screen.getByTestId('fragment-card')).not.toHaveTextContent('code-interpreter-v1')
    expect(screen.getByTestId('template-icon')).toHaveAttribute('data-kind', 'python')
  })
})

describe('a stopped answer without code', () => {
  it('says it stopped before any code and offers nothing to click', () => {
    const msg = answer(1, { status: 'stopped', fragment: { title: 'Half', template: 'code-interpreter-v1', files: [{ path: 'script.py', content: '' }] } })
    const chat = { ...emptyChat(), loaded: true, messages: [msg] }
    render(<MessageList projectId="p" chat={chat} />)
    const card = screen.getByTestId('fragment-card')
    expect(card).toHaveTextContent('Stopped before any code was written')
    expect(card).not.toHaveTextContent('Click to see it')
    expect(card.tagName).toBe('DIV')
  })

  it('a stopped answer with code still opens', () => {
    const chat = { ...emptyChat(), loaded: true, messages: [answer(1, { status: 'stopped' })] }
    render(<MessageList projectId="p" chat={chat} />)
    expect(screen.getByTestId('fragment-card')).toHaveTextContent('1 file · Click to see it')
  })
})

describe('keyboard order', () => {
  it('Tab stops on one fragment card (the newest); arrow keys move between cards', () => {
    const chat = { ...emptyChat(), loaded: true, messages: [answer(1), answer(2), answer(3)] }
    useChat.setState({ chats: { p: chat } })
    render(<MessageList projectId="p" chat={chat} />)
    const cards = screen.getAllByTestId('fragment-card')
    expect(cards.map((c) => c.tabIndex)).toEqual([-1, -1, 0])
    cards[2].focus()
    fireEvent.keyDown(cards[2], { key: 'ArrowUp' })
    expect(document.activeElement).toBe(cards[1])
    expect(cards[1].tabIndex).toBe(0)
    expect(cards[2].tabIndex).toBe(-1)
    fireEvent.keyDown(cards[1], { key: 'Home' })
    expect(document.activeElement).toBe(cards[0])
  })

  it('the selected card is the tab stop', () => {
    const chat = { ...emptyChat(), loaded: true, selected: 'a1', messages: [answer(1), answer(2)] }
    render(<MessageList projectId="p" chat={chat} />)
    expect(screen.getAllByTestId('fragment-card').map((c) => c.tabIndex)).toEqual([0, -1])
  })
})

describe('progress line', () => {
  it('is outside the scrolling list, so it never scrolls out of view', () => {
    const chat = { ...emptyChat(), loaded: true, messages: [answer(1)], run: { ...newRun('r', 'send'), stage: 'running' as const } }
    render(<MessageList projectId="p" chat={chat} />)
    const stage = screen.getByTestId('stage-indicator')
    expect(screen.getByTestId('chat-messages').contains(stage)).toBe(false)
  })
})

describe('failed turns do not pile up', () => {
  it('only the newest failed answer is an alert with Retry; older ones are a quiet line', () => {
    const user = (i: number): Message => ({ id: `u${i}`, projectId: 'p', seq: i, role: 'user', content: 'q', status: 'done', createdAt: '' })
    const failed = (i: number): Message => answer(i, { status: 'error', fragment: null, result: { kind: 'python', template: '', stdout: [], stderr: [], results: [], stepError: { step: 'run', code: 'unavailable', message: `fail ${i}` } } })
    const chat = { ...emptyChat(), loaded: true, messages: [user(1), failed(2), user(3), failed(4), user(5), failed(6)] }
    render(<MessageList projectId="p" chat={chat} />)
    expect(screen.getAllByRole('alert')).toHaveLength(1)
    expect(screen.getByRole('alert')).toHaveTextContent('fail 6')
    expect(screen.getAllByTestId('chat-retry')).toHaveLength(1)
    expect(screen.getAllByTestId('message-superseded')).toHaveLength(2)
  })
})

describe('template picker', () => {
  it('shows the chosen template with its icon', async () => {
    const { TemplatePicker } = await import('./Pickers')
    useCatalog.setState({ templates: TEMPLATES })
    useChat.setState({ templates: { p: 'nextjs-developer' } })
    render(<TemplatePicker projectId="p" />)
    const trigger = screen.getByTestId('template-select')
    expect(trigger).toHaveTextContent('Next.js developer')
    expect(trigger.querySelector('[data-testid="template-icon"]')).toHaveAttribute('data-kind', 'nextjs')
  })
})
