import * as T from '@radix-ui/react-toast'
import { X } from 'lucide-react'
import { useToasts } from '../../stores/toast'
import { cn } from '../../lib/utils'

export function Toaster() {
  const toasts = useToasts((s) => s.toasts)
  const dismiss = useToasts((s) => s.dismiss)
  return (
    <T.Provider swipeDirection="right" duration={6000}>
      {toasts.map((t) => (
        <T.Root
          key={t.id}
          data-testid="toast"
          data-kind={t.kind}
          onOpenChange={(open) => !open && dismiss(t.id)}
          className={cn(
            'flex items-start gap-3 rounded-md border bg-card p-3 text-sm shadow-lg',
            t.kind === 'error' ? 'border-destructive' : 'border-border',
          )}
        >
          <T.Description className="flex-1">{t.message}</T.Description>
          <T.Close aria-label="Dismiss" className="text-muted-foreground hover:text-foreground">
            <X className="h-4 w-4" />
          </T.Close>
        </T.Root>
      ))}
      <T.Viewport className="fixed bottom-4 right-4 z-[60] flex w-96 max-w-[92vw] flex-col gap-2 outline-none" />
    </T.Provider>
  )
}
