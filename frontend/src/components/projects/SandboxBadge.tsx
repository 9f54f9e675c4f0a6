import * as PO from '@radix-ui/react-popover'
import { AlertTriangle, Pause, Play, RotateCcw } from 'lucide-react'
import { useEffect, useState } from 'react'
import { useSandbox } from '../../stores/sandbox'
import type { SandboxState } from '../../api'
import { Button } from '../ui/Button'
import { Tip } from '../ui/Tip'
import { ConfirmDialog } from '../ui/Dialog'
import { cn, formatMinutes, timeUntil } from '../../lib/utils'
import { SandboxCost, formatUSD } from './SandboxCost'

const LABELS: Record<SandboxState, string> = {
  none: 'No sandbox',
  starting: 'Starting',
  resuming: 'Resuming',
  running: 'Running',
  pausing: 'Pausing',
  paused: 'Paused',
  rebuilding: 'Rebuilding',
  error: 'Error',
  unreachable: 'E2B unreachable',
}

const DOT: Record<SandboxState, string> = {
  none: 'bg-zinc-400',
  starting: 'bg-amber-500 animate-pulse',
  resuming: 'bg-amber-500 animate-pulse',
  running: 'bg-emerald-500',
  pausing: 'bg-sky-500 animate-pulse',
  paused: 'bg-sky-500',
  rebuilding: 'bg-amber-500 animate-pulse',
  error: 'bg-red-500',
  unreachable: 'bg-amber-500',
}

const BUSY: SandboxState[] = ['starting', 'resuming', 'pausing', 'rebuilding']

export function SandboxBadge({ projectId }: { projectId: string }) {
  const follow = useSandbox((s) => s.follow)
  const status = useSandbox((s) => s.byProject[projectId])
  const busy = useSandbox((s) => !!s.busy[projectId])
  const pause = useSandbox((s) => s.pause)
  const resume = useSandbox((s) => s.resume)
  const restart = useSandbox((s) => s.restart)
  const [, tick] = useState(0)
  const [confirmRestart, setConfirmRestart] = useState(false)

  // The store follows the current project (App); this makes sure it is this one.
  useEffect(() => follow(projectId), [projectId, follow])
  // Refresh "time until timeout" every 30 s.
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 30_000)
    return () => clearInterval(t)
  }, [])

  const state: SandboxState = status?.state ?? 'none'
  const transitional = BUSY.includes(state) || busy
  const until = state === 'running' ? timeUntil(status?.timeoutAt) : null
  const idleIn = state === 'running' ? timeUntil(status?.idlePauseAt) : null
  const warning = status?.warning || ''
  const publishedIn = state === 'running' ? timeUntil(status?.publishedUntil) : null
  const [open, setOpen] = useState(false)
  const tip = (
    <div className="flex flex-col gap-0.5">
      <span>Sandbox: {LABELS[state] ?? state}</span>
      {status?.sandboxId ? <span className="font-mono">{status.sandboxId}</span> : null}
      {idleIn ? <span>Pauses when idle in {idleIn}</span> : null}
      {until ? <span>Times out in {until}</span> : null}
      {publishedIn ? <span>Published for {publishedIn} more</span> : null}
      <span>Today {formatUSD(status?.todayUSD ?? 0)}</span>
      {warning ? <span className="text-amber-600 dark:text-amber-400">{warning}</span> : null}
      {status?.error ? <span className="text-destructive">{status.error}</span> : null}
    </div>
  )

  return (
    <div className="flex items-center gap-1">
      <PO.Root open={open} onOpenChange={setOpen}>
        <Tip content={tip}>
          <PO.Trigger
            data-testid="sandbox-badge"
            data-state={state}
            data-warning={warning ? 'true' : undefined}
            aria-label={`Sandbox ${LABELS[state] ?? state}${warning ? ` (warning: ${warning})` : ''}`}
            className="inline-flex h-7 items-center gap-1.5 rounded-full border border-border px-2.5 text-xs hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
          >
            <span className={cn('h-2 w-2 rounded-full', DOT[state] ?? 'bg-zinc-400')} aria-hidden />
            {LABELS[state] ?? state}
            {warning ? <AlertTriangle className="h-3 w-3 text-amber-500" aria-hidden /> : null}
          </PO.Trigger>
        </Tip>
        <PO.Portal>
          <PO.Content
            sideOffset={6}
            align="end"
            className="z-50 w-80 rounded-md border border-border bg-card p-3 text-sm text-foreground shadow-lg"
          >
            <h3 className="mb-2 font-semibold">Sandbox</h3>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-muted-foreground">State</dt>
              <dd>{LABELS[state] ?? state}</dd>
              <dt className="text-muted-foreground">Id</dt>
              <dd className="truncate font-mono">{status?.sandboxId || '—'}</dd>
              <dt className="text-muted-foreground">Idle pause</dt>
              <dd data-testid="sandbox-idle-pause">{publishedIn ? 'off while published' : idleIn ? `in ${idleIn}` : '—'}</dd>
              <dt className="text-muted-foreground">Times out</dt>
              <dd>{until ? `in ${until}` : '—'}</dd>
              <dt className="text-muted-foreground">Running today</dt>
              <dd data-testid="sandbox-minutes-today">{formatMinutes(status?.runningSecondsToday ?? 0)}</dd>
              <dt className="text-muted-foreground">Running in total</dt>
              <dd data-testid="sandbox-minutes-total">{formatMinutes(status?.runningSecondsTotal ?? 0)}</dd>
              <dt className="text-muted-foreground">Cost today</dt>
              <dd data-testid="sandbox-cost-today">{formatUSD(status?.todayUSD ?? 0)}</dd>
            </dl>
            {status?.budgetNote ? (
              <p data-testid="sandbox-budget-note" role="status" className="mt-2 text-xs text-amber-700 dark:text-amber-400">
                {status.budgetNote}
              </p>
            ) : null}
            {status?.keptRunning ? (
              <p data-testid="sandbox-kept-running" className="mt-2 text-xs text-muted-foreground">
                {status.keptRunning}
              </p>
            ) : null}
            {warning ? (
              <p data-testid="sandbox-warning" role="status" className="mt-2 flex items-start gap-1.5 text-xs text-amber-700 dark:text-amber-400">
                <AlertTriangle className="mt-0.5 h-3 w-3 shrink-0" aria-hidden />
                <span>{warning}</span>
              </p>
            ) : null}
            {status?.error ? <p className="mt-2 text-xs text-destructive">{status.error}</p> : null}
            <p className="mt-2 text-xs text-muted-foreground" data-testid="sandbox-help">
              {state === 'none'
                ? 'This project has no sandbox yet: one is created when you send a message.'
                : state === 'unreachable'
                  ? 'Tessera asks E2B again every 30 seconds; the badge updates by itself when it answers.'
                  : "A paused sandbox keeps its files, packages and memory; Restart builds a fresh one from the project's files."}
            </p>
            {open ? <SandboxCost projectId={projectId} status={status} /> : null}
          </PO.Content>
        </PO.Portal>
      </PO.Root>
      {/* Nothing to pause, resume or restart before the first run creates a sandbox. */}
      {state === 'none' && !busy ? null : (
        <>
          <Tip content={publishedIn ? 'Pause the sandbox (ends the published link)' : 'Pause the sandbox'}>
            <Button
              size="icon"
              variant="ghost"
              aria-label="Pause sandbox"
              data-testid="sandbox-pause"
              disabled={transitional || state !== 'running'}
              onClick={() => void pause(projectId)}
            >
              <Pause className="h-4 w-4" />
            </Button>
          </Tip>
          <Tip content="Resume the sandbox">
            <Button
              size="icon"
              variant="ghost"
              aria-label="Resume sandbox"
              data-testid="sandbox-resume"
              disabled={transitional || state === 'running' || state === 'unreachable'}
              onClick={() => void resume(projectId)}
            >
              <Play className="h-4 w-4" />
            </Button>
          </Tip>
          <Tip content="Restart: a fresh sandbox from the project's files">
            <Button
              size="icon"
              variant="ghost"
              aria-label="Restart sandbox"
              data-testid="sandbox-restart"
              disabled={transitional}
              onClick={() => setConfirmRestart(true)}
            >
              <RotateCcw className="h-4 w-4" />
            </Button>
          </Tip>
        </>
      )}
      <ConfirmDialog
        open={confirmRestart}
        onOpenChange={setConfirmRestart}
        title="Restart the sandbox?"
        description="The running app and everything in the sandbox's memory (variables, installed packages) are lost. A fresh sandbox is built from the project's files, which are kept."
        confirmLabel="Restart"
        confirmTestId="confirm-restart"
        onConfirm={() => {
          setConfirmRestart(false)
          void restart(projectId)
        }}
      />
    </div>
  )
}
