import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { Message, RunResult } from '../../api'
import type { makeApiMock } from '../../test/apiMock'
import { emptyChat, useChat } from '../../stores/chat'
import { useCatalog } from '../../stores/catalog'
import { fixPrompt, problemsOf } from '../../lib/problems'
import { MessageList } from './MessageList'
import { OutcomeMark } from './OutcomeMark'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'
const TB = 'Traceback (most recent call last):\n  File "script.py", line 2\nKeyError: \'region\''
const raised: RunResult = { kind: 'python', template: 'code-interpreter-v1', stdout: [], stderr: [], results: [], error: { name: 'KeyError', value: "'region'", traceback: TB } }
const fine: RunResult = { kind: 'python', template: 'code-interpreter-v1', stdout: ['ok\n'], stderr: [], results: [] }
const frag = { template: 'code-interpreter-v1', title: 'Read', file_path: 'script.py', code: 'print(1)' }
const msg = (id: string, seq: number, over: Partial<Message>): Message => ({
  id, projectId: P, seq, role: 'assistant', content: 'Here.', status: 'done', createdAt: '2026-01-01T00:00:00Z', fragment: frag, result: null, ...over,
})

beforeEach(() => {
  vi.clearAllMocks()
  useChat.setState({ chats: {}, drafts: {}, attachments: {}, model: { providerId: 'openai', modelId: 'gpt' }, templates: {}, params: {} })
  useCatalog.setState({ providers: [], templates: [], loaded: true })
})

function show(messages: Message[]) {
  const chat = { ...emptyChat(), loaded: true, messages }
  useChat.setState({ chats: { [P]: chat } })
  return render(<MessageList projectId={P} chat={chat} />)
}

describe('the turn says how it ended', () => {
  it('a cell that raised marks the answer as failed, with the traceback one click away and Fix', async () => {
    show([msg('u1', 1, { role: 'user', content: 'read it', fragment: null }), msg('a1', 2, { result: raised })])
    const mark = screen.getByTestId('turn-mark')
    expect(mark).toHaveAttribute('data-outcome', 'failed')
    expect(mark).toHaveAttribute('role', 'alert')
    expect(screen.getByTestId('turn-mark-line')).toHaveTextContent("The code raised an error: KeyError: 'region'")
    expect(screen.queryByTestId('turn-mark-detail')).toBeNull()
    fireEvent.click(screen.getByTestId('turn-mark-details'))
    expect(screen.getByTestId('turn-mark-detail')).toHaveTextContent('Traceback (most recent call last)')
    m.chat.send.mockResolvedValue({ userSaved: true })
    fireEvent.click(screen.getByTestId('turn-fix'))
    await waitFor(() => expect(m.chat.send).toHaveBeenCalledTimes(1))
    expect((m.chat.send.mock.calls[0][0] as unknown as api.SendRequest).text).toContain(TB)
  })

  it('a failed install keeps its Retry and gains Fix and the install log', () => {
    const r: RunResult = { ...fine, stdout: [], stepError: { step: 'install', code: 'internal', message: 'pip install failed (exit 1).' }, installLog: 'ERROR: No matching distribution' }
    show([msg('u1', 1, { role: 'user', content: 'go', fragment: null }), msg('a1', 2, { result: r, status: 'error' })])
    const mark = screen.getByTestId('message-alert')
    expect(mark).toHaveAttribute('data-outcome', 'failed')
    expect(within(mark).getByTestId('chat-retry')).toBeInTheDocument()
    expect(within(mark).getByTestId('turn-fix')).toBeInTheDocument()
    fireEvent.click(within(mark).getByTestId('message-alert-details'))
    expect(within(mark).getByTestId('message-alert-detail')).toHaveTextContent('No matching distribution')
  })

  it('a run that worked has no mark; an older failure has no Fix (the chat went on)', () => {
    show([
      msg('u1', 1, { role: 'user', content: 'read it', fragment: null }),
      msg('a1', 2, { result: raised }),
      msg('u2', 3, { role: 'user', content: 'something else', fragment: null }),
      msg('a2', 4, { result: fine }),
    ])
    expect(screen.getAllByTestId('turn-mark')).toHaveLength(1)
    expect(screen.queryByTestId('turn-fix')).toBeNull()
  })

  it('a Fix shows as the problem it asks about, not its code fences, and the answer that worked says it fixed it', () => {
    const text = fixPrompt(problemsOf(raised, { files: [{ path: 'script.py', content: '' }] } as never)[0])
    show([msg('a1', 2, { result: raised }), msg('u2', 3, { role: 'user', content: text, fragment: null }), msg('a2', 4, { result: fine })])
    const bubble = screen.getByTestId('fix-request')
    expect(bubble).toHaveTextContent("Fix: the code raised an error: KeyError: 'region' (script.py)")
    expect(bubble).not.toHaveTextContent('```')
    fireEvent.click(screen.getByTestId('fix-request-details'))
    expect(bubble).toHaveTextContent('Traceback (most recent call last)')
    const marks = screen.getAllByTestId('turn-mark')
    expect(marks.map((x) => x.getAttribute('data-outcome'))).toEqual(['failed', 'fixed'])
    expect(marks[1]).toHaveTextContent("Fixed: it runs now (before: KeyError: 'region').")
  })
})

describe('OutcomeMark', () => {
  it('no detail, no Details; actions sit beside the line', () => {
    render(<OutcomeMark tone="done" line="Wrote app.py" actions={<button type="button">Open</button>} testId="step" />)
    expect(screen.getByTestId('step')).toHaveAttribute('role', 'status')
    expect(screen.queryByTestId('step-details')).toBeNull()
    expect(screen.getByRole('button', { name: 'Open' })).toBeInTheDocument()
  })
})
