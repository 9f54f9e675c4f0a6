import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useCatalog } from '../../stores/catalog'
import * as api from '../../api'
import { ApiError, type Project } from '../../api'
import type { makeApiMock } from '../../test/apiMock'
import { HomeScreen } from './HomeScreen'
import { EnvDialog } from './EnvDialog'
import { useProjects } from '../../stores/projects'
import { useEnv } from '../../stores/env'
import { cleanupNotice, filterProjects, minutes, sortProjects } from './home'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const NOW = Date.parse('2026-06-10T12:00:00Z')
const day = 24 * 3600 * 1000

function proj(id: string, name: string, extra: Partial<Project> = {}): Project {
  const at = '2026-06-01T00:00:00Z'
  return { id, name, description: '', template: '', sandboxId: '', sandboxState: 'none', createdAt: at, updatedAt: at, lastActivityAt: at, ...extra }
}

const alpha = proj('a', 'Alpha', { template: 'nextjs-developer', lastActivityAt: '2026-06-09T00:00:00Z', runningSeconds: 600, sandboxId: 'i1', sandboxState: 'paused', cleanupAt: new Date(NOW + 2 * day).toISOString() })
const beta = proj('b', 'beta dashboard', { description: 'sales charts', lastActivityAt: '2026-06-10T00:00:00Z', runningSeconds: 60 })
const gamma = proj('c', 'Gamma', { template: 'streamlit-developer', sandboxRemovedAt: '2026-06-05T00:00:00Z', runningSeconds: 7200 })

beforeEach(() => {
  vi.clearAllMocks()
  useProjects.setState({ projects: [alpha, beta, gamma], currentId: null, loaded: true })
  useEnv.setState({ projectId: null, vars: [], loading: false, error: null, note: null, warning: null })
})

const names = () => screen.getAllByTestId('home-name').map((n) => n.textContent)

describe('home helpers', () => {
  it('filters on every word over name, description and template', () => {
    expect(filterProjects([alpha, beta, gamma], 'SALES').map((p) => p.id)).toEqual(['b'])
    expect(filterProjects([alpha, beta, gamma], 'next alp').map((p) => p.id)).toEqual(['a'])
    expect(filterProjects([alpha, beta, gamma], 'auto').map((p) => p.id)).toEqual(['b'])
    expect(filterProjects([alpha, beta, gamma], '  ')).toHaveLength(3)
  })
  it('sorts by activity, name, minutes and creation', () => {
    expect(sortProjects([alpha, beta, gamma], 'activity').map((p) => p.id)).toEqual(['b', 'a', 'c'])
    expect(sortProjects([gamma, beta, alpha], 'name').map((p) => p.id)).toEqual(['a', 'b', 'c'])
    expect(sortProjects([alpha, beta, gamma], 'minutes').map((p) => p.id)).toEqual(['c', 'a', 'b'])
  })
  it('warns about a cleanup within three days, says when one happened', () => {
    expect(cleanupNotice(alpha, NOW)).toEqual({ kind: 'soon', text: 'The idle sandbox will be removed in 2 days.' })
    expect(cleanupNotice({ ...alpha, cleanupAt: new Date(NOW + 9 * day).toISOString() }, NOW)).toBeNull()
    expect(cleanupNotice({ ...alpha, cleanupAt: new Date(NOW - day).toISOString() }, NOW)?.text).toBe('The idle sandbox will be removed soon.')
    expect(cleanupNotice(gamma, NOW)?.kind).toBe('removed')
    expect(cleanupNotice(beta, NOW)).toBeNull()
    expect(minutes(gamma)).toBe('2.0 h')
    expect(minutes(beta)).toBe('1 min')
  })
})

describe('HomeScreen', () => {
  beforeEach(() => {
    useCatalog.setState({ templates: [{ id: 'nextjs-developer', name: 'Next.js developer', file: 'pages/index.tsx', port: 3000, custom: false }] })
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
  })

  it('lists every project with template, sandbox and minutes, sorts and filters', async () => {
    const user = userEvent.setup()
    render(<HomeScreen />)
    expect(names()).toEqual(['beta dashboard', 'Alpha', 'Gamma'])
    const row = screen.getAllByTestId('home-row')[1]
    // The template by the name the picker gives it, not its raw id (issue 29).
    expect(within(row).getByTestId('home-template')).toHaveTextContent('Next.js developer')
    expect(within(row).getByTestId('home-template')).not.toHaveTextContent('nextjs-developer')
    expect(within(row).getByTestId('home-sandbox')).toHaveTextContent('Paused')
    expect(within(row).getByTestId('home-minutes')).toHaveTextContent('10 min')
    expect(within(row).getByTestId('home-activity')).toHaveTextContent('yesterday')
    await user.selectOptions(screen.getByTestId('home-sort'), 'name')
    expect(names()).toEqual(['Alpha', 'beta dashboard', 'Gamma'])
    await user.type(screen.getByTestId('home-filter'), 'gam')
    expect(names()).toEqual(['Gamma'])
    expect(screen.getByTestId('home-cleanup')).toHaveTextContent('rebuilt on next use')
    await user.clear(screen.getByTestId('home-filter'))
    await user.type(screen.getByTestId('home-filter'), 'zzz')
    expect(screen.getByTestId('home-no-match')).toBeInTheDocument()
  })

  it('is driven by the keyboard: arrows move, Enter opens, F2 renames, Delete asks', async () => {
    const user = userEvent.setup()
    m.projects.select.mockResolvedValue(alpha)
    render(<HomeScreen />)
    await user.click(screen.getByTestId('home-filter'))
    await user.keyboard('{ArrowDown}')
    expect(document.activeElement).toBe(screen.getAllByTestId('home-open')[0])
    await user.keyboard('{ArrowDown}{End}{ArrowUp}')
    expect(document.activeElement).toBe(screen.getAllByTestId('home-open')[1])
    await user.keyboard('{F2}')
    expect(await screen.findByTestId('project-rename-input')).toHaveValue('Alpha')
    await user.keyboard('{Escape}')
    screen.getAllByTestId('home-open')[1].focus()
    await user.keyboard('{Delete}')
    expect(await screen.findByText(/“Alpha” will be deleted/)).toBeInTheDocument()
    await user.click(screen.getByTestId('home-confirm-delete'))
    await waitFor(() => expect(m.projects.remove).toHaveBeenCalledWith('a'))
    expect(names()).toEqual(['beta dashboard', 'Gamma'])
    screen.getAllByTestId('home-open')[0].focus()
    await user.keyboard('{Enter}')
    expect(m.projects.select).toHaveBeenCalledWith('b')
  })

  it('duplicates (also with Ctrl+D) and keeps a sandbox about to be removed', async () => {
    const user = userEvent.setup()
    m.projects.duplicate.mockResolvedValue(proj('d', 'Alpha (copy)', { lastActivityAt: '2026-06-10T11:00:00Z' }))
    m.projects.keepSandbox.mockResolvedValue({ ...alpha, cleanupAt: new Date(NOW + 14 * day).toISOString() })
    render(<HomeScreen />)
    await user.click(within(screen.getAllByTestId('home-row')[1]).getByTestId('home-duplicate'))
    await waitFor(() => expect(names()).toContain('Alpha (copy)'))
    expect(m.projects.duplicate).toHaveBeenCalledWith('a')
    await user.click(screen.getByTestId('home-keep'))
    await waitFor(() => expect(m.projects.keepSandbox).toHaveBeenCalledWith('a'))
    await waitFor(() => expect(screen.queryByTestId('home-keep')).toBeNull())
    m.projects.duplicate.mockRejectedValueOnce(new ApiError('unavailable', 'The keychain is locked.'))
    screen.getAllByTestId('home-open')[0].focus()
    await user.keyboard('{Control>}d{/Control}')
    expect(m.projects.duplicate).toHaveBeenCalledTimes(2)
  })
})

describe('EnvDialog', () => {
  it('adds a secret without ever showing it, refuses bad input, shows the note', async () => {
    const user = userEvent.setup()
    m.env.list.mockResolvedValue([{ name: 'API_URL', value: 'https://x', secret: false, updatedAt: '' }])
    m.env.set.mockResolvedValue({
      vars: [
        { name: 'API_URL', value: 'https://x', secret: false, updatedAt: '' },
        { name: 'TOKEN', value: '', secret: true, updatedAt: '' },
      ],
      note: 'Saved. The sandbox gets the new values when it next runs.',
    })
    render(<EnvDialog projectId="a" projectName="Alpha" open onOpenChange={() => {}} />)
    expect(await screen.findByText('https://x')).toBeInTheDocument()
    await user.type(screen.getByTestId('env-name'), '1BAD')
    await user.click(screen.getByTestId('env-save'))
    expect(screen.getByTestId('env-error')).toHaveTextContent('not a usable variable name')
    expect(m.env.set).not.toHaveBeenCalled()
    await user.clear(screen.getByTestId('env-name'))
    await user.type(screen.getByTestId('env-name'), 'TOKEN')
    await user.click(screen.getByTestId('env-secret'))
    expect(screen.getByTestId('env-value-input')).toHaveAttribute('type', 'password')
    await user.type(screen.getByTestId('env-value-input'), 'sk-123')
    await user.click(screen.getByTestId('env-save'))
    await waitFor(() => expect(m.env.set).toHaveBeenCalledWith({ projectId: 'a', name: 'TOKEN', value: 'sk-123', secret: true }))
    expect(await screen.findByTestId('env-note')).toHaveTextContent('next runs')
    const row = screen.getAllByTestId('env-row')[1]
    expect(row).toHaveTextContent('secret')
    expect(document.body.textContent).not.toContain('sk-123')
    expect(screen.getByTestId('env-value-input')).toHaveValue('')
  })
})

describe('HomeScreen with 1,000 projects', () => {
  it('shows the first 100 at once, all on request, and filters them', async () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      proj(`p${i}`, `Project ${i}`, { lastActivityAt: new Date(NOW - i * 60000).toISOString(), runningSeconds: i }),
    )
    useProjects.setState({ projects: many })
    const t0 = performance.now()
    render(<HomeScreen />)
    const rendered = performance.now() - t0
    const rowsNow = () => document.querySelectorAll('[data-testid="home-row"]').length
    expect(rowsNow()).toBe(100)
    expect(document.querySelector('[data-testid="home-name"]')?.textContent).toBe('Project 0')
    fireEvent.click(screen.getByTestId('home-more'))
    expect(rowsNow()).toBe(1000)
    fireEvent.change(screen.getByTestId('home-filter'), { target: { value: 'Project 99' } })
    // every word: 99, 199, … 899 and 990..999
    await waitFor(() => expect(rowsNow()).toBe(19))
    console.info(`home screen: first 100 of 1,000 rows rendered in ${Math.round(rendered)} ms (jsdom)`)
  })
})
