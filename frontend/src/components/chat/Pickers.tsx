import * as PO from '@radix-ui/react-popover'
import { SlidersHorizontal } from 'lucide-react'
import { SelectBox, AUTO, fromSelect, toSelect } from '../ui/SelectBox'
import { Button } from '../ui/Button'
import { useCatalog } from '../../stores/catalog'
import { useChat, templateFor } from '../../stores/chat'
import { useUI } from '../../stores/ui'
import type { ModelParams } from '../../api'
import { TemplateIcon } from '../ui/TemplateIcon'

const SEP = '\u0000'

export function ModelPicker() {
  const providers = useCatalog((s) => s.providers)
  const model = useChat((s) => s.model)
  const setModel = useChat((s) => s.setModel)
  const openSettings = useUI((s) => s.openSettings)
  const usable = providers.filter((p) => p.usable && p.models.length > 0)
  if (usable.length === 0) {
    return (
      <span className="text-xs text-muted-foreground" data-testid="no-models">
        No model is available.{' '}
        <button type="button" className="text-accent underline" onClick={openSettings}>
          Add an LLM key in Settings
        </button>
      </span>
    )
  }
  return (
    <SelectBox
      ariaLabel="Model"
      testId="model-select"
      placeholder="Choose a model"
      value={model ? `${model.providerId}${SEP}${model.modelId}` : undefined}
      onValueChange={(v) => {
        const [providerId, modelId] = v.split(SEP)
        setModel({ providerId, modelId })
      }}
      groups={usable.map((p) => ({
        label: p.name,
        options: p.models.map((m) => ({ value: `${p.id}${SEP}${m.id}`, label: m.name || m.id })),
      }))}
      className="max-w-[14rem]"
    />
  )
}

export function TemplatePicker({ projectId }: { projectId: string }) {
  const templates = useCatalog((s) => s.templates)
  const setTemplate = useChat((s) => s.setTemplate)
  // Subscribe to the choice so the picker re-renders when it changes.
  useChat((s) => s.templates[projectId])
  const value = templateFor(projectId)
  return (
    <SelectBox
      ariaLabel="Template"
      testId="template-select"
      value={toSelect(value)}
      onValueChange={(v) => setTemplate(projectId, fromSelect(v))}
      groups={[
        {
          label: '',
          options: [
            { value: AUTO, label: 'Auto', icon: <TemplateIcon template="" className="h-3.5 w-3.5" /> },
            ...templates.map((t) => ({ value: t.id, label: t.name || t.id, icon: <TemplateIcon template={t.id} className="h-3.5 w-3.5" /> })),
          ],
        },
      ]}
      className="max-w-[12rem]"
    />
  )
}

const FIELDS: { key: keyof ModelParams; label: string; min: number; max: number; step: number; int?: boolean }[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.1 },
  { key: 'topP', label: 'Top P', min: 0, max: 1, step: 0.05 },
  { key: 'maxTokens', label: 'Max tokens', min: 1, max: 200000, step: 1, int: true },
  { key: 'frequencyPenalty', label: 'Frequency penalty', min: -2, max: 2, step: 0.1 },
  { key: 'presencePenalty', label: 'Presence penalty', min: -2, max: 2, step: 0.1 },
]

export function ParamsPanel() {
  const params = useChat((s) => s.params)
  const setParams = useChat((s) => s.setParams)
  return (
    <PO.Root>
      <PO.Trigger asChild>
        <Button size="icon" variant="ghost" aria-label="Model parameters" data-testid="params-open">
          <SlidersHorizontal className="h-4 w-4" />
        </Button>
      </PO.Trigger>
      <PO.Portal>
        <PO.Content sideOffset={6} className="z-50 w-72 rounded-md border border-border bg-card p-3 text-foreground shadow-lg">
          <h3 className="mb-2 text-sm font-semibold">Parameters</h3>
          <p className="mb-3 text-xs text-muted-foreground">Leave empty for the provider's default.</p>
          <div className="flex flex-col gap-2">
            {FIELDS.map((f) => (
              <div key={f.key} className="flex items-center justify-between gap-2">
                <label htmlFor={`param-${f.key}`} className="text-xs">
                  {f.label}
                </label>
                <input
                  id={`param-${f.key}`}
                  data-testid={`param-${f.key}`}
                  type="number"
                  min={f.min}
                  max={f.max}
                  step={f.step}
                  placeholder="Default"
                  value={params[f.key] ?? ''}
                  onChange={(e) => {
                    const raw = e.target.value
                    const next = { ...params }
                    if (raw === '' || Number.isNaN(Number(raw))) delete next[f.key]
                    else {
                      const n = Math.min(f.max, Math.max(f.min, Number(raw)))
                      next[f.key] = f.int ? Math.round(n) : n
                    }
                    setParams(next)
                  }}
                  className="h-7 w-24 rounded-md border border-border bg-background px-2 text-xs"
                />
              </div>
            ))}
          </div>
          <Button size="sm" variant="ghost" className="mt-3" onClick={() => setParams({})}>
            Reset to defaults
          </Button>
        </PO.Content>
      </PO.Portal>
    </PO.Root>
  )
}
