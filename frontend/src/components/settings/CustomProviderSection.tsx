import type { ReactNode } from 'react'
import { LOCAL_OVERRIDES, validateBaseURL, type CustomServerForm } from '../../lib/customProviders'

const inputCls =
  'h-8 min-w-0 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring aria-[invalid=true]:border-destructive'

/**
 * An OpenAI-compatible server (vLLM, llama.cpp, a proxy…) and the Ollama /
 * LM Studio base URLs, without editing JSON. A part of the Settings form:
 * the dialog saves it with everything else (into settings.customProviders,
 * next to whatever else is there).
 */
export function CustomProviderSection({
  form,
  onChange,
  error,
  keyField,
}: {
  form: CustomServerForm
  onChange: (f: CustomServerForm) => void
  /** Why the server could not be saved (the page's check or the backend's). */
  error?: string | null
  /** The server's optional API key field. */
  keyField: ReactNode
}) {
  const urlError = form.baseUrl.trim() ? validateBaseURL(form.baseUrl) : null
  const shown = error ?? urlError

  return (
    <div className="flex flex-col gap-3" data-testid="custom-provider-section">
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
          onChange={(e) => onChange({ ...form, baseUrl: e.target.value })}
          placeholder="http://localhost:8000/v1"
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? 'custom-base-url-error' : undefined}
          className={inputCls}
        />
        {shown ? (
          <p id="custom-base-url-error" role="alert" data-testid="custom-provider-error" className="text-xs text-destructive">
            {shown}
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
          onChange={(e) => onChange({ ...form, models: e.target.value })}
          placeholder="qwen3-coder, llama-3.3-70b"
          className={inputCls}
        />
        <p className="text-xs text-muted-foreground">Separated by commas. Or leave empty and use “Refresh models” once saved.</p>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          data-testid="custom-images-input"
          checked={form.images}
          onChange={(e) => onChange({ ...form, images: e.target.checked })}
          className="h-4 w-4 accent-[var(--accent)]"
        />
        These models take images (screenshots and sketches can be attached in the chat)
      </label>
      {keyField}
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
                onChange={(e) => onChange({ ...form, local: { ...form.local, [id]: e.target.value } })}
                placeholder={placeholder}
                className={inputCls}
              />
            </div>
          ))}
        </div>
      </details>
    </div>
  )
}
