import { create } from 'zustand'
import * as api from '../api'
import type { ModelSpendReport, PublishResult, SandboxCostReport, SandboxMetric, SandboxStatus } from '../api'
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
  /** Cost reports and CPU/memory samples, loaded when the popover opens. */
  cost: Record<string, SandboxCostReport>
  metrics: Record<string, SandboxMetric[]>
  loadCost: (projectId: string) => Promise<void>
  /** Saves the monthly budget (dollars; 0 = none); false when refused (the toast says why). */
  setBudget: (projectId: string, usd: number) => Promise<boolean>
  /** The model's spend this month beside the sandbox's, loaded with the cost. */
  modelSpend: Record<string, ModelSpendReport>
  /** Saves the monthly model budget (dollars; 0 = none); false when refused (the toast says why). */
  setModelBudget: (projectId: string, usd: number) => Promise<boolean>
  /**
   * After a turn: reloads the model spend and says once per month and
   * level when it reached 80 % of the model budget (the refusal at 100 %
   * is the next turn's own error).
   */
  checkModelBudget: (projectId: string) => Promise<void>
  /** "<month>:<level>" last said per project. */
  modelWarned: Record<string, string>
  publish: (projectId: string, port: number, hours: number) => Promise<PublishResult | null>
  unpublish: (projectId: string) => Promise<void>
  /**
   * What E2B made of the last Publish when it differs from what was asked
   * (a plan that ends the sandbox sooner): shown in the published bar,
   * beside the link it is about, and gone with Unpublish.
   */
  publishNote: Record<string, string>
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
    publishNote: {},
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
    cost: {},
    metrics: {},
    modelSpend: {},
    loadCost: async (projectId) => {
      const [cost, metrics, spend] = await Promise.all([
        api.sandbox.cost(projectId).catch(() => null),
        api.sandbox.metrics(projectId).catch(() => [] as SandboxMetric[]),
        api.sandbox.modelSpend(projectId).catch(() => null),
      ])
      set((s) => ({
        cost: cost ? { ...s.cost, [projectId]: cost } : s.cost,
        metrics: { ...s.metrics, [projectId]: metrics },
        modelSpend: spend ? { ...s.modelSpend, [projectId]: spend } : s.modelSpend,
      }))
    },
    modelWarned: {},
    checkModelBudget: async (projectId) => {
      const spend = await api.sandbox.modelSpend(projectId).catch(() => null)
      if (!spend) return
      set((s) => ({ modelSpend: { ...s.modelSpend, [projectId]: spend } }))
      const said = `${spend.month}:${spend.level}`
      if (!spend.level || !spend.note || get().modelWarned[projectId] === said) return
      set((s) => ({ modelWarned: { ...s.modelWarned, [projectId]: said } }))
      toast.info(spend.note, `model-budget-${projectId}`)
    },
    setModelBudget: async (projectId, usd) => {
      try {
        await api.sandbox.setModelBudget(projectId, usd)
      } catch (e) {
        toast.error(errorMessage(e))
        return false
      }
      const spend = await api.sandbox.modelSpend(projectId).catch(() => null)
      if (spend) set((s) => ({ modelSpend: { ...s.modelSpend, [projectId]: spend } }))
      toast.success(usd > 0 ? `Monthly model budget set to $${usd.toFixed(2)}.` : 'The monthly model budget was removed.')
      return true
    },
    setBudget: async (projectId, usd) => {
      try {
        await api.sandbox.setBudget(projectId, usd)
      } catch (e) {
        toast.error(errorMessage(e))
        return false
      }
      const st = await api.sandbox.status(projectId).catch(() => null)
      if (st) put({ ...st, projectId: st.projectId || projectId })
      toast.success(usd > 0 ? `Monthly sandbox budget set to $${usd.toFixed(2)}.` : 'The monthly sandbox budget was removed.')
      return true
    },
    publish: async (projectId, port, hours) => {
      set((s) => ({ busy: { ...s.busy, [projectId]: true } }))
      try {
        const r = await api.sandbox.publish(projectId, port, hours)
        const st = await api.sandbox.status(projectId).catch(() => null)
        if (st) put({ ...st, projectId: st.projectId || projectId })
        set((s) => ({ publishNote: { ...s.publishNote, [projectId]: r?.note ?? '' } }))
        return r ?? null
      } catch (e) {
        toast.error(errorMessage(e))
        return null
      } finally {
        set((s) => ({ busy: { ...s.busy, [projectId]: false } }))
      }
    },
    unpublish: async (projectId) => {
      try {
        await api.sandbox.unpublish(projectId)
        set((s) => ({ publishNote: { ...s.publishNote, [projectId]: '' } }))
        const st = await api.sandbox.status(projectId).catch(() => null)
        if (st) put({ ...st, projectId: st.projectId || projectId })
      } catch (e) {
        toast.error(errorMessage(e))
      }
    },
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
