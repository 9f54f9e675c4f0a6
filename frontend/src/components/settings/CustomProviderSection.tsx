import { useState, type KeyboardEvent } from 'react'
import { Button } from '../ui/Button'
import { KeyField } from './KeyField'
import { llmAccount, useSettings } from '../../stores/settings'
import { useCatalog } from '../../stores/catalog'
import { toast } from '../../stores/toast'
import { errorMessage } from '../../api'
import { buildExtensions, CUSTOM_ID, LOCAL_OVERRIDES, readCustomServer, validateBaseURL, type CustomServerForm } from '../../lib/customProviders'

const inputCls =
  'h-8 min-w-0 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring aria-[invalid=true]:border-destructive'

/**
 * An OpenAI-compatible server (vLLM, llama.cpp, a proxy…) and the Ollama /
 * LM Studio base URLs, without editing JSON. Saved into
 * settings.customProviders next to whatever else is there.
 */
export function CustomProviderSection() {
  const saved = useSettings((s) => s.settings.customProviders)
  const save = useSettings((s) => s.save)
  const loadCatalog = useCatalog((s) => s.load)
  const [form, setForm] = useState<CustomServerForm>(() => readCustomServer(saved))
  const [error, setError] = useState<string | null>(null)
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)

  const urlError = touched && form.baseUrl.trim() ? validateBaseURL(form.baseUrl) : null

  const submit = async () => {
    setTouched(true)
    setError(null)
    // Build from what is saved now, not from when the dialog opened.
    const built = buildExtensions(useSettings.getState().settings.customProviders, form)
    if ('error' in built) {
      setError(built.error)
      return
    }
    setBusy(true)
    try {
      const saved = await save({ ...useSettings.getState().settings, customProviders: built.value })
      if (!saved) {
        toast.info('Nothing was saved: the server stays as it was.')
        return
      }
      await loadCatalog() // the model picker follows
      toast.success('Custom server saved.')
    } catch (err) {
      // The backend checks the JSON with llm.NewCatalog and says what is wrong.
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const onEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault()
      void submit()
    }
  }

  return (
    <section aria-labelledby="custom-heading" className="flex flex-col gap-3" data-testid="custom-provider-section">
      <h3 id="custom-heading" className="text-sm font-semibold">
        Custom OpenAI-compatible server
      </h3>
      <p className="text-xs text-muted-foreground">
        A server that speaks the OpenAI API (vLLM, llama.cpp, LiteLLM…). It appears in the model picker as “Custom”.
      </p>
      <div className="flex flex-col gap-1">
        <label htmlFor="custom-base-url" className="text-sm font-medium">
          Base URL
        </label>
        <input
          id="custom-base-url"
          data-testid="custom-base-url-input"
          type="url"
          inputMode="url"
          spellCheck={false}
          autoComplete="off"
          value={form.baseUrl}
          onChange={(e) => setForm({ ...form, baseUrl: e.target.value })}
          onBlur={() => setTouched(true)}
          onKeyDown={onEnter}
          placeholder="http://localhost:8000/v1"
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? 'custom-base-url-error' : undefined}
          className={inputCls}
        />
        {urlError ? (
          <p id="custom-base-url-error" data-testid="custom-base-url-error" className="text-xs text-destructive">
            {urlError}
          </p>
        ) : null}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="custom-models" className="text-sm font-medium">
          Model ids
        </label>
        <input
          id="custom-models"
          data-testid="custom-models-input"
          spellCheck={false}
          autoComplete="off"
          value={form.models}
          onChange={(e) => setForm({ ...form, models: e.target.value })}
          onKeyDown={onEnter}
          placeholder="qwen3-coder, llama-3.3-70b"
          className={inputCls}
        />
        <p className="text-xs text-muted-foreground">Separated by commas. Or leave empty and use “Refresh models” once saved.</p>
      </div>
      <details className="text-sm" open={LOCAL_OVERRIDES.some(({ id }) => !!form.local[id])}>
        <summary className="cursor-pointer text-xs text-muted-foreground">Ollama or LM Studio on another address</summary>
        <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2">
          {LOCAL_OVERRIDES.map(({ id, name, placeholder }) => (
            <div key={id} className="flex flex-col gap-1">
              <label htmlFor={`${id}-base-url`} className="text-xs font-medium">
                {name} base URL (optional)
              </label>
              <input
                id={`${id}-base-url`}
                data-testid={`${id}-base-url-input`}
                type="url"
                spellCheck={false}
                autoComplete="off"
                value={form.local[id] ?? ''}
                onChange={(e) => setForm({ ...form, local: { ...form.local, [id]: e.target.value } })}
                onKeyDown={onEnter}
                placeholder={placeholder}
                className={inputCls}
              />
            </div>
          ))}
        </div>
      </details>
      {error ? (
        <p role="alert" data-testid="custom-provider-error" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end">
        <Button size="sm" variant="primary" data-testid="custom-provider-save" disabled={busy} onClick={() => void submit()}>
          Save server
        </Button>
      </div>
      <KeyField
        account={llmAccount(CUSTOM_ID)}
        testId={CUSTOM_ID}
        label="API key of the server (optional)"
        help="Sent only if the server needs one; kept in the keychain."
        onChanged={() => void loadCatalog()}
      />
    </section>
  )
}
