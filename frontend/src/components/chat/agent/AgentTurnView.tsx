import { useState } from 'react'
import { CheckCircle2, CircleAlert, Hammer, Pause, Play, Square } from 'lucide-react'
import type { AgentApproval, AgentMode, ApprovalDecision } from '../../../api/agent'
import { approvalOf, outcomeOf, stopSentence, totalsOf, type AgentTurn } from '../../../stores/agent/reducer'
import { cn } from '../../../lib/utils'
import { Button } from '../../ui/Button'
import { Markdown } from '../MessageRow'
import { StepCard, formatCost, formatTokens } from './StepCard'

/** Steps rendered at first in a long log; the rest behind "Show earlier steps". */
export const STEP_WINDOW = 60

export const MODE_LABEL: Record<AgentMode, string> = { agent: 'Agent', ask: 'Ask', plan: 'Plan', quick: 'Quick' }

const OUTCOME: Record<ReturnType<typeof outcomeOf>, { label: string; tone: string }> = {
  running: { label: 'Working…', tone: 'text-muted-foreground' },
  done: { label: 'Done', tone: 'text-emerald-600' },
  failed: { label: 'Failed', tone: 'text-destructive' },
  paused: { label: 'Paused', tone: 'text-amber-600' },
  stopped: { label: 'Stopped', tone: 'text-muted-foreground' },
  interrupted: { label: 'Interrupted', tone: 'text-amber-600' },
}

function OutcomeIcon({ outcome }: { outcome: ReturnType<typeof outcomeOf> }) {
  const c = 'h-3.5 w-3.5'
  if (outcome === 'done') return <CheckCircle2 className={c} aria-hidden />
  if (outcome === 'failed') return <CircleAlert className={c} aria-hidden />
  if (outcome === 'paused' || outcome === 'interrupted') return <Pause className={c} aria-hidden />
  if (outcome === 'stopped') return <Square className={c} aria-hidden />
  return null
}

export interface AgentTurnViewProps {
  turn: AgentTurn
  /** The newest turn of the chat: only it offers Continue and Build. */
  latest: boolean
  /** A turn of the chat is running now (nothing may start another). */
  busy: boolean
  answerErrors?: Record<string, string>
  onAnswer?: (a: AgentApproval, d: ApprovalDecision) => void
  onContinue?: () => void
  planDraft?: string
  onPlanDraft?: (text: string) => void
  onBuildPlan?: (plan: string) => void
  /** Back to before step seq (offered on settled turns). */
  onRestore?: (seq: number, anyway?: boolean) => Promise<string | null>
  /** Show the model's text (a saved answer's row shows it already). */
  showText?: boolean
}

/**
 * An agent turn as the person sees it: its outcome on the turn itself (a
 * failed last step is "Failed", never "Done"), the totals, the to-do list,
 * one card per step, the model's text, why it stopped with Continue, and
 * in Plan mode the plan to edit and build.
 */
export function AgentTurnView({ turn, latest, busy, answerErrors, onAnswer, onContinue, planDraft, onPlanDraft, onBuildPlan, onRestore, showText = true }: AgentTurnViewProps) {
  const [shown, setShown] = useState(STEP_WINDOW)
  const outcome = outcomeOf(turn)
  const totals = totalsOf(turn.steps)
  const start = Math.max(0, turn.steps.length - shown)
  const steps = start > 0 ? turn.steps.slice(start) : turn.steps
  const reason = stopSentence(turn)
  const canContinue = latest && !busy && turn.canContinue && !!onContinue
  // Plan mode: the finished turn's text is the plan.
  const plan = planDraft ?? turn.summary
  const cost = formatCost(totals.costUsd)
  return (
    <section data-testid="agent-turn" data-status={turn.status} data-outcome={outcome} data-mode={turn.mode} aria-label={`${MODE_LABEL[turn.mode]} turn`} className="flex w-full flex-col gap-1.5">
      <header className="flex items-center gap-2 text-xs">
        <span className="rounded bg-muted px-1.5 py-0.5 font-medium">{MODE_LABEL[turn.mode]}</span>
        <span data-testid="agent-outcome" className={cn('inline-flex items-center gap-1 font-medium', OUTCOME[outcome].tone)}>
          <OutcomeIcon outcome={outcome} />
          {OUTCOME[outcome].label}
        </span>
        <span className="text-muted-foreground" data-testid="agent-totals">
          {totals.steps} {totals.steps === 1 ? 'step' : 'steps'}
          {totals.failed ? `, ${totals.failed} failed` : ''}
          {totals.tokensIn + totals.tokensOut ? ` · ${formatTokens(totals.tokensIn + totals.tokensOut)} tokens` : ''}
          {cost ? ` · ${cost}` : ''}
        </span>
      </header>
      {turn.todos.length ? (
        <ul data-testid="agent-todos" className="flex flex-col gap-0.5 text-xs">
          {turn.todos.map((t, i) => (
            <li key={i} className={cn(t.done && 'text-muted-foreground line-through')}>
              {t.done ? '☑' : '☐'} {t.text}
            </li>
          ))}
        </ul>
      ) : null}
      {start > 0 ? (
        <button type="button" className="self-start text-xs text-muted-foreground underline" onClick={() => setShown((n) => n + STEP_WINDOW)}>
          Show earlier steps ({start})
        </button>
      ) : null}
      {steps.length ? (
        <ol data-testid="agent-steps" className="flex flex-col gap-1">
          {steps.map((s) => (
            <StepCard key={s.index} step={s} approval={approvalOf(turn, s)} answerError={s.approvalId ? answerErrors?.[s.approvalId] : undefined} onAnswer={onAnswer} onRestore={!busy && turn.status !== 'running' && turn.turnId ? onRestore : undefined} />
          ))}
        </ol>
      ) : null}
      {showText && turn.mode !== 'plan' && (turn.summary || turn.text) ? (
        <div data-testid="agent-text">
          <Markdown text={turn.summary || turn.text} />
        </div>
      ) : null}
      {turn.notices.map((n) => (
        <p key={n} role="status" data-testid="agent-notice" className="text-xs text-amber-700 dark:text-amber-400">
          {n}
        </p>
      ))}
      {turn.status === 'done' && turn.checked.length ? (
        <p data-testid="agent-checked" className="text-xs text-muted-foreground">
          Checked: {turn.checked.join('; ')}
        </p>
      ) : null}
      {reason ? (
        <p role={turn.status === 'failed' ? 'alert' : 'status'} data-testid="agent-stop-reason" className={cn('flex items-center gap-2 text-xs', turn.status === 'failed' ? 'text-destructive' : 'text-muted-foreground')}>
          <span className="flex-1">{reason}</span>
          {canContinue ? (
            <Button size="sm" variant="outline" data-testid="agent-continue" onClick={onContinue}>
              <Play className="h-3 w-3" /> Continue
            </Button>
          ) : null}
        </p>
      ) : null}
      {turn.mode === 'plan' && turn.status === 'done' && plan ? (
        <div data-testid="agent-plan" className="flex flex-col gap-1.5 rounded-md border border-border p-2">
          <label className="text-xs font-medium" htmlFor={`plan-${turn.requestId || turn.messageId}`}>
            The plan (edit it before building)
          </label>
          <textarea
            id={`plan-${turn.requestId || turn.messageId}`}
            data-testid="agent-plan-text"
            value={plan}
            readOnly={!latest || !onPlanDraft}
            onChange={(e) => onPlanDraft?.(e.target.value)}
            rows={Math.min(16, Math.max(4, plan.split('\n').length + 1))}
            className="w-full resize-y rounded border border-border bg-background p-1.5 font-mono text-xs"
          />
          {latest && onBuildPlan ? (
            <Button size="sm" variant="primary" className="self-start" data-testid="agent-build-plan" disabled={busy || !plan.trim()} onClick={() => onBuildPlan(plan)}>
              <Hammer className="h-3 w-3" /> Build this plan
            </Button>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}
