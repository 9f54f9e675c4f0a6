import { Loader2 } from 'lucide-react'
import type { Stage } from '../../api'
import { useSandbox } from '../../stores/sandbox'

export function stageLabel(stage: Stage, sandboxState?: string): string {
  switch (stage) {
    case 'generating':
      return 'Generating…'
    case 'sandbox':
      return sandboxState === 'resuming'
        ? 'Resuming the sandbox…'
        : sandboxState === 'rebuilding'
          ? 'Rebuilding the sandbox…'
          : 'Starting the sandbox…'
    case 'installing':
      return 'Installing dependencies…'
    case 'writing':
      return 'Writing files…'
    case 'running':
      return 'Running…'
    case 'preview':
      return 'Waiting for the preview…'
    default:
      return 'Working…'
  }
}

export function StageIndicator({
  projectId,
  stage,
  installLog,
  stopping,
  waiting = '',
}: {
  projectId: string
  stage: Stage
  installLog: string
  stopping: boolean
  waiting?: string
}) {
  const sbState = useSandbox((s) => s.byProject[projectId]?.state)
  const sbWaiting = useSandbox((s) => s.byProject[projectId]?.waiting)
  // The sandbox's own wait (a 429 from E2B) says more than "still waiting".
  const wait = stage === 'sandbox' && sbWaiting ? sbWaiting : waiting
  return (
    <div data-testid="stage-indicator" data-stage={stage} role="status" aria-live="polite" className="flex flex-col gap-1 text-xs text-muted-foreground">
      <div className="flex items-center gap-2">
        <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden />
        <span>{stopping ? 'Stopping…' : stageLabel(stage, sbState)}</span>
      </div>
      {wait && !stopping ? (
        <p data-testid="stage-wait" className="pl-5">
          {wait}
        </p>
      ) : null}
      {installLog ? (
        <details className="rounded-md border border-border" open={false}>
          <summary className="cursor-pointer px-2 py-1">Install log</summary>
          <pre data-testid="install-log" className="max-h-48 overflow-auto px-2 pb-2 font-mono text-[11px] whitespace-pre-wrap">
            {installLog}
          </pre>
        </details>
      ) : null}
    </div>
  )
}
