import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../api'
import { filesApi } from '../../api/files'
import { emptyChat, useChat } from '../../stores/chat'
import { filesOf, useFiles } from '../../stores/files'
import { FakeFolder } from '../../test/fakeFolder'
import { PreviewPanel } from '../preview/PreviewPanel'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
vi.mock('../../api/files', () => ({ filesApi: {} }))

const P = 'p1'
const answer: Message = {
  id: 'a1',
  projectId: P,
  seq: 2,
  role: 'assistant',
  content: 'A script',
  fragment: { title: 'Script', template: 'code-interpreter-v1', files: [{ path: 'script.py', content: 'print(1)\n' }] },
  result: { kind: 'python', template: 'code-interpreter-v1', sandboxId: 's1', stdout: ['1\n'], stderr: [], results: [] },
  status: 'done',
  createdAt: '2026-01-01T00:00:00Z',
}
let folder: FakeFolder

beforeEach(() => {
  folder = new FakeFolder({ 'script.py': 'print(1)\n', 'data/in.csv': 'a,b\n' })
  Object.assign(filesApi, folder.api)
  useFiles.setState({ byProject: {}, savedNonce: {}, shown: {} })
  useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [answer], tab: 'code' } } })
})

describe('the Files tab of the preview panel', () => {
  it('Edit on the answer’s code opens the file in the Files tab, beside the whole project', async () => {
    const user = userEvent.setup()
    render(<PreviewPanel projectId={P} />)
    await user.click(screen.getByTestId('code-edit'))
    expect(screen.getByTestId('tab-files')).toHaveAttribute('aria-selected', 'true')
    await waitFor(() => expect(screen.getAllByTestId('tree-row').map((r) => r.dataset.path)).toEqual(['data', 'script.py']))
    await waitFor(() => expect(screen.getByTestId('editor-text')).toHaveTextContent('print(1)'))
  })

  it('a project without an answer opens its folder from the empty panel', async () => {
    const user = userEvent.setup()
    useChat.setState({ chats: { [P]: { ...emptyChat(), loaded: true, messages: [], files: [] } } })
    render(<PreviewPanel projectId={P} />)
    await user.click(screen.getByTestId('files-open'))
    await waitFor(() => expect(screen.getAllByTestId('tree-row')).toHaveLength(2))
  })

  it('when a turn ends, the explorer reads the files the model wrote', async () => {
    const user = userEvent.setup()
    render(<PreviewPanel projectId={P} />)
    await user.click(screen.getByTestId('tab-files'))
    await waitFor(() => expect(screen.getAllByTestId('tree-row')).toHaveLength(2))
    await user.click(screen.getAllByTestId('tree-row').find((r) => r.dataset.path === 'script.py')!)
    await waitFor(() => expect(screen.getByTestId('editor-text')).toHaveTextContent('print(1)'))
    // A run starts and ends; meanwhile the model rewrote script.py.
    const run = { requestId: 'r1', kind: 'send' } as unknown
    act(() => useChat.setState({ chats: { [P]: { ...useChat.getState().chats[P], run: run as never } } }))
    folder.files.set('script.py', 'print(2)\n')
    act(() => useChat.setState({ chats: { [P]: { ...useChat.getState().chats[P], run: null } } }))
    await waitFor(() => expect(filesOf(useFiles.getState(), P).files['script.py'].content).toBe('print(2)\n'))
  })
})
