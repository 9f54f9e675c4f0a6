import { beforeEach, describe, expect, it, vi } from 'vitest'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { ApiError } from '../../api'
import { versions as vapi, type Version } from '../../api/versions'
import { useVersions } from '../../stores/versions'
import { useToasts } from '../../stores/toast'
import { useProjects } from '../../stores/projects'
import type { Project } from '../../api'
import { VersionsButton, VersionsDialog } from './VersionsDialog'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
vi.mock('../../api/versions', () => ({
  versions: { history: vi.fn(), diff: vi.fn(), restore: vi.fn(), branch: vi.fn(), folder: vi.fn(async () => '/home/me/Documents/Tessera/Weather'), restorePoints: vi.fn(async () => ({ count: 0, saving: false })) },
}))
const v = vapi as unknown as { [K in keyof typeof vapi]: ReturnType<typeof vi.fn> }

function ver(id: string, message: string, extra: Partial<Version> = {}): Version {
  return { id, time: '2026-05-01T10:00:00Z', message, kind: 'turn', messageId: '', model: '', restoredFrom: '', filesChanged: ['app.py'], current: false, restorePoint: false, conflicts: [], ...extra }
}

function Panel() {
  return (
    <>
      <VersionsButton projectId="p1" />
      <VersionsDialog projectId="p1" />
    </>
  )
}

beforeEach(() => {
  vi.clearAllMocks()
  useVersions.setState({ openFor: null, byProject: {}, diffs: {}, selected: {}, file: {}, folder: {}, points: {}, busy: false })
  useToasts.setState({ toasts: [] })
  v.history.mockResolvedValue([
    ver('v2', 'make it blue', { current: true, model: 'openai/gpt-5', filesChanged: ['app.py', 'style.css'] }),
    ver('v1', 'make a weather app'),
  ])
  v.diff.mockImplementation(async (_p: string, id: string) =>
    id === 'v2'
      ? [
          { path: 'app.py', status: 'modified', before: 'color = "red"\n', after: 'color = "blue"\n', binary: false },
          { path: 'logo.png', status: 'added', before: '', after: '', binary: true },
        ]
      : [{ path: 'app.py', status: 'added', before: '', after: 'print("weather")\n', binary: false }],
  )
})

describe('Versions panel', () => {
  it('lists the versions with prompt and files changed, and shows the diff in the merge view', async () => {
    const user = userEvent.setup()
    render(<Panel />)
    await user.click(screen.getByTestId('chat-versions'))
    const rows = await screen.findAllByTestId('version-row')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toHaveTextContent('make it blue')
    expect(rows[0]).toHaveTextContent('2 files changed')
    expect(rows[0]).toHaveTextContent('current')
    expect(rows[1]).toHaveTextContent('1 file changed')
    expect(await screen.findByTestId('versions-folder')).toHaveTextContent('/home/me/Documents/Tessera/Weather')
    // The real CodeMirror merge view: both sides, the change marked.
    const merge = await screen.findByTestId('merge-view', undefined, { timeout: 5000 })
    await waitFor(() => expect(merge.querySelectorAll('.cm-editor')).toHaveLength(2))
    expect(merge).toHaveTextContent('color = "red"')
    expect(merge).toHaveTextContent('color = "blue"')
    await waitFor(() => expect(merge.querySelector('.cm-changedLine, .cm-deletedChunk, .cm-changedText')).not.toBeNull())
    // A binary file says so instead of showing bytes.
    await user.click(screen.getByRole('tab', { name: /logo\.png/ }))
    expect(screen.getByText(/binary or very large file/)).toBeInTheDocument()
    // Another version: its own diff.
    await user.click(rows[1])
    await waitFor(() => expect(screen.getByTestId('merge-view')).toHaveTextContent('print("weather")'))
    expect(v.diff).toHaveBeenCalledWith('p1', 'v1')
  })

  it('restores after confirmation and says nothing was lost', async () => {
    const user = userEvent.setup()
    v.restore.mockResolvedValue({ version: ver('v3', 'Restored', { kind: 'restore', current: true, restoredFrom: 'v1' }), warning: 'The sandbox is not reachable now.' })
    render(<Panel />)
    await user.click(screen.getByTestId('chat-versions'))
    const rows = await screen.findAllByTestId('version-row')
    expect(screen.getByTestId('version-restore')).toBeDisabled() // the current one
    await user.click(rows[1])
    await user.click(screen.getByTestId('version-restore'))
    expect(v.restore).not.toHaveBeenCalled()
    await user.click(await screen.findByTestId('confirm-restore'))
    await waitFor(() => expect(v.restore).toHaveBeenCalledWith('p1', 'v1'))
    await waitFor(() => expect(screen.getAllByTestId('version-row')).toHaveLength(3))
    // One restore, one notice: the warning is in the same sentence.
    const msgs = useToasts.getState().toasts.map((t) => t.message)
    expect(msgs).toHaveLength(1)
    expect(msgs[0]).toMatch(/nothing was lost\. The sandbox is not reachable now\.$/)
  })

  it('keeps the confirmation open with the sentence when the restore fails', async () => {
    const user = userEvent.setup()
    v.restore.mockRejectedValue(new ApiError('internal', 'Tessera could not update the history.'))
    render(<Panel />)
    await user.click(screen.getByTestId('chat-versions'))
    await user.click((await screen.findAllByTestId('version-row'))[1])
    await user.click(screen.getByTestId('version-restore'))
    await user.click(await screen.findByTestId('confirm-restore'))
    const dialog = await screen.findByRole('alertdialog')
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('could not update the history')
  })

  it('branches a version into a new project with a name', async () => {
    const user = userEvent.setup()
    v.branch.mockRejectedValueOnce(new ApiError('invalid', 'A project name can have at most 100 characters.'))
    render(<Panel />)
    await user.click(screen.getByTestId('chat-versions'))
    await user.click((await screen.findAllByTestId('version-row'))[1])
    await user.click(screen.getByTestId('version-branch'))
    const input = await screen.findByTestId('branch-name')
    await user.clear(input)
    await user.click(screen.getByTestId('branch-submit'))
    expect(await screen.findByText('Give the project a name.')).toBeInTheDocument()
    expect(v.branch).not.toHaveBeenCalled()
    await user.type(input, 'Weather v1')
    await user.click(screen.getByTestId('branch-submit'))
    await waitFor(() => expect(v.branch).toHaveBeenCalledWith('p1', 'v1', 'Weather v1', false))
    expect(await screen.findByText(/at most 100 characters/)).toBeInTheDocument()
  })

  it('marks the versions with a restore point and counts them; a runtime restore says so', async () => {
    const user = userEvent.setup()
    v.history.mockResolvedValue([ver('v2', 'add pandas', { current: true }), ver('v1', 'make a weather app', { restorePoint: true })])
    v.restorePoints.mockResolvedValue({ count: 1, saving: false })
    v.restore.mockResolvedValue({ version: ver('v3', 'Restored', { kind: 'restore', current: true, restoredFrom: 'v1', restorePoint: true }), runtime: true })
    render(<Panel />)
    await user.click(screen.getByTestId('chat-versions'))
    const rows = await screen.findAllByTestId('version-row')
    expect(within(rows[1]).getByTestId('version-restore-point')).toBeInTheDocument()
    expect(within(rows[0]).queryByTestId('version-restore-point')).toBeNull()
    expect(await screen.findByTestId('restore-points-count')).toHaveTextContent('1 restore point')
    await user.click(rows[1])
    await user.click(screen.getByTestId('version-restore'))
    await user.click(await screen.findByTestId('confirm-restore'))
    await waitFor(() => expect(useToasts.getState().toasts.some((t) => /installed packages/.test(t.message))).toBe(true))
  })

  it('offers to copy the sandbox only for the current version of a project that has one', async () => {
    const user = userEvent.setup()
    const at = '2026-01-01T00:00:00Z'
    const p: Project = { id: 'p1', name: 'Weather', description: '', template: '', sandboxId: 'sbx1', sandboxState: 'running', createdAt: at, updatedAt: at, lastActivityAt: at, workspace: 'Weather' }
    useProjects.setState({ projects: [p], currentId: 'p1', loaded: true })
    v.branch.mockRejectedValue(new ApiError('invalid', 'stop here'))
    render(<Panel />)
    await user.click(screen.getByTestId('chat-versions'))
    const rows = await screen.findAllByTestId('version-row')
    await user.click(rows[1])
    await user.click(screen.getByTestId('version-branch'))
    await screen.findByTestId('branch-name')
    expect(screen.queryByTestId('branch-with-sandbox')).toBeNull()
    await user.keyboard('{Escape}')
    await user.click(rows[0])
    await user.click(screen.getByTestId('version-branch'))
    expect(await screen.findByTestId('branch-with-sandbox')).toBeChecked()
    await user.click(screen.getByTestId('branch-submit'))
    await waitFor(() => expect(v.branch).toHaveBeenCalledWith('p1', 'v2', 'Weather (branch)', true))
  })

  it('says when there are no versions yet', async () => {
    v.history.mockResolvedValue([])
    render(<Panel />)
    await userEvent.setup().click(screen.getByTestId('chat-versions'))
    expect(await screen.findByTestId('versions-empty')).toBeInTheDocument()
  })
})
