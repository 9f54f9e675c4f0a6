import { useEffect, useRef, useState } from 'react'
import { X } from 'lucide-react'
import { useToasts, type Toast } from '../../stores/toast'
import { cn } from '../../lib/utils'

const DURATION_MS = 6000

/** True while a dialog is open: Escape belongs to it, not to a toast. */
function dialogOpen(): boolean {
  return !!document.querySelector('[role="dialog"], [role="alertdialog"]')
}

/**
 * Notifications at the top centre, where no dialog keeps its buttons (at the
 * bottom right one covered "Save"). Not a dismissable layer: Escape closes
 * an open dialog first, and only then the newest toast.
 */
export function Toaster() {
  const toasts = useToasts((s) => s.toasts)
  const dismiss = useToasts((s) => s.dismiss)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || dialogOpen()) return
      const newest = useToasts.getState().toasts.at(-1)
      if (newest) dismiss(newest.id)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [dismiss])

  return (
    <section
      aria-label="Notifications"
      className="pointer-events-none fixed left-1/2 top-12 z-[60] flex w-96 max-w-[92vw] -translate-x-1/2 flex-col gap-2"
    >
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={() => dismiss(t.id)} />
      ))}
    </section>
  )
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  // Held while the pointer or focus is on it, so it can be read.
  const [held, setHeld] = useState(false)
  const dismissRef = useRef(onDismiss)
  dismissRef.current = onDismiss
  useEffect(() => {
    if (held) return
    const t = window.setTimeout(() => dismissRef.current(), DURATION_MS)
    return () => window.clearTimeout(t)
  }, [held])

  return (
    <div
      data-testid="toast"
      data-kind={toast.kind}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className={cn(
        'pointer-events-auto flex items-start gap-3 rounded-md border bg-card p-3 text-sm shadow-lg',
        toast.kind === 'error' ? 'border-destructive' : 'border-border',
      )}
    >
      <p className="flex-1">{toast.message}</p>
      <button type="button" aria-label="Dismiss" onClick={onDismiss} className="text-muted-foreground hover:text-foreground">
        <X className="h-4 w-4" />
      </button>
    </div>
  )
}
