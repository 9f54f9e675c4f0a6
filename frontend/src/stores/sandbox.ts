import { create } from 'zustand'
import * as api from '../api'
import type { SandboxStatus } from '../api'
import { errorMessage } from '../api'
import { toast } from './toast'
import { useProjects } from './projects'

interface SandboxStoreState {
  byProject: Record<string, SandboxStatus>
  busy: Record<string, boolean>
  /** The project whose "sandbox:status:<id>" topic is followed. */
  following: string | null
  /**
   * Follows one project's sandbox: subscribes to its status topic (dropping
   * the previous project's) and loads SandboxService.Status. Calling it
   * again for the same project does nothing; null stops following.
   */
  follow: (projectId: string | null) => void
  pause: (projectId: string) => Promise<void>
  resume: (projectId: string) => Promise<void>
  restart: (projectId: string) => Promise<void>
}

let unfollow: (() => void) | null = null

export const useSandbox = create<SandboxStoreState>((set, get) => {
  const put = (st: SandboxStatus) =>
    set((s) => ({ byProject: { ...s.byProject, [st.projectId]: { ...s.byProject[st.projectId], ...st } } }))

  const action = (name: 'pause' | 'resume' | 'restart') => async (projectId: string) => {
    set((s) => ({ busy: { ...s.busy, [projectId]: true } }))
    try {
      await api.sandbox[name](projectId)
      const st = await api.sandbox.status(projectId).catch(() => null)
      if (st) put({ ...st, projectId: st.projectId || projectId })
      if (name === 'restart') toast.success("A fresh sandbox was built from the project's files.")
    } catch (e) {
      toast.error(errorMessage(e))
    } finally {
      set((s) => ({ busy: { ...s.busy, [projectId]: false } }))
    }
  }

  return {
    byProject: {},
    busy: {},
    following: null,
    follow: (projectId) => {
      if (get().following === projectId) return
      unfollow?.()
      unfollow = null
      set({ following: projectId })
      if (!projectId) return
      // A pushed update that arrives before the Status answer is newer: keep it.
      let pushed = false
      unfollow = api.subscribe<SandboxStatus>(api.topics.sandboxStatus(projectId), (st) => {
        if (!st) return
        pushed = true
        put({ ...st, projectId: st.projectId || projectId })
      })
      api.sandbox
        .status(projectId)
        .then((st) => {
          if (!pushed && st) put({ ...st, projectId: st.projectId || projectId })
        })
        .catch(() => {})
    },
    pause: action('pause'),
    resume: action('resume'),
    restart: action('restart'),
  }
})

/** Keeps the sandbox store on the current project (App calls it once started); returns the stop. */
export function followCurrentProject(): () => void {
  useSandbox.getState().follow(useProjects.getState().currentId)
  const off = useProjects.subscribe((s, prev) => {
    if (s.currentId !== prev.currentId) useSandbox.getState().follow(s.currentId)
  })
  return () => {
    off()
    useSandbox.getState().follow(null)
  }
}
