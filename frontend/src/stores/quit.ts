import { create } from 'zustand'
import * as api from '../api'
import type { QuitProgress } from '../api'

/** Progress of "app:quit": the backend pausing every running sandbox before the window closes. */
interface QuitState {
  done: number
  total: number
  /** Follows "app:quit"; returns the unsubscribe. */
  listen: () => () => void
}

export const useQuit = create<QuitState>((set) => ({
  done: 0,
  total: 0,
  listen: () =>
    api.subscribe<QuitProgress>(api.topics.appQuit, (p) => {
      if (!p || typeof p !== 'object') return
      const total = Math.max(0, Math.floor(Number(p.total) || 0))
      const done = Math.min(total, Math.max(0, Math.floor(Number(p.done) || 0)))
      set({ done, total })
    }),
}))

/** The overlay shows while sandboxes are still being paused. */
export function quitInProgress(s: { done: number; total: number }): boolean {
  return s.total > 0 && s.done < s.total
}
