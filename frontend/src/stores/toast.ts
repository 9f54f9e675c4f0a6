import { create } from 'zustand'
import { newId } from '../lib/utils'

export type ToastKind = 'info' | 'success' | 'error'

export interface Toast {
  id: string
  /** What the notice is about: a second notice with the same key replaces the first. */
  key: string
  kind: ToastKind
  message: string
}

/** At most this many notices at once: the strip grows upwards, never over the page. */
export const MAX_TOASTS = 3

interface ToastState {
  toasts: Toast[]
  /**
   * Shows a notice. The same action twice (same key, by default the same
   * sentence) replaces the earlier notice instead of stacking a copy, and its
   * timer starts again (a new id).
   */
  show: (message: string, kind?: ToastKind, key?: string) => void
  dismiss: (id: string) => void
}

export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  show: (message, kind = 'info', key = message) =>
    set((s) => ({
      toasts: [...s.toasts.filter((t) => t.key !== key).slice(-(MAX_TOASTS - 1)), { id: newId(), key, kind, message }],
    })),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}))

/** key: the action the notice reports, when its sentence can differ from one time to the next. */
export const toast = {
  info: (m: string, key?: string) => useToasts.getState().show(m, 'info', key),
  success: (m: string, key?: string) => useToasts.getState().show(m, 'success', key),
  error: (m: string, key?: string) => useToasts.getState().show(m, 'error', key),
  /**
   * One action, one notice: what was done, and what went wrong beside it
   * (then the notice is an error, since a failed step is never shown as a
   * success; a warning that only informs passes 'info').
   */
  outcome: (done: string, warning?: string | null, warningKind: ToastKind = 'error', key?: string) =>
    warning ? useToasts.getState().show(`${done} ${warning}`, warningKind, key) : useToasts.getState().show(done, 'success', key),
}
