// Drafts, attachments and the picker choices (model, template per project,
// parameters). Drafts and choices survive restarts in localStorage.
import type { ModelParams } from '../../api'
import { newId } from '../../lib/utils'
import type { DraftsSlice, ModelChoice, StoreTools } from './types'

export const DRAFTS_KEY = 'tessera.drafts'
export const PREFS_KEY = 'tessera.chatPrefs'

interface Prefs {
  model: ModelChoice | null
  templates: Record<string, string>
  params: ModelParams
}

function readJSON<T>(key: string, fallback: T): T {
  try {
    const s = localStorage.getItem(key)
    return s ? (JSON.parse(s) as T) : fallback
  } catch {
    return fallback
  }
}

function writeJSON(key: string, v: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(v))
  } catch {
    // storage full or unavailable: the in-memory copy still works
  }
}

function writeDrafts(drafts: Record<string, string>) {
  writeJSON(DRAFTS_KEY, Object.fromEntries(Object.entries(drafts).filter(([, v]) => v)))
}

// Typing writes the drafts at most every 250 ms; `unsaved` is what the
// pending write will store.
let draftTimer: ReturnType<typeof setTimeout> | null = null
let unsaved: Record<string, string> | null = null

/** Schedules writing the drafts (the latest call wins). */
export function persistDrafts(drafts: Record<string, string>) {
  unsaved = drafts
  if (draftTimer) clearTimeout(draftTimer)
  draftTimer = setTimeout(flushDrafts, 250)
}

/** Writes pending drafts now (tests, and before the window closes). */
export function flushDrafts() {
  if (draftTimer) clearTimeout(draftTimer)
  draftTimer = null
  if (!unsaved) return
  const d = unsaved
  unsaved = null
  writeDrafts(d)
}

/** The drafts slice of the store, starting from what the last session kept. */
export function draftsSlice({ set, get }: StoreTools): DraftsSlice {
  const prefs = readJSON<Prefs>(PREFS_KEY, { model: null, templates: {}, params: {} })
  const savePrefs = () => {
    const { model, templates, params } = get()
    writeJSON(PREFS_KEY, { model, templates, params })
  }
  return {
    drafts: readJSON<Record<string, string>>(DRAFTS_KEY, {}),
    attachments: {},
    model: prefs.model ?? null,
    templates: prefs.templates ?? {},
    params: prefs.params ?? {},

    setDraft: (projectId, text) => {
      set((s) => ({ drafts: { ...s.drafts, [projectId]: text } }))
      persistDrafts(get().drafts)
    },

    addAttachment: (projectId, a) =>
      set((s) => ({
        attachments: { ...s.attachments, [projectId]: [...(s.attachments[projectId] ?? []), { ...a, id: newId() }] },
      })),

    removeAttachment: (projectId, id) =>
      set((s) => ({
        attachments: { ...s.attachments, [projectId]: (s.attachments[projectId] ?? []).filter((x) => x.id !== id) },
      })),

    clearAttachments: (projectId) => set((s) => ({ attachments: { ...s.attachments, [projectId]: [] } })),

    setModel: (model) => {
      set({ model })
      savePrefs()
    },

    setTemplate: (projectId, template) => {
      set((s) => ({ templates: { ...s.templates, [projectId]: template } }))
      savePrefs()
    },

    setParams: (params) => {
      set({ params })
      savePrefs()
    },
  }
}
