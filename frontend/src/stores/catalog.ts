import { create } from 'zustand'
import * as api from '../api'
import type { Provider, Template } from '../api'
import { errorMessage } from '../api'

interface CatalogState {
  providers: Provider[]
  templates: Template[]
  loaded: boolean
  error: string | null
  load: () => Promise<void>
  refreshModels: (providerId: string) => Promise<void>
}

export const useCatalog = create<CatalogState>((set) => ({
  providers: [],
  templates: [],
  loaded: false,
  error: null,

  load: async () => {
    try {
      const [providers, templates] = await Promise.all([api.catalog.providers(), api.catalog.templates()])
      set({ providers, templates, loaded: true, error: null })
    } catch (e) {
      set({ loaded: true, error: errorMessage(e) })
    }
  },

  refreshModels: async (providerId) => {
    const models = await api.catalog.refreshModels(providerId)
    set((s) => ({ providers: s.providers.map((p) => (p.id === providerId ? { ...p, models } : p)) }))
  },
}))

export function findModel(providers: Provider[], providerId: string, modelId: string) {
  const p = providers.find((x) => x.id === providerId)
  const m = p?.models.find((x) => x.id === modelId)
  return p && m ? { provider: p, model: m } : null
}
