import { useState } from 'react'
import { errorMessage } from '../../api'
import { useSettings } from '../../stores/settings'
import { ConfirmDialog } from '../ui/Dialog'

/**
 * Asks before a settings change sends a key somewhere new (an E2B domain, a
 * provider's server). Nothing is saved until the person confirms here.
 */
export function RedirectConfirmDialog() {
  const redirect = useSettings((s) => s.redirect)
  const confirm = useSettings((s) => s.confirmRedirect)
  const cancel = useSettings((s) => s.cancelRedirect)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const n = redirect?.destinations.length ?? 0
  return (
    <ConfirmDialog
      open={!!redirect}
      onOpenChange={(open) => {
        if (!open) {
          setError(null)
          cancel()
        }
      }}
      title={n === 1 ? 'Send this key to a new server?' : 'Send these keys to new servers?'}
      description="Tessera will send the key with every request to the address below. Continue only if you made this change and trust the server."
      confirmLabel={n === 1 ? 'Use this server' : 'Use these servers'}
      confirmTestId="redirect-confirm"
      cancelTestId="redirect-cancel"
      busy={busy}
      error={error}
      onConfirm={async () => {
        setBusy(true)
        setError(null)
        try {
          await confirm()
        } catch (e) {
          setError(errorMessage(e))
        } finally {
          setBusy(false)
        }
      }}
    >
      <ul className="mt-3 flex flex-col gap-2 text-sm" data-testid="redirect-destinations">
        {redirect?.destinations.map((d) => (
          <li key={d.account} className="rounded-md border border-border p-2">
            <div className="font-medium">Your {d.name} key</div>
            <div className="break-all font-mono text-xs">
              {d.from ? <span className="text-muted-foreground line-through">{d.from}</span> : null}
              {d.from ? ' → ' : 'will go to '}
              <span className="text-foreground">{d.to}</span>
            </div>
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  )
}
