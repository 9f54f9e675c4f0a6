import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import type { Message, SandboxStatus } from '../api'
import type { makeApiMock } from '../test/apiMock'
import { emptyChat, useChat } from '../stores/chat'
import { useSandbox } from '../stores/sandbox'
import { useToasts } from '../stores/toast'
import { ChatPanel } from './chat/ChatPanel'
import { SandboxBadge } from './projects/SandboxBadge'
import { TipProvider } from './ui/Tip'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>
const P = 'p1'

const msgs: Message[] = [
  { id: 'u1', projectId: P, seq: 1, role: 'user', content: 'hi', status: 'done', createdAt: '' },
  { id: 'a1', projectId: P, seq: 2, role: 'assistant', content: 'hello', status: 'done', createdAt: '' },
]

function st(over: Partial<SandboxStatus>): SandboxStatus {
  return { projectId: P, state: 'running', sandboxId: '', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 0, runningSecondsTotal: 0, todayUSD: 0, monthUSD: 0, budgetUSD: 0, publishedUntil: '', ...over }
}

beforeEach(() => {
  vi.clearAllMocks()
  useToasts.setState({ toasts: [] })
  useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: msgs } } })
  useSandbox.setState({ byProject: {}, busy: {}, following: null })
})

describe('Undo asks first', () => {
  it('nothing is deleted until the person confirms; then a toast says what happened', async () => {
    m.chat.history.mockResolvedValue({ messages: [], hasMore: false })
    render(<TipProvider><ChatPanel projectId={P} /></TipProvider>)
    await userEvent.click(screen.getByTestId('chat-undo'))
    expect(m.chat.undo).not.toHaveBeenCalled()
    expect(screen.getByText('Undo the last exchange?')).toBeInTheDocument()
    await userEvent.click(screen.getByText('Cancel'))
    expect(m.chat.undo).not.toHaveBeenCalled()

    await userEvent.click(screen.getByTestId('chat-undo'))
    await userEvent.click(screen.getByTestId('confirm-undo'))
    await waitFor(() => expect(m.chat.undo).toHaveBeenCalledWith(P))
    await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/last exchange was removed/))
  })

  it('an undo that restored files says so and offers Redo, which brings the exchange back', async () => {
    m.chat.history.mockResolvedValue({ messages: [], hasMore: false })
    m.chat.undo.mockResolvedValueOnce({ restored: true, canRedo: true })
    render(<TipProvider><ChatPanel projectId={P} /></TipProvider>)
    expect(screen.queryByTestId('chat-redo')).toBeNull()
    await userEvent.click(screen.getByTestId('chat-undo'))
    expect(screen.getByText(/go back to the version before that answer/)).toBeInTheDocument()
    await userEvent.click(screen.getByTestId('confirm-undo'))
    await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/files are back to the version before it/))
    m.chat.history.mockResolvedValue({ messages: msgs, hasMore: false })
    m.chat.redo.mockResolvedValueOnce({ restored: true, canRedo: false, warning: 'The sandbox could not be reached; the files reach it when it is back.' })
    await userEvent.click(await screen.findByTestId('chat-redo'))
    await waitFor(() => expect(m.chat.redo).toHaveBeenCalledWith(P))
    // A warning is shown as one, and Redo goes once nothing is left to redo.
    await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/sandbox could not be reached/))
    await waitFor(() => expect(screen.queryByTestId('chat-redo')).toBeNull())
  })

  it.each([
    ['Restore anyway undoes over the edit', true],
    ['Keep my edits leaves everything as it is', false],
  ])("an agent turn edited since asks again: %s", async (_name, anyway) => {
    m.chat.history.mockResolvedValue({ messages: msgs, hasMore: false })
    const edited = "src/App.tsx changed after the agent's step; restoring would lose that edit. Restore anyway, or keep the files as they are."
    m.chat.undo.mockRejectedValueOnce(new api.ApiError('conflict', edited, { field: 'anyway', fromBackend: true }))
    render(<TipProvider><ChatPanel projectId={P} /></TipProvider>)
    await userEvent.click(screen.getByTestId('chat-undo'))
    await userEvent.click(screen.getByTestId('confirm-undo'))
    // The dialog stays and says which file, with the two ways out; nothing was undone.
    expect(await screen.findByText('You edited files of this agent turn since')).toBeInTheDocument()
    expect(screen.getByText(/src\/App.tsx changed after the agent's step/)).toBeInTheDocument()
    expect(useChat.getState().chats[P].messages).toHaveLength(2)
    if (anyway) {
      await userEvent.click(screen.getByTestId('confirm-undo-anyway'))
      await waitFor(() => expect(m.chat.undoAnyway).toHaveBeenCalledWith(P))
      await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/agent's turn was undone: the files it changed are back/))
    } else {
      await userEvent.click(screen.getByTestId('undo-keep'))
      await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/Nothing was undone/))
      expect(m.chat.undoAnyway).not.toHaveBeenCalled()
      expect(m.chat.undo).toHaveBeenCalledTimes(1)
      // Asked again later, the dialog is the plain one.
      await userEvent.click(screen.getByTestId('chat-undo'))
      expect(screen.getByText('Undo the last exchange?')).toBeInTheDocument()
      await userEvent.click(screen.getByText('Cancel'))
    }
  })

  it('Clear promises what the page then shows', async () => {
    render(<TipProvider><ChatPanel projectId={P} /></TipProvider>)
    await userEvent.click(screen.getByTestId('chat-clear'))
    expect(screen.getByText(/the Code tab shows them/)).toBeInTheDocument()
    expect(m.chat.clear).not.toHaveBeenCalled()
    await userEvent.click(screen.getByTestId('confirm-clear'))
    await waitFor(() => expect(m.chat.clear).toHaveBeenCalledWith(P))
    await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/chat was cleared/))
  })
})

describe('a failed answer can be removed', () => {
  it("the newest failed answer's Remove asks, then removes that exchange", async () => {
    const failed: Message = { ...msgs[1], status: 'error', result: { kind: 'python', template: '', stdout: [], stderr: [], results: [], stepError: { step: 'run', code: 'unavailable', message: 'E2B could not be reached.' } } }
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [msgs[0], failed] } } })
    m.chat.history.mockResolvedValue({ messages: [], hasMore: false })
    render(<TipProvider><ChatPanel projectId={P} /></TipProvider>)
    await userEvent.click(screen.getByTestId('chat-remove-failed'))
    expect(screen.getByText('Undo the last exchange?')).toBeInTheDocument()
    expect(m.chat.undo).not.toHaveBeenCalled()
    await userEvent.click(screen.getByTestId('confirm-undo'))
    await waitFor(() => expect(m.chat.undo).toHaveBeenCalledWith(P))
    await waitFor(() => expect(screen.queryAllByTestId('chat-message')).toHaveLength(0))
  })
})

describe('Restart asks first', () => {
  it('Restart opens a confirmation; only Confirm restarts', async () => {
    useSandbox.setState({ byProject: { [P]: st({ sandboxId: 'sb1' }) }, following: P })
    m.sandbox.status.mockResolvedValue(st({ sandboxId: 'sb2' }))
    render(<TipProvider><SandboxBadge projectId={P} /></TipProvider>)
    await userEvent.click(screen.getByTestId('sandbox-restart'))
    expect(m.sandbox.restart).not.toHaveBeenCalled()
    expect(screen.getByText('Restart the sandbox?')).toBeInTheDocument()
    await userEvent.click(screen.getByTestId('confirm-restart'))
    await waitFor(() => expect(m.sandbox.restart).toHaveBeenCalledWith(P))
    await waitFor(() => expect(useToasts.getState().toasts.at(-1)?.message).toMatch(/fresh sandbox/i))
  })

  it('with no sandbox, no Resume / Restart / Pause is offered', () => {
    useSandbox.setState({ byProject: { [P]: st({ state: 'none' }) }, following: P })
    render(<TipProvider><SandboxBadge projectId={P} /></TipProvider>)
    expect(screen.getByTestId('sandbox-badge')).toHaveTextContent('No sandbox')
    expect(screen.queryByTestId('sandbox-resume')).toBeNull()
    expect(screen.queryByTestId('sandbox-restart')).toBeNull()
    expect(screen.queryByTestId('sandbox-pause')).toBeNull()
  })
})
