import { act, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { SandboxStatus } from '../../api'
import { type makeApiMock } from '../../test/apiMock'
import { useSandbox } from '../../stores/sandbox'
import { SandboxBadge } from './SandboxBadge'
import { formatUSD } from './SandboxCost'
import { TipProvider } from '../ui/Tip'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

function status(over: Partial<SandboxStatus> = {}): SandboxStatus {
  return { projectId: 'a', state: 'running', sandboxId: 'sbx1', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 600, runningSecondsTotal: 600, todayUSD: 0.0195, monthUSD: 1.5, budgetUSD: 0, publishedUntil: '', ...over }
}

beforeEach(() => {
  vi.clearAllMocks()
  useSandbox.getState().follow(null)
  useSandbox.setState({ byProject: {}, busy: {}, following: null, cost: {}, metrics: {} })
  m.subscribe.mockImplementation(() => () => {})
  m.sandbox.metrics.mockResolvedValue([])
})

async function openPopover(st: SandboxStatus) {
  m.sandbox.status.mockImplementation(async () => st)
  const user = userEvent.setup()
  render(
    <TipProvider>
      <SandboxBadge projectId="a" />
    </TipProvider>,
  )
  await user.click(await screen.findByTestId('sandbox-badge'))
  return user
}

describe('formatUSD', () => {
  it.each([
    [0, '$0.00'],
    [-1, '$0.00'],
    [Number.NaN, '$0.00'],
    [0.0195, '$0.0195'],
    [1.5, '$1.50'],
    [12.345, '$12.35'],
  ])('%s -> %s', (v, want) => expect(formatUSD(v)).toBe(want))
})

describe('sandbox cost in the popover', () => {
  it("shows today's and this month's cost, the resources and the CPU/memory chart", async () => {
    m.sandbox.cost.mockResolvedValue({
      projectId: 'a', vcpuPerSecond: 0.000014, gibPerSecond: 0.0000045, cpuCount: 4, memoryMB: 2048, resourcesKnown: true,
      days: [{ day: '2026-12-01', runningSeconds: 3600, vcpuSeconds: 14400, memMiBSeconds: 7372800, usd: 0.2340 }],
      today: { day: '2026-12-02', runningSeconds: 600, vcpuSeconds: 2400, memMiBSeconds: 1228800, usd: 0.0195 },
      month: { day: '2026-12-01', runningSeconds: 4200, vcpuSeconds: 16800, memMiBSeconds: 8601600, usd: 1.5 },
      budgetUSD: 0,
    })
    m.sandbox.metrics.mockResolvedValue([
      { at: '2026-12-02T10:00:05Z', cpuCount: 4, cpuUsedPct: 10, memUsedMB: 300, memTotalMB: 2048 },
      { at: '2026-12-02T10:00:10Z', cpuCount: 4, cpuUsedPct: 55, memUsedMB: 420, memTotalMB: 2048 },
    ])
    await openPopover(status())
    expect(screen.getByTestId('sandbox-cost-today')).toHaveTextContent('$0.0195')
    expect(await screen.findByTestId('sandbox-resources')).toHaveTextContent('4 vCPU, 2048 MiB')
    expect(screen.getByTestId('sandbox-cost-month')).toHaveTextContent('$1.50')
    expect(screen.getByTestId('sandbox-cpu-chart')).toHaveAttribute('data-points', '2')
    expect(within(screen.getByTestId('sandbox-metrics')).getByText('CPU 55%')).toBeInTheDocument()
    expect(m.sandbox.cost).toHaveBeenCalledWith('a')
    expect(m.sandbox.metrics).toHaveBeenCalledWith('a')
  })

  it('says when there are no samples yet', async () => {
    await openPopover(status({ state: 'paused' }))
    expect(await screen.findByTestId('sandbox-metrics-empty')).toBeInTheDocument()
  })

  it('sets the monthly budget, and refuses what is not an amount without calling the backend', async () => {
    const user = await openPopover(status())
    const input = await screen.findByTestId('sandbox-budget-input')
    await user.type(input, 'ten')
    await user.click(screen.getByTestId('sandbox-budget-save'))
    expect(screen.getByTestId('sandbox-budget-error')).toHaveTextContent('amount in US dollars')
    expect(m.sandbox.setBudget).not.toHaveBeenCalled()
    await user.clear(input)
    await user.type(input, '12.5')
    await act(async () => {
      await user.click(screen.getByTestId('sandbox-budget-save'))
    })
    expect(m.sandbox.setBudget).toHaveBeenCalledWith('a', 12.5)
    expect(screen.queryByTestId('sandbox-budget-error')).toBeNull()
  })

  it('shows why the budget paused the sandbox and why a published one keeps running', async () => {
    await openPopover(status({ state: 'paused', budgetNote: "This project's monthly sandbox budget of $5.00 is reached", keptRunning: '' }))
    expect(screen.getByTestId('sandbox-budget-note')).toHaveTextContent('budget of $5.00 is reached')
  })

  it('turns the idle pause off while published', async () => {
    const until = new Date(Date.now() + 2 * 3600_000).toISOString()
    await openPopover(status({ publishedUntil: until, publishURL: 'https://3000-sbx1.e2b.app', keptRunning: 'The preview is published until 12:00, so Tessera does not pause this sandbox.' }))
    expect(screen.getByTestId('sandbox-idle-pause')).toHaveTextContent('off while published')
    expect(screen.getByTestId('sandbox-kept-running')).toHaveTextContent('does not pause')
  })
})
