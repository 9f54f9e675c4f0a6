import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api'
import { transfer as tapi } from '../api/transfer'
import { useTransfer } from './transfer'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
vi.mock('../api/transfer', () => ({
  transfer: { getRemote: vi.fn(), setRemote: vi.fn(), setToken: vi.fn(), push: vi.fn(), exportProject: vi.fn() },
}))
const t = tapi as unknown as Record<string, ReturnType<typeof vi.fn>>
const remote = (url: string) => ({ url, username: '', branch: 'main', hasToken: false, pushedAt: '' })

beforeEach(() => {
  vi.clearAllMocks()
  useTransfer.setState({ dialog: null, projectId: null, busy: false, remote: null })
})

describe('transfer store', () => {
  it('keeps the remote of the project whose dialog is open, not of one opened before', async () => {
    let answerFirst: (r: unknown) => void = () => {}
    t.getRemote.mockImplementationOnce(() => new Promise((r) => (answerFirst = r))).mockResolvedValueOnce(remote('/b.git'))
    const first = useTransfer.getState().openPush('a')
    await useTransfer.getState().openPush('b')
    answerFirst(remote('/a.git'))
    await first
    expect(useTransfer.getState()).toMatchObject({ projectId: 'b', remote: { url: '/b.git' } })
  })

  it('busy is false again after a failure, and the failure reaches the caller', async () => {
    t.exportProject.mockRejectedValue(new ApiError('invalid', 'Choose where to save the export.'))
    await expect(useTransfer.getState().exportTo('p', ' ')).rejects.toThrow('Choose where to save')
    expect(t.exportProject).toHaveBeenCalledWith('p', '')
    expect(useTransfer.getState().busy).toBe(false)
  })

  it('does not save an empty token (the saved one stays)', async () => {
    t.setRemote.mockResolvedValue({ ...remote('/r.git'), hasToken: true })
    const r = await useTransfer.getState().saveRemote('p', ' /r.git ', '', '', '   ')
    expect(t.setRemote).toHaveBeenCalledWith({ projectId: 'p', url: '/r.git', username: '', branch: '' })
    expect(t.setToken).not.toHaveBeenCalled()
    expect(r.hasToken).toBe(true)
  })
})
