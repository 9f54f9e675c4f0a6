import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { Message, SandboxStatus } from '../../api'
import type { makeApiMock } from '../../test/apiMock'
import { emptyChat, useChat } from '../../stores/chat'
import { useSandbox } from '../../stores/sandbox'
import { followSandboxURL, previewCover } from '../../lib/preview'
import { PreviewPanel } from './PreviewPanel'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'

function st(over: Partial<SandboxStatus>): SandboxStatus {
  return { projectId: P, state: 'running', sandboxId: '', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 0, runningSecondsTotal: 0, todayUSD: 0, monthUSD: 0, budgetUSD: 0, publishedUntil: '', ...over }
}

const web: Message = {
  id: 'a1',
  projectId: P,
  seq: 2,
  role: 'assistant',
  content: 'A page',
  fragment: { title: 'Page', template: 'nextjs-developer', files: [{ path: 'pages/index.tsx', content: 'x' }] },
  result: { kind: 'web', template: 'nextjs-developer', sandboxId: 'old1', url: 'https://3000-old1.e2b.app', stdout: [], stderr: [], results: [] },
  status: 'done',
  createdAt: '2026-01-01T00:00:00Z',
}

beforeEach(() => {
  vi.clearAllMocks()
  useSandbox.setState({ byProject: {}, busy: {}, following: null })
  useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [web], tab: 'preview' } } })
})

describe('followSandboxURL', () => {
  it('moves a stored preview URL to the current sandbox', () => {
    expect(followSandboxURL('https://3000-old1.e2b.app', 'old1', 'new2')).toBe('https://3000-new2.e2b.app')
    expect(followSandboxURL('https://3000-old1.e2b.app/x?y=1', undefined, 'new2')).toBe('https://3000-new2.e2b.app/x?y=1')
    expect(followSandboxURL('http://3000-old1.e2b.local:8080/', 'old1', 'new2')).toBe('http://3000-new2.e2b.local:8080/')
  })
  it('keeps URLs that are current, unknown, or of another sandbox', () => {
    expect(followSandboxURL('https://3000-old1.e2b.app', 'old1', 'old1')).toBe('https://3000-old1.e2b.app')
    expect(followSandboxURL('https://3000-old1.e2b.app', 'old1', undefined)).toBe('https://3000-old1.e2b.app')
    expect(followSandboxURL('https://example.com', 'old1', 'new2')).toBe('https://example.com')
    expect(followSandboxURL('https://3000-other.e2b.app', 'old1', 'new2')).toBe('https://3000-other.e2b.app')
  })
  it('covers a preview whose sandbox cannot serve it', () => {
    expect(previewCover('running')).toBeNull()
    expect(previewCover(undefined)).toBeNull()
    expect(previewCover('paused')?.kind).toBe('paused')
    expect(previewCover('rebuilding')?.kind).toBe('busy')
    expect(previewCover('error', 'E2B is unreachable.')).toEqual({ kind: 'error', text: 'E2B is unreachable.' })
    // A sandbox E2B stopped answering for: Tessera's sentence over the frame, never the browser's error page.
    const c = previewCover('unreachable', 'Tessera could not reach the sandbox just now: E2B did not answer.')
    expect(c?.kind).toBe('unreachable')
    expect(c?.text).toMatch(/^Tessera could not reach the sandbox just now: E2B did not answer\. .*comes back when the sandbox answers\.$/)
  })
})

describe('the web preview follows the sandbox', () => {
  it('after Restart the iframe shows the new sandbox, not the killed one', () => {
    useSandbox.setState({ byProject: { [P]: st({ sandboxId: 'new2' }) } })
    render(<PreviewPanel projectId={P} />)
    expect(screen.getByTestId('preview-iframe')).toHaveAttribute('src', 'https://3000-new2.e2b.app')
    expect(screen.queryByTestId('preview-cover')).toBeNull()
  })

  it('a paused sandbox covers the preview with Paused — Resume; the frame reloads once it runs', async () => {
    useSandbox.setState({ byProject: { [P]: st({ state: 'paused', sandboxId: 'old1' }) } })
    m.sandbox.resume.mockImplementation(async () => {
      useSandbox.setState({ byProject: { [P]: st({ sandboxId: 'old1' }) } })
    })
    m.sandbox.status.mockImplementation(async () => st({ sandboxId: 'old1' }))
    render(<PreviewPanel projectId={P} />)
    const cover = screen.getByTestId('preview-cover')
    expect(cover).toHaveAttribute('data-kind', 'paused')
    expect(cover).toHaveTextContent('Paused')
    const before = screen.getByTestId('preview-iframe')
    await userEvent.click(screen.getByTestId('preview-resume'))
    expect(m.sandbox.resume).toHaveBeenCalledWith(P)
    await waitFor(() => expect(screen.queryByTestId('preview-cover')).toBeNull())
    expect(screen.getByTestId('preview-iframe')).not.toBe(before) // a fresh frame, not the error page
  })

  it('pausing the restarted sandbox keeps the frame on it (never back on the killed one)', () => {
    useSandbox.setState({ byProject: { [P]: st({ sandboxId: 'new2' }) } })
    const { rerender } = render(<PreviewPanel projectId={P} />)
    const frame = screen.getByTestId('preview-iframe')
    useSandbox.setState({ byProject: { [P]: st({ state: 'paused', sandboxId: 'new2' }) } })
    rerender(<PreviewPanel projectId={P} />)
    expect(screen.getByTestId('preview-iframe')).toBe(frame)
    expect(frame).toHaveAttribute('src', 'https://3000-new2.e2b.app')
    expect(screen.getByTestId('preview-cover')).toHaveAttribute('data-kind', 'paused')
  })

  it("a project with no sandbox of its own (an import) never shows or loads another sandbox's address", () => {
    useSandbox.setState({ byProject: { [P]: st({ state: 'none', sandboxId: '' }) } })
    render(<PreviewPanel projectId={P} />)
    expect(screen.queryByTestId('preview-url')).toBeNull()
    expect(screen.queryByTestId('preview-iframe')).toBeNull()
    expect(screen.getByTestId('preview-cover')).toHaveAttribute('data-kind', 'none')
    expect(document.body.textContent).not.toContain('old1')
  })

  it('a sandbox E2B stopped answering for is covered with the sentence, and no button that would do nothing', () => {
    useSandbox.setState({ byProject: { [P]: st({ state: 'unreachable', sandboxId: 'old1', error: 'Tessera could not reach the sandbox just now: E2B did not answer.' }) } })
    render(<PreviewPanel projectId={P} />)
    expect(screen.getByTestId('preview-cover')).toHaveAttribute('data-kind', 'unreachable')
    expect(screen.getByTestId('preview-cover')).toHaveTextContent('E2B did not answer.')
    expect(screen.queryByTestId('preview-resume')).toBeNull()
  })

  it('while rebuilding the preview says so instead of showing a gateway error', () => {
    useSandbox.setState({ byProject: { [P]: st({ state: 'rebuilding' }) } })
    render(<PreviewPanel projectId={P} />)
    expect(screen.getByTestId('preview-cover')).toHaveAttribute('data-kind', 'busy')
    expect(screen.queryByTestId('preview-resume')).toBeNull()
  })
})

describe('after Clear the kept files are shown', () => {
  it('the Code tab lists the project files when no answer is left', async () => {
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true } } })
    m.chat.files.mockResolvedValue([{ path: 'app.py', content: 'print("kept")' }])
    render(<PreviewPanel projectId={P} />)
    await waitFor(() => expect(screen.getByTestId('kept-files')).toBeInTheDocument())
    expect(m.chat.files).toHaveBeenCalledWith(P)
    expect(screen.getByTestId('code-text')).toHaveTextContent('print("kept")')
  })

  it('clear() forgets the files fetched before, so they are fetched again', async () => {
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [web], files: [] } } })
    await act(async () => {
      await useChat.getState().clear(P)
    })
    expect(useChat.getState().chats[P].files).toBeNull()
  })
})

describe('a stopped answer without code', () => {
  it('the Code tab says it stopped before any code', () => {
    const stopped: Message = { ...web, status: 'stopped', result: null, fragment: { title: 'Half', template: 'code-interpreter-v1', files: [{ path: 'script.py', content: '' }] } }
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [stopped], tab: 'code' } } })
    render(<PreviewPanel projectId={P} />)
    expect(screen.getByTestId('code-view')).toHaveTextContent('The answer was stopped before any code was written.')
  })
})
