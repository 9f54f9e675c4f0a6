import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { AlertCircle, CheckCircle2, Info, X } from 'lucide-react'
import { useToasts, type Toast } from '../../stores/toast'
import { cn } from '../../lib/utils'

const DURATION_MS = 6000

/** The CSS variable dialogs read to stay above the notice strip. */
export const NOTICES_HEIGHT_VAR = '--notices-h'

/** True while a dialog is open: Escape belongs to it, not to a toast. */
function dialogOpen(): boolean {
  return !!document.querySelector('[role="dialog"], [role="alertdialog"]')
}

/** True when a pointer or focus event started in the notice strip (a dialog must not take it as "outside"). */
export function inNotices(target: EventTarget | null): boolean {
  return target instanceof Element && !!target.closest('[data-notices]')
}

/**
 * The notice strip: a row of its own at the bottom of the window, in the
 * page's flow, so a notice is placed where nothing else is and can never
 * cover a control (issue 29: a floating toast sat over Redo, Clear, the
 * tabs, the Settings title, the cost popover and the home filter). It keeps
 * its height when empty, so a notice never moves the composer under the
 * pointer; with several notices it grows upwards and the page above
 * shrinks. Dialogs are laid out above it (they read --notices-h).
 * Not a dismissable layer: Escape closes an open dialog first, and only
 * then the newest notice.
 */
export function Toaster() {
  const toasts = useToasts((s) => s.toasts)
  const dismiss = useToasts((s) => s.dismiss)
  const ref = useRef<HTMLElement>(null)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || dialogOpen()) return
      const newest = useToasts.getState().toasts.at(-1)
      if (newest) dismiss(newest.id)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [dismiss])

  // Dialogs and their overlay end where the strip begins.
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const root = document.documentElement
    const set = () => root.style.setProperty(NOTICES_HEIGHT_VAR, `${el.getBoundingClientRect().height}px`)
    set()
    if (typeof ResizeObserver === 'undefined') return () => root.style.removeProperty(NOTICES_HEIGHT_VAR)
    const ro = new ResizeObserver(set)
    ro.observe(el)
    return () => {
      ro.disconnect()
      root.style.removeProperty(NOTICES_HEIGHT_VAR)
    }
  }, [])

  return (
    <section
      ref={ref}
      aria-label="Notifications"
      data-notices=""
      data-testid="notices"
      // A modal dialog turns pointer events off on the body: notices stay dismissable.
      style={{ pointerEvents: 'auto' }}
      // Radix sees a press outside an open dialog or popover at pointerdown
      // and closes it at the click, when the dismissed notice has already
      // left the page (so it can no longer tell where the press was): the
      // press stays here.
      onPointerDown={(e) => e.stopPropagation()}
      className="relative z-[45] flex min-h-8 shrink-0 flex-col justify-end border-t border-border bg-background px-3 py-0.5"
    >
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={() => dismiss(t.id)} />
      ))}
    </section>
  )
}

const icons = { info: Info, success: CheckCircle2, error: AlertCircle }

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
  const Icon = icons[toast.kind]

  return (
    <div
      data-testid="toast"
      data-kind={toast.kind}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className="pointer-events-auto flex min-h-7 items-center gap-2 text-sm"
    >
      <Icon
        aria-hidden
        className={cn(
          'h-4 w-4 shrink-0',
          toast.kind === 'error' ? 'text-destructive' : toast.kind === 'success' ? 'text-emerald-600 dark:text-emerald-400' : 'text-muted-foreground',
        )}
      />
      <p className={cn('flex-1', toast.kind === 'error' && 'text-destructive')}>{toast.message}</p>
      <button type="button" aria-label="Dismiss" onClick={onDismiss} className="text-muted-foreground hover:text-foreground">
        <X className="h-4 w-4" />
      </button>
    </div>
  )
}
