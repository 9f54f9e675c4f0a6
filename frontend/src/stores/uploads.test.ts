import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api'
import { uploadsApi, type Upload, type UploadResult } from '../api/uploads'
import { dropRefusal, onUploaded, useUploads } from './uploads'
import { useToasts } from './toast'

vi.mock('../api/uploads', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api/uploads')>()),
  uploadsApi: { upload: vi.fn(), pick: vi.fn(), list: vi.fn(), onChosen: vi.fn(() => () => {}) },
}))
const u = uploadsApi as unknown as { [K in keyof typeof uploadsApi]: ReturnType<typeof vi.fn> }

const up = (path: string, size = 10): Upload => ({ path, size, kind: 'csv', summary: 'CSV', createdAt: '2026-01-01T00:00:00Z' })

beforeEach(() => {
  vi.clearAllMocks()
  useUploads.setState({ byProject: {}, busy: {}, error: {} })
  useToasts.setState({ toasts: [] })
})

describe('uploads store', () => {
  it('sends the dropped files as base64 and lists what was kept', async () => {
    u.upload.mockResolvedValue({ uploads: [up('data/b.csv'), up('data/a.csv')] })
    const seen: string[] = []
    const off = onUploaded((p, list) => seen.push(p + ':' + list.length))
    const ok = await useUploads.getState().uploadFiles('p1', [new File(['x,y\n1,2\n'], 'b.csv'), new File(['héllo'], 'a.csv')])
    off()
    expect(ok).toBe(true)
    expect(u.upload).toHaveBeenCalledWith('p1', [
      { name: 'b.csv', data: btoa('x,y\n1,2\n') },
      { name: 'a.csv', data: btoa(String.fromCharCode(...new TextEncoder().encode('héllo'))) },
    ])
    expect(useUploads.getState().byProject.p1.map((x) => x.path)).toEqual(['data/a.csv', 'data/b.csv'])
    expect(useToasts.getState().toasts[0].message).toContain('Uploaded data/b.csv, data/a.csv')
    expect(seen).toEqual(['p1:2'])
    expect(useUploads.getState().busy.p1).toBe(false)
  })

  it('refuses a drop with a file too large, before reading any, with a sentence', async () => {
    const big = new File(['x'], 'big.bin')
    Object.defineProperty(big, 'size', { value: 20 * 1024 * 1024 })
    const ok = await useUploads.getState().uploadFiles('p1', [new File(['a'], 'a.txt'), big])
    expect(ok).toBe(false)
    expect(u.upload).not.toHaveBeenCalled()
    expect(useUploads.getState().error.p1).toBe('big.bin is 20.0 MB; files up to 15.0 MB can be dropped. Use the Upload button for files up to 50.0 MB.')
  })

  it('shows the backend refusal and keeps the list', async () => {
    useUploads.setState({ byProject: { p1: [up('data/a.csv')] } })
    u.upload.mockRejectedValue(new ApiError('invalid', 'The project would hold too much.'))
    expect(await useUploads.getState().uploadFiles('p1', [new File(['a'], 'b.txt')])).toBe(false)
    expect(useUploads.getState().error.p1).toBe('The project would hold too much.')
    expect(useUploads.getState().byProject.p1).toHaveLength(1)
  })

  it('pick: a cancelled dialog uploads nothing and says nothing; a warning is shown in the same notice', async () => {
    u.pick.mockResolvedValueOnce({ uploads: [] })
    expect(await useUploads.getState().pick('p1')).toBe(false)
    expect(useToasts.getState().toasts).toHaveLength(0)
    u.pick.mockResolvedValueOnce({ uploads: [up('data/big.parquet', 40 << 20)], warning: 'Not in the sandbox yet.' })
    expect(await useUploads.getState().pick('p1')).toBe(true)
    const shown = useToasts.getState().toasts
    expect(shown.map((t) => t.kind)).toEqual(['error'])
    expect(shown[0].message).toMatch(/^Uploaded data\/big\.parquet\..* Not in the sandbox yet\.$/)
  })

  it('pick: "Choose files…" while the dialog is open, "Uploading…" once files are chosen', async () => {
    let chosen: ((n: number) => void) | undefined
    const off = vi.fn()
    u.onChosen.mockImplementationOnce((_p: string, h: (n: number) => void) => {
      chosen = h
      return off
    })
    let finish: (r: UploadResult) => void = () => {}
    u.pick.mockReturnValueOnce(new Promise<UploadResult>((r) => (finish = r)))
    const done = useUploads.getState().pick('p1')
    await Promise.resolve()
    expect(useUploads.getState().picking.p1).toBe(true)
    expect(useUploads.getState().busy.p1).toBe(true)
    chosen?.(2) // the dialog closed with two files; their copy runs
    expect(useUploads.getState().picking.p1).toBe(false)
    expect(useUploads.getState().busy.p1).toBe(true)
    finish({ uploads: [up('data/a.csv'), up('data/b.csv')] })
    expect(await done).toBe(true)
    expect(off).toHaveBeenCalled()
    expect(useUploads.getState().busy.p1).toBe(false)
  })

  it('dropRefusal', () => {
    expect(dropRefusal({ name: 'a', size: 15 * 1024 * 1024 })).toBeNull()
    expect(dropRefusal({ name: 'a', size: 60 * 1024 * 1024 })).toBe('a is 60.0 MB; files up to 50.0 MB can be uploaded.')
  })
})
