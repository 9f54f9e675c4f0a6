import { Loader2 } from 'lucide-react'
import { quitInProgress, useQuit } from '../stores/quit'

/** A blocking overlay while the backend pauses sandboxes before quitting. */
export function QuitOverlay() {
  const done = useQuit((s) => s.done)
  const total = useQuit((s) => s.total)
  if (!quitInProgress({ done, total })) return null
  return (
    <div
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="quit-title"
      aria-describedby="quit-desc"
      data-testid="quit-overlay"
      className="fixed inset-0 z-[100] flex items-center justify-center bg-black/60"
    >
      <div className="flex w-[min(90vw,24rem)] flex-col items-center gap-3 rounded-lg border border-border bg-card p-6 text-center text-foreground shadow-xl">
        <Loader2 className="h-6 w-6 animate-spin text-accent" aria-hidden />
        <h2 id="quit-title" className="text-base font-semibold">
          Pausing sandboxes…{' '}
          <span data-testid="quit-progress" aria-live="polite">
            {done}/{total}
          </span>
        </h2>
        <p id="quit-desc" className="text-sm text-muted-foreground">
          Your work is saved. Tessera closes as soon as the sandboxes are paused.
        </p>
        <progress className="h-1.5 w-full" max={total} value={done} aria-label="Sandboxes paused" />
      </div>
    </div>
  )
}
