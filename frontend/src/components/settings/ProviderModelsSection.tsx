import { Loader2, RefreshCw } from 'lucide-react'
import { useCatalog } from '../../stores/catalog'
import { Button } from '../ui/Button'

/** "listed 3 h ago" for a list fetched from the provider; "built-in list" before the first fetch. */
export function listedWhen(fetchedAt: number | undefined, now = Date.now()): string {
  if (!fetchedAt) return 'built-in list, not fetched yet'
  const min = Math.max(0, Math.round((now - fetchedAt) / 60000))
  if (min < 1) return 'listed just now'
  if (min < 60) return `listed ${min} min ago`
  const h = Math.round(min / 60)
  if (h < 48) return `listed ${h} h ago`
  return `listed ${Math.round(h / 24)} days ago`
}

/**
 * The usable providers with a "Refresh models" button each
 * (CatalogService.RefreshModels), how many models each lists and when the
 * list was fetched (the backend refetches at most daily).
 */
export function ProviderModelsSection() {
  const providers = useCatalog((s) => s.providers)
  const refreshing = useCatalog((s) => s.refreshing)
  const refreshModels = useCatalog((s) => s.refreshModels)
  const usable = providers.filter((p) => p.usable)
  return (
    <section aria-labelledby="models-heading" className="flex flex-col gap-2">
      <h3 id="models-heading" className="text-sm font-semibold">
        Models
      </h3>
      {usable.length === 0 ? (
        <p className="text-xs text-muted-foreground">Add an API key or a server above; its models are listed here.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-border rounded-md border border-border">
          {usable.map((p) => {
            const busy = !!refreshing[p.id]
            return (
              <li key={p.id} className="flex items-center gap-2 px-3 py-1.5 text-sm" data-testid={`provider-row-${p.id}`}>
                <span className="min-w-0 flex-1 truncate">{p.name}</span>
                <span className="text-xs text-muted-foreground" data-testid={`provider-model-count-${p.id}`}>
                  {p.models.length} {p.models.length === 1 ? 'model' : 'models'}
                </span>
                <span className="text-xs text-muted-foreground" data-testid={`provider-models-listed-${p.id}`}>
                  {listedWhen(p.modelsFetchedAt)}
                </span>
                <Button
                  size="sm"
                  variant="outline"
                  data-testid={`refresh-models-${p.id}`}
                  aria-busy={busy || undefined}
                  aria-label={`Refresh the models of ${p.name}`}
                  disabled={busy}
                  onClick={() => void refreshModels(p.id)}
                >
                  {busy ? (
                    <Loader2 className="h-3 w-3 animate-spin" data-testid={`refresh-models-spinner-${p.id}`} aria-hidden />
                  ) : (
                    <RefreshCw className="h-3 w-3" aria-hidden />
                  )}
                  Refresh models
                </Button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
