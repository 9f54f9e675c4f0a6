import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import type { SandboxStatus } from '../api'
import { type makeApiMock } from '../test/apiMock'
import { followCurrentProject, useSandbox } from './sandbox'
import { useProjects } from './projects'
import { SandboxBadge } from '../components/projects/SandboxBadge'
import { TipProvider } from '../components/ui/Tip'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

/** topic -> live handlers, from the mocked subscribe. */
const handlers = new Map<string, Set<(p: unknown) => void>>()

function status(projectId: string, over: Partial<SandboxStatus> = {}): SandboxStatus {
  return { projectId, state: 'running', sandboxId: '', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 0, runningSecondsTotal: 0, todayUSD: 0, monthUSD: 0, budgetUSD: 0, publishedUntil: '', ...over }
}

beforeEach(() => {
  useSandbox.getState().follow(null)
  vi.clearAllMocks()
  handlers.clear()
  m.subscribe.mockImplementation((topic: string, h: (p: unknown) => void) => {
    const set = handlers.get(topic) ?? new Set()
    set.add(h)
    handlers.set(topic, set)
    return () => set.delete(h)
  })
  m.sandbox.status.mockImplementation(async (projectId: string) => status(projectId, { state: 'paused' }))
  useSandbox.setState({ byProject: {}, busy: {}, following: null })
  useProjects.setState({ projects: [], currentId: 'a', loaded: true })
})

const live = (topic: string) => handlers.get(topic)?.size ?? 0

describe('sandbox store follows the current project', () => {
  it('subscribes to sandbox:status:<id> and loads Status on each switch, dropping the old topic', async () => {
    let stop!: () => void
    await act(async () => {
      stop = followCurrentProject()
    })
    expect(live('sandbox:status:a')).toBe(1)
    expect(m.sandbox.status).toHaveBeenCalledWith('a')
    expect(useSandbox.getState().byProject.a.state).toBe('paused')

    await act(async () => {
      useProjects.setState({ currentId: 'b' })
    })
    expect(live('sandbox:status:a')).toBe(0)
    expect(live('sandbox:status:b')).toBe(1)
    expect(m.sandbox.status).toHaveBeenLastCalledWith('b')

    // Pushed updates land in the store.
    act(() => handlers.get('sandbox:status:b')!.forEach((h) => h(status('b', { state: 'running', warning: 'pip install pandas failed during the rebuild.' }))))
    expect(useSandbox.getState().byProject.b).toMatchObject({ state: 'running', warning: 'pip install pandas failed during the rebuild.' })

    // Back to a: Status is loaded again.
    await act(async () => {
      useProjects.setState({ currentId: 'a' })
    })
    expect(m.sandbox.status.mock.calls.map(([id]) => id)).toEqual(['a', 'b', 'a'])
    stop()
    expect(live('sandbox:status:a')).toBe(0)
  })

  it('a pushed status that arrives before the Status answer wins', async () => {
    let answer!: (s: SandboxStatus) => void
    m.sandbox.status.mockImplementationOnce(() => new Promise<SandboxStatus>((res) => (answer = res)))
    useSandbox.getState().follow('a')
    act(() => handlers.get('sandbox:status:a')!.forEach((h) => h(status('a', { state: 'running' }))))
    await act(async () => answer(status('a', { state: 'paused' })))
    expect(useSandbox.getState().byProject.a.state).toBe('running')
  })

  it('following the same project twice subscribes once', () => {
    useSandbox.getState().follow('a')
    useSandbox.getState().follow('a')
    expect(live('sandbox:status:a')).toBe(1)
    expect(m.sandbox.status).toHaveBeenCalledTimes(1)
  })
})

describe('SandboxBadge', () => {
  it('shows the warning and the idle pause time in the popover', async () => {
    const soon = new Date(Date.now() + 5 * 60_000 + 20_000).toISOString()
    m.sandbox.status.mockImplementation(async (projectId: string) =>
      status(projectId, { sandboxId: 'sbx1', warning: 'A recorded install failed during the rebuild.', idlePauseAt: soon }),
    )
    const user = userEvent.setup()
    render(
      <TipProvider>
        <SandboxBadge projectId="a" />
      </TipProvider>,
    )
    const badge = await screen.findByRole('button', { name: /Sandbox Running \(warning: A recorded install failed/ })
    expect(badge).toHaveAttribute('data-testid', 'sandbox-badge')
    expect(badge).toHaveAttribute('data-warning', 'true')
    await user.click(badge)
    expect(await screen.findByTestId('sandbox-warning')).toHaveTextContent('A recorded install failed during the rebuild.')
    expect(screen.getByTestId('sandbox-idle-pause')).toHaveTextContent('in 5 min')
  })

  it('says when E2B cannot be reached, with the reason, and offers no Resume', async () => {
    m.sandbox.status.mockImplementation(async (projectId: string) =>
      status(projectId, { state: 'unreachable', sandboxId: 'sbx1', error: 'Tessera cannot reach E2B right now: Could not reach E2B.' }),
    )
    const user = userEvent.setup()
    render(
      <TipProvider>
        <SandboxBadge projectId="a" />
      </TipProvider>,
    )
    const badge = await screen.findByRole('button', { name: 'Sandbox E2B unreachable' })
    expect(screen.getByTestId('sandbox-resume')).toBeDisabled()
    await user.click(badge)
    expect(await screen.findByTestId('sandbox-help')).toHaveTextContent('asks E2B again every 30 seconds')
    expect(screen.getAllByText(/cannot reach E2B right now/).length).toBeGreaterThan(0)
  })

  it('has no warning marker without a warning', async () => {
    render(
      <TipProvider>
        <SandboxBadge projectId="a" />
      </TipProvider>,
    )
    const badge = await screen.findByRole('button', { name: 'Sandbox Paused' })
    expect(badge).not.toHaveAttribute('data-warning')
  })
})
