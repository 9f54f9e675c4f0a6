import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react'
import { Dialog } from '../ui/Dialog'
import { Button } from '../ui/Button'
import { SelectBox } from '../ui/SelectBox'
import { KeyField } from './KeyField'
import { CustomProviderSection } from './CustomProviderSection'
import { ProviderModelsSection } from './ProviderModelsSection'
import { buildExtensions, CUSTOM_ID, readCustomServer, type CustomServerForm } from '../../lib/customProviders'
import { UpdatesSection } from './UpdatesSection'
import { AgentSection } from './AgentSection'
import { E2B_ACCOUNT, llmAccount, useSettings } from '../../stores/settings'
import { useKeyChecks } from '../../stores/keycheck'
import { useCatalog } from '../../stores/catalog'
import { useUI } from '../../stores/ui'
import { toast } from '../../stores/toast'
import { toApiError, type Paths, type Provider, type Settings, type Theme } from '../../api'

const NONE = '__none__'
/** Where an error without a field of its own is shown (beside Save). */
const GENERAL = '_'
const inputCls =
  'h-8 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring aria-[invalid=true]:border-destructive'

/** A label, its input and the sentence about it, in that order. */
function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} role="alert" data-testid={`field-error-${id}`} className="text-xs text-destructive">
          {error}
        </p>
      ) : (
        hint
      )}
    </div>
  )
}

/** Configured providers (a saved key, or a local server that answers) come first; the rest wait behind "Add a provider". */
function splitProviders(providers: Provider[], keys: Record<string, boolean>) {
  const withKey = providers.filter((p) => p.needsKey)
  const configured = withKey.filter((p) => keys[llmAccount(p.id)] || p.usable)
  return { configured, others: withKey.filter((p) => !configured.includes(p)) }
}

/** The default-model choices: providers that can answer now, plus the saved choice's provider so it is not silently dropped. */
export function defaultModelGroups(providers: Provider[], current: string) {
  return [
    { label: '', options: [{ value: NONE, label: 'None (choose in the chat)' }] },
    ...providers
      .filter((p) => p.models.length > 0 && (p.usable || p.id === current))
      .map((p) => ({
        label: p.usable ? p.name : `${p.name} (needs a key)`,
        options: p.models.map((m) => ({ value: `${p.id}\u0000${m.id}`, label: m.name || m.id })),
      })),
  ]
}

/**
 * Settings for a person with one or two providers: E2B first, then the
 * providers they configured, the others collapsed, then preferences. One
 * Save writes everything — typed keys to the keychain, the rest to the
 * settings — and a refusal is shown beside the field it is about.
 */
export function SettingsDialog({
  version,
  paths,
  e2bDomainEnv,
}: {
  version?: string
  paths?: Pick<Paths, 'home' | 'logFile'>
  /** E2B_DOMAIN from the environment, which wins over this setting. */
  e2bDomainEnv?: string
}) {
  const open = useUI((s) => s.settingsOpen)
  const setOpen = useUI((s) => s.setSettingsOpen)
  const settings = useSettings((s) => s.settings)
  const keys = useSettings((s) => s.keys)
  const loadKeys = useSettings((s) => s.loadKeys)
  const keysError = useSettings((s) => s.keysError)
  const providers = useCatalog((s) => s.providers)
  const loadCatalog = useCatalog((s) => s.load)
  const [form, setForm] = useState<Settings>(settings)
  const [templatesText, setTemplatesText] = useState('')
  const [server, setServer] = useState<CustomServerForm>(() => readCustomServer(settings.customProviders))
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [moreOpen, setMoreOpen] = useState(false)
  const [busy, setBusy] = useState(false)

  const keyProviders = useMemo(() => providers.filter((p) => p.needsKey), [providers])
  const { configured, others } = splitProviders(providers, keys)
  const serverConfigured = !!readCustomServer(settings.customProviders).baseUrl || !!keys[llmAccount(CUSTOM_ID)]

  useEffect(() => {
    if (!open) return
    setForm(settings)
    setTemplatesText((settings.customTemplates ?? []).join('\n'))
    setServer(readCustomServer(settings.customProviders))
    setDrafts({})
    setErrors({})
    setMoreOpen(false)
    // Only when the dialog opens, not on every settings change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open])
  useEffect(() => {
    if (!open) return
    // When the providers arrive or change (every save reloads them), the
    // key states are read again; what the person is typing stays (it was
    // cleared here too, so a key typed while the list reloaded vanished).
    void loadKeys([E2B_ACCOUNT, ...keyProviders.map((p) => llmAccount(p.id)), llmAccount(CUSTOM_ID)])
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, keyProviders])

  const keyField = (account: string, testId: string, label: string, help?: string) => (
    <KeyField
      key={account}
      account={account}
      testId={testId}
      label={label}
      help={help}
      value={drafts[account] ?? ''}
      onChange={(v) => setDrafts((d) => ({ ...d, [account]: v }))}
      error={errors[account]}
      onRemoved={() => void loadCatalog()}
    />
  )
  const serverSection = (
    <CustomProviderSection
      form={server}
      onChange={setServer}
      error={errors.customProviders}
      keyField={keyField(llmAccount(CUSTOM_ID), CUSTOM_ID, 'API key of the server (optional)', 'Sent only if the server needs one; kept in the keychain.')}
    />
  )

  const modelValue = form.defaultProvider && form.defaultModel ? `${form.defaultProvider}\u0000${form.defaultModel}` : NONE
  const modelGroups = defaultModelGroups(providers, form.defaultProvider)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setErrors({})
    try {
      const current = useSettings.getState().settings
      const built = buildExtensions(current.customProviders, server)
      if ('error' in built) {
        setErrors({ customProviders: built.error })
        if (!serverConfigured) setMoreOpen(true)
        return
      }
      const customTemplates = templatesText
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean)
      let saved: Settings | null
      try {
        saved = await useSettings.getState().save({ ...form, customTemplates, customProviders: built.value })
      } catch (err) {
        const ae = toApiError(err)
        setErrors({ [ae.field ?? GENERAL]: ae.message })
        if (ae.field === 'customProviders' && !serverConfigured) setMoreOpen(true)
        return
      }
      if (!saved) {
        toast.info('Nothing was saved: the addresses stay as they were.')
        return
      }
      // Keys after the settings: a key typed for a new address goes there only once the address is saved.
      const failed: Record<string, string> = {}
      const checks: Promise<void>[] = []
      for (const [account, value] of Object.entries(drafts)) {
        const v = value.trim()
        if (!v) continue
        // Empty the field first: the key must not stay in the page once it is saved.
        setDrafts((d) => ({ ...d, [account]: '' }))
        try {
          await useSettings.getState().setKey(account, v)
          checks.push(useKeyChecks.getState().check(account)) // before anything is spent on it
        } catch (err) {
          setDrafts((d) => ({ ...d, [account]: d[account] || v })) // not saved: give it back
          failed[account] = toApiError(err).message
        }
      }
      void loadCatalog() // keys, servers and templates change what the pickers offer
      if (Object.keys(failed).length > 0) {
        setErrors({ ...failed, [GENERAL]: 'The settings were saved, but not every key: see the fields marked in red.' })
        return
      }
      // A key just saved that its provider refuses: one signal, the red
      // refusal beside it, never a success notice beside it (issue 29).
      await Promise.all(checks)
      const results = useKeyChecks.getState().results
      if (Object.keys(drafts).some((a) => drafts[a]?.trim() && results[a]?.state === 'failed')) {
        setErrors({ [GENERAL]: 'The settings were saved, but a key was refused: see the field marked in red.' })
        return
      }
      toast.success('Settings saved.', 'settings-save')
      // The page's Content-Security-Policy names the E2B domain: load it anew.
      if (saved.e2bDomain !== current.e2bDomain) window.location.reload()
    } finally {
      setBusy(false)
    }
  }

  const num = (v: string) => (v === '' ? 0 : Math.round(Number(v)))
  const pending = Object.values(drafts).filter((v) => v.trim()).length

  return (
    <Dialog open={open} onOpenChange={setOpen} title="Settings" closeTestId="settings-close" className="w-[min(94vw,40rem)] pb-0">
      <form onSubmit={submit} className="flex flex-col gap-6" aria-label="Settings" noValidate>
        <p className="-mt-2 text-xs text-muted-foreground">Keys are stored only in your operating system's keychain. Tessera never shows them again.</p>
        {keysError ? (
          <p role="alert" className="text-sm text-destructive">
            {keysError}
          </p>
        ) : null}

        <section aria-labelledby="e2b-heading" className="flex flex-col gap-3">
          <h3 id="e2b-heading" className="text-sm font-semibold">
            Sandboxes (E2B)
          </h3>
          {keyField(E2B_ACCOUNT, 'e2b', 'E2B API key', 'From your E2B dashboard; runs the sandboxes.')}
          <Field
            id="e2b-domain"
            label="E2B domain"
            error={errors.e2bDomain}
            hint={
              e2bDomainEnv ? (
                <p data-testid="e2b-domain-env" className="text-xs text-amber-700 dark:text-amber-400">
                  The environment variable E2B_DOMAIN is set, so Tessera uses <span className="font-mono">{e2bDomainEnv}</span> instead of
                  this field. Unset it to use the domain here.
                </p>
              ) : (
                <p className="text-xs text-muted-foreground">Change only for a self-hosted E2B.</p>
              )
            }
          >
            <input
              id="e2b-domain"
              data-testid="e2b-domain-input"
              value={form.e2bDomain}
              onChange={(e) => setForm({ ...form, e2bDomain: e.target.value })}
              placeholder="e2b.app"
              aria-invalid={errors.e2bDomain ? true : undefined}
              className={inputCls}
            />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field id="sandbox-timeout" label="Sandbox timeout (minutes)" error={errors.sandboxTimeoutMinutes}>
              <input
                id="sandbox-timeout"
                data-testid="sandbox-timeout-input"
                type="number"
                min={5}
                max={1440}
                value={form.sandboxTimeoutMinutes}
                onChange={(e) => setForm({ ...form, sandboxTimeoutMinutes: num(e.target.value) })}
                aria-invalid={errors.sandboxTimeoutMinutes ? true : undefined}
                className={inputCls}
              />
            </Field>
            <Field id="idle-pause" label="Pause when idle after (minutes)" error={errors.idlePauseMinutes}>
              <input
                id="idle-pause"
                data-testid="idle-pause-input"
                type="number"
                min={1}
                max={1440}
                value={form.idlePauseMinutes}
                onChange={(e) => setForm({ ...form, idlePauseMinutes: num(e.target.value) })}
                aria-invalid={errors.idlePauseMinutes ? true : undefined}
                className={inputCls}
              />
            </Field>
          </div>
          <div className="grid grid-cols-2 gap-3">
            <Field id="vcpu-price" label="E2B price per vCPU-second ($)" error={errors.vcpuPricePerSecond}>
              <input
                id="vcpu-price"
                data-testid="vcpu-price-input"
                type="number"
                min={0}
                step="any"
                value={form.vcpuPricePerSecond}
                onChange={(e) => setForm({ ...form, vcpuPricePerSecond: Number(e.target.value) })}
                aria-invalid={errors.vcpuPricePerSecond ? true : undefined}
                className={inputCls}
              />
            </Field>
            <Field id="gib-price" label="E2B price per GiB-second ($)" error={errors.gibPricePerSecond}>
              <input
                id="gib-price"
                data-testid="gib-price-input"
                type="number"
                min={0}
                step="any"
                value={form.gibPricePerSecond}
                onChange={(e) => setForm({ ...form, gibPricePerSecond: Number(e.target.value) })}
                aria-invalid={errors.gibPricePerSecond ? true : undefined}
                className={inputCls}
              />
            </Field>
          </div>
          <p className="text-xs text-muted-foreground" data-testid="price-hint">
            For the sandbox cost estimate. E2B bills the vCPUs and memory a sandbox has while it runs; its published prices are $0.000014 per vCPU-second and $0.0000045 per GiB-second (e2b.dev/pricing). 0 restores them.
          </p>
          <Field
            id="sandbox-cleanup"
            label="Remove idle sandboxes after (days)"
            error={errors.sandboxCleanupDays}
            hint={<p className="text-xs text-muted-foreground">A project unused this long loses its sandbox (its files stay and the next use rebuilds it). The home screen shows the date beforehand, with Keep. 0: never.</p>}
          >
            <input
              id="sandbox-cleanup"
              data-testid="sandbox-cleanup-input"
              type="number"
              min={0}
              max={365}
              value={form.sandboxCleanupDays}
              onChange={(e) => setForm({ ...form, sandboxCleanupDays: num(e.target.value) })}
              aria-invalid={errors.sandboxCleanupDays ? true : undefined}
              className={inputCls}
            />
          </Field>
          <Field
            id="workspace-root"
            label="Projects folder"
            error={errors.workspaceRoot}
            hint={<p className="text-xs text-muted-foreground">Each project's files live in a folder here, under version history. Empty: Tessera in your Documents folder. A change applies at the next start, which moves the folders.</p>}
          >
            <input
              id="workspace-root"
              data-testid="workspace-root-input"
              placeholder="Default (Documents/Tessera)"
              value={form.workspaceRoot ?? ''}
              onChange={(e) => setForm({ ...form, workspaceRoot: e.target.value })}
              aria-invalid={errors.workspaceRoot ? true : undefined}
              className={inputCls}
            />
          </Field>
        </section>

        <section aria-labelledby="providers-heading" className="flex flex-col gap-3" data-testid="providers-section">
          <h3 id="providers-heading" className="text-sm font-semibold">
            Model providers
          </h3>
          {configured.length === 0 && !serverConfigured ? (
            <p className="text-xs text-muted-foreground">Add the key of one provider (or a server of your own) to start chatting.</p>
          ) : null}
          <div className="flex flex-col gap-3" data-testid="configured-providers">
            {configured.map((p) => keyField(llmAccount(p.id), p.id, `${p.name} API key`))}
            {serverConfigured ? (
              <fieldset className="flex flex-col gap-2 rounded-md border border-border p-3">
                <legend className="px-1 text-sm font-medium">Custom OpenAI-compatible server</legend>
                {serverSection}
              </fieldset>
            ) : null}
          </div>
          <details
            data-testid="more-providers"
            open={moreOpen || (configured.length === 0 && !serverConfigured)}
            onToggle={(e) => setMoreOpen((e.target as HTMLDetailsElement).open)}
            className="rounded-md border border-border"
          >
            <summary className="cursor-pointer px-3 py-2 text-sm text-muted-foreground">
              {configured.length === 0 && !serverConfigured ? 'Providers' : 'Add another provider'} ({others.length + (serverConfigured ? 0 : 1)})
            </summary>
            <div className="flex flex-col gap-3 border-t border-border p-3">
              {others.map((p) => keyField(llmAccount(p.id), p.id, `${p.name} API key`))}
              {serverConfigured ? null : (
                <fieldset className="flex flex-col gap-2">
                  <legend className="text-sm font-medium">Custom OpenAI-compatible server</legend>
                  {serverSection}
                </fieldset>
              )}
            </div>
          </details>
        </section>

        <ProviderModelsSection />

        <section aria-labelledby="prefs-heading" className="flex flex-col gap-3">
          <h3 id="prefs-heading" className="text-sm font-semibold">
            Preferences
          </h3>
          <Field id="default-model" label="Default model" error={errors.defaultModel}>
            <SelectBox
              id="default-model"
              ariaLabel="Default model"
              testId="default-model-select"
              value={modelValue}
              onValueChange={(v) => {
                if (v === NONE) setForm({ ...form, defaultProvider: '', defaultModel: '' })
                else {
                  const [p, m] = v.split('\u0000')
                  setForm({ ...form, defaultProvider: p, defaultModel: m })
                }
              }}
              groups={modelGroups}
              className="h-8 text-sm"
            />
          </Field>
          <Field id="theme" label="Theme" error={errors.theme}>
            <SelectBox
              id="theme"
              ariaLabel="Theme"
              testId="theme-select"
              value={form.theme}
              onValueChange={(v) => setForm({ ...form, theme: v as Theme })}
              groups={[
                {
                  label: '',
                  options: [
                    { value: 'system', label: 'System' },
                    { value: 'light', label: 'Light' },
                    { value: 'dark', label: 'Dark' },
                  ],
                },
              ]}
              className="h-8 text-sm"
            />
          </Field>
          <Field id="custom-templates" label="Custom templates" error={errors.customTemplates}>
            <textarea
              id="custom-templates"
              data-testid="custom-templates-input"
              rows={2}
              value={templatesText}
              onChange={(e) => setTemplatesText(e.target.value)}
              placeholder="One E2B template id per line, e.g. my-template or my-template:v2"
              aria-invalid={errors.customTemplates ? true : undefined}
              className="rounded-md border border-border bg-background p-2 font-mono text-xs aria-[invalid=true]:border-destructive"
            />
          </Field>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-1"
              data-testid="auto-fix-once-input"
              checked={!!form.autoFixOnce}
              onChange={(e) => setForm({ ...form, autoFixOnce: e.target.checked })}
            />
            <span>
              Auto-fix once: when a run fails (an error, a failed install, an app that does not start), send the error to the assistant
              once by itself, as the Fix button does
            </span>
          </label>
          <UpdatesSection
            enabled={form.updateCheck}
            feedURL={form.updateFeedURL}
            error={errors.updateFeedURL}
            onChange={(v) => setForm({ ...form, ...v })}
          />
          <AgentSection />
        </section>

        <div className="sticky bottom-0 -mx-5 flex flex-col gap-2 border-t border-border bg-card px-5 py-3" data-testid="settings-footer">
          {errors[GENERAL] ? (
            <p role="alert" data-testid="settings-error" className="text-sm text-destructive">
              {errors[GENERAL]}
            </p>
          ) : null}
          <div className="flex items-center justify-between gap-2">
            <p className="truncate text-xs text-muted-foreground" title={paths?.logFile}>
              {version ? `Tessera ${version}` : ''}
              {paths?.home ? ` · data in ${paths.home}` : ''}
            </p>
            <Button type="submit" variant="primary" data-testid="settings-save" disabled={busy}>
              {pending > 0 ? `Save (${pending} ${pending === 1 ? 'key' : 'keys'})` : 'Save'}
            </Button>
          </div>
        </div>
      </form>
    </Dialog>
  )
}
