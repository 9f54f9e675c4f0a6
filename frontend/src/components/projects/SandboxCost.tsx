import { useEffect, useState } from 'react'
import type { SandboxStatus } from '../../api'
import { useSandbox } from '../../stores/sandbox'
import { Button } from '../ui/Button'
import { Sparkline } from '../ui/Sparkline'
import { formatMinutes } from '../../lib/utils'
import { ModelSpend } from './ModelSpend'

/** Dollars: cents once it is worth it, else four decimals (E2B bills fractions of a cent). */
export function formatUSD(v: number): string {
  if (!Number.isFinite(v) || v <= 0) return '$0.00'
  return v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`
}

/**
 * The cost part of the sandbox popover: this month, the resources, the
 * CPU/memory chart from E2B's metrics and the monthly budget.
 */
export function SandboxCost({ projectId, status }: { projectId: string; status?: SandboxStatus }) {
  const cost = useSandbox((s) => s.cost[projectId])
  const metrics = useSandbox((s) => s.metrics[projectId]) ?? []
  const loadCost = useSandbox((s) => s.loadCost)
  const setBudget = useSandbox((s) => s.setBudget)
  const budget = status?.budgetUSD ?? 0
  const [draft, setDraft] = useState(budget ? String(budget) : '')
  const [error, setError] = useState('')

  // While the popover is open the chart follows E2B's samples (every 5 s there).
  useEffect(() => {
    void loadCost(projectId)
    const t = setInterval(() => void loadCost(projectId), 10_000)
    return () => clearInterval(t)
  }, [projectId, loadCost])
  useEffect(() => setDraft(budget ? String(budget) : ''), [budget])

  const save = async () => {
    const v = draft.trim() === '' ? 0 : Number(draft)
    if (!Number.isFinite(v) || v < 0) {
      setError('Enter an amount in US dollars, or leave it empty for no budget.')
      return
    }
    setError('')
    if (await setBudget(projectId, v)) void loadCost(projectId)
  }

  const cpu = metrics.map((m) => m.cpuUsedPct)
  const mem = metrics.map((m) => m.memUsedMB)
  const memTotal = metrics.length ? metrics[metrics.length - 1].memTotalMB : (cost?.memoryMB ?? 0)
  const last = metrics[metrics.length - 1]
  return (
    <div className="mt-3 border-t border-border pt-2 text-xs" data-testid="sandbox-cost">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className="text-muted-foreground">This month</dt>
        <dd data-testid="sandbox-cost-month">
          {formatUSD(status?.monthUSD ?? 0)}
          {budget > 0 ? ` of ${formatUSD(budget)}` : ''}
        </dd>
        <dt className="text-muted-foreground">Resources</dt>
        <dd data-testid="sandbox-resources">
          {cost ? `${cost.cpuCount} vCPU, ${cost.memoryMB} MiB${cost.resourcesKnown ? '' : ' (E2B default, until E2B tells)'}` : '—'}
        </dd>
      </dl>
      {metrics.length > 0 ? (
        <div className="mt-2 grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-1" data-testid="sandbox-metrics">
          <span className="text-muted-foreground">CPU {last ? `${Math.round(last.cpuUsedPct)}%` : ''}</span>
          <Sparkline values={cpu} max={100} label={`CPU use over the last ${metrics.length} samples`} testId="sandbox-cpu-chart" />
          <span className="text-muted-foreground">Memory {last ? `${Math.round(last.memUsedMB)} MiB` : ''}</span>
          <Sparkline values={mem} max={memTotal} label="Memory use" testId="sandbox-mem-chart" className="stroke-sky-500" />
        </div>
      ) : (
        <p className="mt-2 text-muted-foreground" data-testid="sandbox-metrics-empty">No CPU or memory samples yet: E2B records them every few seconds while the sandbox runs.</p>
      )}
      {cost && cost.days.length > 0 ? (
        <details className="mt-2">
          <summary className="cursor-pointer text-muted-foreground">Per day</summary>
          <table className="mt-1 w-full" data-testid="sandbox-cost-days">
            <tbody>
              {cost.days
                .slice()
                .reverse()
                .map((d) => (
                  <tr key={d.day}>
                    <td className="pr-2 font-mono">{d.day}</td>
                    <td className="pr-2">{formatMinutes(d.runningSeconds)}</td>
                    <td className="text-right">{formatUSD(d.usd)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </details>
      ) : null}
      <form
        className="mt-2 flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <label className="flex flex-1 flex-col gap-0.5">
          <span className="text-muted-foreground">Monthly budget ($)</span>
          <input
            data-testid="sandbox-budget-input"
            inputMode="decimal"
            placeholder="No budget"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={error ? true : undefined}
            className="h-7 rounded-md border border-border bg-background px-2"
          />
        </label>
        <Button size="sm" variant="outline" type="submit" data-testid="sandbox-budget-save">
          Set
        </Button>
      </form>
      {error ? (
        <p role="alert" className="mt-1 text-destructive" data-testid="sandbox-budget-error">
          {error}
        </p>
      ) : null}
      <p className="mt-1 text-muted-foreground">
        An estimate from E2B's per-second prices (Settings). When the budget is reached Tessera pauses the sandbox until you raise it.
      </p>
      <ModelSpend projectId={projectId} />
    </div>
  )
}
