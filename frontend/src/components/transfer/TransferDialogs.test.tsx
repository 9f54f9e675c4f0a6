import { beforeEach, describe, expect, it, vi } from 'vitest'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import * as apiIndex from '../../api'
import { ApiError, type Project } from '../../api'
import { transfer as tapi } from '../../api/transfer'
import type { makeApiMock } from '../../test/apiMock'
import { useProjects } from '../../stores/projects'
import { useTransfer } from '../../stores/transfer'
import { useToasts } from '../../stores/toast'
import { TransferDialogs } from './TransferDialogs'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
vi.mock('../../api/transfer', () => ({
  transfer: {
    chooseExportPath: vi.fn(),
    chooseImportFile: vi.fn(),
    chooseImportFolder: vi.fn(),
    exportProject: vi.fn(),
    importProject: vi.fn(),
    getRemote: vi.fn(),
    setRemote: vi.fn(),
    setToken: vi.fn(),
    removeRemote: vi.fn(),
    push: vi.fn(),
  },
}))
const t = tapi as unknown as { [K in keyof typeof tapi]: ReturnType<typeof vi.fn> }
const m = apiIndex as unknown as ReturnType<typeof makeApiMock>

function proj(id: string, name: string): Project {
  const at = '2026-01-01T00:00:00Z'
  return { id, name, description: '', template: '', sandboxId: '', sandboxState: 'none', createdAt: at, updatedAt: at, lastActivityAt: at }
}

const noRemote = { url: '', username: '', branch: '', hasToken: false, pushedAt: '' }

beforeEach(() => {
  vi.clearAllMocks()
  useTransfer.setState({ dialog: null, projectId: null, busy: false, remote: null })
  useProjects.setState({ projects: [proj('p1', 'Weather')], currentId: 'p1', loaded: true })
  useToasts.setState({ toasts: [] })
})

const toasts = () => useToasts.getState().toasts.map((x) => x.message)

describe('Export', () => {
  it('takes the path from Browse… and says what was written', async () => {
    t.chooseExportPath.mockResolvedValue('/home/me/Weather.zip')
    t.exportProject.mockResolvedValue({ path: '/home/me/Weather.zip', files: 3, messages: 4, bytes: 1000 })
    render(<TransferDialogs />)
    useTransfer.getState().openExport('p1')
    await userEvent.click(await screen.findByTestId('export-browse'))
    await waitFor(() => expect(screen.getByTestId('export-path')).toHaveValue('/home/me/Weather.zip'))
    await userEvent.click(screen.getByTestId('export-submit'))
    await waitFor(() => expect(useTransfer.getState().dialog).toBeNull())
    expect(t.exportProject).toHaveBeenCalledWith('p1', '/home/me/Weather.zip')
    expect(toasts()[0]).toContain('Exported to /home/me/Weather.zip: 3 files')
  })

  it('a cancelled dialog changes nothing; a failure shows its sentence and keeps the dialog', async () => {
    t.chooseExportPath.mockResolvedValue('')
    t.exportProject.mockRejectedValue(new ApiError('invalid', 'The folder /nope does not exist. Choose another place.'))
    render(<TransferDialogs />)
    useTransfer.getState().openExport('p1')
    await userEvent.click(await screen.findByTestId('export-browse'))
    expect(screen.getByTestId('export-path')).toHaveValue('')
    await userEvent.click(screen.getByTestId('export-submit'))
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent('Choose where to save')
    expect(t.exportProject).not.toHaveBeenCalled()
    await userEvent.type(screen.getByTestId('export-path'), '/nope/x.zip')
    await userEvent.click(screen.getByTestId('export-submit'))
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent('The folder /nope does not exist.')
    expect(useTransfer.getState().dialog).toBe('export')
  })
})

describe('Import', () => {
  it('imports a typed path, selects the new project and says its sandbox was found', async () => {
    t.importProject.mockResolvedValue({ project: proj('p2', 'Moved'), files: 5, versions: 3, messages: 6, skipped: 1, sandbox: 'adopted', warning: '' })
    m.projects.list.mockResolvedValue([proj('p2', 'Moved'), proj('p1', 'Weather')])
    m.projects.select.mockResolvedValue(proj('p2', 'Moved'))
    render(<TransferDialogs />)
    useTransfer.getState().openImport()
    await userEvent.type(await screen.findByTestId('import-path'), '/home/me/Moved.zip')
    await userEvent.click(screen.getByTestId('import-submit'))
    await waitFor(() => expect(useProjects.getState().currentId).toBe('p2'))
    expect(t.importProject).toHaveBeenCalledWith('/home/me/Moved.zip')
    expect(useTransfer.getState().dialog).toBeNull()
    expect(toasts()[0]).toMatch(/“Moved” was imported with 5 files and 3 versions, 6 messages\. Its sandbox was found at E2B/)
  })

  it('a refused archive keeps the dialog and the projects as they were', async () => {
    t.chooseImportFolder.mockResolvedValue('/home/me/site')
    t.importProject.mockRejectedValue(new ApiError('invalid', 'The archive holds "../x", which would land outside the project folder, so nothing was imported.'))
    render(<TransferDialogs />)
    useTransfer.getState().openImport()
    await userEvent.click(await screen.findByTestId('import-browse-folder'))
    await waitFor(() => expect(screen.getByTestId('import-path')).toHaveValue('/home/me/site'))
    await userEvent.click(screen.getByTestId('import-submit'))
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent('nothing was imported')
    expect(useProjects.getState().currentId).toBe('p1')
    expect(m.projects.list).not.toHaveBeenCalled()
  })
})

describe('Push', () => {
  it('saves the remote and the token (write-only), then pushes', async () => {
    t.getRemote.mockResolvedValue(noRemote)
    t.setRemote.mockImplementation(async (r: { url: string; username: string; branch: string }) => ({ ...noRemote, ...r }))
    t.setToken.mockResolvedValue(undefined)
    t.push.mockResolvedValue({ url: 'https://github.com/me/w.git', branch: 'main', head: 'abc', upToDate: false, pushedAt: '2026-05-01T10:00:00Z', warning: '' })
    render(<TransferDialogs />)
    await useTransfer.getState().openPush('p1')
    await userEvent.type(await screen.findByTestId('push-url'), 'https://github.com/me/w.git')
    await userEvent.type(screen.getByTestId('push-token'), 'ghp_secret')
    await userEvent.click(screen.getByTestId('push-submit'))
    await waitFor(() => expect(t.push).toHaveBeenCalledWith('p1'))
    expect(t.setRemote).toHaveBeenCalledWith({ projectId: 'p1', url: 'https://github.com/me/w.git', username: '', branch: '' })
    expect(t.setToken).toHaveBeenCalledWith('p1', 'ghp_secret')
    await waitFor(() => expect(screen.getByTestId('push-token')).toHaveValue(''))
    expect(useTransfer.getState().remote).toMatchObject({ hasToken: true, pushedAt: '2026-05-01T10:00:00Z' })
    expect(toasts()[0]).toBe('Pushed main to https://github.com/me/w.git (main there).')
  })

  it('shows a rejected push as a failure, with the server sentence', async () => {
    t.getRemote.mockResolvedValue({ ...noRemote, url: '/srv/w.git', hasToken: true })
    t.setRemote.mockResolvedValue({ ...noRemote, url: '/srv/w.git', hasToken: true })
    t.push.mockRejectedValue(new ApiError('conflict', 'The branch main at /srv/w.git has changes this project does not have, so the push was refused (not a fast-forward).'))
    render(<TransferDialogs />)
    await useTransfer.getState().openPush('p1')
    await waitFor(() => expect(screen.getByTestId('push-url')).toHaveValue('/srv/w.git'))
    expect(screen.getByTestId('push-forget-token')).toBeInTheDocument()
    await userEvent.click(screen.getByTestId('push-submit'))
    expect(await screen.findByTestId('transfer-error')).toHaveTextContent('not a fast-forward')
    expect(t.setToken).not.toHaveBeenCalled() // no token typed: the saved one stays
    expect(toasts()).toEqual([])
  })
})
