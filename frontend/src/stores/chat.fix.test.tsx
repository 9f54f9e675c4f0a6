import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import type { Message, RunResult } from '../api'
import { emptyChat, useChat } from './chat'
import { useCatalog } from './catalog'
import { DEFAULT_SETTINGS, useSettings } from './settings'
import type { makeApiMock } from '../test/apiMock'
import { PreviewPanel } from '../components/preview/PreviewPanel'
import { TipProvider } from '../components/ui/Tip'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const P = 'p1'
const TB = 'Traceback (most recent call last):\n  File "script.py", line 2\nKeyError: \'region\''

function answer(id: string, result: RunResult, status: Message['status'] = 'done'): Message {
  return {
    id, projectId: P, seq: 2, role: 'assistant', content: 'Here.', status, createdAt: '2026-01-01T00:00:00Z',
    fragment: { template: 'code-interpreter-v1', title: 'Read', file_path: 'script.py', code: 'import pandas as pd\npd.read_csv("data/a.csv")["region"]' },
    result,
  }
}
const failed: RunResult = { kind: 'python', template: 'code-interpreter-v1', stdout: [], stderr: [], results: [], error: { name: 'KeyError', value: "'region'", traceback: TB } }
const fine: RunResult = { kind: 'python', template: 'code-interpreter-v1', stdout: ['ok\n'], stderr: [], results: [] }

beforeEach(() => {
  vi.clearAllMocks()
  useChat.setState({ chats: {}, drafts: {}, attachments: {}, model: { providerId: 'openai', modelId: 'gpt' }, templates: {}, params: {} })
  useCatalog.setState({ providers: [], templates: [], loaded: true })
  useSettings.setState({ settings: { ...DEFAULT_SETTINGS } })
})

describe('Fix with AI', () => {
  it('the Problems panel lists a traceback; Fix sends it, with its file, as the next turn and keeps the draft', async () => {
    useChat.setState({
      chats: { [P]: { ...emptyChat(), loaded: true, tab: 'preview', tabChosen: true, messages: [answer('a1', failed)] } },
      drafts: { [P]: 'half-typed idea' },
    })
    m.chat.send.mockResolvedValue({ userSaved: true, assistant: answer('a2', fine) })
    render(<TipProvider><PreviewPanel projectId={P} /></TipProvider>)
    const row = await screen.findByTestId('problem')
    expect(row.dataset.kind).toBe('traceback')
    expect(screen.getByTestId('problem-title').textContent).toBe("KeyError: 'region'")
    fireEvent.click(screen.getByTestId('problem-fix'))
    await waitFor(() => expect(m.chat.send).toHaveBeenCalledTimes(1))
    const req = m.chat.send.mock.calls[0][0] as unknown as api.SendRequest
    expect(req.projectId).toBe(P)
    expect(req.text).toContain(TB)
    expect(req.text).toContain('File: script.py')
    expect(useChat.getState().drafts[P]).toBe('half-typed idea')
  })

  it('no problems, no panel', () => {
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, tab: 'preview', tabChosen: true, messages: [answer('a1', fine)] } } })
    render(<TipProvider><PreviewPanel projectId={P} /></TipProvider>)
    expect(screen.queryByTestId('problems')).toBeNull()
  })

  it('auto-fix once: a failed run is sent back once by itself, never twice', async () => {
    useSettings.setState({ settings: { ...DEFAULT_SETTINGS, autoFixOnce: true } })
    useChat.setState({ drafts: { [P]: 'read the csv' } })
    m.chat.send.mockResolvedValue({ userSaved: true, assistant: answer('a', failed) })
    await useChat.getState().send(P)
    expect(m.chat.send).toHaveBeenCalledTimes(2)
    const calls = m.chat.send.mock.calls.map((c) => (c[0] as unknown as api.SendRequest).text)
    expect(calls[0]).toBe('read the csv')
    expect(calls[1]).toContain("KeyError: 'region'")
  })

  it('auto-fix off (the default): one turn only', async () => {
    useChat.setState({ drafts: { [P]: 'read the csv' } })
    m.chat.send.mockResolvedValue({ userSaved: true, assistant: answer('a', failed) })
    await useChat.getState().send(P)
    expect(m.chat.send).toHaveBeenCalledTimes(1)
  })

  it('auto-fix does not follow a stopped answer', async () => {
    useSettings.setState({ settings: { ...DEFAULT_SETTINGS, autoFixOnce: true } })
    useChat.setState({ drafts: { [P]: 'go' } })
    m.chat.send.mockResolvedValue({ userSaved: true, assistant: answer('a', failed, 'stopped') })
    await useChat.getState().send(P)
    expect(m.chat.send).toHaveBeenCalledTimes(1)
  })
})
