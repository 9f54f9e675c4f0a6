import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { ModelSpendReport, SandboxStatus } from '../../api'
import { type makeApiMock } from '../../test/apiMock'
import { useSandbox } from '../../stores/sandbox'
import { SandboxBadge } from './SandboxBadge'
import { modelSpendText } from './ModelSpend'
import { TipProvider } from '../ui/Tip'
import { useToasts } from '../../stores/toast'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

function report(over: Partial<ModelSpendReport> = {}): ModelSpendReport {
  return { projectId: 'a', month: '2026-12', calls: 3, usd: 1.5, unpriced: 0, estimated: 0, unknown: 0, promptTokens: 1000, cachedTokens: 0, outputTokens: 100, budgetUSD: 0, level: '', note: '', priceDate: '2026-11-01', ...over }
}

function status(): SandboxStatus {
  return { projectId: 'a', state: 'running', sandboxId: 'sbx1', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 600, runningSecondsTotal: 600, todayUSD: 0.0195, monthUSD: 1.5, budgetUSD: 0, publishedUntil: '' }
}

beforeEach(() => {
  vi.clearAllMocks()
  useSandbox.getState().follow(null)
  useSandbox.setState({ byProject: {}, busy: {}, following: null, cost: {}, metrics: {}, modelSpend: {} })
  m.subscribe.mockImplementation(() => () => {})
  m.sandbox.metrics.mockResolvedValue([])
  m.sandbox.status.mockImplementation(async () => status())
})

async function openPopover() {
  const user = userEvent.setup()
  render(
    <TipProvider>
      <SandboxBadge projectId="a" />
    </TipProvider>,
  )
  await user.click(await screen.findByTestId('sandbox-badge'))
  return user
}

describe('modelSpendText', () => {
  it.each([
    ['no calls', report({ calls: 0, usd: 0 }), '$0.00 (no model calls yet)'],
    ['all priced', report(), '$1.50'],
    ['with a budget', report({ budgetUSD: 10 }), '$1.50 · budget $10.00'],
    ['unpriced with a budget', report({ unpriced: 3, usd: 0, budgetUSD: 5 }), 'price unknown (3 calls of a model not in the price table) · budget $5.00'],
    ['some unpriced', report({ unpriced: 1 }), '$1.50 (+ 1 call at a price unknown)'],
    ['all unpriced: not $0', report({ unpriced: 3, usd: 0 }), 'price unknown (3 calls of a model not in the price table)'],
    ['estimated', report({ estimated: 2 }), '$1.50 (+ 2 estimated)'],
  ])('%s', (_name, r, want) => expect(modelSpendText(r)).toBe(want))
})

describe('model spend in the sandbox popover', () => {
  it("shows this month's model spend beside the sandbox's, and the budget's warning", async () => {
    m.sandbox.modelSpend.mockResolvedValue(report({ usd: 8.5, budgetUSD: 10, level: 'warn', note: 'This project has spent $8.50 of its monthly model budget of $10.00 (85 %).' }))
    await openPopover()
    expect(await screen.findByTestId('model-spend-month')).toHaveTextContent('$8.50 · budget $10.00')
    expect(screen.getByTestId('sandbox-cost-month')).toHaveTextContent('$1.50')
    expect(screen.getByTestId('model-spend-note')).toHaveTextContent('monthly model budget')
    expect(screen.getByTestId('model-spend-note')).toHaveAttribute('role', 'status')
    expect(m.sandbox.modelSpend).toHaveBeenCalledWith('a')
  })

  it('marks a reached budget as an alert', async () => {
    m.sandbox.modelSpend.mockResolvedValue(report({ usd: 10, budgetUSD: 10, level: 'over', note: "This project's monthly model budget of $10.00 is reached" }))
    await openPopover()
    expect(await screen.findByTestId('model-spend-note')).toHaveAttribute('role', 'alert')
  })

  it('sets the model budget, and refuses what is not an amount without calling the backend', async () => {
    const user = await openPopover()
    const input = await screen.findByTestId('model-budget-input')
    await user.type(input, '-4')
    await user.click(screen.getByTestId('model-budget-save'))
    expect(screen.getByTestId('model-budget-error')).toHaveTextContent('amount in US dollars')
    expect(m.sandbox.setModelBudget).not.toHaveBeenCalled()
    await user.clear(input)
    await user.type(input, '20')
    await act(async () => {
      await user.click(screen.getByTestId('model-budget-save'))
    })
    expect(m.sandbox.setModelBudget).toHaveBeenCalledWith('a', 20)
    expect(screen.queryByTestId('model-budget-error')).toBeNull()
    // The sandbox's budget is another one: untouched.
    expect(m.sandbox.setBudget).not.toHaveBeenCalled()
  })
})

describe('checkModelBudget after a turn', () => {
  it('says the 80 % warning once per month and level, and nothing under it', async () => {
    const toasts = () => useToasts.getState().toasts.filter((t) => t.message.includes('model budget'))
    useToasts.setState({ toasts: [] })
    useSandbox.setState({ modelWarned: {} })
    m.sandbox.modelSpend.mockResolvedValue(report({ usd: 5, budgetUSD: 10 }))
    await useSandbox.getState().checkModelBudget('a')
    expect(toasts()).toHaveLength(0)
    const warn = report({ usd: 8, budgetUSD: 10, level: 'warn', note: 'This project has spent $8.00 of its monthly model budget of $10.00 (80 %).' })
    m.sandbox.modelSpend.mockResolvedValue(warn)
    await useSandbox.getState().checkModelBudget('a')
    await useSandbox.getState().checkModelBudget('a')
    expect(toasts()).toHaveLength(1)
    useToasts.setState({ toasts: [] })
    await useSandbox.getState().checkModelBudget('a')
    expect(toasts()).toHaveLength(0)
    // A new month warns again.
    m.sandbox.modelSpend.mockResolvedValue({ ...warn, month: '2027-01' })
    await useSandbox.getState().checkModelBudget('a')
    expect(toasts()).toHaveLength(1)
    expect(useSandbox.getState().modelSpend.a.month).toBe('2027-01')
  })
})
