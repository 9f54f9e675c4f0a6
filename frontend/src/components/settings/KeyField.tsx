import { useRef, useState } from 'react'
import { useSettings } from '../../stores/settings'
import { useKeyChecks } from '../../stores/keycheck'
import { errorMessage } from '../../api'
import { Button } from '../ui/Button'

/**
 * A write-only secret field. What is typed is a draft the Settings dialog
 * saves with everything else (one Save); the key goes to the OS keychain
 * and is never read back or shown. Check and Remove act on the saved key.
 */
export function KeyField({
  account,
  testId,
  label,
  help,
  value,
  onChange,
  error,
  onRemoved,
}: {
  account: string
  testId: string
  label: string
  help?: string
  /** The draft (not yet saved). */
  value: string
  onChange: (v: string) => void
  /** Why saving this key failed, shown under it. */
  error?: string | null
  onRemoved?: () => void
}) {
  const saved = useSettings((s) => !!s.keys[account])
  const deleteKey = useSettings((s) => s.deleteKey)
  const checked = useKeyChecks((s) => s.results[account])
  const checkKey = useKeyChecks((s) => s.check)
  const clearCheck = useKeyChecks((s) => s.clear)
  const [removeError, setRemoveError] = useState<string | null>(null)
  const [askRemove, setAskRemove] = useState(false)
  const [busy, setBusy] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const inputId = `key-${testId}`
  const shownError = error || removeError
  const errorId = `${inputId}-error`

  // A removed key cannot be brought back (Tessera never keeps a copy), so it asks first.
  const remove = async () => {
    setBusy(true)
    setRemoveError(null)
    try {
      await deleteKey(account)
      clearCheck(account)
      onRemoved?.()
    } catch (err) {
      setRemoveError(errorMessage(err))
    } finally {
      setBusy(false)
      setAskRemove(false)
    }
  }

  return (
    <div className="flex flex-col gap-1" data-testid={`key-field-${testId}`}>
      <div className="flex items-center justify-between">
        <label htmlFor={inputId} className="text-sm font-medium">
          {label}
        </label>
        <span
          data-testid={`key-status-${testId}`}
          className={
            saved && checked?.state === 'failed'
              ? 'text-xs font-medium text-destructive'
              : saved
                ? 'text-xs font-medium text-emerald-600 dark:text-emerald-400'
                : 'text-xs text-muted-foreground'
          }
        >
          {value.trim()
            ? saved
              ? 'Saved · will be replaced'
              : 'Not saved yet'
            : saved
              ? checked?.state === 'failed'
                ? 'Saved · refused'
                : 'Saved'
              : 'Not set'}
        </span>
      </div>
      <div className="flex gap-2">
        <input
          ref={inputRef}
          id={inputId}
          data-testid={`key-input-${testId}`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={saved ? 'Saved in the keychain. Type a new key to replace it.' : 'Paste your key'}
          aria-invalid={error ? true : undefined}
          aria-describedby={shownError ? errorId : undefined}
          className="h-8 min-w-0 flex-1 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring aria-[invalid=true]:border-destructive"
        />
        {saved && !askRemove ? (
          <>
            <Button
              type="button"
              size="sm"
              variant="outline"
              className="h-8"
              data-testid={`key-check-button-${testId}`}
              disabled={busy || checked?.state === 'checking'}
              onClick={() => void checkKey(account)}
            >
              Check
            </Button>
            <Button
              type="button"
              size="sm"
              variant="outline"
              className="h-8 text-destructive"
              data-testid={`key-remove-${testId}`}
              disabled={busy}
              onClick={() => setAskRemove(true)}
            >
              Remove
            </Button>
          </>
        ) : null}
        {saved && askRemove ? (
          <>
            <Button
              type="button"
              size="sm"
              variant="destructive"
              className="h-8"
              data-testid={`key-remove-confirm-${testId}`}
              disabled={busy}
              onClick={() => void remove()}
            >
              Remove key
            </Button>
            <Button type="button" size="sm" variant="outline" className="h-8" data-testid={`key-remove-cancel-${testId}`} onClick={() => setAskRemove(false)}>
              Keep
            </Button>
          </>
        ) : null}
      </div>
      {askRemove ? (
        <p className="text-xs text-muted-foreground" data-testid={`key-remove-ask-${testId}`}>
          The key is deleted from the keychain; to use this provider again you paste it again.
        </p>
      ) : null}
      {checked ? (
        <p
          data-testid={`key-check-${testId}`}
          data-state={checked.state}
          role={checked.state === 'failed' ? 'alert' : 'status'}
          className={
            checked.state === 'ok'
              ? 'text-xs text-emerald-600 dark:text-emerald-400'
              : checked.state === 'failed'
                ? 'text-xs text-destructive'
                : 'text-xs text-muted-foreground'
          }
        >
          {checked.state === 'checking' ? 'Checking the key…' : checked.message}
        </p>
      ) : null}
      {help ? <p className="text-xs text-muted-foreground">{help}</p> : null}
      {shownError ? (
        <p id={errorId} role="alert" data-testid={`key-error-${testId}`} className="text-xs text-destructive">
          {shownError}
        </p>
      ) : null}
    </div>
  )
}
