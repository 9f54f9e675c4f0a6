import { create } from 'zustand'
import * as api from '../api'
import type { SandboxStatus } from '../api'
import { errorMessage } from '../api'
import { toast } from './toast'

interface SandboxStoreState {
  byProject: Record<string, SandboxStatus>
  busy: Record<string, boolean>
  /** Loads the status and follows the pushed updates; returns the unsubscribe. */
  watch: (projectId: string) => () => void
  pause: (projectId: string) => Promise<void>
  resume: (projectId: string) => Promise<void>
  restart: (projectId: string) => Promise<void>
}

export const useSandbox = create<SandboxStoreState>((set) => {
  const put = (st: SandboxStatus) =>
    set((s) => ({ byProject: { ...s.byProject, [st.projectId]: { ...s.byProject[st.projectId], ...st } } }))

  const action = (name: 'pause' | 'resume' | 'restart') => async (projectId: string) => {
    set((s) => ({ busy: { ...s.busy, [projectId]: true } }))
    try {
      await api.sandbox[name](projectId)
      const st = await api.sandbox.status(projectId).catch(() => null)
      if (st) put({ ...st, projectId: st.projectId || projectId })
    } catch (e) {
      toast.error(errorMessage(e))
    } finally {
      set((s) => ({ busy: { ...s.busy, [projectId]: false } }))
    }
  }

  return {
    byProject: {},
    busy: {},
    watch: (projectId) => {
      // A pushed update that arrives before the Status answer is newer: keep it.
      let pushed = false
      const off = api.subscribe<SandboxStatus>(api.topics.sandboxStatus(projectId), (st) => {
        if (!st) return
        pushed = true
        put({ ...st, projectId: st.projectId || projectId })
      })
      api.sandbox
        .status(projectId)
        .then((st) => {
          if (!pushed) put({ ...st, projectId: st.projectId || projectId })
        })
        .catch(() => {})
      return off
    },
    pause: action('pause'),
    resume: action('resume'),
    restart: action('restart'),
  }
})
