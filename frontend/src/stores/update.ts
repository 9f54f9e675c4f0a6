import { create } from 'zustand'
import * as api from '../api'
import type { BuildInfo, UpdateStatus } from '../api'
import { errorMessage } from '../api'

// How often the page asks; the backend itself asks the feed at most once a
// day, so a window left open for a week still hears of a release.
export const RECHECK_MS = 6 * 60 * 60 * 1000

interface UpdateState {
  status: UpdateStatus | null
  /** The version whose notice the person closed (this session). */
  dismissed: string
  checking: boolean
  error: string | null
  /** The automatic check: quiet on failure (the notice is not an alarm). */
  check: () => Promise<void>
  /** "Check now" in Settings: says what went wrong. */
  checkNow: () => Promise<void>
  dismiss: () => void
  openRelease: () => void
  /** Checks now and every RECHECK_MS; returns the function that stops it. */
  start: () => () => void
}

export const useUpdate = create<UpdateState>((set, get) => ({
  status: null,
  dismissed: '',
  checking: false,
  error: null,
  check: async () => {
    try {
      set({ status: await api.updates.check() })
    } catch {
      // A feed that is down, or no network: try again next time.
    }
  },
  checkNow: async () => {
    set({ checking: true, error: null })
    try {
      set({ status: await api.updates.checkNow(), checking: false })
    } catch (e) {
      set({ checking: false, error: errorMessage(e) })
    }
  },
  dismiss: () => set({ dismissed: get().status?.latest ?? '' }),
  openRelease: () => {
    const url = get().status?.url
    if (url) api.openURL(url)
  },
  start: () => {
    void get().check()
    const id = setInterval(() => void get().check(), RECHECK_MS)
    return () => clearInterval(id)
  },
}))

/** The notice shows when a newer version is known and not dismissed. */
export function noticeVersion(s: Pick<UpdateState, 'status' | 'dismissed'>): string {
  const st = s.status
  return st && st.available && st.latest && st.latest !== s.dismissed ? st.latest : ''
}

interface AboutState {
  info: BuildInfo | null
  error: string | null
  load: () => Promise<void>
}

export const useAbout = create<AboutState>((set, get) => ({
  info: null,
  error: null,
  load: async () => {
    if (get().info) return
    try {
      set({ info: await api.about.get(), error: null })
    } catch (e) {
      set({ error: errorMessage(e) })
    }
  },
}))
