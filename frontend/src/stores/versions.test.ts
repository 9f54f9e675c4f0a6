import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as apiIndex from '../api'
import { ApiError, type Project } from '../api'
import { versions as vapi, type Version } from '../api/versions'
import type { makeApiMock } from '../test/apiMock'
import { diffKey, summary, useVersions, versionsOf } from './versions'
import { useProjects } from './projects'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
vi.mock('../api/versions', () => ({
  versions: { history: vi.fn(), diff: vi.fn(), restore: vi.fn(), branch: vi.fn(), folder: vi.fn(async () => '/home/me/Documents/Tessera/Weather'), restorePoints: vi.fn(async () => ({ count: 0, saving: false })) },
}))
const m = apiIndex as unknown as ReturnType<typeof makeApiMock>
const v = vapi as unknown as { [K in keyof typeof vapi]: ReturnType<typeof vi.fn> }

function ver(id: string, message: string, extra: Partial<Version> = {}): Version {
  return { id, time: '2026-05-01T10:00:00Z', message, kind: 'turn', messageId: '', model: '', restoredFrom: '', filesChanged: ['app.py'], current: false, restorePoint: false, conflicts: [], ...extra }
}

function proj(id: string, name: string): Project {
  const at = '2026-01-01T00:00:00Z'
  return { id, name, description: '', template: '', sandboxId: '', sandboxState: 'none', createdAt: at, updatedAt: at, lastActivityAt: at }
}

beforeEach(() => {
  vi.clearAllMocks()
  useVersions.setState({ openFor: null, byProject: {}, diffs: {}, selected: {}, file: {}, folder: {}, points: {}, busy: false })
})

describe('versions store', () => {
  it('opens on a project, loads its history and the newest version diff', async () => {
    v.history.mockResolvedValue([ver('b', 'make it blue', { current: true }), ver('a', 'make it')])
    v.diff.mockResolvedValue([{ path: 'app.py', status: 'modified', before: '1', after: '2', binary: false }])
    useVersions.getState().open('p1')
    await vi.waitFor(() => expect(useVersions.getState().diffs[diffKey('p1', 'b')]?.files).toHaveLength(1))
    const s = useVersions.getState()
    expect(s.openFor).toBe('p1')
    expect(versionsOf(s, 'p1').versions.map((x) => x.id)).toEqual(['b', 'a'])
    expect(s.selected.p1).toBe('b')
    expect(v.diff).toHaveBeenCalledWith('p1', 'b')
  })

  it('fetches a version diff once (a version never changes)', async () => {
    v.diff.mockResolvedValue([])
    await useVersions.getState().select('p1', 'a')
    await useVersions.getState().select('p1', 'a')
    expect(v.diff).toHaveBeenCalledTimes(1)
  })

  it('keeps the sentence when the history cannot be read', async () => {
    v.history.mockRejectedValue(new ApiError('internal', 'Tessera could not read the history.'))
    await useVersions.getState().load('p1')
    expect(versionsOf(useVersions.getState(), 'p1')).toMatchObject({ loaded: true, loading: false, error: 'Tessera could not read the history.' })
  })

  it('restores: the new version goes first and is current, the Code tab reloads', async () => {
    v.history.mockResolvedValue([ver('b', 'two', { current: true }), ver('a', 'one')])
    v.diff.mockResolvedValue([])
    await useVersions.getState().load('p1')
    v.restore.mockResolvedValue({ version: ver('c', 'Restored', { kind: 'restore', current: true, restoredFrom: 'a' }) })
    const r = await useVersions.getState().restore('p1', 'a')
    expect(r.version.id).toBe('c')
    const vs = versionsOf(useVersions.getState(), 'p1').versions
    expect(vs.map((x) => [x.id, x.current])).toEqual([['c', true], ['b', false], ['a', false]])
    expect(useVersions.getState().selected.p1).toBe('c')
    expect(useVersions.getState().busy).toBe(false)
    expect(m.chat.files).toHaveBeenCalledWith('p1')
  })

  it('a failed restore clears busy and throws the sentence', async () => {
    v.restore.mockRejectedValue(new ApiError('invalid', 'The project already has these files.'))
    await expect(useVersions.getState().restore('p1', 'a')).rejects.toThrow('already has these files')
    expect(useVersions.getState().busy).toBe(false)
  })

  it('branches to a new project, selects it and closes the panel', async () => {
    useVersions.setState({ openFor: 'p1' })
    v.branch.mockResolvedValue({ project: proj('p2', 'Copy'), version: ver('x', 'Branched', { kind: 'branch' }) })
    m.projects.list.mockResolvedValue([proj('p1', 'One'), proj('p2', 'Copy')])
    m.projects.select.mockResolvedValue(proj('p2', 'Copy'))
    await useVersions.getState().branch('p1', 'a', 'Copy')
    expect(v.branch).toHaveBeenCalledWith('p1', 'a', 'Copy', false)
    expect(useProjects.getState().currentId).toBe('p2')
    expect(useVersions.getState().openFor).toBeNull()
  })

  it('summarises a version by its first line', () => {
    expect(summary(ver('a', 'Make a todo app\n\nwith dark mode'))).toBe('Make a todo app')
    expect(summary(ver('a', ''))).toBe('(no message)')
    expect(summary(ver('a', 'x'.repeat(300))).length).toBe(120)
  })

  it('asks again while a restore point is being saved, then shows its marker', async () => {
    v.history.mockResolvedValueOnce([ver('a', 'add pandas', { current: true })]).mockResolvedValue([ver('a', 'add pandas', { current: true, restorePoint: true })])
    v.diff.mockResolvedValue([])
    v.restorePoints.mockResolvedValueOnce({ count: 0, saving: true }).mockResolvedValue({ count: 1, saving: false })
    useVersions.getState().open('p1')
    await vi.waitFor(() => expect(useVersions.getState().points.p1).toEqual({ count: 1, saving: false }), { timeout: 5000 })
    expect(versionsOf(useVersions.getState(), 'p1').versions[0].restorePoint).toBe(true)
  })
})
