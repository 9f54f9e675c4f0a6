import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type Project } from '../api'
import * as api from '../api'
import { useProjects, validateProjectName } from './projects'
import type { makeApiMock } from '../test/apiMock'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

function proj(id: string, name: string, at = '2026-01-01T00:00:00Z'): Project {
  return { id, name, description: '', template: '', sandboxId: '', sandboxState: 'none', createdAt: at, updatedAt: at, lastActivityAt: at }
}

beforeEach(() => {
  vi.clearAllMocks()
  useProjects.setState({ projects: [], currentId: null, loaded: false, loading: false, error: null, starters: [], startersError: null })
})

describe('projects store', () => {
  it('loads the list and the remembered project, and resumes it', async () => {
    m.projects.list.mockResolvedValue([proj('a', 'Alpha'), proj('b', 'Beta')])
    m.projects.current.mockResolvedValue('b')
    m.projects.select.mockResolvedValue(proj('b', 'Beta'))
    await useProjects.getState().load()
    expect(useProjects.getState().projects.map((p) => p.name)).toEqual(['Alpha', 'Beta'])
    expect(useProjects.getState().currentId).toBe('b')
    expect(m.projects.select).toHaveBeenCalledWith('b')
  })

  it('ignores a remembered project that no longer exists', async () => {
    m.projects.list.mockResolvedValue([proj('a', 'Alpha')])
    m.projects.current.mockResolvedValue('gone')
    await useProjects.getState().load()
    expect(useProjects.getState().currentId).toBeNull()
  })

  it('shows the sentence when the list cannot be loaded', async () => {
    m.projects.list.mockRejectedValue(new ApiError('internal', 'Tessera could not read its database.'))
    await useProjects.getState().load()
    expect(useProjects.getState().error).toBe('Tessera could not read its database.')
  })

  it('creates a project (trimmed), puts it first and selects it', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha')], currentId: 'a' })
    m.projects.create.mockResolvedValue(proj('n', 'New one'))
    await useProjects.getState().create({ name: '  New one  ', description: ' d ', template: '' })
    expect(m.projects.create).toHaveBeenCalledWith({ name: 'New one', description: 'd', template: '' })
    expect(useProjects.getState().projects.map((p) => p.id)).toEqual(['n', 'a'])
    expect(useProjects.getState().currentId).toBe('n')
  })

  it('creates from a starter: the starter id goes with the request', async () => {
    m.projects.create.mockResolvedValue(proj('n', 'Dash'))
    await useProjects.getState().create({ name: ' Dash ', description: '', template: 'streamlit-developer', starter: 'streamlit-dashboard' })
    expect(m.projects.create).toHaveBeenCalledWith({ name: 'Dash', description: '', template: 'streamlit-developer', starter: 'streamlit-dashboard' })
  })

  it('loads the gallery once, and again after a failure', async () => {
    const one = { id: 'gradio-demo', name: 'Gradio text tools', stack: 'Gradio', shows: 'A demo.', template: 'gradio-developer', start: 'python app.py', entry: 'app.py', empty: false }
    m.projects.starters.mockRejectedValueOnce(new ApiError('unavailable', 'Starters are not available in this build of Tessera.'))
    await useProjects.getState().loadStarters()
    expect(useProjects.getState().startersError).toBe('Starters are not available in this build of Tessera.')
    m.projects.starters.mockResolvedValue([one])
    await useProjects.getState().loadStarters()
    await useProjects.getState().loadStarters()
    expect(m.projects.starters).toHaveBeenCalledTimes(2)
    expect(useProjects.getState().starters).toEqual([one])
    expect(useProjects.getState().startersError).toBeNull()
  })

  it('rejects with the backend sentence when create fails', async () => {
    m.projects.create.mockRejectedValue(new ApiError('invalid', 'A project name can have at most 100 characters.'))
    await expect(useProjects.getState().create({ name: 'x', description: '', template: '' })).rejects.toThrow(
      'A project name can have at most 100 characters.',
    )
    expect(useProjects.getState().projects).toEqual([])
  })

  it('renames', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha')], currentId: 'a' })
    m.projects.update.mockResolvedValue(proj('a', 'Renamed'))
    await useProjects.getState().rename('a', ' Renamed ')
    expect(m.projects.update).toHaveBeenCalledWith({ id: 'a', name: 'Renamed' })
    expect(useProjects.getState().projects[0].name).toBe('Renamed')
  })

  it('deleting the current project selects the next one', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha'), proj('b', 'Beta')], currentId: 'a' })
    m.projects.select.mockResolvedValue(proj('b', 'Beta'))
    await useProjects.getState().remove('a')
    expect(m.projects.remove).toHaveBeenCalledWith('a')
    expect(useProjects.getState().projects.map((p) => p.id)).toEqual(['b'])
    expect(useProjects.getState().currentId).toBe('b')
    expect(m.projects.select).toHaveBeenCalledWith('b')
  })

  it('keeps the project when delete fails', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha')], currentId: 'a' })
    m.projects.remove.mockRejectedValueOnce(new ApiError('not_found', 'That project no longer exists.'))
    await expect(useProjects.getState().remove('a')).rejects.toThrow('That project no longer exists.')
    expect(useProjects.getState().projects).toHaveLength(1)
  })

  it('select switches at once and rolls back with the sentence on failure', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha'), proj('b', 'Beta')], currentId: 'a' })
    m.projects.select.mockRejectedValueOnce(new ApiError('not_found', 'That project no longer exists.'))
    await expect(useProjects.getState().select('b')).rejects.toThrow('That project no longer exists.')
    expect(useProjects.getState().currentId).toBe('a')
  })
})

describe('validateProjectName', () => {
  it('follows the backend rules', () => {
    expect(validateProjectName('   ')).toBe('Give the project a name.')
    expect(validateProjectName('a'.repeat(100))).toBeNull()
    expect(validateProjectName('a'.repeat(101))).toBe('A project name can have at most 100 characters (this one has 101).')
    expect(validateProjectName('👨‍👩‍👧‍👦'.repeat(20))).toBeNull()
    expect(validateProjectName('  ' + 'a'.repeat(100) + '  ')).toBeNull()
  })
})

describe('projects store: home screen', () => {
  it('duplicates (listed first, not selected), keeps a sandbox, goes home', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha')], currentId: 'a' })
    m.projects.duplicate.mockResolvedValue(proj('d', 'Alpha (copy)'))
    await useProjects.getState().duplicate('a')
    expect(useProjects.getState().projects.map((p) => p.id)).toEqual(['d', 'a'])
    expect(useProjects.getState().currentId).toBe('a')
    m.projects.keepSandbox.mockResolvedValue({ ...proj('a', 'Alpha'), keptAt: '2026-02-01T00:00:00Z' })
    await useProjects.getState().keepSandbox('a')
    expect(useProjects.getState().projects[1].keptAt).toBe('2026-02-01T00:00:00Z')
    m.projects.list.mockResolvedValue([proj('a', 'Alpha', '2026-03-01T00:00:00Z')])
    useProjects.getState().goHome()
    expect(useProjects.getState().currentId).toBeNull()
    await vi.waitFor(() => expect(useProjects.getState().projects).toHaveLength(1))
  })

  it('a failed duplicate changes nothing', async () => {
    useProjects.setState({ projects: [proj('a', 'Alpha')], currentId: null })
    m.projects.duplicate.mockRejectedValue(new ApiError('unavailable', 'The keychain is locked.'))
    await expect(useProjects.getState().duplicate('a')).rejects.toThrow('The keychain is locked.')
    expect(useProjects.getState().projects).toHaveLength(1)
  })
})
