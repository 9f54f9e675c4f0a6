import { useRef, useState, type FormEvent } from 'react'
import { useSettings } from '../../stores/settings'
import { useKeyChecks } from '../../stores/keycheck'
import { errorMessage } from '../../api'
import { Button } from '../ui/Button'

/**
 * A write-only secret field: the key goes to the OS keychain through SetKey
 * and is never read back or shown; the field is cleared after saving.
 */
export function KeyField({
  account,
  testId,
  label,
  help,
  onChanged,
}: {
  account: string
  testId: string
  label: string
  help?: string
  onChanged?: () => void
}) {
  const saved = useSettings((s) => !!s.keys[account])
  const setKey = useSettings((s) => s.setKey)
  const deleteKey = useSettings((s) => s.deleteKey)
  const checked = useKeyChecks((s) => s.results[account])
  const checkKey = useKeyChecks((s) => s.check)
  const clearCheck = useKeyChecks((s) => s.clear)
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const inputId = `key-${testId}`

  const save = async (e?: FormEvent) => {
    e?.preventDefault()
    const v = value.trim()
    if (!v) return
    setBusy(true)
    setError(null)
    // Empty the field before the key is saved: the store marks it "Saved" as
    // soon as SetKey returns, and React would render that while the secret
    // was still in the input (and its value attribute) until the next line.
    setValue('')
    try {
      await setKey(account, v)
      onChanged?.()
      // Check the key now, before anything is spent on it.
      void checkKey(account)
    } catch (err) {
      // Not saved: give the key back so the person can try again.
      setValue((cur) => cur || v)
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const remove = async () => {
    setBusy(true)
    setError(null)
    try {
      await deleteKey(account)
      clearCheck(account)
      onChanged?.()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center justify-between">
        <label htmlFor={inputId} className="text-sm font-medium">
          {label}
        </label>
        <span
          data-testid={`key-status-${testId}`}
          className={saved ? 'text-xs font-medium text-emerald-600 dark:text-emerald-400' : 'text-xs text-muted-foreground'}
        >
          {saved ? 'Saved' : 'Not set'}
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
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void save()
          }}
          placeholder={saved ? 'Saved in the keychain. Type a new key to replace it.' : 'Paste your key'}
          className="h-8 min-w-0 flex-1 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
        />
        <Button size="sm" variant="primary" className="h-8" data-testid={`key-save-${testId}`} disabled={busy || !value.trim()} onClick={() => void save()}>
          Save
        </Button>
        {saved ? (
          <>
            <Button
              size="sm"
              variant="outline"
              className="h-8"
              data-testid={`key-check-button-${testId}`}
              disabled={busy || checked?.state === 'checking'}
              onClick={() => void checkKey(account)}
            >
              Check
            </Button>
            <Button size="sm" variant="outline" className="h-8" data-testid={`key-replace-${testId}`} onClick={() => inputRef.current?.focus()}>
              Replace
            </Button>
            <Button size="sm" variant="outline" className="h-8 text-destructive" data-testid={`key-remove-${testId}`} disabled={busy} onClick={() => void remove()}>
              Remove
            </Button>
          </>
        ) : null}
      </div>
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
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  )
}
