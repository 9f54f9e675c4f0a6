import * as RD from '@radix-ui/react-dialog'
import * as AD from '@radix-ui/react-alert-dialog'
import { X } from 'lucide-react'
import type { ReactNode } from 'react'
import { Button } from './Button'
import { cn } from '../../lib/utils'
import { inNotices } from './Toaster'

/** Dismissing a notice is not a click outside the dialog. */
export function keepForNotices(e: { target: EventTarget | null; preventDefault: () => void }) {
  if (inNotices(e.target)) e.preventDefault()
}

// Dialogs live above the notice strip (--notices-h, set by the Toaster): a
// notice never covers a dialog's buttons, and a dialog never hides a notice.
export const overlay = 'fixed inset-x-0 top-0 bottom-[var(--notices-h,0px)] z-40 bg-black/50'
const content =
  'fixed left-1/2 top-[calc((100vh_-_var(--notices-h,0px))/2)] z-50 max-h-[calc(90vh_-_var(--notices-h,0px))] w-[min(92vw,32rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg border border-border bg-card p-5 text-foreground shadow-xl focus:outline-none'

export function Dialog(props: {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  description?: string
  children: ReactNode
  className?: string
  closeTestId?: string
}) {
  return (
    <RD.Root open={props.open} onOpenChange={props.onOpenChange}>
      <RD.Portal>
        <RD.Overlay className={overlay} />
        <RD.Content
          className={cn(content, props.className)}
          onPointerDownOutside={keepForNotices}
          onFocusOutside={keepForNotices}
          aria-describedby={props.description ? undefined : undefined}
        >
          <div className="mb-3 flex items-start justify-between gap-4">
            <div className="min-w-0">
              <RD.Title className="text-base font-semibold [overflow-wrap:anywhere]">{props.title}</RD.Title>
              {props.description ? (
                <RD.Description className="mt-1 text-sm text-muted-foreground [overflow-wrap:anywhere]">{props.description}</RD.Description>
              ) : (
                <RD.Description className="sr-only">{props.title}</RD.Description>
              )}
            </div>
            <RD.Close asChild>
              <Button variant="ghost" size="icon" aria-label="Close" data-testid={props.closeTestId}>
                <X className="h-4 w-4" />
              </Button>
            </RD.Close>
          </div>
          {props.children}
        </RD.Content>
      </RD.Portal>
    </RD.Root>
  )
}

/** A confirmation for destructive actions (Radix AlertDialog: focus starts on Cancel). */
export function ConfirmDialog(props: {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  description: string
  confirmLabel: string
  onConfirm: () => void | Promise<void>
  busy?: boolean
  error?: string | null
  confirmTestId?: string
  cancelTestId?: string
  /** The cancel button's words when "Cancel" would not say what it keeps. */
  cancelLabel?: string
  children?: ReactNode
}) {
  return (
    <AD.Root open={props.open} onOpenChange={props.onOpenChange}>
      <AD.Portal>
        <AD.Overlay className={overlay} />
        <AD.Content className={content}>
          <AD.Title className="text-base font-semibold [overflow-wrap:anywhere]">{props.title}</AD.Title>
          <AD.Description className="mt-2 text-sm text-muted-foreground [overflow-wrap:anywhere]">{props.description}</AD.Description>
          {props.children}
          {props.error ? (
            <p role="alert" className="mt-3 text-sm text-destructive">
              {props.error}
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <AD.Cancel asChild>
              <Button variant="outline" data-testid={props.cancelTestId}>
                {props.cancelLabel ?? 'Cancel'}
              </Button>
            </AD.Cancel>
            <Button
              variant="destructive"
              data-testid={props.confirmTestId}
              disabled={props.busy}
              onClick={() => void props.onConfirm()}
            >
              {props.confirmLabel}
            </Button>
          </div>
        </AD.Content>
      </AD.Portal>
    </AD.Root>
  )
}
