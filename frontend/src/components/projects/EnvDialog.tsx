import { useEffect, useState, type FormEvent } from 'react'
import { KeyRound, Trash2 } from 'lucide-react'
import { errorMessage } from '../../api'
import { useEnv, validateEnvName, validateEnvValue } from '../../stores/env'
import { Dialog } from '../ui/Dialog'
import { Button } from '../ui/Button'
import { cutName } from '../../lib/names'

const inputCls =
  'h-9 w-full rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring'

/**
 * A project's variables and secrets. Secret values go to the OS keychain and
 * are never shown again; the sandbox gets every value (its .env, commands,
 * Python cells), the model only the names.
 */
export function EnvDialog({
  projectId,
  projectName,
  open,
  onOpenChange,
}: {
  projectId: string | null
  projectName: string
  open: boolean
  onOpenChange: (o: boolean) => void
}) {
  const { vars, loading, error, note, warning, notes, load, set, remove } = useEnv()
  const [name, setName] = useState('')
  const [value, setValue] = useState('')
  const [secret, setSecret] = useState(false)
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (open && projectId) {
      void load(projectId)
      setName('')
      setValue('')
      setSecret(false)
      setFormError(null)
    }
  }, [open, projectId, load])

  const existing = vars.find((v) => v.name === name.trim())

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!projectId) return
    const v = validateEnvName(name) ?? validateEnvValue(value)
    if (v) {
      setFormError(v)
      return
    }
    if (secret && !value && !(existing && existing.secret)) {
      setFormError('Give the secret a value.')
      return
    }
    setBusy(true)
    setFormError(null)
    try {
      await set({ projectId, name, value, secret })
      setName('')
      setValue('')
      setSecret(false)
    } catch (err) {
      setFormError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const onRemove = async (n: string) => {
    if (!projectId) return
    setFormError(null)
    try {
      await remove(projectId, n)
    } catch (err) {
      setFormError(errorMessage(err))
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Environment of “${cutName(projectName)}”`}
      description="Variables reach the sandbox (its .env file, commands and Python code). Secret values are kept in your keychain and never shown again; the assistant only learns the names."
      className="w-[min(92vw,40rem)]"
      closeTestId="env-close"
    >
      {loading ? <p className="text-sm text-muted-foreground">Loading…</p> : null}
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {!loading && !error && vars.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="env-empty">
          No variables yet.
        </p>
      ) : null}
      {vars.length > 0 ? (
        <ul className="mb-3 flex flex-col divide-y divide-border rounded-md border border-border" data-testid="env-list">
          {vars.map((v) => (
            <li key={v.name} className="flex items-center gap-2 px-2 py-1.5 text-sm" data-testid="env-row" data-name={v.name}>
              <span className="font-mono font-medium">{v.name}</span>
              <span className="min-w-0 flex-1 truncate font-mono text-muted-foreground" data-testid="env-value">
                {v.secret ? (
                  <span className="inline-flex items-center gap-1">
                    <KeyRound className="h-3 w-3" aria-hidden /> secret
                  </span>
                ) : (
                  v.value
                )}
              </span>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setName(v.name)
                  setValue(v.secret ? '' : v.value)
                  setSecret(v.secret)
                }}
                data-testid="env-edit"
              >
                Edit
              </Button>
              <Button size="icon" variant="ghost" aria-label={`Remove ${v.name}`} data-testid="env-remove" onClick={() => void onRemove(v.name)}>
                <Trash2 className="h-3.5 w-3.5" />
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={submit} noValidate className="flex flex-col gap-2">
        <div className="grid grid-cols-[1fr_1.4fr] gap-2">
          <label className="flex flex-col gap-1 text-xs font-medium">
            Name
            <input
              data-testid="env-name"
              value={name}
              onChange={(e) => {
                setName(e.target.value)
                setFormError(null)
              }}
              placeholder="API_URL"
              spellCheck={false}
              autoComplete="off"
              className={inputCls + ' font-mono'}
            />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium">
            Value
            <input
              data-testid="env-value-input"
              type={secret ? 'password' : 'text'}
              value={value}
              onChange={(e) => {
                setValue(e.target.value)
                setFormError(null)
              }}
              placeholder={secret && existing?.secret ? 'Leave empty to keep the saved value' : ''}
              spellCheck={false}
              autoComplete="off"
              className={inputCls + ' font-mono'}
            />
          </label>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="env-secret" checked={secret} onChange={(e) => setSecret(e.target.checked)} />
          Secret (kept in the keychain, never shown again)
        </label>
        {formError ? (
          <p role="alert" className="text-xs text-destructive" data-testid="env-error">
            {formError}
          </p>
        ) : null}
        {warning ? (
          <p role="alert" className="text-xs text-destructive" data-testid="env-warning">
            {warning}
          </p>
        ) : note ? (
          <p role="status" className="text-xs text-muted-foreground" data-testid="env-note">
            {note}
          </p>
        ) : null}
        {notes.length ? (
          <ul className="list-disc pl-4 text-xs text-muted-foreground" data-testid="env-notes">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Done
          </Button>
          <Button type="submit" variant="primary" data-testid="env-save" disabled={busy}>
            {existing ? 'Save' : 'Add'}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
