import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { Dialog } from '../ui/Dialog'
import { Button } from '../ui/Button'
import { SelectBox } from '../ui/SelectBox'
import { KeyField } from './KeyField'
import { CustomProviderSection } from './CustomProviderSection'
import { ProviderModelsSection } from './ProviderModelsSection'
import { UpdatesSection } from './UpdatesSection'
import { CUSTOM_ID } from '../../lib/customProviders'
import { E2B_ACCOUNT, llmAccount, useSettings } from '../../stores/settings'
import { useCatalog } from '../../stores/catalog'
import { useUI } from '../../stores/ui'
import { toast } from '../../stores/toast'
import { errorMessage, type Settings, type Theme } from '../../api'

const NONE = '__none__'

export function SettingsDialog({
  version,
  paths,
  e2bDomainEnv,
}: {
  version?: string
  paths?: { Home: string; LogFile: string }
  /** E2B_DOMAIN from the environment, which wins over this setting. */
  e2bDomainEnv?: string
}) {
  const open = useUI((s) => s.settingsOpen)
  const setOpen = useUI((s) => s.setSettingsOpen)
  const settings = useSettings((s) => s.settings)
  const save = useSettings((s) => s.save)
  const loadKeys = useSettings((s) => s.loadKeys)
  const keysError = useSettings((s) => s.keysError)
  const providers = useCatalog((s) => s.providers)
  const loadCatalog = useCatalog((s) => s.load)
  const [form, setForm] = useState<Settings>(settings)
  const [templatesText, setTemplatesText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const keyProviders = useMemo(() => providers.filter((p) => p.needsKey), [providers])

  useEffect(() => {
    if (!open) return
    setForm(settings)
    setTemplatesText((settings.customTemplates ?? []).join('\n'))
    setError(null)
    void loadKeys([E2B_ACCOUNT, ...keyProviders.map((p) => llmAccount(p.id)), llmAccount(CUSTOM_ID)])
    // Only when the dialog opens (or providers arrive), not on every settings change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, keyProviders])

  const modelValue = form.defaultProvider && form.defaultModel ? `${form.defaultProvider}\u0000${form.defaultModel}` : NONE
  const modelGroups = [
    { label: '', options: [{ value: NONE, label: 'None (choose in the chat)' }] },
    ...providers
      .filter((p) => p.models.length > 0)
      .map((p) => ({
        label: p.name,
        options: p.models.map((m) => ({ value: `${p.id}\u0000${m.id}`, label: m.name || m.id })),
      })),
  ]

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const customTemplates = templatesText
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean)
      // customProviders is edited by its own section: keep what is saved now.
      const saved = await save({ ...form, customTemplates, customProviders: useSettings.getState().settings.customProviders })
      if (!saved) {
        toast.info('Nothing was saved: the E2B domain stays as it was.')
        return
      }
      void loadCatalog() // custom templates change the template list
      toast.success('Settings saved.')
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const num = (v: string) => (v === '' ? 0 : Math.round(Number(v)))

  return (
    <Dialog open={open} onOpenChange={setOpen} title="Settings" closeTestId="settings-close" className="w-[min(94vw,40rem)]">
      <div className="flex flex-col gap-6">
        <section aria-labelledby="keys-heading" className="flex flex-col gap-3">
          <h3 id="keys-heading" className="text-sm font-semibold">
            API keys
          </h3>
          <p className="text-xs text-muted-foreground">
            Keys are stored only in your operating system's keychain. Tessera never shows them again.
          </p>
          {keysError ? (
            <p role="alert" className="text-sm text-destructive">
              {keysError}
            </p>
          ) : null}
          <KeyField account={E2B_ACCOUNT} testId="e2b" label="E2B API key" help="From your E2B dashboard; runs the sandboxes." onChanged={() => void loadCatalog()} />
          {keyProviders.map((p) => (
            <KeyField key={p.id} account={llmAccount(p.id)} testId={p.id} label={`${p.name} API key`} onChanged={() => void loadCatalog()} />
          ))}
        </section>

        <CustomProviderSection />

        <ProviderModelsSection />

        <form onSubmit={submit} className="flex flex-col gap-3" aria-labelledby="prefs-heading">
          <h3 id="prefs-heading" className="text-sm font-semibold">
            Preferences
          </h3>
          <div className="flex flex-col gap-1">
            <label htmlFor="e2b-domain" className="text-sm font-medium">
              E2B domain
            </label>
            <input
              id="e2b-domain"
              data-testid="e2b-domain-input"
              value={form.e2bDomain}
              onChange={(e) => setForm({ ...form, e2bDomain: e.target.value })}
              placeholder="e2b.app"
              className="h-8 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
            />
            {e2bDomainEnv ? (
              <p data-testid="e2b-domain-env" className="text-xs text-amber-700 dark:text-amber-400">
                The environment variable E2B_DOMAIN is set, so Tessera uses <span className="font-mono">{e2bDomainEnv}</span> instead of
                this field. Unset it to use the domain here.
              </p>
            ) : (
              <p className="text-xs text-muted-foreground">Change only for a self-hosted E2B.</p>
            )}
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="default-model" className="text-sm font-medium">
              Default model
            </label>
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
          </div>
          <div className="grid grid-cols-2 gap-3">
            <div className="flex flex-col gap-1">
              <label htmlFor="sandbox-timeout" className="text-sm font-medium">
                Sandbox timeout (minutes)
              </label>
              <input
                id="sandbox-timeout"
                data-testid="sandbox-timeout-input"
                type="number"
                min={5}
                max={1440}
                value={form.sandboxTimeoutMinutes}
                onChange={(e) => setForm({ ...form, sandboxTimeoutMinutes: num(e.target.value) })}
                className="h-8 rounded-md border border-border bg-background px-2 text-sm"
              />
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor="idle-pause" className="text-sm font-medium">
                Pause when idle after (minutes)
              </label>
              <input
                id="idle-pause"
                data-testid="idle-pause-input"
                type="number"
                min={1}
                max={1440}
                value={form.idlePauseMinutes}
                onChange={(e) => setForm({ ...form, idlePauseMinutes: num(e.target.value) })}
                className="h-8 rounded-md border border-border bg-background px-2 text-sm"
              />
            </div>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="theme" className="text-sm font-medium">
              Theme
            </label>
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
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="custom-templates" className="text-sm font-medium">
              Custom templates
            </label>
            <textarea
              id="custom-templates"
              data-testid="custom-templates-input"
              rows={2}
              value={templatesText}
              onChange={(e) => setTemplatesText(e.target.value)}
              placeholder="One E2B template id per line, e.g. my-template or my-template:v2"
              className="rounded-md border border-border bg-background p-2 font-mono text-xs"
            />
          </div>
          <UpdatesSection
            enabled={form.updateCheck}
            feedURL={form.updateFeedURL}
            onChange={(v) => setForm({ ...form, ...v })}
          />
          {error ? (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : null}
          <div className="flex items-center justify-between gap-2">
            <p className="truncate text-xs text-muted-foreground" title={paths?.LogFile}>
              {version ? `Tessera ${version}` : ''}
              {paths?.Home ? ` · data in ${paths.Home}` : ''}
            </p>
            <Button type="submit" variant="primary" data-testid="settings-save" disabled={busy}>
              Save settings
            </Button>
          </div>
        </form>
      </div>
    </Dialog>
  )
}
