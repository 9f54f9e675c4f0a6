import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../api'
import { emptyChat, useChat } from '../../stores/chat'
import { useTerminal } from '../../stores/terminal'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
// The panel itself has its own test; here only what the preview panel gives it.
vi.mock('./TerminalPanel', () => ({
  TerminalPanel: ({ projectId, web }: { projectId: string; web: boolean }) => (
    <div data-testid="terminal-panel" data-project={projectId} data-web={String(web)} />
  ),
}))
const { PreviewPanel } = await import('../preview/PreviewPanel')

const P = 'p1'
const answer = (template: string): Message => ({
  id: 'a1', projectId: P, seq: 2, role: 'assistant', content: 'x',
  fragment: { title: 'T', template, files: [{ path: 'app.py', content: 'print(1)' }] },
  result: { kind: template.startsWith('code') ? 'python' : 'web', template, url: template.startsWith('code') ? undefined : 'https://3000-s.e2b.app', stdout: [], stderr: [], results: [] },
  status: 'done', createdAt: '2026-01-01T00:00:00Z',
})

beforeEach(() => {
  useTerminal.setState({ sessions: {}, byProject: {}, shown: {}, busy: {} })
})

describe('the Terminal tab of the preview panel', () => {
  it('opens the terminal panel (web: with the server console), remembered per project, and Code leaves it', async () => {
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [answer('streamlit-developer')], tab: 'code' } } })
    render(<PreviewPanel projectId={P} />)
    expect(screen.queryByTestId('terminal-panel')).toBeNull()
    await userEvent.click(screen.getByTestId('tab-terminal'))
    const panel = screen.getByTestId('terminal-panel')
    expect(panel.dataset.project).toBe(P)
    expect(panel.dataset.web).toBe('true')
    expect(useTerminal.getState().shown[P]).toBe(true)
    await userEvent.click(screen.getByTestId('tab-code'))
    expect(useTerminal.getState().shown[P]).toBe(false)
    expect(screen.getByTestId('tab-code').dataset.state).toBe('active')
  })

  it('has no server console for the Python template', async () => {
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [answer('code-interpreter-v1')], tab: 'preview' } } })
    render(<PreviewPanel projectId={P} />)
    await userEvent.click(screen.getByTestId('tab-terminal'))
    expect(screen.getByTestId('terminal-panel').dataset.web).toBe('false')
  })
})
