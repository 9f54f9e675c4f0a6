import { useEffect, useState } from 'react'
import type { ModelSpendReport } from '../../api'
import { useSandbox } from '../../stores/sandbox'
import { Button } from '../ui/Button'
import { formatUSD } from './SandboxCost'

/**
 * The sentence for a month's model spend: the priced total, and what it
 * leaves out, so an inexact total never reads as exact (a model without
 * a price is "price unknown", never $0).
 */
export function modelSpendText(r: ModelSpendReport): string {
  if (r.calls === 0) return '$0.00 (no model calls yet)'
  const calls = (n: number) => `${n} ${n === 1 ? 'call' : 'calls'}`
  const priced = r.calls - r.unpriced
  const parts: string[] = []
  if (priced === 0) parts.push(`${calls(r.calls)} of a model not in the price table`)
  else if (r.unpriced > 0) parts.push(`${calls(r.unpriced)} at a price unknown`)
  if (r.estimated > 0) parts.push(`${r.estimated} estimated`)
  const head = priced > 0 ? formatUSD(r.usd) : 'price unknown'
  const budget = r.budgetUSD > 0 ? ` · budget ${formatUSD(r.budgetUSD)}` : ''
  const plus = priced > 0 ? '+ ' : ''
  return `${head}${parts.length ? ` (${plus}${parts.join(', ')})` : ''}${budget}`
}

/** The model's spend this month and its budget, beside the sandbox's. */
export function ModelSpend({ projectId }: { projectId: string }) {
  const report = useSandbox((s) => s.modelSpend[projectId])
  const setModelBudget = useSandbox((s) => s.setModelBudget)
  const budget = report?.budgetUSD ?? 0
  const [draft, setDraft] = useState(budget ? String(budget) : '')
  const [error, setError] = useState('')
  useEffect(() => setDraft(budget ? String(budget) : ''), [budget])
  if (!report) return null

  const save = async () => {
    const v = draft.trim() === '' ? 0 : Number(draft)
    if (!Number.isFinite(v) || v < 0) {
      setError('Enter an amount in US dollars, or leave it empty for no model budget.')
      return
    }
    setError('')
    await setModelBudget(projectId, v)
  }

  return (
    <div className="mt-2" data-testid="model-spend">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className="text-muted-foreground">Model this month</dt>
        <dd data-testid="model-spend-month">{modelSpendText(report)}</dd>
      </dl>
      {report.note ? (
        <p
          role={report.level === 'over' ? 'alert' : 'status'}
          data-testid="model-spend-note"
          className={report.level === 'over' ? 'mt-1 text-destructive' : 'mt-1 text-amber-600'}
        >
          {report.note}
        </p>
      ) : null}
      <form
        className="mt-2 flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <label className="flex flex-1 flex-col gap-0.5">
          <span className="text-muted-foreground">Monthly model budget ($)</span>
          <input
            data-testid="model-budget-input"
            inputMode="decimal"
            placeholder="No budget"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={error ? true : undefined}
            className="h-7 rounded-md border border-border bg-background px-2"
          />
        </label>
        <Button size="sm" variant="outline" type="submit" data-testid="model-budget-save">
          Set
        </Button>
      </form>
      {error ? (
        <p role="alert" className="mt-1 text-destructive" data-testid="model-budget-error">
          {error}
        </p>
      ) : null}
      <p className="mt-1 text-muted-foreground">
        From the providers' reported tokens at Tessera's price table of {report.priceDate}. At 80 % of the budget Tessera warns; at 100 % it sends no new turn until you raise it.
      </p>
    </div>
  )
}
