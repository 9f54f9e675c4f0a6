import { useId, useState, type ReactNode } from 'react'
import { AlertCircle, CheckCircle2, ChevronDown, ChevronRight, CircleStop, Wrench } from 'lucide-react'
import { cn } from '../../lib/utils'

/** How a step or a turn ended: the same marks for a chat turn and for an agent's step. */
export type MarkTone = 'failed' | 'fixed' | 'stopped' | 'done'

const ICON = { failed: AlertCircle, fixed: Wrench, stopped: CircleStop, done: CheckCircle2 }

const TONE = {
  failed: 'border-destructive/60 bg-destructive/5 text-destructive',
  fixed: 'border-emerald-600/40 bg-emerald-600/5 text-emerald-700 dark:text-emerald-400',
  stopped: 'border-border text-muted-foreground',
  done: 'border-border text-muted-foreground',
}

/**
 * The mark of an outcome, on the thing it is about (issue 29): an icon, a
 * colour and one line, with the detail one click away and the actions (Fix,
 * Retry…) beside it. A failure is an alert, so it is announced.
 */
export function OutcomeMark({
  tone,
  line,
  detail,
  actions,
  testId = 'turn-mark',
  className,
}: {
  tone: MarkTone
  line: string
  /** The error text behind the line (shown on Details); none, no Details. */
  detail?: string
  /** Buttons beside the line (Fix, Retry, Remove). */
  actions?: ReactNode
  testId?: string
  className?: string
}) {
  const [open, setOpen] = useState(false)
  const id = useId()
  const Icon = ICON[tone]
  return (
    <div
      data-testid={testId}
      data-outcome={tone}
      role={tone === 'failed' ? 'alert' : 'status'}
      className={cn('mt-2 flex w-full max-w-xl flex-col rounded-md border px-3 py-1.5 text-sm', TONE[tone], className)}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Icon aria-hidden className="h-4 w-4 shrink-0" />
        <span className="min-w-0 flex-1 break-words" data-testid={`${testId}-line`}>
          {line}
        </span>
        {detail ? (
          <button
            type="button"
            aria-expanded={open}
            aria-controls={id}
            data-testid={`${testId}-details`}
            onClick={() => setOpen((o) => !o)}
            className="flex items-center gap-0.5 text-xs underline-offset-2 hover:underline"
          >
            {open ? <ChevronDown className="h-3 w-3" /> : <ChevronRight className="h-3 w-3" />} Details
          </button>
        ) : null}
        {actions}
      </div>
      {detail && open ? (
        <pre id={id} data-testid={`${testId}-detail`} className="mt-1.5 max-h-60 overflow-auto rounded bg-muted p-2 text-xs whitespace-pre-wrap text-foreground">
          {detail}
        </pre>
      ) : null}
    </div>
  )
}
