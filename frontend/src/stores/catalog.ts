import { create } from 'zustand'
import * as api from '../api'
import type { Provider, Template } from '../api'
import { errorMessage } from '../api'
import { toast } from './toast'

interface CatalogState {
  providers: Provider[]
  templates: Template[]
  loaded: boolean
  error: string | null
  /** provider id -> its model list is being fetched */
  refreshing: Record<string, boolean>
  load: () => Promise<void>
  /**
   * Asks the provider for its current models (CatalogService.RefreshModels),
   * then reloads the providers (the backend merges the list with the
   * catalog's). Failures become a toast with the backend's sentence.
   * Resolves true when the list was refreshed.
   */
  refreshModels: (providerId: string) => Promise<boolean>
}

export const useCatalog = create<CatalogState>((set, get) => ({
  providers: [],
  templates: [],
  loaded: false,
  error: null,
  refreshing: {},

  load: async () => {
    try {
      const [providers, templates] = await Promise.all([api.catalog.providers(), api.catalog.templates()])
      set({ providers, templates, loaded: true, error: null })
    } catch (e) {
      set({ loaded: true, error: errorMessage(e) })
    }
  },

  refreshModels: async (providerId) => {
    if (get().refreshing[providerId]) return false
    set((s) => ({ refreshing: { ...s.refreshing, [providerId]: true } }))
    const name = get().providers.find((p) => p.id === providerId)?.name ?? providerId
    try {
      const models = await api.catalog.refreshModels(providerId)
      await get().load()
      if (get().error) {
        // The list was kept by the backend; show it even if Providers failed just now.
        set((s) => ({ providers: s.providers.map((p) => (p.id === providerId ? { ...p, models } : p)) }))
      }
      toast.success(`${name}: ${models.length} ${models.length === 1 ? 'model' : 'models'} listed.`)
      return true
    } catch (e) {
      toast.error(errorMessage(e))
      return false
    } finally {
      set((s) => ({ refreshing: { ...s.refreshing, [providerId]: false } }))
    }
  },
}))

export function findModel(providers: Provider[], providerId: string, modelId: string) {
  const p = providers.find((x) => x.id === providerId)
  const m = p?.models.find((x) => x.id === modelId)
  return p && m ? { provider: p, model: m } : null
}
