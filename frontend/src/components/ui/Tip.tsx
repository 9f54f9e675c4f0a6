import * as TT from '@radix-ui/react-tooltip'
import type { ReactNode } from 'react'

/** A tooltip around one focusable child. Needs TT.Provider above (App). */
export function Tip({ content, children }: { content: ReactNode; children: ReactNode }) {
  return (
    <TT.Root delayDuration={300}>
      <TT.Trigger asChild>{children}</TT.Trigger>
      <TT.Portal>
        <TT.Content
          sideOffset={6}
          className="z-[70] max-w-xs rounded-md border border-border bg-card px-2 py-1 text-xs text-foreground shadow-md"
        >
          {content}
        </TT.Content>
      </TT.Portal>
    </TT.Root>
  )
}

export const TipProvider = TT.Provider
