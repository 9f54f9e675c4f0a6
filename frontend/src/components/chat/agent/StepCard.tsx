import { memo, useState } from 'react'
import { Ban, Check, ChevronRight, CircleDashed, Hand, Loader2, ShieldAlert, X } from 'lucide-react'
import type { AgentApproval, AgentStep, ApprovalDecision, StepStatus } from '../../../api/agent'
import { stepFailed } from '../../../api/agent'
import { cn } from '../../../lib/utils'
import { Button } from '../../ui/Button'

const STATUS_LABEL: Record<StepStatus, string> = {
  running: 'Running',
  waiting: 'Waiting for you',
  ok: 'Done',
  failed: 'Failed',
  denied: 'Denied',
  refused: 'Refused',
  canceled: 'Stopped',
}

function StatusIcon({ status }: { status: StepStatus }) {
  const c = 'h-3.5 w-3.5 shrink-0'
  switch (status) {
    case 'running':
      return <Loader2 className={cn(c, 'animate-spin text-muted-foreground')} aria-hidden />
    case 'waiting':
      return <Hand className={cn(c, 'text-amber-500')} aria-hidden />
    case 'ok':
      return <Check className={cn(c, 'text-emerald-600')} aria-hidden />
    case 'denied':
    case 'refused':
      return <Ban className={cn(c, 'text-destructive')} aria-hidden />
    case 'canceled':
      return <CircleDashed className={cn(c, 'text-muted-foreground')} aria-hidden />
    default:
      return <X className={cn(c, 'text-destructive')} aria-hidden />
  }
}

/** "1.2 s", "340 ms", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}

/** "$0.0012", "$1.20"; "" for nothing spent. */
export function formatCost(usd: number): string {
  if (usd <= 0) return ''
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`
}

export function formatTokens(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n)
}

/**
 * The inline approval: the exact command, why Tessera asks, and
 * Allow / Deny / Always. Once answered (or the turn ended) it says what
 * happened and offers nothing.
 */
export function ApprovalCard({ approval, error, onAnswer }: { approval: AgentApproval; error?: string; onAnswer?: (a: AgentApproval, d: ApprovalDecision) => void }) {
  const [sent, setSent] = useState<ApprovalDecision | null>(null)
  const pending = approval.state === 'pending'
  return (
    <div role={pending ? 'alertdialog' : undefined} aria-label={pending ? `Allow ${approval.tool}?` : undefined} data-testid="approval-card" data-state={approval.state} className="mt-1.5 rounded-md border border-amber-500/60 bg-amber-500/5 p-2 text-xs">
      <p className="flex items-center gap-1.5 font-medium">
        <ShieldAlert className="h-3.5 w-3.5 text-amber-500" aria-hidden />
        {pending ? 'Tessera asks before running this' : approval.state === 'allowed' ? 'You allowed this' : approval.state === 'denied' ? 'Denied: it did not run' : 'Not answered: it did not run'}
      </p>
      <pre data-testid="approval-command" className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-muted px-2 py-1 font-mono">
        {approval.command}
      </pre>
      {approval.reasons.length ? <p className="mt-1 text-muted-foreground">{approval.reasons.join(' ')}</p> : null}
      {approval.cwd ? <p className="mt-0.5 text-muted-foreground">in {approval.cwd}</p> : null}
      {error ? (
        <p role="alert" className="mt-1 text-destructive">
          {error}
        </p>
      ) : null}
      {pending && onAnswer ? (
        <div className="mt-1.5 flex gap-1.5">
          <Button size="sm" variant="primary" data-testid="approval-allow" disabled={!!sent} onClick={() => (setSent('allow'), onAnswer(approval, 'allow'))}>
            Allow
          </Button>
          <Button size="sm" variant="outline" data-testid="approval-deny" disabled={!!sent} onClick={() => (setSent('deny'), onAnswer(approval, 'deny'))}>
            Deny
          </Button>
          <Button size="sm" variant="ghost" data-testid="approval-always" disabled={!!sent} title={`Always run ${approval.tool} without asking (dangerous commands such as git push still ask)`} onClick={() => (setSent('always'), onAnswer(approval, 'always'))}>
            Always
          </Button>
        </div>
      ) : null}
    </div>
  )
}

/**
 * One step: tool, short arguments, duration, status, tokens and cost in
 * one line; the output only when expanded (so a long log stays cheap).
 * Memoised on the step object: the reducer replaces only the steps that
 * changed, so a new step re-renders one card, not the log.
 */
export const StepCard = memo(function StepCard({
  step,
  approval,
  answerError,
  onAnswer,
  onRestore,
}: {
  step: AgentStep
  approval: AgentApproval | null
  answerError?: string
  onAnswer?: (a: AgentApproval, d: ApprovalDecision) => void
  /** Offered on a settled step that changed files: back to before it (resolves with a conflict's sentence). */
  onRestore?: (seq: number, anyway?: boolean) => Promise<string | null>
}) {
  const [open, setOpen] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [restoring, setRestoring] = useState(false)
  const [conflict, setConflict] = useState<string | null>(null)
  const restore = (anyway: boolean) => {
    if (!onRestore) return
    setRestoring(true)
    void onRestore(step.index, anyway).then((c) => {
      setRestoring(false)
      setConflict(c)
      if (!c) setConfirming(false)
    })
  }
  const failed = stepFailed(step.status)
  const exit = step.exitCode !== null && step.exitCode !== 0 ? `exit code ${step.exitCode}` : ''
  const cut = step.truncatedFrom ? `(output cut from ${step.truncatedFrom.toLocaleString('en')} characters)` : ''
  const detail = [step.output, exit, cut, step.hint].filter(Boolean).join('\n\n')
  const cost = formatCost(step.costUsd)
  return (
    <li
      data-testid="agent-step"
      data-index={step.index}
      data-status={step.status}
      data-tool={step.tool}
      className={cn('rounded-md border bg-card text-xs', failed ? 'border-destructive/60' : 'border-border')}
    >
      <button
        type="button"
        aria-expanded={open}
        disabled={!detail}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center gap-1.5 px-2 py-1.5 text-left disabled:cursor-default"
      >
        <ChevronRight className={cn('h-3 w-3 shrink-0 text-muted-foreground transition-transform', open && 'rotate-90', !detail && 'invisible')} aria-hidden />
        <span className="w-6 shrink-0 tabular-nums text-muted-foreground">{step.index}</span>
        <StatusIcon status={step.status} />
        <span className="shrink-0 font-mono font-medium" data-testid="agent-step-tool">
          {step.tool}
        </span>
        <span className="min-w-0 flex-1 truncate font-mono text-muted-foreground" data-testid="agent-step-args" title={step.args}>
          {step.args}
        </span>
        <span className={cn('shrink-0', failed ? 'text-destructive' : 'text-muted-foreground')} data-testid="agent-step-status">
          {STATUS_LABEL[step.status]}
        </span>
        {exit ? <span className="shrink-0 text-destructive">{exit}</span> : null}
        {step.status !== 'running' && step.status !== 'waiting' ? <span className="shrink-0 tabular-nums text-muted-foreground">{formatDuration(step.durationMs)}</span> : null}
        {step.tokensIn + step.tokensOut > 0 ? (
          <span className="shrink-0 tabular-nums text-muted-foreground" title={`${step.tokensIn} tokens in, ${step.tokensOut} out`}>
            {formatTokens(step.tokensIn + step.tokensOut)} tok
          </span>
        ) : null}
        {cost ? <span className="shrink-0 tabular-nums text-muted-foreground">{cost}</span> : null}
      </button>
      {approval ? (
        <div className="px-2 pb-2">
          <ApprovalCard approval={approval} error={answerError} onAnswer={onAnswer} />
        </div>
      ) : null}
      {onRestore && step.changed.length ? (
        <div className="flex items-center gap-2 px-2 pb-1.5 text-muted-foreground">
          <span className="min-w-0 flex-1 truncate font-mono" title={step.changed.join(', ')}>
            changed {step.changed.join(', ')}
          </span>
          {confirming ? (
            <>
              <span role={conflict ? 'alert' : undefined} data-testid={conflict ? 'agent-step-restore-conflict' : undefined}>
                {conflict ?? `Put the files back to before step ${step.index}?`}
              </span>
              <Button size="sm" variant="outline" data-testid={conflict ? 'agent-step-restore-anyway' : 'agent-step-restore-confirm'} disabled={restoring} onClick={() => restore(!!conflict)}>
                {conflict ? 'Restore anyway' : 'Restore'}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setConfirming(false)
                  setConflict(null)
                }}
              >
                Cancel
              </Button>
            </>
          ) : (
            <button type="button" data-testid="agent-step-restore" className="underline hover:text-foreground" onClick={() => setConfirming(true)}>
              Back to before this step
            </button>
          )}
        </div>
      ) : null}
      {open && detail ? (
        <pre data-testid="agent-step-output" className={cn('max-h-72 overflow-auto border-t border-border px-2 py-1.5 font-mono whitespace-pre-wrap break-words', failed && 'text-destructive')}>
          {detail}
        </pre>
      ) : null}
    </li>
  )
})
