import { create } from 'zustand'
import * as api from '../api'
import type { RedirectConfirm, Settings, Theme } from '../api'
import { errorMessage } from '../api'

export const DEFAULT_SETTINGS: Settings = {
  e2bDomain: 'e2b.app',
  defaultProvider: '',
  defaultModel: '',
  sandboxTimeoutMinutes: 60,
  idlePauseMinutes: 10,
  sandboxCleanupDays: 14,
  theme: 'system',
  customTemplates: [],
  onboarded: false,
  updateCheck: true,
  // '' is the feed this build was made with (none unless set at build time).
  updateFeedURL: '',
  autoFixOnce: false,
  // E2B's published prices (e2b.dev/pricing; see backend/config/settings.go).
  vcpuPricePerSecond: 0.000014,
  gibPricePerSecond: 0.0000045,
}

export const E2B_ACCOUNT = 'e2b'
export const llmAccount = (providerId: string) => `llm:${providerId}`

const THEME_KEY = 'tessera.theme'

interface SettingsState {
  settings: Settings
  loaded: boolean
  error: string | null
  /** account -> a key is saved */
  keys: Record<string, boolean>
  keysError: string | null
  load: () => Promise<void>
  /**
   * Saves; resolves with what is saved, or null when the change would send
   * a key to a new place and the person declined (nothing saved then).
   */
  save: (s: Settings) => Promise<Settings | null>
  /** A held change waiting for the person (see RedirectConfirmDialog). */
  redirect: RedirectConfirm | null
  confirmRedirect: () => Promise<void>
  cancelRedirect: () => void
  setTheme: (t: Theme) => Promise<void>
  dismissOnboarding: () => Promise<void>
  loadKeys: (accounts: string[]) => Promise<void>
  /** Saves a key; throws ApiError with the keychain's sentence. */
  setKey: (account: string, value: string) => Promise<void>
  deleteKey: (account: string) => Promise<void>
}

export function cachedTheme(): Theme {
  try {
    const t = localStorage.getItem(THEME_KEY)
    if (t === 'light' || t === 'dark' || t === 'system') return t
  } catch {
    // storage unavailable
  }
  return 'system'
}

function cacheTheme(t: Theme) {
  try {
    localStorage.setItem(THEME_KEY, t)
  } catch {
    // ignore
  }
}

export const useSettings = create<SettingsState>((set, get) => {
  // Settles the save() that is waiting for the person's answer.
  let settle: ((saved: Settings | null) => void) | null = null
  const apply = (saved: Settings) => {
    const settings = { ...DEFAULT_SETTINGS, ...saved, customTemplates: saved.customTemplates ?? [] }
    cacheTheme(settings.theme)
    set({ settings })
    return settings
  }
  return {
  settings: { ...DEFAULT_SETTINGS, theme: cachedTheme() },
  redirect: null,
  loaded: false,
  error: null,
  keys: {},
  keysError: null,

  load: async () => {
    try {
      const s = await api.settings.get()
      const settings = { ...DEFAULT_SETTINGS, ...s, customTemplates: s.customTemplates ?? [] }
      cacheTheme(settings.theme)
      set({ settings, loaded: true, error: null })
    } catch (e) {
      set({ loaded: true, error: errorMessage(e) })
    }
  },

  save: async (s) => {
    const res = await api.settings.save(s)
    if (!res.confirm) return apply(res.settings)
    settle?.(null) // an older question is superseded
    const answer = new Promise<Settings | null>((resolve) => {
      settle = resolve
    })
    set({ redirect: res.confirm })
    return answer
  },

  confirmRedirect: async () => {
    const r = get().redirect
    if (!r) return
    // Throws with the backend's sentence (expired, superseded); the dialog shows it.
    const saved = apply(await api.settings.confirmSave(r.token))
    set({ redirect: null })
    // The caller of save() goes on (keys typed with the change, a reload
    // when the E2B domain changed: the page's policy names it).
    settle?.(saved)
    settle = null
  },

  cancelRedirect: () => {
    set({ redirect: null })
    settle?.(null)
    settle = null
  },

  setTheme: async (theme) => {
    const prev = get().settings
    // Apply at once; persisting is best effort (the cache keeps it too).
    set({ settings: { ...prev, theme } })
    cacheTheme(theme)
    try {
      await get().save({ ...prev, theme })
    } catch {
      // keep the local choice even without a backend
    }
  },

  dismissOnboarding: async () => {
    const prev = get().settings
    set({ settings: { ...prev, onboarded: true } })
    try {
      await get().save({ ...prev, onboarded: true })
    } catch {
      // stays dismissed for this session
    }
  },

  loadKeys: async (accounts) => {
    try {
      const st = await api.settings.keyStatus(accounts)
      set((s) => ({ keys: { ...s.keys, ...st }, keysError: null }))
    } catch (e) {
      set({ keysError: errorMessage(e) })
    }
  },

  setKey: async (account, value) => {
    await api.settings.setKey(account, value)
    set((s) => ({ keys: { ...s.keys, [account]: true } }))
  },

  deleteKey: async (account) => {
    await api.settings.deleteKey(account)
    set((s) => ({ keys: { ...s.keys, [account]: false } }))
  },
}
})
